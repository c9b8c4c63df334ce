package detect

import (
	"container/heap"
	"fmt"
	"net/netip"
	"sync"

	"vigil/ruleparser"
)

// xbits: bits stored per host or per address pair rather than per flow,
// so that one flow can see what another flow set.
// Docs: https://docs.suricata.io/en/latest/rules/xbits.html
//
// Semantics follow Suricata 8:
//   - track ip_src and ip_dst both name the host table (the packet's
//     source or destination address): a bit set with track ip_dst on a
//     request is seen with track ip_src on the response. track ip_pair
//     names the address-pair table, independent of direction. The two
//     tables are separate namespaces.
//   - set gives the bit the expiry packet time + expire (default 30 s);
//     set on a bit that is still live keeps its expiry, as Suricata does.
//     A bit is live while its expiry is not before the packet time.
//   - isset / isnotset are tests run with the other packet tests (before
//     the buffers); set / unset / toggle run when the whole rule matched,
//     like flowbits. An expire on a test is accepted and ignored.
//   - track tx (Suricata 8's per-transaction bits) is not supported.
//
// The store is shared by all workers, so it is locked; only rules with
// xbits reach it. It lives outside the Engine so that it survives a
// reload: the pipeline makes one XbitStore and gives it to the matchers of
// every engine it runs (MatcherOptions.Xbits). An Engine used alone makes
// its own (NewMatcher).

// xbitDefaultExpire is the expiry of a bit set without "expire".
const xbitDefaultExpire = 30 // seconds

// DefaultXbitsMax is the default cap on stored xbits (Options.XbitsMax).
const DefaultXbitsMax = 1 << 16

// xbitGrace is how long (packet time) a bit stays in the store after it
// expired before a write reclaims it. Workers' packet clocks drift apart a
// little; reclaiming late means a worker that lags behind still sees the
// same bits it would have seen had nothing been reclaimed.
const xbitGrace = int64(60e9)

type xbitTrack uint8

const (
	xbitIPSrc xbitTrack = iota
	xbitIPDst
	xbitIPPair
)

// xbitOp is one xbits option of a rule.
type xbitOp struct {
	name   string
	track  xbitTrack
	cmd    byte  // 'i' isset, 'n' isnotset, 's' set, 'u' unset, 't' toggle
	expire int64 // nanoseconds, for set and toggle
}

func setupXbits(b *sigBuilder, x *ruleparser.Xbits) error {
	if x.Cmd == "noalert" {
		b.sig.NoAlert = true
		return nil
	}
	op := xbitOp{name: x.Name, expire: int64(xbitDefaultExpire) * 1e9}
	if x.Expire > 0 {
		op.expire = int64(x.Expire) * 1e9
	}
	switch x.Track {
	case "ip_src":
		op.track = xbitIPSrc
	case "ip_dst":
		op.track = xbitIPDst
	case "ip_pair":
		op.track = xbitIPPair
	case "tx":
		return fmt.Errorf("xbits track tx: %w", ErrUnsupported)
	default:
		return errBadValue("xbits needs track ip_src, ip_dst or ip_pair")
	}
	switch x.Cmd {
	case "isset", "isnotset":
		if x.Cmd == "isset" {
			op.cmd = 'i'
		} else {
			op.cmd = 'n'
		}
		b.sig.xtest = append(b.sig.xtest, op)
	case "set", "unset", "toggle":
		op.cmd = x.Cmd[0]
		b.sig.xpost = append(b.sig.xpost, op)
	default:
		return fmt.Errorf("xbits %s: %w", x.Cmd, ErrUnsupported)
	}
	return nil
}

// xbitKey names one bit: a host bit (a set, b zero) or a pair bit (a < b).
type xbitKey struct {
	name string
	pair bool
	a, b netip.Addr
}

// key returns the bit op names for p; false when p has no usable address.
func (op *xbitOp) key(p *Packet) (xbitKey, bool) {
	k := xbitKey{name: op.name}
	switch op.track {
	case xbitIPSrc:
		k.a = p.Src.Unmap()
	case xbitIPDst:
		k.a = p.Dst.Unmap()
	default:
		k.pair = true
		k.a, k.b = p.Src.Unmap(), p.Dst.Unmap()
		if !k.b.IsValid() {
			return k, false
		}
		if k.b.Less(k.a) {
			k.a, k.b = k.b, k.a // direction-independent
		}
	}
	return k, k.a.IsValid()
}

type xbitEntry struct {
	key    xbitKey
	expire int64 // packet time (ns) after which the bit is gone
	idx    int   // position in xbitStore.byExp
}

// XbitStats are the xbits store's counters.
type XbitStats struct {
	Entries int    // bits stored (live or expired, not yet reclaimed)
	Expired uint64 // expired bits reclaimed
	Evicted uint64 // live bits dropped because the store was full
}

// XbitStore holds xbits, shared by the matchers of one or more engines.
// It is safe for concurrent use. Memory is
// bounded by max entries: a new bit in a full store replaces the bit that
// expires first (an expired one when there is one), and a live bit lost
// that way is counted in Evicted.
type XbitStore struct {
	mu    sync.RWMutex
	m     map[xbitKey]*xbitEntry
	byExp xbitHeap // every entry of m, soonest expiry first
	free  []*xbitEntry
	max   int
	st    XbitStats
}

// newXbitStore returns the store for sigs, nil when no rule uses xbits.
func newXbitStore(sigs []*Sig, max int) *XbitStore {
	for _, s := range sigs {
		if len(s.xtest) > 0 || len(s.xpost) > 0 {
			return NewXbitStore(max)
		}
	}
	return nil
}

// NewXbitStore returns an empty store of at most max bits (0 means
// DefaultXbitsMax).
func NewXbitStore(max int) *XbitStore {
	if max <= 0 {
		max = DefaultXbitsMax
	}
	return &XbitStore{m: map[xbitKey]*xbitEntry{}, max: max}
}

// test reports whether every isset / isnotset of ops holds for p.
func (st *XbitStore) test(ops []xbitOp, p *Packet) bool {
	st.mu.RLock()
	ok := true
	for i := range ops {
		op := &ops[i]
		set := false
		if k, valid := op.key(p); valid {
			e := st.m[k]
			set = e != nil && e.expire >= p.Ts
		}
		if set != (op.cmd == 'i') {
			ok = false
			break
		}
	}
	st.mu.RUnlock()
	return ok
}

// apply runs the set / unset / toggle ops of a matched rule for p.
func (st *XbitStore) apply(ops []xbitOp, p *Packet) {
	now := p.Ts
	st.mu.Lock()
	for i := range ops {
		op := &ops[i]
		k, valid := op.key(p)
		if !valid {
			continue
		}
		e := st.m[k]
		live := e != nil && e.expire >= now
		switch {
		case op.cmd == 'u' || op.cmd == 't' && live:
			if e != nil {
				st.remove(e)
			}
		case live: // set on a live bit keeps its expiry
		case e != nil: // expired, not yet reclaimed: set it anew
			e.expire = now + op.expire
			heap.Fix(&st.byExp, e.idx)
		default:
			st.insert(k, now+op.expire, now)
		}
	}
	// Reclaim a few bits that expired long ago, so that the store shrinks
	// back when traffic stops setting bits.
	for n := 0; n < 4 && len(st.byExp) > 0 && st.byExp[0].expire < now-xbitGrace; n++ {
		st.remove(st.byExp[0])
		st.st.Expired++
	}
	st.mu.Unlock()
}

func (st *XbitStore) insert(k xbitKey, expire, now int64) {
	if len(st.m) >= st.max {
		// Full: the bit that expires first goes.
		old := st.byExp[0]
		if old.expire < now {
			st.st.Expired++
		} else {
			st.st.Evicted++
		}
		st.remove(old)
	}
	var e *xbitEntry
	if n := len(st.free); n > 0 {
		e, st.free = st.free[n-1], st.free[:n-1]
	} else {
		e = new(xbitEntry)
	}
	e.key, e.expire = k, expire
	st.m[k] = e
	heap.Push(&st.byExp, e)
}

func (st *XbitStore) remove(e *xbitEntry) {
	delete(st.m, e.key)
	heap.Remove(&st.byExp, e.idx)
	e.key = xbitKey{}
	st.free = append(st.free, e)
}

// Stats returns the store's counters.
func (st *XbitStore) Stats() XbitStats {
	if st == nil {
		return XbitStats{}
	}
	st.mu.RLock()
	s := st.st
	s.Entries = len(st.m)
	st.mu.RUnlock()
	return s
}

// XbitStats returns the counters of the engine's own xbits store (zero
// when no rule uses xbits), the store of matchers made by NewMatcher.
// Safe for concurrent use.
func (e *Engine) XbitStats() XbitStats {
	return e.xbits.Stats()
}

// xbitHeap is a min-heap of entries by expiry (container/heap).
type xbitHeap []*xbitEntry

func (h xbitHeap) Len() int           { return len(h) }
func (h xbitHeap) Less(i, j int) bool { return h[i].expire < h[j].expire }
func (h xbitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *xbitHeap) Push(x any) {
	e := x.(*xbitEntry)
	e.idx = len(*h)
	*h = append(*h, e)
}
func (h *xbitHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
