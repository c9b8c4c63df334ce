// Package decode turns raw frames into packet.Packet fields: the decode stage
// of Vigil's packet path, between capture (afpacket or pcapfile) and flow
// tracking.
//
// It consumes a link type and a frame and fills a caller-owned
// *packet.Packet in place: link layers (Ethernet, 802.1Q/QinQ, MPLS, PPPoE
// session, PPP with or without HDLC framing, Linux SLL/SLL2, raw IP, BSD
// null/loop), IPv4 with options, IPv6
// with extension headers, TCP with options, UDP, ICMPv4, ICMPv6, SCTP ports,
// and tunnels (GRE incl. ERSPAN II/III, VXLAN, Geneve, IP-in-IP, 6in4, 4in6,
// 6in6, Teredo). For a tunnelled packet the inner packet's fields replace the
// outer ones and the outer addresses are kept in Packet.Outer*.
//
// Malformed input never panics and never returns an error: it becomes
// Suricata-named decoder events on the packet (packet.Event) plus per-decoder
// counters in Stats. Checksums are validated per Options.Checksum with
// Suricata's -k meaning (all: IPv4 header, TCP, UDP, ICMPv4 and ICMPv6
// checksums are checked and marked invalid; none: nothing is checked).
//
// IP fragments are decoded down to the IP layer only (Packet.IsFragment and
// Packet.Frag say where the fragment data is); the caller hands them to
// engine/defrag and decodes the reassembled datagram with DecodeIP.
//
// Ownership and concurrency: the Packet's Data and Payload alias the frame
// passed in; nothing is copied and nothing is allocated per packet. A
// Decoder holds per-worker counters and is not safe for concurrent use; use
// one per worker.
package decode
