package stream

import "bytes"

// rel returns x's offset from the half's base as a signed value (negative
// for bytes already delivered).
func (h *half) rel(x uint32) int64 { return int64(int32(x - h.base)) }

// insert buffers payload data starting at seq (seq+len(data) > h.base),
// resolving overlaps with buffered data by the overlap policy.
func (t *Tracker) insert(h *half, seq uint32, data []byte, ev *Events) {
	if h.depthDone {
		return
	}
	if seqLT(seq, h.base) {
		d := h.base - seq
		data = data[d:]
		seq = h.base
	}
	if t.depth > 0 {
		pos := h.offset + h.rel(seq)
		if pos >= t.depth {
			return
		}
		if pos+int64(len(data)) > t.depth {
			data = data[:t.depth-pos]
		}
	}
	ns := h.rel(seq)
	ne := ns + int64(len(data))
	segs := h.segs
	// First segment ending after ns (segments are sorted and disjoint).
	lo, hi := 0, len(segs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h.rel(segs[m].seq)+int64(len(segs[m].buf)) > ns {
			hi = m
		} else {
			lo = m + 1
		}
	}
	t.pieces = t.pieces[:0]
	cur := ns
	overlapped, diff := false, false
	for i := lo; i < len(segs); i++ {
		o := &segs[i]
		os := h.rel(o.seq)
		oe := os + int64(len(o.buf))
		if os >= ne {
			break
		}
		if cur < os {
			t.pieces = append(t.pieces, piece{seq: h.base + uint32(cur), off: int(cur - ns), n: int(os - cur)})
		}
		ovS, ovE := max(ns, os, 0), min(ne, oe)
		if ovS < ovE {
			overlapped = true
			nb := data[ovS-ns : ovE-ns]
			ob := o.buf[ovS-os : ovE-os]
			if !bytes.Equal(nb, ob) {
				diff = true
				if t.opts.Policy.newWins(ns, ne, os, oe) {
					copy(ob, nb)
				}
			}
		}
		cur = max(cur, ovE)
	}
	if cur < ne {
		t.pieces = append(t.pieces, piece{seq: h.base + uint32(cur), off: int(cur - ns), n: int(ne - cur)})
	}
	if overlapped {
		t.c.Overlaps++
		if diff {
			t.c.OverlapDiff++
			t.event(ev, EvReassemblyOverlapDifferentData)
		} else if len(t.pieces) == 0 {
			t.c.Retransmissions++
			t.event(ev, EvPktRetransmission)
		}
	}
	for _, pc := range t.pieces {
		t.store(h, pc.seq, data[pc.off:pc.off+pc.n])
	}
}

// store adds b (not overlapping anything buffered) at seq.
func (t *Tracker) store(h *half, seq uint32, b []byte) {
	r := h.rel(seq)
	idx := len(h.segs)
	for idx > 0 && h.rel(h.segs[idx-1].seq) > r {
		idx--
	}
	if idx > 0 {
		prev := &h.segs[idx-1]
		if prev.seq+uint32(len(prev.buf)) == seq && cap(prev.buf)-len(prev.buf) >= len(b) {
			prev.buf = append(prev.buf, b...)
			return
		}
	}
	buf, ok := t.pool.get(len(b))
	if !ok {
		t.c.MemcapDrops++
		return
	}
	buf = append(buf, b...)
	h.bufferedSz += int64(cap(buf))
	h.segs = append(h.segs, seg{})
	copy(h.segs[idx+1:], h.segs[idx:])
	h.segs[idx] = seg{seq: seq, buf: buf}
}

func (t *Tracker) freeAll(h *half) { t.dropFront(h, len(h.segs)) }

// deliver hands h's in-order data to sink: up to what acker acknowledged
// (IDS mode), everything in order (inline mode), or everything buffered
// (force, at close). Missing bytes the peer acknowledged (or, with force,
// holes between buffered segments) are reported as gaps.
func (t *Tracker) deliver(h *half, dir Dir, acker *half, force bool, sink Sink, ev *Events) {
	if !h.started || h.depthDone {
		return
	}
	done := t.deliverSegs(h, dir, acker, force, sink, ev)
	if h.depthDone {
		t.freeAll(h)
		return
	}
	t.dropFront(h, done)
}

// deliverSegs does deliver's work and returns how many leading segments
// were fully delivered (freed by the caller in one go).
func (t *Tracker) deliverSegs(h *half, dir Dir, acker *half, force bool, sink Sink, ev *Events) int {
	limited := !force && !t.opts.Inline
	ack, haveAck := acker.lastAck, acker.ackSeen
	if h.finSeen && haveAck && seqGT(ack, h.finSeq) {
		ack = h.finSeq // the FIN's sequence number carries no data
	}
	i := 0
	for !h.depthDone {
		if i < len(h.segs) && seqLEQ(h.segs[i].seq, h.base) {
			s0 := &h.segs[i]
			end := s0.seq + uint32(len(s0.buf))
			if limited {
				if !haveAck {
					return i
				}
				if seqLT(ack, end) {
					end = ack
				}
				if seqLEQ(end, h.base) {
					return i
				}
			}
			b := s0.buf[h.base-s0.seq : end-s0.seq]
			if t.depth > 0 && h.offset+int64(len(b)) >= t.depth {
				b = b[:t.depth-h.offset]
				h.depthDone = true
				t.c.DepthReached++
			}
			h.base += uint32(len(b))
			h.offset += int64(len(b))
			t.c.Delivered += uint64(len(b))
			if sink != nil && len(b) > 0 {
				sink.Data(dir, b)
			}
			if h.base == s0.seq+uint32(len(s0.buf)) {
				i++
			}
			continue
		}
		// Hole at base.
		var n uint32
		switch {
		case i < len(h.segs) && (force || (haveAck && seqGEQ(ack, h.segs[i].seq))):
			n = h.segs[i].seq - h.base
		case haveAck && seqGT(ack, h.base):
			n = ack - h.base
		default:
			return i
		}
		t.gap(h, dir, n, sink, ev)
	}
	return i
}

// dropFront frees the first k buffered segments.
func (t *Tracker) dropFront(h *half, k int) {
	if k == 0 {
		return
	}
	for _, sg := range h.segs[:k] {
		t.pool.put(sg.buf)
		h.bufferedSz -= int64(cap(sg.buf))
	}
	n := copy(h.segs, h.segs[k:])
	clear(h.segs[n:])
	h.segs = h.segs[:n]
}

func (t *Tracker) gap(h *half, dir Dir, n uint32, sink Sink, ev *Events) {
	if t.depth > 0 && h.offset+int64(n) >= t.depth {
		h.depthDone = true
		t.c.DepthReached++
	}
	h.base += n
	h.offset += int64(n)
	t.c.Gaps++
	t.c.GapBytes += uint64(n)
	if ev != nil {
		t.event(ev, EvReassemblySeqGap)
	} else {
		t.c.Events[EvReassemblySeqGap]++
	}
	if sink != nil {
		sink.Gap(dir, n)
	}
}

// Flush delivers everything s still buffers in both directions, to_server
// first, reporting holes as gaps, plus a final gap when a direction's FIN
// shows bytes never seen. Call it when the flow ends (the tracker calls it
// itself on RST and on a completed close). sink may be nil.
func (t *Tracker) Flush(s *Session, sink Sink) {
	for d := ToServer; d <= ToClient; d++ {
		h, p := &s.half[d], &s.half[d^1]
		t.deliver(h, d, p, true, sink, nil)
		if h.started && !h.depthDone && h.finSeen && seqLT(h.base, h.finSeq) {
			t.gap(h, d, h.finSeq-h.base, sink, nil)
		}
		if h.depthDone {
			t.freeAll(h)
		}
	}
}

// Release returns s's buffers to the pool and resets s to a fresh session
// (keeping its segment lists' capacity). Call it when the flow ends, after
// Flush if the data is wanted.
func (t *Tracker) Release(s *Session) {
	for d := range s.half {
		h := &s.half[d]
		t.freeAll(h)
		segs := h.segs[:0]
		*h = half{segs: segs}
	}
	s.state, s.midstream, s.wscale, s.fourWHS = StateNone, false, false, false
}
