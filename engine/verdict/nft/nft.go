package nft

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"

	"vigil/engine/verdict"
)

// Options configures the hook.
type Options struct {
	// Table is the table name in family inet (default "vigil").
	Table string
	// ManageTable creates the table and its chains; otherwise only the
	// sets are written.
	ManageTable bool
	// MaxBlocked is the size of the block sets.
	MaxBlocked int
	// Timeout is the sets' default element timeout (each element carries
	// its own too).
	Timeout time.Duration
	// NetNSFd, when non-zero, is a network namespace descriptor to work
	// in (tests); 0 is the process's namespace.
	NetNSFd int
}

// Hook writes block verdicts to nftables sets.
type Hook struct {
	mu             sync.Mutex
	conn           *nftables.Conn
	table          *nftables.Table
	block4, block6 *nftables.Set
	allow4, allow6 *nftables.Set
	opts           Options
}

// Set and chain names.
const (
	SetBlock4 = "block4"
	SetBlock6 = "block6"
	SetAllow4 = "allow4"
	SetAllow6 = "allow6"
	// Priority is the base chains' priority: before the filter chains at
	// 0 that users usually have.
	Priority = -10
)

// New connects to netfilter and sets up the table (ManageTable) or checks
// that it exists, then creates the sets that are missing.
func New(o Options) (*Hook, error) {
	if o.Table == "" {
		o.Table = "vigil"
	}
	if o.MaxBlocked <= 0 {
		o.MaxBlocked = 65536
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	opts := []nftables.ConnOption{nftables.AsLasting()}
	if o.NetNSFd != 0 {
		opts = append(opts, nftables.WithNetNSFd(o.NetNSFd))
	}
	c, err := nftables.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	h := &Hook{conn: c, opts: o}
	if err := h.setup(); err != nil {
		c.CloseLasting()
		return nil, fmt.Errorf("nftables table inet %s: %w", o.Table, err)
	}
	return h, nil
}

func (h *Hook) setup() error {
	c := h.conn
	if h.opts.ManageTable {
		h.table = c.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: h.opts.Table})
	} else {
		t, err := c.ListTableOfFamily(h.opts.Table, nftables.TableFamilyINet)
		if err != nil {
			return fmt.Errorf("manage-table is off and the table does not exist: %w", err)
		}
		h.table = t
	}
	existing := map[string]*nftables.Set{}
	if h.opts.ManageTable {
		if err := c.Flush(); err != nil { // the table must exist before GetSets
			return err
		}
	}
	sets, err := c.GetSets(h.table)
	if err != nil {
		return fmt.Errorf("list sets: %w", err)
	}
	for _, s := range sets {
		existing[s.Name] = s
	}
	want := []struct {
		dst      **nftables.Set
		name     string
		key      nftables.SetDatatype
		interval bool
	}{
		{&h.block4, SetBlock4, nftables.TypeIPAddr, false},
		{&h.block6, SetBlock6, nftables.TypeIP6Addr, false},
		{&h.allow4, SetAllow4, nftables.TypeIPAddr, true},
		{&h.allow6, SetAllow6, nftables.TypeIP6Addr, true},
	}
	for _, w := range want {
		if s, ok := existing[w.name]; ok {
			s.Table = h.table
			*w.dst = s
			continue
		}
		s := &nftables.Set{Table: h.table, Name: w.name, KeyType: w.key}
		if w.interval {
			s.Interval = true
		} else {
			s.HasTimeout, s.Timeout, s.Size = true, h.opts.Timeout, uint32(h.opts.MaxBlocked)
		}
		if err := c.AddSet(s, nil); err != nil {
			return fmt.Errorf("add set %s: %w", w.name, err)
		}
		*w.dst = s
	}
	if h.opts.ManageTable {
		for _, hook := range []struct {
			name string
			hook *nftables.ChainHook
		}{{"input", nftables.ChainHookInput}, {"forward", nftables.ChainHookForward}} {
			policy := nftables.ChainPolicyAccept
			ch := c.AddChain(&nftables.Chain{Name: hook.name, Table: h.table, Type: nftables.ChainTypeFilter,
				Hooknum: hook.hook, Priority: nftables.ChainPriorityRef(Priority), Policy: &policy})
			c.FlushChain(ch) // a restart rewrites the rules instead of doubling them
			for _, r := range []struct {
				proto byte
				set   *nftables.Set
				kind  expr.VerdictKind
			}{
				{unix.NFPROTO_IPV4, h.allow4, expr.VerdictAccept},
				{unix.NFPROTO_IPV6, h.allow6, expr.VerdictAccept},
				{unix.NFPROTO_IPV4, h.block4, expr.VerdictDrop},
				{unix.NFPROTO_IPV6, h.block6, expr.VerdictDrop},
			} {
				c.AddRule(&nftables.Rule{Table: h.table, Chain: ch, Exprs: saddrIn(r.proto, r.set, r.kind)})
			}
		}
	}
	return c.Flush()
}

// saddrIn is `ip saddr @set <verdict>` (or ip6) with a counter.
func saddrIn(proto byte, s *nftables.Set, kind expr.VerdictKind) []expr.Any {
	off, n := uint32(12), uint32(4)
	if proto == unix.NFPROTO_IPV6 {
		off, n = 8, 16
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID},
		&expr.Counter{},
		&expr.Verdict{Kind: kind},
	}
}

// Name is "nft".
func (h *Hook) Name() string { return "nft" }

// Concurrency is 1: one writer keeps transactions ordered.
func (h *Hook) Concurrency() int { return 1 }

// MaxBatch is 256 elements per transaction.
func (h *Hook) MaxBatch() int { return 256 }

// Apply adds block verdicts and deletes unblock verdicts ("expired" ones
// are left to the kernel), in one transaction each.
func (h *Hook) Apply(_ context.Context, vs []*verdict.Verdict) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var add4, add6, del4, del6 []nftables.SetElement
	for _, v := range vs {
		a := v.Addr.Unmap()
		el := nftables.SetElement{Key: a.AsSlice()}
		switch {
		case v.Action == verdict.ActionBlock:
			el.Timeout = v.Duration
			if a.Is4() {
				add4 = append(add4, el)
			} else {
				add6 = append(add6, el)
			}
		case v.Action == verdict.ActionUnblock && v.Reason != "expired":
			if a.Is4() {
				del4 = append(del4, el)
			} else {
				del6 = append(del6, el)
			}
		}
	}
	var errs []error
	if len(add4)+len(add6) > 0 {
		errs = append(errs, h.write(h.conn.SetAddElements, add4, add6))
	}
	if len(del4)+len(del6) > 0 {
		if err := h.write(h.conn.SetDeleteElements, del4, del6); err != nil {
			// One element the kernel already expired fails the whole
			// transaction: retry one by one, ignoring those.
			for _, el := range append(del4, del6...) {
				e4, e6 := []nftables.SetElement{el}, []nftables.SetElement(nil)
				if len(el.Key) == 16 {
					e4, e6 = nil, e4
				}
				if err := h.write(h.conn.SetDeleteElements, e4, e6); err != nil && !errors.Is(err, unix.ENOENT) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func (h *Hook) write(op func(*nftables.Set, []nftables.SetElement) error, v4, v6 []nftables.SetElement) error {
	if len(v4) > 0 {
		if err := op(h.block4, v4); err != nil {
			return err
		}
	}
	if len(v6) > 0 {
		if err := op(h.block6, v6); err != nil {
			return err
		}
	}
	if err := h.conn.Flush(); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	return nil
}

// SetAllow replaces the allow sets' contents with prefixes.
func (h *Hook) SetAllow(_ context.Context, prefixes []netip.Prefix) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conn.FlushSet(h.allow4)
	h.conn.FlushSet(h.allow6)
	var e4, e6 []nftables.SetElement
	for _, p := range mergePrefixes(prefixes) {
		start := p.Masked().Addr()
		els := []nftables.SetElement{{Key: start.AsSlice()}}
		if end, ok := lastAddr(p); ok {
			if next := end.Next(); next.IsValid() {
				els = append(els, nftables.SetElement{Key: next.AsSlice(), IntervalEnd: true})
			}
		}
		if start.Is4() {
			e4 = append(e4, els...)
		} else {
			e6 = append(e6, els...)
		}
	}
	if len(e4) > 0 {
		if err := h.conn.SetAddElements(h.allow4, e4); err != nil {
			return err
		}
	}
	if len(e6) > 0 {
		if err := h.conn.SetAddElements(h.allow6, e6); err != nil {
			return err
		}
	}
	if err := h.conn.Flush(); err != nil {
		return fmt.Errorf("nftables: allow sets: %w", err)
	}
	return nil
}

// Restore reads the block sets back.
func (h *Hook) Restore() ([]verdict.Restored, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []verdict.Restored
	for _, s := range []*nftables.Set{h.block4, h.block6} {
		els, err := h.conn.GetSetElements(s)
		if err != nil {
			return nil, fmt.Errorf("nftables: read set %s: %w", s.Name, err)
		}
		for _, e := range els {
			a, ok := netip.AddrFromSlice(e.Key)
			if !ok {
				continue
			}
			out = append(out, verdict.Restored{Addr: a, Expires: e.Expires})
		}
	}
	return out, nil
}

// Close closes the netlink connection; the table and its elements stay
// (blocks outlive Vigil, expiring in the kernel).
func (h *Hook) Close() error { return h.conn.CloseLasting() }

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) (netip.Addr, bool) {
	p = p.Masked()
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, ok := netip.AddrFromSlice(b)
	return a, ok
}

// mergePrefixes drops prefixes contained in others: an interval set
// refuses overlapping elements.
func mergePrefixes(ps []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for i, p := range ps {
		p = p.Masked()
		covered := false
		for j, q := range ps {
			q = q.Masked()
			if i != j && q.Bits() <= p.Bits() && q.Contains(p.Addr()) && (q.Bits() < p.Bits() || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}
