package defrag

import (
	"encoding/binary"

	"vigil/engine/packet"
)

// Policy decides which copy of overlapping fragment data is kept.
type Policy uint8

// Overlap policies (Suricata's defrag policy names).
const (
	// PolicyBSD keeps the data of the fragment with the lowest offset;
	// among equal offsets the one that arrived first. Suricata's default.
	PolicyBSD Policy = iota
	// PolicyFirst keeps the data that arrived first.
	PolicyFirst
	// PolicyLast keeps the data that arrived last.
	PolicyLast
)

// Options configures a Defragger. Zero fields take the defaults.
type Options struct {
	// MemCap bounds the fragment bytes held by all trackers (default 32 MiB).
	MemCap int
	// MaxTrackers bounds how many datagrams are reassembled at once
	// (default 4096).
	MaxTrackers int
	// MaxFrags bounds the fragments of one datagram (default 1024).
	MaxFrags int
	// Timeout in nanoseconds of packet time after the last fragment of a
	// datagram (default 60 s, Suricata's defrag timeout).
	Timeout int64
	Policy  Policy
}

// Stats counts what a Defragger did; plain counters owned by its worker.
type Stats struct {
	IPv4Fragments, IPv6Fragments     uint64 // fragments accepted
	IPv4Reassembled, IPv6Reassembled uint64 // datagrams completed
	Timeouts                         uint64 // trackers dropped for idleness
	Evictions                        uint64 // trackers dropped for a cap (memcap or max trackers)
	Overlaps                         uint64 // fragments overlapping earlier data
	TooLarge                         uint64 // fragments or datagrams beyond 65535 bytes
	MaxFragsHit                      uint64 // trackers dropped for too many fragments
	MemcapDrops                      uint64 // fragments dropped because they alone exceed the memcap
	MemUse                           int    // fragment bytes held now
}

// retainBytes is the largest buffer a released tracker keeps for reuse;
// larger ones are freed so idle memory stays bounded by MaxTrackers × this.
const retainBytes = 16 << 10

type key struct {
	src, dst [16]byte
	id       uint32
	vlan     [3]uint16
	proto    uint8 // IPv4 only; 0 for IPv6
	version  uint8
}

type frag struct {
	off, end uint32 // byte range in the datagram payload
	pos      uint32 // where the data starts in tracker.store
	seq      uint32 // arrival order
}

type tracker struct {
	key        key
	used       bool
	last       int64 // packet time of the last fragment
	frags      []frag
	store      []byte
	hdr        []byte // unfragmentable part, from the offset-0 fragment
	nhOff      int    // IPv6: offset in hdr of the next-header byte to patch
	nextHdr    uint8  // IPv6: protocol after reassembly
	total      uint32 // payload length, known once the last fragment arrived
	haveLast   bool
	seq        uint32
	chain      int32 // next tracker in the hash bucket, -1 at the end
	prev, next int32 // LRU list, oldest at d.lruHead
}

// Defragger reassembles fragments for one worker.
type Defragger struct {
	opts     Options
	trackers []tracker
	buckets  []int32
	free     []int32
	lruHead  int32
	lruTail  int32
	out      []byte
	order    []int32
	Stats    Stats
}

// New returns a Defragger with all trackers preallocated.
func New(opts Options) *Defragger {
	if opts.MemCap <= 0 {
		opts.MemCap = 32 << 20
	}
	if opts.MaxTrackers <= 0 {
		opts.MaxTrackers = 4096
	}
	if opts.MaxFrags <= 0 {
		opts.MaxFrags = 1024
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60e9
	}
	nb := 1
	for nb < 2*opts.MaxTrackers {
		nb <<= 1
	}
	d := &Defragger{
		opts:     opts,
		trackers: make([]tracker, opts.MaxTrackers),
		buckets:  make([]int32, nb),
		free:     make([]int32, 0, opts.MaxTrackers),
		lruHead:  -1,
		lruTail:  -1,
		out:      make([]byte, 0, 65535+40),
		order:    make([]int32, 0, 64),
	}
	for i := range d.buckets {
		d.buckets[i] = -1
	}
	for i := opts.MaxTrackers - 1; i >= 0; i-- {
		d.free = append(d.free, int32(i))
	}
	return d
}

// Add takes one decoded fragment (p.IsFragment true; other packets are
// ignored). When the fragment completes its datagram, Add returns the
// reassembled IP datagram and true; the bytes are owned by the Defragger
// and valid until the next call to Add or Expire. Anomalies are added to p
// as events (decoder.ipv4.frag_overlap, ...). Add also expires idle
// trackers using p.Ts.
func (d *Defragger) Add(p *packet.Packet) ([]byte, bool) {
	if !p.IsFragment || p.L3Off < 0 {
		return nil, false
	}
	d.Expire(p.Ts)
	v6 := p.IPVersion == 6
	fr := &p.Frag
	if fr.DataOff < 0 || fr.DataOff+fr.DataLen > len(p.Data) {
		return nil, false
	}
	data := p.Data[fr.DataOff : fr.DataOff+fr.DataLen]
	end := fr.Offset + uint32(len(data))
	if end > 65535 {
		d.Stats.TooLarge++
		return nil, false // the decoder raised frag_pkt_too_large
	}
	if v6 {
		d.Stats.IPv6Fragments++
	} else {
		d.Stats.IPv4Fragments++
	}
	k := key{src: p.Src.As16(), dst: p.Dst.As16(), id: p.IPID, vlan: p.VLAN, version: p.IPVersion}
	if !v6 {
		k.proto = p.Proto
	}
	if len(data)+unfragLen(p) > d.opts.MemCap {
		d.Stats.MemcapDrops++
		d.ignored(p, v6)
		return nil, false
	}
	h := k.hash() & uint32(len(d.buckets)-1)
	ti := d.lookup(h, &k)
	if ti < 0 {
		ti = d.alloc(h, &k)
	}
	t := &d.trackers[ti]
	t.last = p.Ts
	d.touch(ti)

	// Make room under the memcap by evicting other trackers, oldest first.
	need := len(data)
	if fr.Offset == 0 && len(t.hdr) == 0 {
		need += unfragLen(p)
	}
	for d.Stats.MemUse+need > d.opts.MemCap {
		victim := d.lruHead
		if victim == ti {
			victim = d.trackers[victim].next
		}
		if victim < 0 {
			d.Stats.MemcapDrops++
			d.ignored(p, v6)
			return nil, false
		}
		d.Stats.Evictions++
		d.release(victim)
	}
	if len(t.frags) >= d.opts.MaxFrags {
		d.Stats.MaxFragsHit++
		d.ignored(p, v6)
		d.release(ti)
		return nil, false
	}

	// Overlap check against what we have.
	for i := range t.frags {
		f := &t.frags[i]
		if fr.Offset < f.end && end > f.off {
			d.Stats.Overlaps++
			if v6 {
				p.AddEvent(packet.EventIPv6FragOverlap)
			} else {
				p.AddEvent(packet.EventIPv4FragOverlap)
			}
			break
		}
	}
	if fr.Offset == 0 && len(t.hdr) == 0 {
		d.setHeader(t, p)
	}
	if !fr.More && !t.haveLast {
		t.haveLast = true
		t.total = end
	}
	// Insert sorted by (offset, arrival).
	nf := frag{off: fr.Offset, end: end, pos: uint32(len(t.store)), seq: t.seq}
	t.seq++
	t.store = append(t.store, data...)
	d.Stats.MemUse += len(data)
	i := len(t.frags)
	t.frags = append(t.frags, nf)
	for i > 0 && t.frags[i-1].off > nf.off {
		t.frags[i] = t.frags[i-1]
		i--
	}
	t.frags[i] = nf

	if !t.haveLast || len(t.hdr) == 0 || !t.complete() {
		return nil, false
	}
	out, ok := d.assemble(t)
	if v6 {
		d.Stats.IPv6Reassembled++
	} else {
		d.Stats.IPv4Reassembled++
	}
	d.release(ti)
	if !ok {
		d.Stats.TooLarge++
		if v6 {
			p.AddEvent(packet.EventIPv6FragPktTooLarge)
		} else {
			p.AddEvent(packet.EventIPv4FragPktTooLarge)
		}
		return nil, false
	}
	return out, true
}

func (d *Defragger) ignored(p *packet.Packet, v6 bool) {
	if v6 {
		p.AddEvent(packet.EventIPv6FragIgnored)
	} else {
		p.AddEvent(packet.EventIPv4FragIgnored)
	}
}

// unfragLen returns the length of the fragment's unfragmentable part.
func unfragLen(p *packet.Packet) int {
	if p.IPVersion == 4 {
		return p.Frag.DataOff - p.L3Off
	}
	return p.Frag.HdrOff - p.L3Off
}

// setHeader copies the unfragmentable part of the offset-0 fragment.
func (d *Defragger) setHeader(t *tracker, p *packet.Packet) {
	if p.IPVersion == 4 {
		t.hdr = append(t.hdr[:0], p.Data[p.L3Off:p.Frag.DataOff]...)
		d.Stats.MemUse += len(t.hdr)
		return
	}
	// IPv6: everything before the fragment header.
	fr := &p.Frag
	t.hdr = append(t.hdr[:0], p.Data[p.L3Off:fr.HdrOff]...)
	d.Stats.MemUse += len(t.hdr)
	t.nhOff = fr.NextHdrOff - p.L3Off
	t.nextHdr = fr.NextHdr
}

// complete reports whether [0, total) is covered.
func (t *tracker) complete() bool {
	var covered uint32
	for i := range t.frags {
		f := &t.frags[i]
		if f.off > covered {
			return false
		}
		covered = max(covered, f.end)
		if covered >= t.total {
			return true
		}
	}
	return covered >= t.total
}

// assemble writes the datagram into d.out applying the overlap policy.
func (d *Defragger) assemble(t *tracker) ([]byte, bool) {
	hl := len(t.hdr)
	n := hl + int(t.total)
	if n > 65535 && t.key.version == 4 || int(t.total)+hl-40 > 65535 && t.key.version == 6 {
		return nil, false
	}
	if cap(d.out) < n {
		d.out = make([]byte, n)
	}
	out := d.out[:n]
	copy(out, t.hdr)
	pay := out[hl:]
	// Write fragments so that the one the policy prefers is written last.
	d.order = d.order[:0]
	for i := range t.frags {
		d.order = append(d.order, int32(i))
	}
	switch d.opts.Policy {
	case PolicyBSD: // frags are sorted by (off, seq): write in reverse
		for i, j := 0, len(d.order)-1; i < j; i, j = i+1, j-1 {
			d.order[i], d.order[j] = d.order[j], d.order[i]
		}
	case PolicyFirst, PolicyLast:
		// Insertion sort by arrival: descending for First, ascending for Last.
		for i := 1; i < len(d.order); i++ {
			x := d.order[i]
			j := i
			for j > 0 {
				a, b := t.frags[d.order[j-1]].seq, t.frags[x].seq
				if d.opts.Policy == PolicyFirst && a >= b || d.opts.Policy == PolicyLast && a <= b {
					break
				}
				d.order[j] = d.order[j-1]
				j--
			}
			d.order[j] = x
		}
	}
	for _, i := range d.order {
		f := &t.frags[i]
		if f.off >= t.total {
			continue
		}
		e := min(f.end, t.total)
		copy(pay[f.off:e], t.store[f.pos:f.pos+(e-f.off)])
	}
	if t.key.version == 4 {
		binary.BigEndian.PutUint16(out[2:], uint16(n))
		binary.BigEndian.PutUint16(out[6:], binary.BigEndian.Uint16(out[6:])&0x4000) // keep DF only
		out[10], out[11] = 0, 0
		binary.BigEndian.PutUint16(out[10:], ipChecksum(out[:hl]))
	} else {
		binary.BigEndian.PutUint16(out[4:], uint16(n-40))
		if t.nhOff >= 0 && t.nhOff < hl {
			out[t.nhOff] = t.nextHdr
		}
	}
	return out, true
}

func ipChecksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// Expire drops trackers idle for longer than the timeout at packet time now.
func (d *Defragger) Expire(now int64) {
	for d.lruHead >= 0 {
		t := &d.trackers[d.lruHead]
		if now-t.last <= d.opts.Timeout {
			return
		}
		d.Stats.Timeouts++
		d.release(d.lruHead)
	}
}

// Active returns the number of datagrams being reassembled.
func (d *Defragger) Active() int { return len(d.trackers) - len(d.free) }

func (k *key) hash() uint32 {
	h := uint64(k.id)<<16 ^ uint64(k.proto)<<8 ^ uint64(k.version) ^ uint64(k.vlan[0])<<40 ^ uint64(k.vlan[1])<<52
	for i := 0; i < 16; i += 8 {
		h = mix(h ^ binary.LittleEndian.Uint64(k.src[i:]))
		h = mix(h ^ binary.LittleEndian.Uint64(k.dst[i:]))
	}
	return uint32(h ^ h>>32)
}

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (d *Defragger) lookup(h uint32, k *key) int32 {
	for i := d.buckets[h]; i >= 0; i = d.trackers[i].chain {
		if d.trackers[i].key == *k {
			return i
		}
	}
	return -1
}

// alloc takes a free tracker, evicting the least recently used one when
// all are busy, and links it into bucket h.
func (d *Defragger) alloc(h uint32, k *key) int32 {
	if len(d.free) == 0 {
		d.Stats.Evictions++
		d.release(d.lruHead)
	}
	ti := d.free[len(d.free)-1]
	d.free = d.free[:len(d.free)-1]
	t := &d.trackers[ti]
	t.key = *k
	t.used = true
	t.frags = t.frags[:0]
	t.store = t.store[:0]
	t.hdr = t.hdr[:0]
	t.nhOff = -1
	t.total, t.haveLast, t.seq = 0, false, 0
	t.chain = d.buckets[h]
	d.buckets[h] = ti
	t.prev, t.next = d.lruTail, -1
	if d.lruTail >= 0 {
		d.trackers[d.lruTail].next = ti
	} else {
		d.lruHead = ti
	}
	d.lruTail = ti
	return ti
}

// touch moves tracker ti to the tail of the LRU list.
func (d *Defragger) touch(ti int32) {
	if d.lruTail == ti {
		return
	}
	d.unlinkLRU(ti)
	t := &d.trackers[ti]
	t.prev, t.next = d.lruTail, -1
	if d.lruTail >= 0 {
		d.trackers[d.lruTail].next = ti
	} else {
		d.lruHead = ti
	}
	d.lruTail = ti
}

func (d *Defragger) unlinkLRU(ti int32) {
	t := &d.trackers[ti]
	if t.prev >= 0 {
		d.trackers[t.prev].next = t.next
	} else {
		d.lruHead = t.next
	}
	if t.next >= 0 {
		d.trackers[t.next].prev = t.prev
	} else {
		d.lruTail = t.prev
	}
	t.prev, t.next = -1, -1
}

// release returns tracker ti to the free list.
func (d *Defragger) release(ti int32) {
	t := &d.trackers[ti]
	if !t.used {
		return
	}
	h := t.key.hash() & uint32(len(d.buckets)-1)
	for p := &d.buckets[h]; *p >= 0; p = &d.trackers[*p].chain {
		if *p == ti {
			*p = t.chain
			break
		}
	}
	d.unlinkLRU(ti)
	d.Stats.MemUse -= len(t.store) + len(t.hdr)
	if cap(t.store) > retainBytes {
		t.store = nil
	}
	t.store = t.store[:0]
	t.hdr = t.hdr[:0]
	t.frags = t.frags[:0]
	if cap(t.frags) > 256 {
		t.frags = nil
	}
	t.used = false
	d.free = append(d.free, ti)
}
