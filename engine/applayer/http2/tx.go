package http2

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"io"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Frame is what a transaction keeps of one frame (for the http2.*
// keywords and logging).
type Frame struct {
	Type, Flags uint8
	// Weight is the priority weight of a PRIORITY frame or a HEADERS
	// frame with the PRIORITY flag, -1 otherwise.
	Weight int16
	// ErrorCode of a RST_STREAM or GOAWAY frame.
	ErrorCode    uint32
	HasErrorCode bool
	// Window is a WINDOW_UPDATE's size increment.
	Window    uint32
	HasWindow bool
}

// Setting is one SETTINGS parameter.
type Setting struct {
	ID    uint16
	Value uint32
}

// Field is one entry of a decoded header block: a header field, or a
// dynamic table size update (SizeUpdate set, Name and Value empty), which
// Suricata lists among the fields.
type Field struct {
	Name, Value []byte
	SizeUpdate  bool
	Size        uint64
}

// txSide is one direction of a transaction.
type txSide struct {
	started bool // a frame of this direction was seen
	ended   bool // END_STREAM (or reset): nothing more will come
	frames  []Frame
	// settings of this direction's SETTINGS frame(s).
	settings []Setting
	fields   []Field
	hdrBytes int
	// Truncated is set when header fields or body bytes were dropped.
	truncated bool
	raw       []byte // DATA payloads up to the body limit
	bodyLen   int64  // all DATA payload bytes seen

	// The http2.* keyword values of this direction, each encoded as its
	// buffer holds it (see BufferAt), back to back.
	ftypes, errcodes, weights, windows, sizes, setraw []byte

	cache     map[applayer.BufferID][]byte // derived buffers; cleared on change
	lines     [][]byte                     // "name: value" per field
	decoded   []byte
	decodedOK bool
	decodedAt int // len(raw) when decoded was made
}

func (s *txSide) frame(f Frame) {
	if len(s.frames) >= maxFrames {
		return
	}
	s.frames = append(s.frames, f)
	s.ftypes = append(s.ftypes, f.Type)
	if f.HasErrorCode {
		s.errcodes = binary.BigEndian.AppendUint32(s.errcodes, f.ErrorCode)
	}
	if f.Weight >= 0 {
		s.weights = append(s.weights, byte(f.Weight))
	}
	if f.HasWindow {
		s.windows = binary.BigEndian.AppendUint32(s.windows, f.Window)
	}
}

func (s *txSide) setting(st Setting) {
	if len(s.settings) >= maxFrames {
		return
	}
	s.settings = append(s.settings, st)
	s.setraw = binary.BigEndian.AppendUint16(s.setraw, st.ID)
	s.setraw = binary.BigEndian.AppendUint32(s.setraw, st.Value)
}

func (s *txSide) changed() {
	clear(s.cache)
	s.lines = s.lines[:0]
}

func (s *txSide) addSizeUpdate(v uint64) {
	if len(s.fields) >= maxFrames*8 {
		return
	}
	s.fields = append(s.fields, Field{SizeUpdate: true, Size: v})
	s.sizes = binary.BigEndian.AppendUint64(s.sizes, v)
	s.changed()
}

// Tx is one HTTP/2 transaction: a stream, or one frame of stream 0.
type Tx struct {
	id     uint64
	stream uint32
	global bool
	p      *Parser
	s      [2]txSide
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoHTTP2.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoHTTP2 }

// ID returns the transaction id.
func (t *Tx) ID() uint64 { return t.id }

// StreamID returns the stream identifier, 0 for a global transaction.
func (t *Tx) StreamID() uint32 { return t.stream }

// Global reports a transaction made by a stream 0 frame.
func (t *Tx) Global() bool { return t.global }

// Complete reports whether side dir is over: END_STREAM was seen in that
// direction or the stream was reset. Global transactions are complete
// from the start.
func (t *Tx) Complete(dir applayer.Direction) bool {
	return t.global || t.s[dir&1].ended
}

// Fields returns the decoded header fields of direction dir, in order.
func (t *Tx) Fields(dir applayer.Direction) []Field { return t.s[dir&1].fields }

// Frames returns the frames of direction dir kept on the transaction.
func (t *Tx) Frames(dir applayer.Direction) []Frame { return t.s[dir&1].frames }

// Settings returns the SETTINGS parameters of direction dir.
func (t *Tx) Settings(dir applayer.Direction) []Setting { return t.s[dir&1].settings }

// Truncated reports whether header fields or body bytes of direction dir
// were dropped by the configured limits.
func (t *Tx) Truncated(dir applayer.Direction) bool { return t.s[dir&1].truncated }

func (t *Tx) end(dir applayer.Direction) { t.s[dir&1].ended = true }

func (t *Tx) addField(p *Parser, dir applayer.Direction, name string, value []byte) {
	s := &t.s[dir&1]
	s.started = true
	n := len(name) + len(value) + 32
	if s.hdrBytes+n > p.cfg.MaxHeaderBytes {
		if !s.truncated {
			p.events[EventHeaderListTrunc]++
		}
		s.truncated = true
		return
	}
	s.hdrBytes += n
	v := make([]byte, len(name)+len(value))
	copy(v, name)
	copy(v[len(name):], value)
	s.fields = append(s.fields, Field{Name: v[:len(name):len(name)], Value: v[len(name):]})
	s.changed()
}

func (t *Tx) body(p *Parser, dir applayer.Direction, b []byte) {
	s := &t.s[dir&1]
	s.bodyLen += int64(len(b))
	limit := p.cfg.RequestBodyLimit
	if dir == applayer.ToClient {
		limit = p.cfg.ResponseBodyLimit
	}
	room := limit - len(s.raw)
	if room < len(b) {
		b = b[:max(room, 0)]
		s.truncated = true
	}
	s.raw = append(s.raw, b...)
}

// first returns the value of the first field named name (exact, as
// Suricata compares HTTP/2 names), or nil.
func (s *txSide) first(name string) []byte {
	for i := range s.fields {
		if f := &s.fields[i]; !f.SizeUpdate && string(f.Name) == name {
			if f.Value == nil {
				return []byte{}
			}
			return f.Value
		}
	}
	return nil
}

// joined returns the values of all fields named name joined by ", ", or
// nil when there is none.
func (s *txSide) joined(name string) []byte {
	var first, out []byte
	n := 0
	for i := range s.fields {
		f := &s.fields[i]
		if f.SizeUpdate || string(f.Name) != name {
			continue
		}
		switch n {
		case 0:
			first = f.Value
		case 1:
			out = append(append(append([]byte(nil), first...), ", "...), f.Value...)
		default:
			out = append(append(out, ", "...), f.Value...)
		}
		n++
	}
	switch {
	case n == 0:
		return nil
	case n > 1:
		return out
	case first == nil:
		return []byte{}
	}
	return first
}

// cached returns the cached buffer b of side s, building it with mk once.
func (s *txSide) cached(b applayer.BufferID, mk func() []byte) []byte {
	if v, ok := s.cache[b]; ok {
		return v
	}
	v := mk()
	if s.cache == nil {
		s.cache = make(map[applayer.BufferID][]byte)
	}
	s.cache[b] = v
	return v
}

// BufferAt returns instance i of a multi-buffer, or Buffer for i == 0
// otherwise. Multi-buffers: http.request_header and http.response_header
// (one per field, "name: value") and the http2.* buffers of direction dir:
// http2.frametype (each frame's type, 1 byte), http2.errorcode (4 bytes
// big endian), http2.priority (weight, 1 byte), http2.window (4 bytes),
// http2.size_update (8 bytes), http2.settings (2-byte identifier, 4-byte
// value), http2.header_name (each field's name).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	d := &t.s[dir&1]
	switch b {
	case bufid.HTTP2FrameType:
		return nth(d.ftypes, 1, i)
	case bufid.HTTP2ErrorCode:
		return nth(d.errcodes, 4, i)
	case bufid.HTTP2Priority:
		return nth(d.weights, 1, i)
	case bufid.HTTP2Window:
		return nth(d.windows, 4, i)
	case bufid.HTTP2SizeUpdate:
		return nth(d.sizes, 8, i)
	case bufid.HTTP2Settings:
		return nth(d.setraw, 6, i)
	case bufid.HTTP2HeaderName:
		if i < 0 || i >= len(d.fields) {
			return nil, false
		}
		return d.fields[i].Name[:len(d.fields[i].Name):len(d.fields[i].Name)], true
	}
	if b == bufid.HTTPRequestHeader || b == bufid.HTTPResponseHeader {
		s := &t.s[applayer.ToServer]
		if b == bufid.HTTPResponseHeader {
			s = &t.s[applayer.ToClient]
		}
		if i < 0 || i >= len(s.fields) {
			return nil, false
		}
		if len(s.lines) != len(s.fields) {
			s.lines = s.lines[:0]
			for _, f := range s.fields {
				s.lines = append(s.lines, append(append(append([]byte(nil), f.Name...), ": "...), f.Value...))
			}
		}
		return s.lines[i], true
	}
	if i != 0 {
		return nil, false
	}
	v := t.Buffer(dir, b)
	return v, v != nil
}

// Buffer returns sticky buffer b for inspection in direction dir (see
// applayer.Tx and the package doc for the HTTP/2 mapping), or nil.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	req, resp := &t.s[applayer.ToServer], &t.s[applayer.ToClient]
	s := &t.s[dir&1]
	// A response side exists for inspection once it started; a global
	// transaction is past every progress point in both directions.
	respSeen := t.global || resp.started
	switch b {
	case bufid.HTTPURI, bufid.HTTPURIRaw:
		return req.first(":path")
	case bufid.HTTPMethod:
		return req.first(":method")
	case bufid.HTTPRequestLine:
		// Suricata builds it even when :method or :path is missing.
		return req.cached(b, func() []byte {
			out := append([]byte(nil), req.first(":method")...)
			out = append(append(out, ' '), req.first(":path")...)
			return append(out, " HTTP/2\r\n"...)
		})
	case bufid.HTTPResponseLine:
		if !respSeen {
			return nil
		}
		return resp.cached(b, func() []byte {
			out := append([]byte("HTTP/2 "), resp.first(":status")...)
			return append(out, "\r\n"...)
		})
	case bufid.HTTPStatCode:
		return resp.first(":status")
	case bufid.HTTPStatMsg:
		// HTTP/2 has no reason phrase: an empty buffer.
		if !respSeen {
			return nil
		}
		return []byte{}
	case bufid.HTTPProtocol:
		if dir == applayer.ToClient && !respSeen {
			return nil
		}
		return protoHTTP2[:len(protoHTTP2):len(protoHTTP2)]
	case bufid.HTTPHost:
		return req.cached(b, func() []byte {
			v := req.joined(":authority")
			if v == nil {
				return nil
			}
			return normalizeHost(v)
		})
	case bufid.HTTPHostRaw:
		return req.cached(b, func() []byte { return req.joined(":authority") })
	case bufid.HTTPUserAgent:
		return req.cached(b, func() []byte { return req.joined("user-agent") })
	case bufid.HTTPCookie:
		name := "cookie"
		if dir == applayer.ToClient {
			name = "set-cookie"
		}
		return s.cached(b, func() []byte { return s.joined(name) })
	case bufid.HTTPAccept:
		return req.cached(b, func() []byte { return req.joined("accept") })
	case bufid.HTTPAcceptEnc:
		return req.cached(b, func() []byte { return req.joined("accept-encoding") })
	case bufid.HTTPAcceptLang:
		return req.cached(b, func() []byte { return req.joined("accept-language") })
	case bufid.HTTPReferer:
		return req.cached(b, func() []byte { return req.joined("referer") })
	case bufid.HTTPLocation:
		return resp.cached(b, func() []byte { return resp.joined("location") })
	case bufid.HTTPServer:
		return resp.cached(b, func() []byte { return resp.joined("server") })
	case bufid.HTTPConnection:
		return s.cached(b, func() []byte { return s.joined("connection") })
	case bufid.HTTPContentType:
		return s.cached(b, func() []byte { return s.joined("content-type") })
	case bufid.HTTPContentLen:
		return s.cached(b, func() []byte { return s.joined("content-length") })
	case bufid.HTTPHeader:
		return s.cached(b, func() []byte { return s.headers(dir, true) })
	case bufid.HTTPHeaderRaw:
		return s.cached(b, func() []byte { return s.headers(dir, false) })
	case bufid.HTTPHeaderNames:
		if len(s.fields) == 0 {
			return nil
		}
		return s.cached(b, func() []byte {
			out := []byte("\r\n")
			for _, f := range s.fields {
				out = append(append(out, f.Name...), "\r\n"...)
			}
			return append(out, "\r\n"...)
		})
	case bufid.HTTPRequestHeader, bufid.HTTPResponseHeader:
		v, _ := t.BufferAt(dir, b, 0)
		return v
	case bufid.HTTPRequestBody:
		return t.Body(applayer.ToServer)
	case bufid.HTTPResponseBody:
		return t.Body(applayer.ToClient)
	case bufid.FileData:
		return t.Body(dir)
	case bufid.HTTP2FrameType, bufid.HTTP2ErrorCode, bufid.HTTP2Priority, bufid.HTTP2Window,
		bufid.HTTP2SizeUpdate, bufid.HTTP2Settings, bufid.HTTP2HeaderName:
		v, _ := t.BufferAt(dir, b, 0)
		return v
	}
	return nil
}

// protoHTTP2 is http.protocol of every HTTP/2 transaction (read-only).
var protoHTTP2 = []byte("HTTP/2")

// nth returns element i of a list of n-byte values.
func nth(list []byte, n, i int) ([]byte, bool) {
	if i < 0 || (i+1)*n > len(list) {
		return nil, false
	}
	return list[i*n : (i+1)*n : (i+1)*n], true
}

// headers builds http.header (clean: Cookie or Set-Cookie left out,
// values trimmed) or http.header.raw: "name: value\r\n" per field.
func (s *txSide) headers(dir applayer.Direction, clean bool) []byte {
	skip := "cookie"
	if dir == applayer.ToClient {
		skip = "set-cookie"
	}
	var out []byte
	for _, f := range s.fields {
		v := f.Value
		if clean {
			if equalFold(f.Name, skip) {
				continue
			}
			v = bytes.Trim(v, " \t")
		}
		out = append(append(append(append(out, f.Name...), ": "...), v...), "\r\n"...)
	}
	return out
}

// normalizeHost is http.host of an :authority: user info and port
// removed, lower case (Suricata's HTTP/2 host normalization).
func normalizeHost(v []byte) []byte {
	if i := bytes.IndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	if i := bytes.IndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	return bytes.ToLower(v)
}

// Body returns the DATA payload of direction dir up to the body limit,
// with gzip or deflate content coding decoded (up to the limit too); nil
// when there is none yet. While the body grows it is decoded again only
// when it doubled, so a long compressed body costs linear time.
func (t *Tx) Body(dir applayer.Direction) []byte {
	s := &t.s[dir&1]
	if len(s.raw) == 0 {
		return nil
	}
	enc := bytes.ToLower(bytes.TrimSpace(s.joined("content-encoding")))
	if len(enc) == 0 || string(enc) == "identity" {
		return s.raw
	}
	if s.decodedOK && (s.decodedAt == len(s.raw) || !s.ended && len(s.raw) < 2*s.decodedAt) {
		return s.decoded
	}
	limit := t.p.cfg.RequestBodyLimit
	if dir == applayer.ToClient {
		limit = t.p.cfg.ResponseBodyLimit
	}
	var out []byte
	switch string(enc) {
	case "gzip", "x-gzip":
		out = inflate(s.raw, limit, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	case "deflate":
		out = inflate(s.raw, limit, func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) })
		if out == nil {
			out = inflate(s.raw, limit, func(r io.Reader) (io.Reader, error) { return flate.NewReader(r), nil })
		}
	}
	if out == nil {
		out = s.raw
	}
	s.decoded, s.decodedOK, s.decodedAt = out, true, len(s.raw)
	return out
}

// inflate decodes src up to limit output bytes; nil when nothing decoded.
// A truncated or corrupt stream keeps what decoded before the damage.
func inflate(src []byte, limit int, open func(io.Reader) (io.Reader, error)) []byte {
	r, err := open(bytes.NewReader(src))
	if err != nil {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(min(limit, 4*len(src)+512))
	_, _ = io.Copy(&buf, io.LimitReader(r, int64(limit)))
	if buf.Len() == 0 {
		return nil
	}
	return buf.Bytes()
}
