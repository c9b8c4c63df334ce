//go:build linux

package afpacket

import (
	"errors"
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// Source is the set of rings capturing one interface: one ring per worker,
// all in one fanout group, so the kernel spreads the interface's packets
// over them (by flow with FanoutHash). Its methods other than Close are
// safe for concurrent use.
type Source struct {
	iface    string
	fanoutID uint16
	rings    []*Ring
}

// Open opens n rings on opts.Interface and joins them to one fanout group.
// It needs CAP_NET_RAW (and CAP_NET_ADMIN for Promisc). A bad
// Options.BPFFilter gives an error wrapping ErrBadFilter before any socket
// is opened.
func Open(opts Options, n int) (*Source, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", opts.Interface, err)
	}
	if n < 1 {
		return nil, fmt.Errorf("open %s: %d rings: want at least 1", o.Interface, n)
	}
	return openSource(o, n)
}

func openSource(o Options, n int) (*Source, error) {
	var filter []unix.SockFilter
	if o.BPFFilter != "" {
		var err error
		if filter, err = CompileFilter(o.BPFFilter, o.SnapLen); err != nil {
			return nil, fmt.Errorf("open %s: %w", o.Interface, err)
		}
	}
	ifi, err := net.InterfaceByName(o.Interface)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", o.Interface, err)
	}
	mode, _ := o.FanoutType.kernel()
	if o.Defrag {
		mode |= unix.PACKET_FANOUT_FLAG_DEFRAG
	}
	g := &fanoutGroup{id: o.FanoutID, known: o.FanoutID != 0, mode: mode}
	s := &Source{iface: o.Interface}
	for i := 0; i < n; i++ {
		r, err := openRing(o, ifi, filter, g)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open %s ring %d of %d: %w", o.Interface, i+1, n, err)
		}
		s.rings = append(s.rings, r)
	}
	s.fanoutID = g.id
	return s, nil
}

// OpenAll opens n rings on each interface of opts (one Source each, each
// with its own fanout group). On error it closes what it opened.
func OpenAll(opts []Options, n int) ([]*Source, error) {
	srcs := make([]*Source, 0, len(opts))
	for _, o := range opts {
		s, err := Open(o, n)
		if err != nil {
			for _, s := range srcs {
				s.Close()
			}
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// Interface returns the interface name.
func (s *Source) Interface() string { return s.iface }

// FanoutID returns the fanout group id (picked by the kernel when
// Options.FanoutID was 0).
func (s *Source) FanoutID() uint16 { return s.fanoutID }

// Rings returns the rings, one per worker. The slice is the Source's own;
// do not modify it.
func (s *Source) Rings() []*Ring { return s.rings }

// AttachFilter attaches the eBPF socket filter progFD to every ring; see
// Ring.AttachFilter.
func (s *Source) AttachFilter(progFD int) error {
	for i, r := range s.rings {
		if err := r.AttachFilter(progFD); err != nil {
			return fmt.Errorf("%s ring %d: %w", s.iface, i, err)
		}
	}
	return nil
}

// Stats returns the kernel counters summed over the rings.
func (s *Source) Stats() (Stats, error) {
	var sum Stats
	for i, r := range s.rings {
		st, err := r.Stats()
		if err != nil {
			return Stats{}, fmt.Errorf("%s ring %d: %w", s.iface, i, err)
		}
		sum = sum.Add(st)
	}
	return sum, nil
}

// Close closes every ring; readers must have stopped (see Ring.Close).
func (s *Source) Close() error {
	var errs []error
	for _, r := range s.rings {
		if err := r.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
