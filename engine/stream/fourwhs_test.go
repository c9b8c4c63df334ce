package stream

import "testing"

// TestSplitHandshake: the server answers the SYN with a SYN, the client
// sends the SYN/ACK and the server's ACK completes the session; the
// client's data is then delivered once acked (suricata-verify
// tcp-split-handshake-01-4whs).
func TestSplitHandshake(t *testing.T) {
	tr := NewTracker(Options{})
	var s Session
	var r rec
	seg := func(dir Dir, seq, ack uint32, f uint8, payload string) Events {
		return tr.Process(&s, dir, &Segment{Seq: seq, Ack: ack, Flags: f, Window: 1000, WScale: -1, Payload: []byte(payload)}, &r)
	}
	seg(ToServer, 100, 0, FlagSyn, "")
	seg(ToClient, 500, 0, FlagSyn, "")
	if ev := seg(ToServer, 100, 999, FlagSyn|FlagAck, ""); !ev.Has(Ev4whsSynackWithWrongAck) {
		t.Errorf("wrong ack: %b", ev)
	}
	seg(ToServer, 100, 501, FlagSyn|FlagAck, "")
	if s.State() != StateSynRecv {
		t.Fatalf("after SYN/ACK: state %v", s.State())
	}
	seg(ToClient, 501, 101, FlagAck, "")
	if s.State() != StateEstablished {
		t.Fatalf("after ACK: state %v", s.State())
	}
	seg(ToServer, 101, 501, FlagAck, "EVIL")
	seg(ToClient, 501, 105, FlagAck, "")
	if got := string(r.text[ToServer]); got != "EVIL" {
		t.Errorf("client stream %q; want EVIL", got)
	}
	tr.Release(&s)
	if s.fourWHS {
		t.Error("Release kept the split-handshake flag")
	}
}

// TestFastOpen: data in the SYN (TCP Fast Open) is part of the stream,
// delivered at once inline, and a SYN/ACK that acks it is accepted.
func TestFastOpen(t *testing.T) {
	for _, inline := range []bool{false, true} {
		tr := NewTracker(Options{Inline: inline})
		var s Session
		var r rec
		seg := func(dir Dir, seq, ack uint32, f uint8, payload string) {
			tr.Process(&s, dir, &Segment{Seq: seq, Ack: ack, Flags: f, Window: 1000, WScale: -1, Payload: []byte(payload)}, &r)
		}
		seg(ToServer, 100, 0, FlagSyn, "GET /")
		if got, want := string(r.text[ToServer]), map[bool]string{false: "", true: "GET /"}[inline]; got != want {
			t.Errorf("inline=%v: after SYN %q; want %q", inline, got, want)
		}
		seg(ToClient, 700, 106, FlagSyn|FlagAck, "")
		if s.State() != StateSynRecv {
			t.Fatalf("inline=%v: SYN/ACK acking the data rejected (state %v)", inline, s.State())
		}
		seg(ToServer, 106, 701, FlagAck, "")
		seg(ToClient, 701, 106, FlagAck, "")
		if got := string(r.text[ToServer]); got != "GET /" {
			t.Errorf("inline=%v: client stream %q; want %q", inline, got, "GET /")
		}
	}
}
