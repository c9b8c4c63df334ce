package sip

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

var invite = []byte("INVITE sip:bob@example.com SIP/2.0\r\n" +
	"v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n" +
	"Via: SIP/2.0/TCP 10.0.0.2\r\n" +
	"f: \"alice\" <sip:alice@example.com>;tag=1\r\n" +
	"To: <sip:bob@example.com>\r\n" +
	"User-Agent: test\r\n" +
	" agent\r\n" +
	"c: application/sdp\r\n" +
	"l: 5\r\n\r\nv=0\r\n")

var ok200 = []byte("SIP/2.0 200 OK\r\nTo: <sip:bob@example.com>;tag=2\r\nContent-Length: 0\r\n\r\n")

func buf(t *testing.T, tx *Tx, d applayer.Direction, b applayer.BufferID, i int) string {
	t.Helper()
	v, ok := tx.BufferAt(d, b, i)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func TestDatagram(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, invite)
	p.ParseDatagram(applayer.ToClient, ok200)
	p.ParseDatagram(applayer.ToClient, []byte("HTTP/1.1 200 OK\r\n\r\n"))
	if p.TxCount() != 2 || p.Malformed != 1 {
		t.Fatalf("txs %d malformed %d; want 2, 1", p.TxCount(), p.Malformed)
	}
	req, resp := p.Tx(0), p.Tx(1)
	S, C := applayer.ToServer, applayer.ToClient
	for _, c := range []struct {
		tx   *Tx
		d    applayer.Direction
		b    applayer.BufferID
		i    int
		want string
	}{
		{req, S, bufid.SIPMethod, 0, "INVITE"},
		{req, S, bufid.SIPURI, 0, "sip:bob@example.com"},
		{req, S, bufid.SIPRequestLine, 0, "INVITE sip:bob@example.com SIP/2.0"},
		{req, S, bufid.SIPProtocol, 0, "SIP/2.0"},
		{req, C, bufid.SIPProtocol, 0, "<none>"}, // no fallback to the other message
		{req, S, bufid.SIPVia, 0, "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"},
		{req, S, bufid.SIPVia, 1, "SIP/2.0/TCP 10.0.0.2"},
		{req, S, bufid.SIPVia, 2, "<none>"},
		{req, S, bufid.SIPFrom, 0, "\"alice\" <sip:alice@example.com>;tag=1"},
		{req, S, bufid.SIPTo, 0, "<sip:bob@example.com>"},
		{req, S, bufid.SIPUserAgent, 0, "test\r\n agent"},
		{req, S, bufid.SIPContentType, 0, "application/sdp"},
		{req, S, bufid.SIPContentLength, 0, "5"},
		{req, S, bufid.SIPStatCode, 0, "<none>"},
		{resp, C, bufid.SIPStatCode, 0, "200"},
		{resp, C, bufid.SIPStatMsg, 0, "OK"},
		{resp, C, bufid.SIPResponseLine, 0, "SIP/2.0 200 OK"},
		{resp, C, bufid.SIPProtocol, 0, "SIP/2.0"},
		{resp, C, bufid.SIPTo, 0, "<sip:bob@example.com>;tag=2"},
		{resp, S, bufid.SIPTo, 0, "<none>"},
		{resp, C, bufid.SIPMethod, 0, "<none>"},
	} {
		if got := buf(t, c.tx, c.d, c.b, c.i); got != c.want {
			t.Errorf("%v %v[%d] = %q; want %q", c.d, c.b, c.i, got, c.want)
		}
	}
}

// TestTCPFraming splits two pipelined messages with a body at every
// position and checks both are found and the body skipped.
func TestTCPFraming(t *testing.T) {
	stream := append(append([]byte("\r\n"), invite...), ok200...)
	for step := 1; step <= len(stream); step++ {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(applayer.ToServer, stream[i:min(i+step, len(stream))])
		}
		if p.TxCount() != 2 || p.State() != 0 {
			t.Fatalf("step %d: %d txs, state %v; want 2, 0", step, p.TxCount(), p.State())
		}
		if got := buf(t, p.Tx(1), applayer.ToClient, bufid.SIPStatCode, 0); got != "200" {
			t.Fatalf("step %d: second message stat code %q", step, got)
		}
	}
}

func TestTCPErrors(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("GARBAGE\r\n\r\n"))
	if p.State()&applayer.StateError == 0 || p.TxCount() != 0 {
		t.Fatalf("state %v txs %d; want error and no tx", p.State(), p.TxCount())
	}
	p = New()
	p.Parse(applayer.ToClient, []byte("SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n"))
	if p.State()&applayer.StateError == 0 {
		t.Fatal("bad Content-Length accepted")
	}
	p = New()
	p.Gap(applayer.ToServer, 10)
	p.Parse(applayer.ToServer, invite)
	if p.TxCount() != 0 || p.State()&applayer.StateGap == 0 {
		t.Fatal("parsed after a gap")
	}
}

func TestProbes(t *testing.T) {
	for _, c := range []struct {
		in   string
		resp bool
		want applayer.ProbeResult
	}{
		{"INVITE sip:a@b SIP/2.0\r\n", false, applayer.ProbeMatch},
		{"NOTIFY sip:a@b SIP/2.0\n", false, applayer.ProbeMatch},
		{"NOTIFY * HTTP/1.1\r\n", false, applayer.ProbeNoMatch},
		{"INVITE sip:a@b", false, applayer.ProbeNeedMore},
		{"INV", false, applayer.ProbeNeedMore},
		{"GET / HTTP/1.1\r\n", false, applayer.ProbeNoMatch},
		{"SIP/2.0 100 Trying\r\n", true, applayer.ProbeMatch},
		{"SIP/2", true, applayer.ProbeNeedMore},
		{"HTTP/1.1 200 OK\r\n", true, applayer.ProbeNoMatch},
	} {
		f := applayer.ProbeSIPRequest
		if c.resp {
			f = applayer.ProbeSIPResponse
		}
		if got := f([]byte(c.in)); got != c.want {
			t.Errorf("probe(%q) = %v; want %v", c.in, got, c.want)
		}
	}
}

func TestPruneAndCap(t *testing.T) {
	p := New()
	for i := 0; i < MaxTx+10; i++ {
		p.ParseDatagram(applayer.ToServer, invite)
	}
	if p.TxCount() != MaxTx || p.Tx(0).ID() != 10 {
		t.Fatalf("count %d first id %d", p.TxCount(), p.Tx(0).ID())
	}
	p.Prune(100)
	if p.TxCount() != MaxTx+10-100 || p.Tx(0).ID() != 100 {
		t.Fatalf("after prune: count %d first id %d", p.TxCount(), p.Tx(0).ID())
	}
	if !p.Tx(0).Complete(applayer.ToClient) || p.Tx(0).Proto() != bufid.ProtoSIP {
		t.Fatal("tx not complete or wrong proto")
	}
}

func TestBufferAtAllocs(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, invite)
	tx := p.Tx(0)
	if n := testing.AllocsPerRun(100, func() {
		for b := bufid.SIPMethod; b <= bufid.SIPContentLength; b++ {
			tx.BufferAt(applayer.ToServer, b, 0)
		}
	}); n != 0 {
		t.Fatalf("BufferAt allocates %v times", n)
	}
}
