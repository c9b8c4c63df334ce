package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Tx is one HTTP transaction: a request and its response.
type Tx struct {
	Req, Resp Message

	id     uint64
	parser *Parser

	// arena holds the derived buffers below, built on first use. It only
	// grows while the transaction lives, so a buffer handed out stays
	// valid; reset empties it and keeps its memory for the next
	// transaction the parser reuses this Tx for (no allocation per
	// transaction in steady state).
	arena []byte
	// cached derived buffers; nil = not built yet
	uriNorm, host, hostRaw []byte
	hdr, names, start      [2][]byte
	decoded                []byte
	decodedOK              bool
	decodedFrom            int                          // len(Resp.Body) when decoded was made
	multi                  map[applayer.BufferID][]byte // joined repeated headers
	lines                  [2][][]byte                  // "Name: value" per header: [0] request, [1] response
	files                  [2]fileInfo                  // file buffers per direction (file.go)
	// evs holds the bit numbers of the events raised on the
	// transaction, in order (events.go); nev counts them.
	evs [maxTxEvents]uint8
	nev uint8
	// rangeSize is the size of the file whose last missing piece this
	// transaction's response brought (ranges.go), 0 if none.
	rangeSize int64
	// eve is the "http" object FillEVE points a record to.
	eve eve.HTTP
}

var _ applayer.Tx = (*Tx)(nil)

// mark returns where the next buffer built in t.arena starts.
func (t *Tx) mark() int {
	if t.arena == nil {
		t.arena = make([]byte, 0, 512)
	}
	return len(t.arena)
}

// cut returns the buffer appended to t.arena since mark returned start
// (never nil, capped so that appending to it cannot touch the arena).
func (t *Tx) cut(start int) []byte {
	n := len(t.arena)
	return t.arena[start:n:n]
}

func (t *Tx) reset() {
	t.Req.reset()
	t.Resp.reset()
	t.uriNorm, t.host, t.hostRaw = nil, nil, nil
	t.hdr, t.names, t.start = [2][]byte{}, [2][]byte{}, [2][]byte{}
	t.decoded, t.decodedOK = nil, false
	clear(t.multi)
	t.lines = [2][][]byte{t.lines[0][:0], t.lines[1][:0]}
	t.arena = t.arena[:0]
	t.eve = eve.HTTP{}
	t.files = [2]fileInfo{}
	t.nev, t.rangeSize = 0, 0
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
				s := t.mark()
				t.arena = append(append(append(t.arena, h.Name...), ": "...), h.Value...)
				t.lines[d] = append(t.lines[d], t.cut(s))
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

var _ applayer.TxLen = (*Tx)(nil)

// BufferLenAt is applayer.TxLen: the length of BufferAt(dir, b, i),
// computed without building the per-header lines of
// http.request_header/http.response_header when no rule inspects them.
func (t *Tx) BufferLenAt(dir applayer.Direction, b applayer.BufferID, i int) (int, bool) {
	if b == bufid.HTTPRequestHeader || b == bufid.HTTPResponseHeader {
		m := &t.Req
		if b == bufid.HTTPResponseHeader {
			m = &t.Resp
		}
		if i < 0 || i >= len(m.Headers) {
			return 0, false
		}
		h := &m.Headers[i]
		return len(h.Name) + len(": ") + len(h.Value), true
	}
	v, ok := t.BufferAt(dir, b, i)
	return len(v), ok && v != nil
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
	s := t.mark()
	t.arena = m.appendAll(t.arena, name)
	j := t.cut(s)
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
			s := t.mark()
			t.arena = NormalizeURI(t.arena, req.URI)
			t.uriNorm = t.cut(s)
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
			s := t.mark()
			for _, h := range m.Headers {
				if equalFold(h.Name, skip) {
					continue
				}
				t.arena = append(append(append(append(t.arena, h.Name...), ": "...), h.Value...), "\r\n"...)
			}
			t.hdr[d] = t.cut(s)
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
			s := t.mark()
			t.arena = append(t.arena, "\r\n"...)
			for _, h := range m.Headers {
				t.arena = append(append(t.arena, h.Name...), "\r\n"...)
			}
			t.arena = append(t.arena, "\r\n"...)
			t.names[d] = t.cut(s)
		}
		return t.names[d]
	case bufid.HTTPStart:
		if !hasHead(m) {
			return nil
		}
		d := dir & 1
		if t.start[d] == nil {
			s := t.mark()
			t.arena = append(append(t.arena, m.Line...), "\r\n"...)
			for _, h := range m.Headers {
				t.arena = append(append(append(append(t.arena, h.Name...), ": "...), h.Value...), "\r\n"...)
			}
			t.arena = append(t.arena, "\r\n"...)
			t.start[d] = t.cut(s)
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
			s := t.mark()
			t.arena = appendHost(t.arena, raw)
			t.host = t.cut(s)
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
