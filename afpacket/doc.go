// Package afpacket is the live capture stage of Vigil: AF_PACKET TPACKET_V3
// rings joined in a fanout group, one ring per worker, per interface.
//
// It consumes an interface name and Options and produces raw Ethernet
// frames. Open returns a Source per interface holding one Ring per worker;
// all rings of a Source are in one fanout group (by default the symmetric
// flow hash with IP defragmentation), so both directions of a flow reach the
// same ring and hence the same worker. Several interfaces are several
// Sources (OpenAll), each with its own group.
//
// Filtering happens in the kernel, before packets are copied into a ring:
// either a tcpdump-syntax expression (Options.BPFFilter, compiled to classic
// BPF with libpcap) or the eBPF program of package bpf (Options.ProgramFD or
// Ring.AttachFilter, SO_ATTACH_BPF). A socket has one filter, so the two
// exclude each other.
//
// Buffer ownership: Ring.Read is zero-copy. The returned frame points into
// the ring's shared memory and is valid only until the next Read or Close on
// that ring, after which the kernel may overwrite it; anyone keeping bytes
// (reassembly, alert payloads) copies them. Read allocates nothing.
//
// Concurrency: a Ring is read by one goroutine (its worker). Stats and
// AttachFilter may be called from any goroutine. Close must not race with
// Read; Read returns ErrTimeout every Options.PollTimeout so a worker can
// notice shutdown, stop, and then Close.
//
// The ring itself is implemented here on golang.org/x/sys/unix rather than
// with gopacket/afpacket.TPacket, because TPacket does not expose its socket
// descriptor (needed for SO_ATTACH_BPF and for attaching filters before
// bind), needs cgo, and allocates per VLAN-tagged packet. gopacket's pcap
// binding is used to compile filter expressions. Opening rings needs
// CAP_NET_RAW (CAP_NET_ADMIN for promiscuous mode).
package afpacket
