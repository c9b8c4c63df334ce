//go:build linux

package afpacket

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// FanoutType selects how the kernel spreads an interface's packets over the
// rings of one fanout group.
type FanoutType uint8

// Fanout modes. FanoutHash is the zero value and the default: it hashes the
// flow symmetrically, so both directions of a flow reach the same ring (and
// worker), which Vigil's flow tracking requires. The others do not keep
// flows together and are for experiments and benchmarks only.
const (
	FanoutHash FanoutType = iota // symmetric flow hash (PACKET_FANOUT_HASH)
	FanoutLB                     // round robin (PACKET_FANOUT_LB)
	FanoutCPU                    // the receiving CPU (PACKET_FANOUT_CPU)
	FanoutQM                     // the NIC's receive queue (PACKET_FANOUT_QM)
)

var fanoutNames = [...]string{FanoutHash: "hash", FanoutLB: "lb", FanoutCPU: "cpu", FanoutQM: "qm"}

// String returns the configuration name of t ("hash", "lb", "cpu", "qm").
func (t FanoutType) String() string {
	if int(t) < len(fanoutNames) {
		return fanoutNames[t]
	}
	return fmt.Sprintf("FanoutType(%d)", uint8(t))
}

// ParseFanoutType parses a configuration name as printed by String.
func ParseFanoutType(s string) (FanoutType, error) {
	for i, n := range fanoutNames {
		if n == s {
			return FanoutType(i), nil
		}
	}
	return 0, fmt.Errorf("unknown fanout type %q (want hash, lb, cpu or qm)", s)
}

func (t FanoutType) kernel() (int, error) {
	switch t {
	case FanoutHash:
		return unix.PACKET_FANOUT_HASH, nil
	case FanoutLB:
		return unix.PACKET_FANOUT_LB, nil
	case FanoutCPU:
		return unix.PACKET_FANOUT_CPU, nil
	case FanoutQM:
		return unix.PACKET_FANOUT_QM, nil
	}
	return 0, fmt.Errorf("unknown fanout type %d", uint8(t))
}

// Defaults used for zero-valued Options fields.
const (
	DefaultBlockSize    = 1 << 20 // bytes per ring block
	DefaultNumBlocks    = 32      // blocks per ring: 32 MiB per ring
	DefaultBlockTimeout = 10 * time.Millisecond
	DefaultPollTimeout  = 100 * time.Millisecond
	DefaultSnapLen      = 65535 // for compiling BPFFilter only
	frameSize           = 2048  // nominal; TPACKET_V3 packs frames of any size
)

// Options configures the rings of one interface. Zero fields take the
// defaults above, except Defrag, whose zero value means off: DefaultOptions
// turns it on.
type Options struct {
	// Interface is the network interface to capture on (required).
	Interface string
	// FanoutID is the fanout group id. 0 lets the kernel pick an unused id
	// (PACKET_FANOUT_FLAG_UNIQUEID), which is what Vigil wants unless an
	// external process must join the group.
	FanoutID uint16
	// FanoutType is the fanout mode; the default FanoutHash keeps both
	// directions of a flow on one ring.
	FanoutType FanoutType
	// Defrag reassembles IP fragments before hashing so that all fragments
	// of a datagram reach one ring (PACKET_FANOUT_FLAG_DEFRAG). Only
	// meaningful with FanoutHash.
	Defrag bool
	// BlockSize is the size of a ring block in bytes: a multiple of the page
	// size, and larger than the biggest frame to capture.
	BlockSize int
	// NumBlocks is the number of blocks of each ring.
	NumBlocks int
	// BlockTimeout is how long the kernel fills a block before handing it
	// over partly filled (millisecond granularity).
	BlockTimeout time.Duration
	// PollTimeout bounds how long Ring.Read waits; it then returns
	// ErrTimeout, so a reader can check for shutdown.
	PollTimeout time.Duration
	// Promisc puts the interface in promiscuous mode while the rings are
	// open (the kernel counts the requests and undoes them on close).
	Promisc bool
	// BPFFilter is a tcpdump/pcap filter expression compiled with libpcap
	// into classic BPF and attached to every ring. It cannot be combined
	// with ProgramFD or Ring.AttachFilter: a socket has one filter.
	BPFFilter string
	// SnapLen is the snapshot length BPFFilter is compiled for.
	SnapLen int
	// ProgramFD, when > 0, is an eBPF socket filter program (bpf.Filter.FD)
	// attached to every ring before it is bound, so that no packet escapes
	// it. The rings hold their own reference; the caller keeps ownership.
	ProgramFD int
}

// DefaultOptions returns the recommended options for capturing on iface:
// hash fanout with defragmentation and default ring sizes.
func DefaultOptions(iface string) Options {
	return Options{
		Interface:    iface,
		FanoutType:   FanoutHash,
		Defrag:       true,
		BlockSize:    DefaultBlockSize,
		NumBlocks:    DefaultNumBlocks,
		BlockTimeout: DefaultBlockTimeout,
		PollTimeout:  DefaultPollTimeout,
		SnapLen:      DefaultSnapLen,
	}
}

// withDefaults validates o and fills zero fields.
func (o Options) withDefaults() (Options, error) {
	if o.Interface == "" {
		return o, errors.New("no interface")
	}
	if _, err := o.FanoutType.kernel(); err != nil {
		return o, err
	}
	if o.Defrag && o.FanoutType != FanoutHash {
		return o, fmt.Errorf("defrag needs fanout type hash, not %v", o.FanoutType)
	}
	if o.BPFFilter != "" && o.ProgramFD > 0 {
		return o, errors.New("both a BPF filter expression and an eBPF program: a socket has one filter")
	}
	if o.BlockSize == 0 {
		o.BlockSize = DefaultBlockSize
	}
	if o.NumBlocks == 0 {
		o.NumBlocks = DefaultNumBlocks
	}
	if o.BlockTimeout == 0 {
		o.BlockTimeout = DefaultBlockTimeout
	}
	if o.PollTimeout == 0 {
		o.PollTimeout = DefaultPollTimeout
	}
	if o.SnapLen == 0 {
		o.SnapLen = DefaultSnapLen
	}
	page := os.Getpagesize()
	switch {
	case o.BlockSize < page || o.BlockSize%page != 0:
		return o, fmt.Errorf("block size %d: want a positive multiple of the page size %d", o.BlockSize, page)
	case o.NumBlocks < 1:
		return o, fmt.Errorf("number of blocks %d: want at least 1", o.NumBlocks)
	case o.BlockTimeout < time.Millisecond:
		return o, fmt.Errorf("block timeout %v: want at least 1ms", o.BlockTimeout)
	case o.PollTimeout < time.Millisecond:
		return o, fmt.Errorf("poll timeout %v: want at least 1ms", o.PollTimeout)
	case o.SnapLen < 1:
		return o, fmt.Errorf("snap length %d: want at least 1", o.SnapLen)
	}
	return o, nil
}
