package sip

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// MaxHead bounds the start line and headers of one TCP message; a
	// longer head stops parsing of that direction.
	MaxHead = 64 << 10
	// MaxHeaders bounds the header fields kept per message.
	MaxHeaders = 128
)

// Header identifies the header fields detection inspects.
type Header uint8

// Known headers; HdrOther is any other field.
const (
	HdrOther Header = iota
	HdrFrom
	HdrTo
	HdrVia
	HdrUserAgent
	HdrContentType
	HdrContentLength
)

// Field is one header field; Name and Value alias the message's copy.
type Field struct {
	Name  []byte // name as sent (compact forms expanded for known headers)
	Value []byte // value, surrounding whitespace trimmed
	Kind  Header
}

// Message is one parsed SIP request or response head.
type Message struct {
	Request bool
	Head    []byte // the whole head as parsed (start line, fields, final empty line if any)
	Line    []byte // start line without CRLF
	// Request fields.
	Method, URI []byte
	// Version is "SIP/2.0" of the request or status line.
	Version []byte
	// Response fields.
	Code, Reason []byte
	Fields       []Field
}

// longNames maps the compact forms of RFC 3261 section 7.3.3 (and later
// RFCs) to their long names.
var longNames = [26]string{
	'a' - 'a': "Accept-Contact", 'b' - 'a': "Referred-By", 'c' - 'a': "Content-Type",
	'd' - 'a': "Request-Disposition", 'e' - 'a': "Content-Encoding", 'f' - 'a': "From",
	'i' - 'a': "Call-ID", 'j' - 'a': "Reject-Contact", 'k' - 'a': "Supported",
	'l' - 'a': "Content-Length", 'm' - 'a': "Contact", 'n' - 'a': "Identity-Info",
	'o' - 'a': "Event", 'r' - 'a': "Refer-To", 's' - 'a': "Subject", 't' - 'a': "To",
	'u' - 'a': "Allow-Events", 'v' - 'a': "Via", 'x' - 'a': "Session-Expires", 'y' - 'a': "Identity",
}

var kinds = []struct {
	name string
	kind Header
}{
	{"From", HdrFrom}, {"To", HdrTo}, {"Via", HdrVia}, {"User-Agent", HdrUserAgent},
	{"Content-Type", HdrContentType}, {"Content-Length", HdrContentLength},
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// fieldName returns the long name of a field name and its kind. Names
// compare case-insensitively (RFC 3261 section 7.3.1).
func fieldName(name []byte) ([]byte, Header) {
	if len(name) == 1 {
		if c := lower(name[0]); c >= 'a' && c <= 'z' && longNames[c-'a'] != "" {
			name = []byte(longNames[c-'a'])
		}
	}
	for _, k := range kinds {
		if len(k.name) == len(name) && bytes.EqualFold(name, []byte(k.name)) {
			return name, k.kind
		}
	}
	return name, HdrOther
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// nextLine splits b at the first LF: the line without CR/LF and the rest.
// ok is false when b holds no LF.
func nextLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	line = b[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, b[i+1:], true
}

// headEnd returns the length of the message head in b including the
// empty line that ends it (CRLF CRLF or LF LF), or -1.
func headEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

var sipVersion = []byte("SIP/")

// ParseHead parses a message head (start line and header fields; a
// missing final empty line is tolerated). head is kept: callers pass a
// copy they own. ok is false when the start line is not SIP.
func ParseHead(head []byte) (m Message, ok bool) {
	line, rest, _ := nextLine(head)
	m.Head = head
	m.Line = line
	if bytes.HasPrefix(line, sipVersion) {
		// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 {
			return m, false
		}
		m.Version = line[:sp]
		code := line[sp+1:]
		if sp2 := bytes.IndexByte(code, ' '); sp2 >= 0 {
			m.Reason = code[sp2+1:]
			code = code[:sp2]
		}
		if len(code) != 3 || !digits(code) {
			return m, false
		}
		m.Code = code
	} else {
		// Request-Line = Method SP Request-URI SP SIP-Version
		sp := bytes.IndexByte(line, ' ')
		sp2 := bytes.LastIndexByte(line, ' ')
		if sp <= 0 || sp2 <= sp+1 || !token(line[:sp]) || !bytes.HasPrefix(line[sp2+1:], sipVersion) {
			return m, false
		}
		m.Request = true
		m.Method, m.URI, m.Version = line[:sp], line[sp+1:sp2], line[sp2+1:]
	}
	for len(rest) > 0 {
		var l []byte
		var more bool
		l, rest, more = nextLine(rest)
		if len(l) == 0 {
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(m.Fields) > 0 {
			// Folded line (RFC 3261 section 7.3.1): extend the previous
			// value, which is contiguous with it in head.
			f := &m.Fields[len(m.Fields)-1]
			start := cap(head) - cap(f.Value)
			end := cap(head) - cap(l) + len(bytes.TrimRight(l, " \t"))
			if start >= 0 && start <= end && end <= len(head) {
				f.Value = head[start:end]
			}
		} else if c := bytes.IndexByte(l, ':'); c > 0 && len(m.Fields) < MaxHeaders {
			name, kind := fieldName(trimSpace(l[:c]))
			m.Fields = append(m.Fields, Field{Name: name, Value: trimSpace(l[c+1:]), Kind: kind})
		}
		if !more {
			break
		}
	}
	return m, true
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// token reports whether b is an RFC 3261 token (method names).
func token(b []byte) bool {
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case bytes.IndexByte([]byte("-.!%*_+`'~"), c) >= 0:
		default:
			return false
		}
	}
	return len(b) > 0
}

// Header returns instance i of header kind k.
func (m *Message) Header(k Header, i int) ([]byte, bool) {
	for j := range m.Fields {
		if m.Fields[j].Kind == k {
			if i == 0 {
				return m.Fields[j].Value, true
			}
			i--
		}
	}
	return nil, false
}

// contentLength returns the first Content-Length value (0 when absent or
// not a number) and false when it is not a number.
func (m *Message) contentLength() (int, bool) {
	v, ok := m.Header(HdrContentLength, 0)
	if !ok {
		return 0, true
	}
	if len(v) == 0 || len(v) > 9 || !digits(v) {
		return 0, false
	}
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Tx is one SIP transaction: a request or a response (Suricata keeps one
// transaction per message).
type Tx struct {
	Request, Response *Message
	// Dir is the direction the message was sent in.
	Dir applayer.Direction
	id  uint64
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoSIP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoSIP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete is true for both sides: a transaction is made from one whole
// message and never changes afterwards.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns the first instance of buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// headerOf maps header buffers to header kinds.
func headerOf(b applayer.BufferID) Header {
	switch b {
	case bufid.SIPFrom:
		return HdrFrom
	case bufid.SIPTo:
		return HdrTo
	case bufid.SIPVia:
		return HdrVia
	case bufid.SIPUserAgent:
		return HdrUserAgent
	case bufid.SIPContentType:
		return HdrContentType
	case bufid.SIPContentLength:
		return HdrContentLength
	}
	return HdrOther
}

// BufferAt returns instance i of a sip.* buffer. Request buffers
// (sip.method, sip.uri, sip.request_line) read the request and response
// buffers (sip.stat_code, sip.stat_msg, sip.response_line) the response
// whatever dir; sip.protocol and the header buffers read the message of
// direction dir only.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	var v []byte
	switch b {
	case bufid.SIPHeader, bufid.SIPSnortMethod, bufid.SIPSnortStatCode:
		return t.snortBuffer(dir, b, i) // snort.go
	case bufid.SIPMethod, bufid.SIPURI, bufid.SIPRequestLine:
		if t.Request == nil || i != 0 {
			return nil, false
		}
		switch b {
		case bufid.SIPMethod:
			v = t.Request.Method
		case bufid.SIPURI:
			v = t.Request.URI
		default:
			v = t.Request.Line
		}
	case bufid.SIPStatCode, bufid.SIPStatMsg, bufid.SIPResponseLine:
		if t.Response == nil || i != 0 {
			return nil, false
		}
		switch b {
		case bufid.SIPStatCode:
			v = t.Response.Code
		case bufid.SIPStatMsg:
			v = t.Response.Reason
		default:
			v = t.Response.Line
		}
	default:
		m := t.Request
		if dir == applayer.ToClient {
			m = t.Response
		}
		if m == nil {
			return nil, false
		}
		if b == bufid.SIPProtocol {
			if i != 0 {
				return nil, false
			}
			v = m.Version
		} else if k := headerOf(b); k != HdrOther {
			return m.Header(k, i)
		} else {
			return nil, false
		}
	}
	if len(v) == 0 {
		return nil, false
	}
	return v, true
}
