package http

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"sync"

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

// ResponseBody returns the response body with chunking removed and gzip or
// deflate content coding decoded, up to the response body limit; nil when
// there is no body yet. A body whose compressed stream is truncated or
// corrupt yields what decoded before the damage (or the raw bytes when
// nothing decoded).
func (t *Tx) ResponseBody() []byte {
	m := &t.Resp
	if len(m.Body) == 0 {
		return nil
	}
	enc := bytes.ToLower(bytes.TrimSpace(t.Resp.Get("Content-Encoding")))
	if len(enc) == 0 || bytes.Equal(enc, []byte("identity")) {
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
	// "Content-Encoding: gzip, deflate" lists the codings in the order
	// they were applied: undo them last first, at most layers of them.
	out := m.Body
	codings := bytes.Split(enc, []byte(","))
	for i := len(codings) - 1; i >= 0 && layers > 0; i-- {
		c := bytes.TrimSpace(codings[i])
		if len(c) == 0 || bytes.Equal(c, []byte("identity")) {
			continue
		}
		layers--
		var dec []byte
		switch {
		case bytes.Equal(c, []byte("gzip")) || bytes.Equal(c, []byte("x-gzip")):
			dec = decompress(out, limit, codingGzip)
		case bytes.Equal(c, []byte("deflate")):
			dec = decompress(out, limit, codingZlib)
			if dec == nil {
				dec = decompress(out, limit, codingFlate)
			}
		}
		if dec == nil {
			break
		}
		out = dec
	}
	t.decoded, t.decodedOK, t.decodedFrom = out, true, len(m.Body)
	return out
}

// decompress inflates src up to limit output bytes. It returns nil when no
// byte could be decoded.
func decompress(src []byte, limit int, coding int) []byte {
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	d.src.Reset(src)
	r, err := d.open(coding)
	if err != nil {
		return nil
	}
	out := make([]byte, 0, min(limit, 4*len(src)+512))
	buf := bytes.NewBuffer(out)
	_, _ = io.Copy(buf, io.LimitReader(r, int64(limit))) // truncated streams keep what decoded
	if buf.Len() == 0 {
		return nil
	}
	return buf.Bytes()
}

// Content codings decompress undoes.
const (
	codingGzip = iota
	codingZlib
	codingFlate
)

// decoder keeps a gzip, a zlib and a raw deflate reader for reuse: their
// window buffers are most of what decompression allocates.
type decoder struct {
	src bytes.Reader
	gz  *gzip.Reader
	zl  io.ReadCloser
	fl  io.ReadCloser
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) open(coding int) (io.Reader, error) {
	switch coding {
	case codingGzip:
		if d.gz == nil {
			gz, err := gzip.NewReader(&d.src)
			if err != nil {
				return nil, err
			}
			d.gz = gz
			return gz, nil
		}
		return d.gz, d.gz.Reset(&d.src)
	case codingZlib:
		if d.zl == nil {
			zl, err := zlib.NewReader(&d.src)
			if err != nil {
				return nil, err
			}
			d.zl = zl
			return zl, nil
		}
		return d.zl, d.zl.(zlib.Resetter).Reset(&d.src, nil)
	default:
		if d.fl == nil {
			d.fl = flate.NewReader(&d.src)
			return d.fl, nil
		}
		return d.fl, d.fl.(flate.Resetter).Reset(&d.src, nil)
	}
}
