//go:build linux

package afpacket

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Errors returned by Ring.Read.
var (
	// ErrTimeout means no packet arrived within Options.PollTimeout. It is
	// not a failure: the reader checks for shutdown and reads again.
	ErrTimeout = errors.New("afpacket: poll timeout")
	// ErrClosed means the ring was closed.
	ErrClosed = errors.New("afpacket: ring closed")
	// ErrNotSupported is wrapped when the kernel lacks a needed feature
	// (TPACKET_V3, a fanout mode, eBPF socket filters).
	ErrNotSupported = errors.New("afpacket: not supported by the kernel")
)

// Info describes a frame returned by Ring.Read.
type Info struct {
	// Timestamp is the kernel's receive time.
	Timestamp time.Time
	// CaptureLength is len(frame); Length is the length on the wire.
	CaptureLength, Length int
	// VLAN is the 802.1Q tag the NIC or driver stripped from the frame
	// (hardware VLAN offload), valid when VLANValid. Tags still in the frame
	// are left for the decoder.
	VLAN      uint16
	VLANValid bool
	// Ifindex is the interface the frame was received on.
	Ifindex int
}

// Ring is one TPACKET_V3 receive ring (one AF_PACKET socket with its own
// mmap'd block ring), usually one of a fanout group. Read must be called
// from one goroutine at a time (a ring belongs to one worker); Stats,
// AttachFilter and Fd are safe to call concurrently with it. Close must not
// run concurrently with Read: stop the reader first (Read returns at least
// every Options.PollTimeout).
type Ring struct {
	fd          int
	ring        []byte // mmap'd: NumBlocks blocks of BlockSize bytes
	blockSize   int
	numBlocks   int
	pollTimeout int // ms
	ifindex     int
	classic     bool // a classic filter from Options.BPFFilter is attached

	// Reader state, touched only by Read.
	blk    int                // index of the current block
	cur    *unix.TpacketHdrV1 // current block header, nil when none held
	left   uint32             // packets left in cur
	off    int                // offset in the ring of the next packet
	pfd    [1]unix.PollFd
	closed atomic.Bool

	statsMu sync.Mutex
	stats   Stats // accumulated: the kernel resets its counters on every read
}

// Stats are a ring's kernel counters since it was opened.
type Stats struct {
	// Packets is what the kernel tried to queue on the ring after the
	// socket filter: delivered plus dropped.
	Packets uint64
	// Drops counts packets dropped because the ring was full.
	Drops uint64
	// QueueFreezes counts how often the ring filled up and the kernel froze
	// the queue until user space released a block.
	QueueFreezes uint64
}

// Add returns s + o.
func (s Stats) Add(o Stats) Stats {
	return Stats{Packets: s.Packets + o.Packets, Drops: s.Drops + o.Drops, QueueFreezes: s.QueueFreezes + o.QueueFreezes}
}

// openRing opens one ring on ifi; o must come from withDefaults. When
// fanout is non-nil the ring joins (or creates, when fanout.id == 0) that
// group and fanout.id is set to the group's id.
func openRing(o Options, ifi *net.Interface, classic []unix.SockFilter, fanout *fanoutGroup) (_ *Ring, err error) {
	// Protocol 0: the socket receives nothing until bind, so no packet
	// bypasses the filters attached below.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open AF_PACKET socket: %w", err)
	}
	r := &Ring{fd: fd, blockSize: o.BlockSize, numBlocks: o.NumBlocks, pollTimeout: int(o.PollTimeout / time.Millisecond), ifindex: ifi.Index}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("set TPACKET_V3: %w: %w", ErrNotSupported, err)
	}
	req := unix.TpacketReq3{
		Block_size:     uint32(o.BlockSize),
		Block_nr:       uint32(o.NumBlocks),
		Frame_size:     frameSize,
		Frame_nr:       uint32(o.BlockSize / frameSize * o.NumBlocks),
		Retire_blk_tov: uint32(o.BlockTimeout / time.Millisecond),
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("set up rx ring (%d blocks of %d bytes): %w", o.NumBlocks, o.BlockSize, err)
	}
	r.ring, err = unix.Mmap(fd, 0, o.BlockSize*o.NumBlocks, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap rx ring: %w", err)
	}
	if len(classic) > 0 {
		if err := attachClassic(fd, classic); err != nil {
			return nil, err
		}
		r.classic = true
	}
	if o.ProgramFD > 0 {
		if err := r.AttachFilter(o.ProgramFD); err != nil {
			return nil, err
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
		return nil, fmt.Errorf("bind to %s: %w", ifi.Name, err)
	}
	if o.Promisc {
		mreq := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			return nil, fmt.Errorf("promiscuous mode on %s: %w", ifi.Name, err)
		}
	}
	if fanout != nil {
		if err := fanout.join(fd); err != nil {
			return nil, err
		}
	}
	r.pfd[0] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN | unix.POLLERR}
	return r, nil
}

// fanoutGroup is the fanout setting shared by the rings of one interface.
type fanoutGroup struct {
	id    uint16
	known bool // id is set (the kernel may pick 0 itself)
	mode  int  // PACKET_FANOUT_* | PACKET_FANOUT_FLAG_*, the option's high 16 bits
}

func (g *fanoutGroup) join(fd int) error {
	mode := g.mode
	if !g.known {
		mode |= unix.PACKET_FANOUT_FLAG_UNIQUEID
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_FANOUT, mode<<16|int(g.id)); err != nil {
		if errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("join fanout group %d (mode %#x): %w: %w", g.id, g.mode, ErrNotSupported, err)
		}
		return fmt.Errorf("join fanout group %d (mode %#x): %w", g.id, g.mode, err)
	}
	if !g.known {
		v, err := unix.GetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_FANOUT)
		if err != nil {
			return fmt.Errorf("read fanout group id: %w", err)
		}
		g.id, g.known = uint16(v), true
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// AttachFilter attaches the eBPF socket filter program progFD
// (SO_ATTACH_BPF), replacing any filter the ring has. Packets already in
// the ring were not filtered; prefer Options.ProgramFD, which attaches
// before the socket is bound. It fails when the ring has a classic filter
// from Options.BPFFilter, which the program would silently replace.
func (r *Ring) AttachFilter(progFD int) error {
	if r.classic {
		return errors.New("attach eBPF filter: the ring has a BPF filter expression, which it would replace")
	}
	if err := unix.SetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ATTACH_BPF, progFD); err != nil {
		if errors.Is(err, unix.ENOPROTOOPT) || errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("attach eBPF filter %d: %w: %w", progFD, ErrNotSupported, err)
		}
		return fmt.Errorf("attach eBPF filter %d: %w", progFD, err)
	}
	return nil
}

// Fd returns the ring's socket descriptor, for socket options this package
// does not wrap. It is owned by the ring and valid until Close.
func (r *Ring) Fd() int { return r.fd }

// Ifindex returns the index of the ring's interface.
func (r *Ring) Ifindex() int { return r.ifindex }

func (r *Ring) block(i int) *unix.TpacketHdrV1 {
	// The block descriptor starts with version and offset_to_priv (two
	// uint32), then the tpacket_hdr_v1 union member.
	return (*unix.TpacketHdrV1)(unsafe.Pointer(&r.ring[i*r.blockSize+8]))
}

// Read returns the next frame, without copying. The frame points into the
// ring and is valid only until the next Read or Close on this ring: whoever
// keeps bytes (reassembly, alert payload) must copy them. Read returns
// ErrTimeout when no packet arrived within Options.PollTimeout and ErrClosed
// after Close. It allocates nothing.
func (r *Ring) Read() ([]byte, Info, error) {
	if r.closed.Load() {
		return nil, Info{}, ErrClosed
	}
	for {
		if r.left > 0 {
			return r.next()
		}
		if r.cur != nil {
			// Hand the finished block back to the kernel. This is what
			// invalidates the frames returned from it.
			atomic.StoreUint32(&r.cur.Block_status, unix.TP_STATUS_KERNEL)
			r.cur = nil
			r.blk++
			if r.blk == r.numBlocks {
				r.blk = 0
			}
		}
		b := r.block(r.blk)
		if atomic.LoadUint32(&b.Block_status)&unix.TP_STATUS_USER == 0 {
			n, err := unix.Poll(r.pfd[:], r.pollTimeout)
			switch {
			case errors.Is(err, unix.EINTR):
				continue
			case err != nil:
				return nil, Info{}, fmt.Errorf("poll ring: %w", err)
			case n == 0:
				return nil, Info{}, ErrTimeout
			case r.pfd[0].Revents&unix.POLLERR != 0:
				// A pending socket error, e.g. ENETDOWN when the interface
				// goes down. Reading SO_ERROR clears it.
				if e, gerr := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ERROR); gerr == nil && e != 0 {
					return nil, Info{}, fmt.Errorf("ring socket: %w", unix.Errno(e))
				}
			}
			continue
		}
		r.cur = b
		r.left = b.Num_pkts
		r.off = r.blk*r.blockSize + int(b.Offset_to_first_pkt)
	}
}

func (r *Ring) next() ([]byte, Info, error) {
	h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&r.ring[r.off]))
	start := r.off + int(h.Mac)
	frame := r.ring[start : start+int(h.Snaplen) : start+int(h.Snaplen)]
	info := Info{
		Timestamp:     time.Unix(int64(h.Sec), int64(h.Nsec)),
		CaptureLength: int(h.Snaplen),
		Length:        int(h.Len),
		Ifindex:       r.ifindex,
	}
	if h.Status&unix.TP_STATUS_VLAN_VALID != 0 {
		info.VLAN = uint16(h.Hv1.Vlan_tci & 0x0fff)
		info.VLANValid = true
	}
	r.left--
	r.off += int(h.Next_offset)
	return frame, info, nil
}

// Stats reads the kernel counters of the ring (PACKET_STATISTICS) and
// returns their totals since the ring was opened.
func (r *Ring) Stats() (Stats, error) {
	r.statsMu.Lock()
	defer r.statsMu.Unlock()
	s, err := unix.GetsockoptTpacketStatsV3(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return Stats{}, fmt.Errorf("read ring statistics: %w", err)
	}
	// The kernel's tp_packets already includes tp_drops.
	r.stats.Packets += uint64(s.Packets)
	r.stats.Drops += uint64(s.Drops)
	r.stats.QueueFreezes += uint64(s.Freeze_q_cnt)
	return r.stats, nil
}

// Close unmaps the ring and closes the socket. It is idempotent. Frames
// returned by Read are invalid afterwards.
func (r *Ring) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	var errs []error
	if r.ring != nil {
		if err := unix.Munmap(r.ring); err != nil {
			errs = append(errs, fmt.Errorf("unmap ring: %w", err))
		}
		r.ring = nil
	}
	if err := unix.Close(r.fd); err != nil {
		errs = append(errs, fmt.Errorf("close ring socket: %w", err))
	}
	return errors.Join(errs...)
}
