package flow

import (
	"unsafe"
)

const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	nilIdx     = -1
	numClasses = 4 * int(numStates)
)

// DefaultMemcap is Suricata's default flow.memcap (128 MiB).
const DefaultMemcap = 128 << 20

// Options configure a Table.
type Options struct {
	// Memcap bounds the table's memory in bytes: entries times the entry
	// size plus what the caller charges with Table.Charge. 0 means
	// DefaultMemcap. The first chunk of entries (1024) is always allowed.
	Memcap int64
	// Timeouts per protocol and state; the zero value means
	// DefaultTimeouts().
	Timeouts *TimeoutConfig
	// IDSeed is mixed into flow ids. Give every worker of an engine the
	// same seed: ids then depend only on the flow, not on its worker.
	IDSeed uint64
}

// Entry is one slot of the table: the Flow header and the caller's value,
// stored in place.
type Entry[T any] struct {
	Flow
	Value T

	extra      int64 // bytes charged by the caller
	touched    int64 // table clock at the last packet
	queued     int64 // touched when last put at its list's tail (list order)
	prev, next int32 // class LRU list
	hnext      int32 // hash chain
	idx        int32
	live       bool
}

// Counters are the table's per-worker counters. Active and Memuse are
// gauges; the others only grow.
type Counters struct {
	Created    uint64 // flows created
	TimedOut   uint64 // flows ended by idle timeout
	Evicted    uint64 // flows ended to stay under the memcap (emergency eviction)
	Reused     uint64 // TCP flows ended because a new SYN reused their tuple
	Forced     uint64 // flows ended by the caller with Table.End
	Shutdown   uint64 // flows ended by Flush
	MemcapHits uint64 // creations that found the table at its memcap
	Active     uint64 // flows currently in the table
	Memuse     int64  // bytes currently charged
}

// Table is a per-worker flow table. It is not safe for concurrent use.
type Table[T any] struct {
	chunks  [][]Entry[T]
	buckets []int32
	mask    uint64
	free    int32 // free list through hnext
	nslots  int32

	heads, tails [numClasses]int32
	timeouts     [numClasses]int64

	entrySize int64
	memcap    int64
	clock     int64
	seq       uint64
	seed      uint64
	// ended holds the flows ended since the last Release, in the order
	// they ended; their slots are not reused until Release.
	ended []*Entry[T]

	c Counters
}

// New returns an empty table.
func New[T any](opts Options) *Table[T] {
	t := &Table[T]{free: nilIdx, seed: opts.IDSeed}
	t.memcap = opts.Memcap
	if t.memcap <= 0 {
		t.memcap = DefaultMemcap
	}
	to := DefaultTimeouts()
	if opts.Timeouts != nil {
		to = *opts.Timeouts
	}
	for pc := range uint8(4) {
		r := to.row(pc)
		for s := range numStates {
			t.timeouts[classOf(pc, s)] = int64(r.of(s))
		}
	}
	t.entrySize = int64(unsafe.Sizeof(Entry[T]{})) + 4 // + its bucket
	maxEntries := max(t.memcap/t.entrySize, chunkSize)
	nb := uint64(1024)
	for nb < uint64(maxEntries) {
		nb <<= 1
	}
	t.buckets = make([]int32, nb)
	for i := range t.buckets {
		t.buckets[i] = nilIdx
	}
	t.mask = nb - 1
	for i := range t.heads {
		t.heads[i], t.tails[i] = nilIdx, nilIdx
	}
	return t
}

func classOf(pc uint8, s State) uint8 { return pc*uint8(numStates) + uint8(s) }

// EntrySize is the bytes charged per flow before Charge (slot + bucket).
func (t *Table[T]) EntrySize() int64 { return t.entrySize }

// Counters returns a copy of the counters.
func (t *Table[T]) Counters() Counters { return t.c }

func (t *Table[T]) at(i int32) *Entry[T] {
	return &t.chunks[i>>chunkShift][i&(chunkSize-1)]
}

// Lookup finds or creates the flow of the packet described by tp at time
// nowNs (packet time, ns) and accounts the packet (size bytes on the wire)
// to it. It returns the entry, the packet's direction and whether the flow
// was created by this packet (then the caller must initialize e.Value). It
// returns nil only if the table cannot hold a single flow.
//
// A TCP packet with SYN and without ACK on a flow in StateClosed ends that
// flow (ReasonForced, counted in Reused) and starts a new one; creating a
// flow at the memcap ends the oldest idle ones (ReasonForced, counted in
// Evicted). Flows ended by Lookup are reported by Ended, like those of
// Advance, End and Flush.
func (t *Table[T]) Lookup(tp *Tuple, nowNs int64, size int) (e *Entry[T], dir Direction, created bool) {
	if nowNs > t.clock {
		t.clock = nowNs
	}
	k, swapped := KeyOf(tp)
	h := k.Hash()
	b := h & t.mask
	for i := t.buckets[b]; i != nilIdx; {
		c := t.at(i)
		if c.Hash == h && c.Key == k {
			e = c
			break
		}
		i = c.hnext
	}
	if e != nil && e.State == StateClosed && tp.Proto == ProtoTCP &&
		tp.TCPFlags&(TCPSyn|TCPAck) == TCPSyn {
		t.c.Reused++
		t.end(e, ReasonForced)
		e = nil
	}
	if e == nil {
		e = t.create(&k, h, swapped, tp, nowNs)
		if e == nil {
			return nil, ToServer, false
		}
		created = true
	}
	srcIsLo := !swapped
	dir = ToClient
	if srcIsLo == e.clientIsLo {
		dir = ToServer
	}
	if dir == ToServer {
		e.PktsToServer++
		e.BytesToServer += uint64(size)
	} else {
		e.PktsToClient++
		e.BytesToClient += uint64(size)
		if !e.RespSeen {
			e.RespSeen = true
			e.RespICMPType, e.RespICMPCode = tp.ICMPType, tp.ICMPCode
		}
		if e.State == StateNew && tp.Proto != ProtoTCP {
			t.SetState(e, StateEstablished)
		}
	}
	if nowNs > e.LastNs {
		e.LastNs = nowNs
	}
	// The class list is reordered lazily (Advance and eviction requeue a
	// head that was touched since it was queued), so a hit touches no
	// other entry.
	e.touched = t.clock
	return e, dir, created
}

func (t *Table[T]) create(k *Key, h uint64, swapped bool, tp *Tuple, nowNs int64) *Entry[T] {
	if t.c.Memuse+t.entrySize > t.memcap {
		t.c.MemcapHits++
		for t.c.Memuse+t.entrySize > t.memcap {
			v := t.oldest()
			if v == nil {
				break
			}
			t.c.Evicted++
			t.end(v, ReasonForced)
		}
	}
	i := t.free
	if i != nilIdx {
		t.free = t.at(i).hnext
	} else {
		if t.c.Memuse+t.entrySize > t.memcap && t.nslots >= chunkSize {
			return nil
		}
		if int(t.nslots)>>chunkShift == len(t.chunks) {
			t.chunks = append(t.chunks, make([]Entry[T], chunkSize))
		}
		i = t.nslots
		t.nslots++
	}
	e := t.at(i)
	e.Flow = Flow{Key: *k, Hash: h, StartNs: nowNs, LastNs: nowNs}
	// The first packet's sender is the client, unless a TCP SYN/ACK comes
	// first: then its receiver is.
	e.clientIsLo = !swapped
	if tp.Proto == ProtoTCP && tp.TCPFlags&(TCPSyn|TCPAck) == TCPSyn|TCPAck {
		e.clientIsLo = swapped
	} else {
		e.ICMPType, e.ICMPCode = tp.ICMPType, tp.ICMPCode
	}
	e.class = classOf(protoClass(tp.Proto), StateNew)
	e.extra = 0
	e.idx = i
	e.live = true
	e.prev, e.next = nilIdx, nilIdx
	e.touched, e.queued = t.clock, t.clock
	t.seq++
	e.ID = flowID(h, nowNs, t.seed, t.seq)
	b := h & t.mask
	e.hnext = t.buckets[b]
	t.buckets[b] = i
	t.pushTail(e)
	t.c.Created++
	t.c.Active++
	t.c.Memuse += t.entrySize
	return e
}

// flowID builds a positive 51-bit id from the key hash, the start time and
// the seed. It does not depend on which table (worker) holds the flow or
// how many flows it saw before, so replay writes the same ids for any
// number of workers; at 51 bits a collision is negligible.
func flowID(h uint64, startNs int64, seed, _ uint64) int64 {
	m := mix64(h ^ mix64(uint64(startNs)) ^ seed*0x9E3779B97F4A7C15)
	id := int64(m & (1<<51 - 1))
	if id == 0 {
		id = 1
	}
	return id
}

// SetState moves e to state s (and to the timeout class of s).
func (t *Table[T]) SetState(e *Entry[T], s State) {
	if e.State == s || s >= numStates {
		return
	}
	t.unlink(e)
	e.State = s
	e.class = classOf(protoClass(e.Key.Proto), s)
	e.queued = e.touched
	t.pushTail(e)
}

// Charge adds delta bytes (may be negative) to the memory charged for e's
// value, e.g. stream buffers. The sum counts against the memcap at the next
// flow creation; the charge is released when the flow ends.
func (t *Table[T]) Charge(e *Entry[T], delta int64) {
	e.extra += delta
	t.c.Memuse += delta
}

// Advance ends every flow whose idle timeout has passed at time nowNs
// (packet time, ns), oldest first, and reports them by Ended. It returns
// the number of flows ended.
func (t *Table[T]) Advance(nowNs int64) int {
	if nowNs > t.clock {
		t.clock = nowNs
	}
	n := 0
	for c := range numClasses {
		to := t.timeouts[c]
		for i := t.heads[c]; i != nilIdx; i = t.heads[c] {
			e := t.at(i)
			if t.clock-e.queued <= to {
				break
			}
			if t.clock-e.touched <= to {
				// Seen since it was queued: requeue, it is not idle.
				t.requeue(e)
				continue
			}
			t.c.TimedOut++
			t.end(e, ReasonTimeout)
			n++
		}
	}
	return n
}

// End ends e now with reason r (ReasonForced if r is ReasonNone) and
// reports it by Ended.
func (t *Table[T]) End(e *Entry[T], r Reason) {
	if !e.live {
		return
	}
	if r == ReasonNone {
		r = ReasonForced
	}
	t.c.Forced++
	t.end(e, r)
}

// Flush ends every flow with ReasonShutdown (end of input), oldest first
// within each class.
func (t *Table[T]) Flush() int {
	n := 0
	for c := range numClasses {
		for i := t.heads[c]; i != nilIdx; i = t.heads[c] {
			t.c.Shutdown++
			t.end(t.at(i), ReasonShutdown)
			n++
		}
	}
	return n
}

// Ended returns the flows ended (by Lookup, Advance, End or Flush) since the
// last Release, in the order they ended, with Flow.Reason and Flow.EndNs
// set. They are out of the table (no Lookup finds them) but their slots,
// and the caller's value in them, stay as they were until Release: the
// caller ends each flow (logs it, releases what its value holds) at a
// point of its choosing, between packets. The slice is valid until
// Release.
func (t *Table[T]) Ended() []*Entry[T] { return t.ended }

// Release returns the slots of the flows reported by Ended to the table
// for reuse. Call it once they are handled: until then the table takes new
// slots for new flows, beyond its memcap if need be.
func (t *Table[T]) Release() {
	for i, e := range t.ended {
		e.hnext = t.free
		t.free = e.idx
		t.ended[i] = nil
	}
	t.ended = t.ended[:0]
}

// Len returns the number of live flows.
func (t *Table[T]) Len() int { return int(t.c.Active) }

// oldest returns the live flow idle the longest (list heads are requeued
// until the oldest head was not touched since it was queued, at most 64
// times), or nil.
func (t *Table[T]) oldest() *Entry[T] {
	for range 64 {
		var best *Entry[T]
		for c := range numClasses {
			if i := t.heads[c]; i != nilIdx {
				e := t.at(i)
				if best == nil || e.queued < best.queued {
					best = e
				}
			}
		}
		if best == nil || best.touched == best.queued {
			return best
		}
		t.requeue(best)
	}
	var best *Entry[T]
	for c := range numClasses {
		if i := t.heads[c]; i != nilIdx {
			if e := t.at(i); best == nil || e.touched < best.touched {
				best = e
			}
		}
	}
	return best
}

func (t *Table[T]) requeue(e *Entry[T]) {
	t.unlink(e)
	e.queued = e.touched
	t.pushTail(e)
}

func (t *Table[T]) end(e *Entry[T], r Reason) {
	t.unlink(e)
	// unhash
	b := e.Hash & t.mask
	p := &t.buckets[b]
	for *p != nilIdx {
		if *p == e.idx {
			*p = e.hnext
			break
		}
		p = &t.at(*p).hnext
	}
	e.Reason = r
	// EndNs is when the flow ended in packet time: for a timeout, the
	// moment its idle time ran out (not the later packet that noticed),
	// so that it does not depend on which other flows share the table.
	e.EndNs = t.clock
	if r == ReasonTimeout {
		e.EndNs = min(t.clock, e.touched+t.timeouts[e.class]+1)
	}
	e.live = false
	t.c.Memuse -= t.entrySize + e.extra
	e.extra = 0
	t.c.Active--
	e.hnext = nilIdx
	t.ended = append(t.ended, e)
}

func (t *Table[T]) pushTail(e *Entry[T]) {
	c := e.class
	e.next = nilIdx
	e.prev = t.tails[c]
	if e.prev != nilIdx {
		t.at(e.prev).next = e.idx
	} else {
		t.heads[c] = e.idx
	}
	t.tails[c] = e.idx
}

func (t *Table[T]) unlink(e *Entry[T]) {
	c := e.class
	if e.prev != nilIdx {
		t.at(e.prev).next = e.next
	} else {
		t.heads[c] = e.next
	}
	if e.next != nilIdx {
		t.at(e.next).prev = e.prev
	} else {
		t.tails[c] = e.prev
	}
	e.prev, e.next = nilIdx, nilIdx
}
