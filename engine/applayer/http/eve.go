package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE sets r.HTTP to Suricata's "http" object (basic and extended
// fields) for t. dir is unused. Output path: allocates the object; fields
// read through Buffer are copied (Buffer may reuse scratch space), the
// others point into t.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	h := &eve.HTTP{
		Hostname:  clone(t.Buffer(applayer.ToServer, bufid.HTTPHost)),
		URL:       t.Req.URI,
		UserAgent: clone(t.Buffer(applayer.ToServer, bufid.HTTPUserAgent)),
		XFF:       t.Req.Get("X-Forwarded-For"),
		Referer:   t.Req.Get("Referer"),
		Method:    t.Req.Method,
		Protocol:  t.Req.Protocol,
		Redirect:  t.Resp.Get("Location"),
		Length:    uint64(max(t.Resp.WireLen, 0)),
	}
	if raw := t.Req.Get("Host"); raw != nil {
		h.Port = uint16(hostPort(raw))
	}
	ct := t.Buffer(applayer.ToClient, bufid.HTTPContentType) // repeated headers joined by ", "
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = bytes.TrimSpace(ct[:i])
	}
	h.ContentType = clone(ct)
	if len(h.Protocol) == 0 {
		h.Protocol = t.Resp.Protocol
	}
	if n, ok := parseUint(t.Resp.Status); ok && n < 1000 {
		h.Status = uint16(n)
	}
	r.HTTP = h
	return true
}

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
