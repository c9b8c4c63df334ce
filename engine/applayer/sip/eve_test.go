package sip

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the sip object of a request and of a response
// against the schema and Suricata's field names.
func TestFillEVE(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, invite)
	p.ParseDatagram(applayer.ToClient, ok200)
	for _, c := range []struct {
		name string
		tx   *Tx
		want map[string]any
	}{
		{"request", p.Tx(0), map[string]any{"method": "INVITE", "uri": "sip:bob@example.com",
			"version": "SIP/2.0", "request_line": "INVITE sip:bob@example.com SIP/2.0", "code": nil}},
		{"response", p.Tx(1), map[string]any{"version": "SIP/2.0", "code": "200", "reason": "OK",
			"response_line": "SIP/2.0 200 OK", "method": nil}},
	} {
		got := evetest.FillObject(t, eve.EventSIP, "sip", func(r *eve.Record) bool {
			return c.tx.FillEVE(r, c.tx.Dir)
		})
		evetest.Diff(t, c.name, got, c.want)
	}
	if (&Tx{}).FillEVE(&eve.Record{}, applayer.ToServer) {
		t.Error("a transaction without a message filled an object")
	}
}
