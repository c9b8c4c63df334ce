package sip

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "sip" object: the request's method, uri,
// version and request line, or the response's version, code, reason and
// response line (a transaction holds one message).
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	if t.Request == nil && t.Response == nil {
		return false
	}
	o := r.AddObject("sip")
	if m := t.Request; m != nil {
		o.Bytes("method", m.Method)
		o.Bytes("uri", m.URI)
		o.Bytes("version", m.Version)
		o.OptBytes("request_line", m.Line)
	}
	if m := t.Response; m != nil {
		o.Bytes("version", m.Version)
		o.Bytes("code", m.Code)
		o.Bytes("reason", m.Reason)
		o.OptBytes("response_line", m.Line)
	}
	return true
}
