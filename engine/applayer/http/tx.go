package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Tx is one HTTP transaction: a request and its response.
type Tx struct {
	Req, Resp Message

	id     uint64
	parser *Parser

	// cached derived buffers; nil = not built yet
	uriNorm, host, hostRaw []byte
	hdr, names, start      [2][]byte
	decoded                []byte
	decodedOK              bool
	decodedFrom            int                          // len(Resp.Body) when decoded was made
	multi                  map[applayer.BufferID][]byte // joined repeated headers
	lines                  [2][][]byte                  // "Name: value" per header: [0] request, [1] response
	files                  [2]fileInfo                  // file buffers per direction (file.go)
}

var _ applayer.Tx = (*Tx)(nil)

func (t *Tx) reset() {
	t.Req.reset()
	t.Resp.reset()
	t.uriNorm, t.host, t.hostRaw = nil, nil, nil
	t.hdr, t.names, t.start = [2][]byte{}, [2][]byte{}, [2][]byte{}
	t.decoded, t.decodedOK, t.multi = nil, false, nil
	t.lines = [2][][]byte{}
	t.files = [2]fileInfo{}
	t.parser = nil
}

// Proto returns bufid.ProtoHTTP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoHTTP }

// ID returns the transaction id (0-based, in request order).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the request (ToServer) or response (ToClient)
// is complete.
func (t *Tx) Complete(dir applayer.Direction) bool { return t.msg(dir).done }

// BufferAt returns Buffer for i == 0; HTTP/1 buffers are single.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if b == bufid.HTTPRequestHeader || b == bufid.HTTPResponseHeader {
		// One instance per header, "Name: value" (Suricata 8
		// http.request_header / http.response_header).
		d, m := 0, &t.Req
		if b == bufid.HTTPResponseHeader {
			d, m = 1, &t.Resp
		}
		if i < 0 || i >= len(m.Headers) {
			return nil, false
		}
		if len(t.lines[d]) != len(m.Headers) {
			t.lines[d] = t.lines[d][:0]
			for _, h := range m.Headers {
				t.lines[d] = append(t.lines[d], append(append(append([]byte(nil), h.Name...), ": "...), h.Value...))
			}
		}
		return t.lines[d][i], true
	}
	if i != 0 {
		return nil, false
	}
	v := t.Buffer(dir, b)
	return v, v != nil
}

func (t *Tx) hdrValue(m *Message, id applayer.BufferID, name string) []byte {
	n := 0
	var v []byte
	for i := range m.Headers {
		if equalFold(m.Headers[i].Name, name) {
			n++
			v = m.Headers[i].Value
		}
	}
	if n <= 1 {
		if n == 1 && v == nil {
			return []byte{}
		}
		return v
	}
	key := id
	if m == &t.Resp {
		key |= 0x80
	}
	if j, ok := t.multi[key]; ok {
		return j
	}
	if t.multi == nil {
		t.multi = make(map[applayer.BufferID][]byte)
	}
	j := m.getAll(name)
	t.multi[key] = j
	return j
}

// Buffer returns the content of sticky buffer b for inspection in direction
// dir (see applayer.Tx), or nil if absent.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	req, resp := &t.Req, &t.Resp
	m := t.msg(dir)
	hasHead := func(m *Message) bool { return len(m.Line) > 0 }
	switch b {
	case bufid.HTTPEvents:
		return m.eventBuffer()
	case bufid.HTTPURI:
		if req.URI == nil {
			return nil
		}
		if t.uriNorm == nil {
			t.uriNorm = NormalizeURI(nil, req.URI)
		}
		return t.uriNorm
	case bufid.HTTPURIRaw:
		return req.URI
	case bufid.HTTPMethod:
		return req.Method
	case bufid.HTTPRequestLine:
		if !hasHead(req) {
			return nil
		}
		return req.Line
	case bufid.HTTPResponseLine:
		if !hasHead(resp) {
			return nil
		}
		return resp.Line
	case bufid.HTTPStatCode:
		return resp.Status
	case bufid.HTTPStatMsg:
		if !hasHead(resp) {
			return nil
		}
		return resp.Reason
	case bufid.HTTPProtocol:
		return m.Protocol
	case bufid.HTTPRequestHeader, bufid.HTTPResponseHeader:
		v, _ := t.BufferAt(dir, b, 0)
		return v
	case bufid.HTTPHeader:
		if !hasHead(m) || len(m.Headers) == 0 {
			return nil
		}
		d := dir & 1
		if t.hdr[d] == nil {
			skip := "Cookie"
			if dir == applayer.ToClient {
				skip = "Set-Cookie"
			}
			var out []byte
			for _, h := range m.Headers {
				if equalFold(h.Name, skip) {
					continue
				}
				out = append(append(append(append(out, h.Name...), ": "...), h.Value...), "\r\n"...)
			}
			if out == nil {
				out = []byte{}
			}
			t.hdr[d] = out
		}
		return t.hdr[d]
	case bufid.HTTPHeaderRaw:
		if !hasHead(m) {
			return nil
		}
		return m.HeaderRaw
	case bufid.HTTPHeaderNames:
		if !hasHead(m) || len(m.Headers) == 0 {
			return nil
		}
		d := dir & 1
		if t.names[d] == nil {
			out := []byte("\r\n")
			for _, h := range m.Headers {
				out = append(append(out, h.Name...), "\r\n"...)
			}
			t.names[d] = append(out, "\r\n"...)
		}
		return t.names[d]
	case bufid.HTTPStart:
		if !hasHead(m) {
			return nil
		}
		d := dir & 1
		if t.start[d] == nil {
			out := append(append([]byte(nil), m.Line...), "\r\n"...)
			for _, h := range m.Headers {
				out = append(append(append(append(out, h.Name...), ": "...), h.Value...), "\r\n"...)
			}
			t.start[d] = append(out, "\r\n"...)
		}
		return t.start[d]
	case bufid.HTTPCookie:
		if dir == applayer.ToClient {
			return t.hdrValue(resp, b, "Set-Cookie")
		}
		return t.hdrValue(req, b, "Cookie")
	case bufid.HTTPUserAgent:
		return t.hdrValue(req, b, "User-Agent")
	case bufid.HTTPHost:
		if t.host == nil {
			raw := t.Buffer(dir, bufid.HTTPHostRaw)
			if raw == nil {
				return nil
			}
			t.host = NormalizeHost(raw)
		}
		return t.host
	case bufid.HTTPHostRaw:
		if t.hostRaw == nil {
			if a := uriAuthority(req.URI); a != nil {
				t.hostRaw = a
			} else {
				t.hostRaw = t.hdrValue(req, b, "Host")
			}
		}
		return t.hostRaw
	case bufid.HTTPAccept:
		return t.hdrValue(req, b, "Accept")
	case bufid.HTTPAcceptEnc:
		return t.hdrValue(req, b, "Accept-Encoding")
	case bufid.HTTPAcceptLang:
		return t.hdrValue(req, b, "Accept-Language")
	case bufid.HTTPReferer:
		return t.hdrValue(req, b, "Referer")
	case bufid.HTTPConnection:
		return t.hdrValue(m, b, "Connection") // both directions (Suricata 7+)
	case bufid.HTTPLocation:
		return t.hdrValue(resp, b, "Location")
	case bufid.HTTPServer:
		return t.hdrValue(resp, b, "Server")
	case bufid.HTTPContentType:
		return t.hdrValue(m, b, "Content-Type")
	case bufid.HTTPContentLen:
		return t.hdrValue(m, b, "Content-Length")
	case bufid.HTTPRequestBody:
		if len(req.Body) == 0 {
			return nil
		}
		return req.Body
	case bufid.FileName, bufid.FileMD5, bufid.FileSize:
		return t.fileBuffer(dir, b)
	case bufid.HTTPResponseBody:
		return t.ResponseBody()
	case bufid.FileData:
		if dir == applayer.ToServer {
			if len(req.Body) == 0 {
				return nil
			}
			return req.Body
		}
		return t.ResponseBody()
	}
	return nil
}

// ResponseBody returns the response body with chunking removed and its
// content codings undone (decompress.go), up to the response body limit;
// nil when there is no body yet.
func (t *Tx) ResponseBody() []byte {
	m := &t.Resp
	if len(m.Body) == 0 {
		return nil
	}
	enc := m.field("Content-Encoding", false)
	if len(enc) == 0 || equalFold(bytes.TrimSpace(enc), "identity") {
		return m.Body
	}
	// Decoding restarts from the first byte, so while the body grows it
	// is redone only when the body has doubled since the last decode (or
	// is complete): a long compressed body costs linear time, and
	// detection, which inspects growing bodies on the same doubling
	// schedule, sees a prefix of the final decode meanwhile.
	if t.decodedOK && (t.decodedFrom == len(m.Body) || !m.done && len(m.Body) < 2*t.decodedFrom) {
		return t.decoded
	}
	limit, layers := DefaultBodyLimit, DefaultDecompressLayers
	if t.parser != nil {
		limit, layers = t.parser.cfg.ResponseBodyLimit, t.parser.cfg.DecompressLayers
	}
	out := decodeBody(m.Body, enc, limit, layers)
	t.decoded, t.decodedOK, t.decodedFrom = out, true, len(m.Body)
	return out
}
