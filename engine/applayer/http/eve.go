package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE sets r.HTTP to Suricata's "http" object (basic and extended
// fields) for t. dir is unused. The object is t's own and its fields point
// into t (Buffer's derived buffers stay valid while t lives): the record
// must be encoded before t parses more, as the worker does; nothing is
// allocated.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	h := &t.eve
	*h = eve.HTTP{
		Hostname:  nilIfEmpty(t.Buffer(applayer.ToServer, bufid.HTTPHost)),
		URL:       t.Req.URI,
		UserAgent: nilIfEmpty(t.Buffer(applayer.ToServer, bufid.HTTPUserAgent)),
		XFF:       t.Req.Get("X-Forwarded-For"),
		Referer:   t.Req.Get("Referer"),
		Method:    t.Req.Method,
		Protocol:  t.Req.Protocol,
		Redirect:  t.Resp.Get("Location"),
		Length:    uint64(max(t.Resp.WireLen, 0)),
		// Written only when the output dumps them (dump-all-headers).
		RequestHeaders:  t.Req.Headers,
		ResponseHeaders: t.Resp.Headers,
	}
	if raw := t.Req.Get("Host"); raw != nil {
		h.Port = uint16(hostPort(raw))
	}
	ct := t.Buffer(applayer.ToClient, bufid.HTTPContentType) // repeated headers joined by ", "
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = bytes.TrimSpace(ct[:i])
	}
	h.ContentType = nilIfEmpty(ct)
	if cr := t.Resp.Get("Content-Range"); len(cr) > 0 {
		h.ContentRange = cr
		h.RangeStart, h.RangeEnd, h.RangeSize = -1, -1, -1
		if r, ok := parseContentRange(cr); ok {
			h.RangeStart, h.RangeEnd, h.RangeSize = r.start, r.end, r.size
		}
	}
	if len(h.Protocol) == 0 {
		h.Protocol = t.Resp.Protocol
	}
	if n, ok := parseUint(t.Resp.Status); ok && n < 1000 {
		h.Status = uint16(n)
	}
	r.HTTP = h
	return true
}

// nilIfEmpty returns b, or nil when it is empty (an absent field, as the
// encoder sees it).
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// FileContent returns the content of file i (0: request body, 1:
// response body) and whether it is whole (not cut by the body limit, no
// gap, decompressed completely).
func (t *Tx) FileContent(i int) ([]byte, bool) {
	dir := applayer.ToServer
	if i == 1 {
		dir = applayer.ToClient
	}
	body, whole, ok := t.fileBody(dir)
	return body, ok && whole
}

// FileCount returns 2: a transaction has at most a request file (POST or
// PUT body) and a response file; FillFileEVE reports which exist. It is
// 3 when the response completed a file fetched in pieces (ranges.go):
// file 2 is that whole file.
func (t *Tx) FileCount() int {
	if t.rangeSize > 0 {
		return 3
	}
	return 2
}

// FillFileEVE adds the "fileinfo" object of file i (0: request body, 1:
// response body) and reports whether that file exists. Hashes are not
// logged (Suricata logs them only when force-hash or a rule asks).
func (t *Tx) FillFileEVE(r *eve.Record, i int) bool {
	if i == 2 {
		return t.fillRangeFileEVE(r)
	}
	dir, m := applayer.ToServer, &t.Req
	if i == 1 {
		dir, m = applayer.ToClient, &t.Resp
	}
	body, whole, ok := t.fileBody(dir)
	if !ok {
		return false
	}
	name := nilIfEmpty(t.fileName(dir))
	o := r.AddObject("fileinfo")
	o.Bytes("filename", name)
	o.Bool("gaps", m.Gap)
	state := "CLOSED"
	if !m.done || m.Gap {
		// A file with a gap is truncated (Suricata's FILE_HAS_GAPS
		// closes it as FILE_STATE_TRUNCATED).
		state = "TRUNCATED"
	}
	o.String("state", state)
	o.Bool("stored", false)
	size := uint64(m.BodyLen)
	if whole || i == 0 && len(body) != len(m.Body) {
		// The file is the body (decoded), or one part of a multipart
		// request body.
		size = uint64(len(body))
	}
	o.Uint("size", size)
	if i == 1 {
		// A partial response's file covers the range it names
		// (Suricata's start and end, logged when end > 0).
		if r, ok := parseContentRange(t.Resp.Get("Content-Range")); ok && r.end > 0 {
			o.Uint("start", uint64(r.start))
			o.Uint("end", uint64(r.end))
		}
	}
	o.Uint("tx_id", t.ID())
	return true
}

// contentRange is a parsed Content-Range value; -1 marks a part that is
// "*".
type contentRange struct{ start, end, size int64 }

// parseContentRange parses a Content-Range value the way Suricata does
// (HTPParseContentRange): a unit word, then "*/size" or
// "start-end/size" with size possibly "*".
func parseContentRange(v []byte) (contentRange, bool) {
	v = bytes.TrimLeft(v, " ")
	if i := bytes.IndexByte(v, ' '); i >= 0 {
		v = bytes.TrimLeft(v[i:], " ")
	} else {
		return contentRange{}, false
	}
	num := func(b []byte) (int64, []byte, bool) {
		n, i := int64(0), 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if n > (1<<62)/10 {
				return 0, nil, false
			}
			n = n*10 + int64(b[i]-'0')
		}
		return n, b[i:], i > 0
	}
	r := contentRange{-1, -1, -1}
	if len(v) >= 2 && v[0] == '*' && v[1] == '/' {
		n, _, ok := num(v[2:])
		r.size = n
		return r, ok
	}
	var ok bool
	if r.start, v, ok = num(v); !ok || len(v) == 0 || v[0] != '-' {
		return r, false
	}
	if r.end, v, ok = num(v[1:]); !ok || len(v) == 0 || v[0] != '/' {
		return r, false
	}
	if len(v) > 1 && v[1] == '*' {
		return r, true
	}
	r.size, _, ok = num(v[1:])
	return r, ok
}
