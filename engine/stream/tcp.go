package stream

// Process runs one TCP segment of session s, travelling in direction dir,
// through the state machine and reassembly, delivering to sink whatever
// data became deliverable (sink may be nil). It returns the stream events
// the packet raised. It allocates nothing once the pool and the session's
// segment list are warm.
func (t *Tracker) Process(s *Session, dir Dir, sg *Segment, sink Sink) Events {
	var ev Events
	dir &= 1
	f := sg.Flags
	if f&(FlagSyn|FlagFin) == FlagSyn|FlagFin {
		t.event(&ev, EvFinSyn)
		return ev
	}
	if f&FlagAck == 0 && sg.Ack != 0 && f&FlagRst == 0 {
		t.event(&ev, EvPktBrokenAck)
	}
	if s.timestamps && sg.HasTS && sg.TSVal == 0 && s.state != StateClosed {
		// A zero timestamp in a session that negotiated timestamps:
		// the receiver (Suricata's default BSD policy) drops it, and so
		// does the tracker (RFC 7323 PAWS; the check of older
		// timestamps is not done).
		t.event(&ev, EvPktInvalidTimestamp)
		return ev
	}
	switch s.state {
	case StateNone:
		t.stateNone(s, dir, sg, sink, &ev)
	case StateSynSent:
		t.stateSynSent(s, dir, sg, &ev)
	case StateSynRecv:
		t.stateSynRecv(s, dir, sg, sink, &ev)
	case StateClosed:
		// Late packets (retransmissions, final ACKs) of a closed session.
	default:
		t.stateOpen(s, dir, sg, sink, &ev)
	}
	return ev
}

func (t *Tracker) stateNone(s *Session, dir Dir, sg *Segment, sink Sink, ev *Events) {
	f := sg.Flags
	switch {
	case f&FlagRst != 0:
		t.c.NoSession++
		t.event(ev, EvRstButNoSession)
		return
	case f&(FlagSyn|FlagAck) == FlagSyn:
		c := &s.half[dir]
		c.start(sg.Seq + 1)
		c.isn = sg.Seq
		c.win = uint32(sg.Window)
		if sg.WScale >= 0 {
			c.wscaleOpt, c.wscale = true, uint8(min(sg.WScale, 14))
		}
		c.tsOpt = sg.HasTS
		s.state = StateSynSent
		t.c.Sessions++
		if n := uint32(len(sg.Payload)); n > 0 {
			// TCP Fast Open (RFC 7413): the SYN carries the first data,
			// which starts at ISN+1. It is part of the stream (delivered
			// at once in inline mode, else once the SYN/ACK acks it).
			t.c.Segments++
			c.next = sg.Seq + 1 + n
			t.insert(c, sg.Seq+1, sg.Payload, ev)
			if t.opts.Inline {
				t.deliver(c, dir, &s.half[dir^1], false, sink, ev)
			}
		}
		return
	case f&FlagFin != 0 && !t.opts.Midstream:
		t.c.NoSession++
		t.event(ev, EvFinButNoSession)
		return
	case !t.opts.Midstream:
		t.c.NoSession++
		return
	}
	// Midstream pickup.
	s.midstream = true
	t.c.Sessions++
	t.c.Midstream++
	h, p := &s.half[dir], &s.half[dir^1]
	if f&(FlagSyn|FlagAck) == FlagSyn|FlagAck {
		// SYN/ACK: dir is the server.
		h.start(sg.Seq + 1)
		h.isn = sg.Seq
		h.win = uint32(sg.Window)
		h.lastAck, h.ackSeen = sg.Ack, true
		p.start(sg.Ack)
		p.isn = sg.Ack - 1
		s.state = StateSynRecv
		return
	}
	h.start(sg.Seq)
	h.isn = sg.Seq - 1
	if f&FlagAck != 0 {
		p.start(sg.Ack)
		p.isn = sg.Ack - 1
	}
	s.state = StateEstablished
	t.stateOpen(s, dir, sg, sink, ev)
}

func (h *half) start(seq uint32) {
	h.started = true
	h.next, h.base = seq, seq
}

func (t *Tracker) stateSynSent(s *Session, dir Dir, sg *Segment, ev *Events) {
	f := sg.Flags
	c := &s.half[ToServer]
	switch {
	case f&FlagRst != 0:
		if dir == ToClient && f&FlagAck != 0 && sg.Ack != c.isn+1 {
			t.event(ev, EvRstInvalidAck)
			return
		}
		t.close(s, nil)
	case f&(FlagSyn|FlagAck) == FlagSyn && dir == ToClient:
		// Split handshake: the server sends a SYN instead of a SYN/ACK.
		sv := &s.half[ToClient]
		sv.start(sg.Seq + 1)
		sv.isn = sg.Seq
		sv.win = uint32(sg.Window)
		if sg.WScale >= 0 {
			sv.wscaleOpt, sv.wscale = true, uint8(min(sg.WScale, 14))
		}
		s.fourWHS = true
	case f&(FlagSyn|FlagAck) == FlagSyn|FlagAck && dir == ToServer && s.fourWHS:
		// Split handshake: the client's SYN/ACK answers the server's SYN.
		sv := &s.half[ToClient]
		if sg.Ack != sv.isn+1 {
			t.event(ev, Ev4whsSynackWithWrongAck)
			return
		}
		if sg.Seq != c.isn {
			t.event(ev, Ev4whsSynackWithWrongSyn)
			return
		}
		c.lastAck, c.ackSeen = sg.Ack, true
		if !(sg.WScale >= 0 && sv.wscaleOpt && c.wscaleOpt) {
			c.wscale, sv.wscale = 0, 0
		} else {
			s.wscale = true
		}
		s.state = StateSynRecv
	case f&(FlagSyn|FlagAck) == FlagSyn|FlagAck:
		if dir == ToServer {
			t.event(ev, Ev3whsSynackInWrongDirection)
			return
		}
		// The SYN/ACK acks the SYN, and with TCP Fast Open possibly the
		// data it carried.
		if sg.Ack != c.isn+1 && sg.Ack != c.next {
			t.event(ev, Ev3whsSynackWithWrongAck)
			return
		}
		sv := &s.half[ToClient]
		sv.start(sg.Seq + 1)
		sv.isn = sg.Seq
		sv.lastAck, sv.ackSeen = sg.Ack, true
		sv.win = uint32(sg.Window) // not scaled on SYN/ACK
		sv.tsOpt = sg.HasTS
		s.timestamps = sv.tsOpt && c.tsOpt
		if sg.WScale >= 0 && c.wscaleOpt {
			s.wscale = true
			sv.wscaleOpt, sv.wscale = true, uint8(min(sg.WScale, 14))
		} else {
			c.wscale = 0
		}
		s.state = StateSynRecv
	case f&FlagSyn != 0 && dir == ToServer:
		// SYN retransmission, possibly with a new ISN.
		if sg.Seq != c.isn {
			c.start(sg.Seq + 1)
			c.isn = sg.Seq
		}
	}
}

func (t *Tracker) stateSynRecv(s *Session, dir Dir, sg *Segment, sink Sink, ev *Events) {
	f := sg.Flags
	c, sv := &s.half[ToServer], &s.half[ToClient]
	switch {
	case f&FlagRst != 0:
		t.close(s, sink)
		return
	case f&(FlagSyn|FlagAck) == FlagSyn|FlagAck:
		if dir == ToServer {
			t.event(ev, Ev3whsSynackToserverOnSynRecv)
			return
		}
		if sg.Ack != sv.lastAck {
			t.event(ev, Ev3whsSynackResendWithDifferentAck)
		}
		if sg.Seq != sv.isn {
			t.event(ev, Ev3whsSynackResendWithDiffSeq)
		}
		return
	case f&FlagSyn != 0:
		if dir == ToClient {
			t.event(ev, Ev3whsSynToclientOnSynRecv)
		} else if sg.Seq != c.isn {
			t.event(ev, Ev3whsSynResendDiffSeqOnSynRecv)
		}
		return
	case f&FlagAck == 0:
		return
	}
	if s.fourWHS {
		// Split handshake: the server's ACK of the client's SYN/ACK
		// completes it.
		if dir != ToClient {
			return
		}
		if sg.Seq != sv.next || sg.Ack != c.isn+1 {
			if sg.Seq != sv.next {
				t.event(ev, Ev4whsWrongSeq)
			} else {
				t.event(ev, Ev4whsInvalidAck)
			}
			return
		}
		sv.lastAck, sv.ackSeen = sg.Ack, true
		s.state = StateEstablished
		t.stateOpen(s, dir, sg, sink, ev)
		return
	}
	if dir == ToClient {
		// The server sends before the handshake completed.
		t.event(ev, Ev3whsAckInWrongDir)
		return
	}
	seqOK := sg.Seq == c.next || (s.midstream && seqGEQ(sg.Seq, c.next))
	ackOK := sg.Ack == sv.isn+1
	if !seqOK || !ackOK {
		if seqOK {
			t.event(ev, Ev3whsRightSeqWrongAckEvasion)
		} else {
			t.event(ev, Ev3whsWrongSeqWrongAck)
		}
		return
	}
	s.state = StateEstablished
	t.stateOpen(s, dir, sg, sink, ev)
}

// stateOpen handles established and closing states.
func (t *Tracker) stateOpen(s *Session, dir Dir, sg *Segment, sink Sink, ev *Events) {
	f := sg.Flags
	h, p := &s.half[dir], &s.half[dir^1]
	if f&FlagSyn != 0 {
		switch {
		case s.state != StateEstablished:
			t.event(ev, EvShutdownSynResend)
		case dir == ToServer && f&FlagAck != 0:
			t.event(ev, EvEstSynackToserver)
		case dir == ToServer:
			t.event(ev, EvEstSynResend)
			if sg.Seq != h.isn {
				t.event(ev, EvEstSynResendDiffSeq)
			}
		case f&FlagAck == 0:
			t.event(ev, EvEstSynToclient)
		default:
			t.event(ev, EvEstSynackResend)
			if sg.Seq != h.isn {
				t.event(ev, EvEstSynackResendWithDiffSeq)
			}
			if sg.Ack != h.lastAck {
				t.event(ev, EvEstSynackResendWithDifferentAck)
			}
		}
		return
	}
	if !h.started {
		// Midstream without ACK on the first packet: the other side
		// starts here.
		h.start(sg.Seq)
		h.isn = sg.Seq - 1
	}
	if f&FlagAck != 0 && !p.started {
		p.start(sg.Ack)
		p.isn = sg.Ack - 1
	}
	// ACK validation: an ACK for data the peer never sent (beyond what we
	// saw and beyond its window) is invalid.
	if f&FlagAck != 0 && p.started {
		limit := p.next
		if p.finSeen {
			limit = p.finSeq + 1
		}
		if h.ackSeen {
			limit = seqMax(limit, h.lastAck+h.win)
		}
		if seqGT(sg.Ack, limit) && !s.midstream {
			t.c.InvalidAck++
			t.event(ev, EvPktInvalidAck)
			return
		}
	}
	if f&FlagRst != 0 {
		// Accept a RST whose seq is inside what the receiver would accept.
		if p.ackSeen && (seqLT(sg.Seq+1, p.lastAck) || seqGT(sg.Seq, p.lastAck+max(p.win, 1))) {
			t.event(ev, EvRstInvalidAck)
			return
		}
		t.close(s, sink)
		return
	}
	plen := uint32(len(sg.Payload))
	// Receive window of the peer: data starting beyond it is dropped.
	if plen > 0 || f&FlagFin != 0 {
		if p.ackSeen && seqGT(sg.Seq, p.lastAck+p.win) && p.win > 0 && seqGT(sg.Seq, h.next) {
			t.c.OutOfWindow++
			if f&FlagFin != 0 {
				t.event(ev, EvFinOutOfWindow)
			} else {
				t.event(ev, EvEstPacketOutOfWindow)
			}
			return
		}
	}
	// Window and ACK of this side.
	w := uint32(sg.Window)
	if s.wscale {
		w <<= h.wscale
	}
	h.win = w
	if f&FlagAck != 0 && (!h.ackSeen || seqGT(sg.Ack, h.lastAck)) {
		h.lastAck, h.ackSeen = sg.Ack, true
	}
	if p.finSeen && h.ackSeen && seqGT(h.lastAck, p.finSeq) {
		p.finAcked = true
	}
	if plen > 0 {
		t.c.Segments++
		if seqGT(sg.Seq+plen, h.next) {
			h.next = sg.Seq + plen
		}
		if seqLEQ(sg.Seq+plen, h.base) {
			t.c.Retransmissions++
			t.event(ev, EvPktRetransmission)
			if p.ackSeen && seqLEQ(sg.Seq+plen, p.lastAck) && s.state == StateEstablished {
				t.event(ev, EvEstPktBeforeLastAck)
			}
		} else {
			t.insert(h, sg.Seq, sg.Payload, ev)
		}
	}
	if f&FlagFin != 0 && !h.finSeen {
		h.finSeen = true
		h.finSeq = sg.Seq + plen
		if seqGT(h.finSeq+1, h.next) {
			h.next = h.finSeq + 1
		}
	}
	s.state = closeState(s)
	// This packet's ACK may make the peer's data deliverable; in inline
	// mode this side's data is deliverable at once.
	t.deliver(p, dir^1, h, false, sink, ev)
	if t.opts.Inline {
		t.deliver(h, dir, p, false, sink, ev)
	}
	if s.state == StateClosed {
		t.close(s, sink)
	}
}

// closeState derives the state from the FINs seen and acknowledged, named
// from the client's point of view as Suricata does.
func closeState(s *Session) State {
	c, sv := &s.half[ToServer], &s.half[ToClient]
	switch {
	case !c.finSeen && !sv.finSeen:
		return StateEstablished
	case c.finSeen && !sv.finSeen:
		if c.finAcked {
			return StateFinWait2
		}
		return StateFinWait1
	case sv.finSeen && !c.finSeen:
		return StateCloseWait
	case c.finAcked && sv.finAcked:
		return StateClosed
	case c.finAcked: // client closed first, server's FIN not yet acked
		return StateTimeWait
	case sv.finAcked: // server closed first
		return StateLastAck
	default:
		return StateClosing
	}
}

// close moves s to StateClosed and flushes both directions.
func (t *Tracker) close(s *Session, sink Sink) {
	s.state = StateClosed
	t.Flush(s, sink)
}
