package stream

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rec records what a Sink receives; gaps appear as '?' bytes in text.
type rec struct {
	text [2][]byte
	gaps [2][]uint32
}

func (r *rec) Data(d Dir, b []byte) { r.text[d] = append(r.text[d], b...) }
func (r *rec) Gap(d Dir, n uint32) {
	r.gaps[d] = append(r.gaps[d], n)
	r.text[d] = append(r.text[d], bytes.Repeat([]byte("?"), int(n))...)
}

const (
	cISN = 1000
	sISN = 0xfffffff0 // wraps during the test
)

// conv drives one session through a tracker.
type conv struct {
	t  *testing.T
	tr *Tracker
	s  Session
	r  rec
}

func newConv(t *testing.T, opts Options) *conv {
	t.Helper()
	c := &conv{t: t, tr: NewTracker(opts)}
	c.raw(ToServer, cISN, 0, FlagSyn, "")
	c.raw(ToClient, sISN, cISN+1, FlagSyn|FlagAck, "")
	c.raw(ToServer, cISN+1, sISN+1, FlagAck, "")
	if c.s.State() != StateEstablished {
		t.Fatalf("after handshake: state %v; want established", c.s.State())
	}
	return c
}

func (c *conv) raw(dir Dir, seq, ack uint32, flags uint8, payload string) Events {
	return c.tr.Process(&c.s, dir, &Segment{Seq: seq, Ack: ack, Flags: flags, Window: 65535, WScale: -1, Payload: []byte(payload)}, &c.r)
}

// send sends payload from dir at relative offset off, acking everything the
// other side has sent so far (its next seq).
func (c *conv) send(dir Dir, off uint32, payload string) Events {
	isn := uint32(cISN)
	if dir == ToClient {
		isn = sISN
	}
	return c.raw(dir, isn+1+off, c.s.half[dir^1].next, FlagAck|FlagPsh, payload)
}

// ack sends a pure ACK from dir acking the other side up to offset off.
func (c *conv) ack(dir Dir, off uint32) Events {
	pisn := uint32(sISN)
	if dir == ToClient {
		pisn = cISN
	}
	return c.raw(dir, c.s.half[dir].next, pisn+1+off, FlagAck, "")
}

func (c *conv) want(dir Dir, text string) {
	c.t.Helper()
	if got := string(c.r.text[dir]); got != text {
		c.t.Errorf("%v stream %q; want %q", dir, got, text)
	}
}

func TestDeliverOnAck(t *testing.T) {
	c := newConv(t, Options{})
	c.send(ToServer, 0, "GET / HTTP/1.1\r\n")
	c.want(ToServer, "") // not acked yet
	c.ack(ToClient, 8)
	c.want(ToServer, "GET / HT")
	c.send(ToClient, 0, "HTTP/1.1 200 OK\r\n") // acks all 16
	c.want(ToServer, "GET / HTTP/1.1\r\n")
	c.ack(ToServer, 17)
	c.want(ToClient, "HTTP/1.1 200 OK\r\n")
	if got := c.tr.Counters().Delivered; got != 33 {
		t.Errorf("delivered %d; want 33", got)
	}
}

func TestInlineDeliversAtOnce(t *testing.T) {
	c := newConv(t, Options{Inline: true})
	c.send(ToServer, 4, "4567")
	c.want(ToServer, "")
	c.send(ToServer, 0, "0123")
	c.want(ToServer, "01234567")
}

func TestOutOfOrderAndRetransmission(t *testing.T) {
	c := newConv(t, Options{})
	c.send(ToServer, 10, "klmnopqrst")
	c.send(ToServer, 5, "fghij")
	c.send(ToServer, 0, "abcde")
	ev := c.send(ToServer, 5, "fghij") // retransmission, buffered
	if !ev.Has(EvPktRetransmission) {
		t.Errorf("retransmission of buffered data: events %b", ev)
	}
	c.ack(ToClient, 20)
	c.want(ToServer, "abcdefghijklmnopqrst")
	ev = c.send(ToServer, 0, "abcde") // retransmission of delivered data
	if !ev.Has(EvPktRetransmission) || !ev.Has(EvEstPktBeforeLastAck) {
		t.Errorf("retransmission of acked data: events %b", ev)
	}
	c.ack(ToClient, 20)
	c.want(ToServer, "abcdefghijklmnopqrst")
	if n := c.tr.Counters().Retransmissions; n != 2 {
		t.Errorf("retransmissions %d; want 2", n)
	}
}

func TestOverlapPolicies(t *testing.T) {
	// Old segment "OOOOOOOOOO" at 10..20, then a new one with different
	// bytes; the stream before 10 is "0123456789" so delivery can start.
	tests := []struct {
		policy Policy
		off    uint32
		data   string
		want   string
	}{
		{PolicyBSD, 5, "nnnnnnnnnn", "01234nnnnnnnnnnOOOOO"},
		{PolicyBSD, 10, "nnnnnnnnnnnn", "0123456789OOOOOOOOOOnn"},
		{PolicyBSD, 15, "nnnnnnnnnn", "0123456789OOOOOOOOOOnnnnn"},
		{PolicyFirst, 5, "nnnnnnnnnn", "01234nnnnnOOOOOOOOOO"},
		{PolicyLast, 10, "nnnnn", "0123456789nnnnnOOOOO"},
		{PolicyLast, 15, "nnnnnnnnnn", "0123456789OOOOOnnnnnnnnnn"},
		{PolicyLinux, 10, "nnnnnnnnnnnn", "0123456789nnnnnnnnnnnn"},
		{PolicyLinux, 10, "nnnnnnnnnn", "0123456789OOOOOOOOOO"},
		{PolicyOldLinux, 10, "nnnnnnnnnn", "0123456789nnnnnnnnnn"},
		{PolicySolaris, 15, "nnnnnnnnnn", "0123456789OOOOOnnnnnnnnnn"},
		{PolicySolaris, 5, "nnnnnnnnnn", "01234nnnnnOOOOOOOOOO"},
		{PolicyVista, 5, "nnnnnnnnnnnnnnnnnnnn", "01234nnnnnOOOOOOOOOOnnnnn"},
	}
	for _, tc := range tests {
		t.Run(tc.policy.String(), func(t *testing.T) {
			c := newConv(t, Options{Policy: tc.policy})
			c.send(ToServer, 10, "OOOOOOOOOO")
			ev := c.send(ToServer, tc.off, tc.data)
			if !ev.Has(EvReassemblyOverlapDifferentData) {
				t.Errorf("no overlap event")
			}
			c.send(ToServer, 0, "0123456789"[:min(10, tc.off)])
			c.ack(ToClient, 100)
			c.tr.Flush(&c.s, &c.r)
			got := strings.ReplaceAll(string(c.r.text[ToServer]), "?", "")
			if got != tc.want {
				t.Errorf("%v off %d: got %q; want %q", tc.policy, tc.off, got, tc.want)
			}
		})
	}
}

func TestGapOnAck(t *testing.T) {
	c := newConv(t, Options{})
	c.send(ToServer, 0, "aaaa")
	c.send(ToServer, 8, "cccc") // 4..8 lost
	c.ack(ToClient, 12)
	c.want(ToServer, "aaaa????cccc")
	if diff := cmp.Diff([]uint32{4}, c.r.gaps[ToServer]); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	// Acked but never seen at the tail.
	ev := c.ack(ToClient, 20)
	c.want(ToServer, "aaaa????cccc????????")
	if !ev.Has(EvReassemblySeqGap) {
		t.Errorf("no gap event")
	}
	c.send(ToServer, 20, "dd")
	c.ack(ToClient, 22)
	c.want(ToServer, "aaaa????cccc????????dd")
}

func TestDepth(t *testing.T) {
	c := newConv(t, Options{Depth: 10})
	c.send(ToServer, 0, "0123456")
	c.send(ToServer, 7, "789abc")
	c.send(ToServer, 13, "def")
	c.ack(ToClient, 16)
	c.want(ToServer, "0123456789")
	if !c.s.DepthReached(ToServer) || c.s.DepthReached(ToClient) {
		t.Errorf("depth reached: %v %v; want true false", c.s.DepthReached(ToServer), c.s.DepthReached(ToClient))
	}
	if c.s.Buffered() != 0 || c.tr.Memuse() != 0 {
		t.Errorf("buffers held after depth: %d %d", c.s.Buffered(), c.tr.Memuse())
	}
	c.send(ToServer, 16, "more")
	c.ack(ToClient, 20)
	c.want(ToServer, "0123456789")
}

func TestFinClose(t *testing.T) {
	c := newConv(t, Options{})
	c.send(ToServer, 0, "req")
	c.raw(ToServer, cISN+1+3, sISN+1, FlagFin|FlagAck, "")
	if c.s.State() != StateFinWait1 {
		t.Errorf("state %v; want fin_wait1", c.s.State())
	}
	c.raw(ToClient, sISN+1, cISN+1+4, FlagAck, "resp")
	if c.s.State() != StateFinWait2 {
		t.Errorf("state %v; want fin_wait2", c.s.State())
	}
	c.want(ToServer, "req")
	c.raw(ToClient, sISN+1+4, cISN+1+4, FlagFin|FlagAck, "")
	if c.s.State() != StateTimeWait {
		t.Errorf("state %v; want time_wait", c.s.State())
	}
	c.raw(ToServer, cISN+1+4, sISN+1+5, FlagAck, "")
	if c.s.State() != StateClosed {
		t.Errorf("state %v; want closed", c.s.State())
	}
	c.want(ToClient, "resp")
	if len(c.r.gaps[0])+len(c.r.gaps[1]) != 0 {
		t.Errorf("gaps %v", c.r.gaps)
	}
}

func TestRstFlushes(t *testing.T) {
	c := newConv(t, Options{})
	c.send(ToServer, 0, "unacked")
	c.raw(ToClient, sISN+1, 0, FlagRst, "")
	if c.s.State() != StateClosed {
		t.Errorf("state %v; want closed", c.s.State())
	}
	c.want(ToServer, "unacked")
	// A RST far outside the window is ignored.
	d := newConv(t, Options{})
	far := uint32(sISN)
	far += 1 << 30
	ev := d.raw(ToClient, far, 0, FlagRst, "")
	if d.s.State() != StateEstablished || !ev.Has(EvRstInvalidAck) {
		t.Errorf("bad RST: state %v events %b", d.s.State(), ev)
	}
}

func TestMidstream(t *testing.T) {
	for _, mid := range []bool{false, true} {
		tr := NewTracker(Options{Midstream: mid})
		var s Session
		var r rec
		tr.Process(&s, ToServer, &Segment{Seq: 100, Ack: 900, Flags: FlagAck, WScale: -1, Payload: []byte("hello")}, &r)
		tr.Process(&s, ToClient, &Segment{Seq: 900, Ack: 105, Flags: FlagAck, Window: 100, WScale: -1, Payload: []byte("world")}, &r)
		tr.Process(&s, ToServer, &Segment{Seq: 105, Ack: 905, Flags: FlagAck, WScale: -1}, &r)
		got := string(r.text[0]) + "|" + string(r.text[1])
		want := "|"
		if mid {
			want = "hello|world"
		}
		if got != want || s.Midstream() != mid {
			t.Errorf("midstream=%v: got %q (midstream %v); want %q", mid, got, s.Midstream(), want)
		}
		if !mid && tr.Counters().NoSession != 3 {
			t.Errorf("no-session packets %d; want 3", tr.Counters().NoSession)
		}
	}
}

func TestHandshakeEvents(t *testing.T) {
	tr := NewTracker(Options{})
	var s Session
	seg := func(dir Dir, seq, ack uint32, f uint8) Events {
		return tr.Process(&s, dir, &Segment{Seq: seq, Ack: ack, Flags: f, WScale: -1}, nil)
	}
	seg(ToServer, 10, 0, FlagSyn)
	if ev := seg(ToClient, 50, 99, FlagSyn|FlagAck); !ev.Has(Ev3whsSynackWithWrongAck) {
		t.Errorf("wrong ack SYN/ACK: %b", ev)
	}
	if ev := seg(ToServer, 50, 11, FlagSyn|FlagAck); !ev.Has(Ev3whsSynackInWrongDirection) {
		t.Errorf("SYN/ACK to server: %b", ev)
	}
	seg(ToClient, 50, 11, FlagSyn|FlagAck)
	if s.State() != StateSynRecv {
		t.Fatalf("state %v", s.State())
	}
	if ev := seg(ToServer, 11, 77, FlagAck); !ev.Has(Ev3whsRightSeqWrongAckEvasion) {
		t.Errorf("wrong final ack: %b", ev)
	}
	seg(ToServer, 11, 51, FlagAck)
	if s.State() != StateEstablished {
		t.Fatalf("state %v", s.State())
	}
	if ev := seg(ToServer, 11, 1<<20, FlagAck); !ev.Has(EvPktInvalidAck) {
		t.Errorf("ack of unsent data: %b", ev)
	}
	if ev := seg(ToServer, 11, 51, FlagSyn|FlagFin); !ev.Has(EvFinSyn) {
		t.Errorf("SYN+FIN: %b", ev)
	}
	if got := tr.Counters().Events[EvPktInvalidAck]; got != 1 {
		t.Errorf("pkt_invalid_ack counted %d; want 1", got)
	}
}

func TestEventNames(t *testing.T) {
	seen := map[string]bool{}
	for e := range numEvents {
		n := e.String()
		if n == "" || seen[n] {
			t.Errorf("event %d: empty or duplicate name %q", e, n)
		}
		seen[n] = true
		if got, ok := EventByName(n); !ok || got != e {
			t.Errorf("EventByName(%q) = %v %v", n, got, ok)
		}
	}
	if EvReassemblyOverlapDifferentData.String() != "reassembly_overlap_different_data" ||
		EvPktInvalidAck.String() != "pkt_invalid_ack" || Ev3whsSynackFlood.String() != "3whs_synack_flood" {
		t.Errorf("names out of step with the constants")
	}
}

type nopSink struct{ n int }

func (s *nopSink) Data(_ Dir, b []byte) { s.n += len(b) }
func (s *nopSink) Gap(_ Dir, n uint32)  { s.n += int(n) }

func TestProcessAllocs(t *testing.T) {
	tr := NewTracker(Options{})
	var s Session
	sink := &nopSink{}
	payload := bytes.Repeat([]byte("x"), 1400)
	cseq, sseq := uint32(1), uint32(1)
	run := func() {
		// One data segment each way, each acking the other.
		tr.Process(&s, ToServer, &Segment{Seq: cseq, Ack: sseq, Flags: FlagAck, Window: 1000, WScale: -1, Payload: payload}, sink)
		cseq += uint32(len(payload))
		tr.Process(&s, ToClient, &Segment{Seq: sseq, Ack: cseq, Flags: FlagAck, Window: 1000, WScale: -1, Payload: payload[:100]}, sink)
		sseq += 100
	}
	tr.Process(&s, ToServer, &Segment{Seq: 0, Flags: FlagSyn, WScale: 7}, sink)
	tr.Process(&s, ToClient, &Segment{Seq: 0, Ack: 1, Flags: FlagSyn | FlagAck, WScale: 7}, sink)
	tr.Process(&s, ToServer, &Segment{Seq: 1, Ack: 1, Flags: FlagAck}, sink)
	for range 10 {
		run()
	}
	if n := testing.AllocsPerRun(200, run); n != 0 {
		t.Fatalf("Process allocates %v times per segment pair; want 0", n)
	}
	if sink.n == 0 || s.State() != StateEstablished {
		t.Fatalf("nothing delivered (state %v)", s.State())
	}
}

func BenchmarkProcess(b *testing.B) {
	tr := NewTracker(Options{Depth: -1})
	var s Session
	sink := &nopSink{}
	payload := bytes.Repeat([]byte("x"), 1400)
	tr.Process(&s, ToServer, &Segment{Seq: 0, Flags: FlagSyn, WScale: 7}, sink)
	tr.Process(&s, ToClient, &Segment{Seq: 0, Ack: 1, Flags: FlagSyn | FlagAck, WScale: 7}, sink)
	tr.Process(&s, ToServer, &Segment{Seq: 1, Ack: 1, Flags: FlagAck}, sink)
	cseq := uint32(1)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		tr.Process(&s, ToServer, &Segment{Seq: cseq, Ack: 1, Flags: FlagAck, Window: 1000, WScale: -1, Payload: payload}, sink)
		cseq += uint32(len(payload))
		tr.Process(&s, ToClient, &Segment{Seq: 1, Ack: cseq, Flags: FlagAck, Window: 1000, WScale: -1}, sink)
	}
}

func TestMemcapDropBecomesGap(t *testing.T) {
	// Room for one 2 KiB buffer: the second out-of-order segment cannot
	// be buffered and is reported as a gap once acknowledged.
	c := newConv(t, Options{Memcap: 2048})
	c.send(ToServer, 0, "aaaa")
	c.send(ToServer, 8, "cccc")
	if got := c.tr.Counters().MemcapDrops; got != 1 {
		t.Fatalf("memcap drops %d; want 1", got)
	}
	c.send(ToServer, 4, "bbbb") // appended to the first buffer
	c.ack(ToClient, 12)
	c.want(ToServer, "aaaabbbb????")
	c.tr.Release(&c.s)
	if c.tr.Memuse() != 0 || c.s.State() != StateNone {
		t.Errorf("after Release: memuse %d state %v", c.tr.Memuse(), c.s.State())
	}
}

func TestWindowScaleAndOutOfWindow(t *testing.T) {
	tr := NewTracker(Options{})
	var s Session
	var r rec
	seg := func(dir Dir, seq, ack uint32, f uint8, win uint16, ws int8, p string) Events {
		return tr.Process(&s, dir, &Segment{Seq: seq, Ack: ack, Flags: f, Window: win, WScale: ws, Payload: []byte(p)}, &r)
	}
	seg(ToServer, 0, 0, FlagSyn, 1000, 2, "")
	seg(ToClient, 0, 1, FlagSyn|FlagAck, 1000, 3, "")
	seg(ToServer, 1, 1, FlagAck, 10, -1, "") // client window 10<<2 = 40
	if got := s.half[ToServer].win; got != 40 {
		t.Errorf("scaled window %d; want 40", got)
	}
	// The server may send up to ack 1 + 40; a segment starting at 100 is
	// outside the client's window.
	if ev := seg(ToClient, 100, 1, FlagAck, 10, -1, "x"); !ev.Has(EvEstPacketOutOfWindow) {
		t.Errorf("out of window segment: events %b", ev)
	}
	if ev := seg(ToClient, 30, 1, FlagAck, 10, -1, "y"); ev.Has(EvEstPacketOutOfWindow) {
		t.Errorf("in-window segment flagged")
	}
}

// TestZeroTimestamp: in a session whose SYN and SYN/ACK both carried the
// timestamp option, a packet with timestamp 0 raises
// pkt_invalid_timestamp and is dropped (an RST with it does not close the
// session); without negotiated timestamps it is processed.
func TestZeroTimestamp(t *testing.T) {
	for _, c := range []struct {
		name      string
		synTS     bool
		wantEvent bool
		wantState State
	}{
		{"negotiated", true, true, StateEstablished},
		{"not negotiated", false, false, StateClosed},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := NewTracker(Options{})
			var s Session
			var r rec
			seg := func(dir Dir, seq, ack uint32, flags uint8, ts uint32, hasTS bool) Events {
				return tr.Process(&s, dir, &Segment{Seq: seq, Ack: ack, Flags: flags, Window: 65535, WScale: -1,
					TSVal: ts, HasTS: hasTS}, &r)
			}
			seg(ToServer, cISN, 0, FlagSyn, 100, c.synTS)
			seg(ToClient, sISN, cISN+1, FlagSyn|FlagAck, 200, true)
			seg(ToServer, cISN+1, sISN+1, FlagAck, 101, true)
			ev := seg(ToClient, sISN+1, cISN+1, FlagRst|FlagAck, 0, true)
			if got := ev.Has(EvPktInvalidTimestamp); got != c.wantEvent {
				t.Errorf("pkt_invalid_timestamp %v, want %v", got, c.wantEvent)
			}
			if s.State() != c.wantState {
				t.Errorf("state %v after the RST, want %v", s.State(), c.wantState)
			}
		})
	}
}
