package shape

import (
	"context"
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"
	"github.com/ti-mo/conntrack"

	"vigil/engine/verdict"
)

// Options configures the hook.
type Options struct {
	// NetNSFd, when non-zero, is a network namespace descriptor to work
	// in (tests); 0 is the process's namespace.
	NetNSFd int
}

// Hook sets conntrack marks.
type Hook struct {
	conn *conntrack.Conn
}

// New opens a ctnetlink connection.
func New(o Options) (*Hook, error) {
	c, err := conntrack.Dial(&netlink.Config{NetNS: o.NetNSFd})
	if err != nil {
		return nil, fmt.Errorf("conntrack: %w", err)
	}
	return &Hook{conn: c}, nil
}

// Name is "shape".
func (h *Hook) Name() string { return "shape" }

// Concurrency is 1.
func (h *Hook) Concurrency() int { return 1 }

// MaxBatch is 64.
func (h *Hook) MaxBatch() int { return 64 }

// Apply sets the mark of each mark verdict's flow; other actions are not
// this hook's.
func (h *Hook) Apply(_ context.Context, vs []*verdict.Verdict) error {
	var errs []error
	for _, v := range vs {
		if v.Action != verdict.ActionMark || v.Req == nil {
			continue
		}
		if err := h.Mark(v.Req.Flow, v.Mark); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Mark sets the conntrack mark of the flow whose original tuple is k.
func (h *Hook) Mark(k verdict.FlowKey, mark uint32) error {
	switch k.Proto {
	case 6, 17, 132:
	default:
		return fmt.Errorf("conntrack mark: protocol %d has no ports to match", k.Proto)
	}
	var f conntrack.Flow
	f.TupleOrig.IP.SourceAddress, f.TupleOrig.IP.DestinationAddress = k.Src.Unmap(), k.Dst.Unmap()
	f.TupleOrig.Proto.Protocol = k.Proto
	f.TupleOrig.Proto.SourcePort, f.TupleOrig.Proto.DestinationPort = k.SrcPort, k.DstPort
	f.Mark = mark
	if err := h.conn.Update(f); err != nil {
		return fmt.Errorf("conntrack mark %s:%d -> %s:%d: %w", k.Src, k.SrcPort, k.Dst, k.DstPort, err)
	}
	return nil
}

// Get returns the conntrack mark of the flow whose original tuple is k.
func (h *Hook) Get(k verdict.FlowKey) (uint32, error) {
	f := conntrack.NewFlow(k.Proto, 0, k.Src.Unmap(), k.Dst.Unmap(), k.SrcPort, k.DstPort, 0, 0)
	got, err := h.conn.Get(f)
	if err != nil {
		return 0, fmt.Errorf("conntrack get: %w", err)
	}
	return got.Mark, nil
}

// Close closes the connection.
func (h *Hook) Close() error { return h.conn.Close() }
