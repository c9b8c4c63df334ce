package sip

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// TestSnortBuffers: sip_header, sip_method and sip_stat_code read the
// transaction's message in the direction it was sent, whatever its kind.
func TestSnortBuffers(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, invite)
	p.ParseDatagram(applayer.ToClient, ok200)
	bye := []byte("BYE sip:alice@example.com SIP/2.0\r\nVia: x\r\n\r\n")
	p.ParseDatagram(applayer.ToClient, bye) // the callee hangs up
	p.ParseDatagram(applayer.ToServer, []byte("PUBLISH sip:a@b SIP/2.0\r\nVia: x\r\n\r\n"))
	p.ParseDatagram(applayer.ToServer, []byte("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n"))
	if p.TxCount() != 5 {
		t.Fatalf("txs %d, want 5", p.TxCount())
	}
	S, C := applayer.ToServer, applayer.ToClient
	head := string(invite[:len(invite)-len("v=0\r\n")])
	for _, c := range []struct {
		tx   int
		d    applayer.Direction
		b    applayer.BufferID
		want string
	}{
		{0, S, bufid.SIPHeader, head},
		{0, C, bufid.SIPHeader, "<none>"},
		{0, S, bufid.SIPSnortMethod, "INVITE"},
		{0, S, bufid.SIPSnortStatCode, "<none>"},
		{1, C, bufid.SIPHeader, string(ok200)},
		{1, C, bufid.SIPSnortStatCode, "200"},
		{1, S, bufid.SIPSnortStatCode, "<none>"},
		{1, C, bufid.SIPSnortMethod, "<none>"},
		{2, C, bufid.SIPSnortMethod, "BYE"},
		{2, C, bufid.SIPHeader, string(bye)},
		{2, S, bufid.SIPSnortMethod, "<none>"},
		// A method Snort does not parse by default: empty header.
		{3, S, bufid.SIPHeader, ""},
		{3, S, bufid.SIPSnortMethod, "PUBLISH"},
		// No empty line: the start line and its line break.
		{4, S, bufid.SIPHeader, "OPTIONS sip:a@b SIP/2.0\r\n"},
	} {
		if got := buf(t, p.Tx(c.tx), c.d, c.b, 0); got != c.want {
			t.Errorf("tx %d %v %v = %q, want %q", c.tx, c.d, c.b, got, c.want)
		}
	}
	if _, ok := p.Tx(0).BufferAt(S, bufid.SIPHeader, 1); ok {
		t.Error("sip_header has one instance")
	}
}
