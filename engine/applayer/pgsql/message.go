package pgsql

import (
	"bytes"
	"encoding/binary"
)

// Kind is the type of a decoded message, frontend (request) or backend
// (response).
type Kind uint8

// Frontend messages.
const (
	KindUnknownRequest Kind = iota
	KindStartup
	KindSSLRequest
	KindPassword
	KindSASLInitialResponse
	KindSASLResponse
	KindSimpleQuery
	KindCopyDataIn // CopyData messages of a COPY FROM STDIN, counted
	KindCopyDoneIn
	KindCopyFail
	KindCancelRequest
	KindTerminate

	// Backend messages.
	KindUnknownResponse
	KindSSLAccepted
	KindSSLRejected
	KindErrorResponse
	KindNoticeResponse
	KindAuthOK
	KindAuthCleartext
	KindAuthMD5
	KindAuthSSPI
	KindAuthSASL
	KindAuthSASLContinue
	KindAuthSASLFinal
	KindParameterStatus
	KindBackendKeyData
	KindCommandComplete
	KindCopyOutResponse
	KindCopyInResponse
	KindCopyDataOut // CopyData messages of a COPY TO STDOUT, counted
	KindCopyDoneOut
	KindReadyForQuery
	KindRowDescription
	KindDataRow // DataRow messages, counted
	KindNotification
)

// Param is a name/value pair of a StartupMessage or a ParameterStatus.
type Param struct{ Name, Value []byte }

// Field is one field of an ErrorResponse or NoticeResponse.
type Field struct {
	Type  byte
	Value []byte
}

// Message is one decoded message. Which fields are set depends on Kind.
type Message struct {
	Kind Kind
	// StartupMessage: protocol version, user and the other parameters.
	Major, Minor uint16
	User         []byte
	Params       []Param
	// Payload: the query, password, SASL data, CopyFail reason, command
	// tag, MD5 salt or SASL final data.
	Payload []byte
	// Mechanism of a SASLInitialResponse.
	Mechanism string
	// PID and Key of a CancelRequest or BackendKeyData.
	PID, Key uint32
	// Rows and Size of a consolidated run of DataRow or CopyData
	// messages: their number and the bytes of their values.
	Rows, Size uint64
	// Fields of an ErrorResponse or NoticeResponse.
	Fields []Field
	// Param of a ParameterStatus.
	Param Param
	// Count: the columns of a Copy{In,Out}Response, the fields of a
	// RowDescription.
	Count uint16
	// Channel of a NotificationResponse (Payload holds its payload).
	Channel []byte
}

// status is the outcome of decoding one message.
type status uint8

const (
	ok         status = iota
	short             // more bytes needed
	badLength         // a length field below its minimum (invalid_length)
	malformed         // an unknown protocol or authentication code (malformed_*)
	unexpected        // any other decoding failure: the rest is dropped
)

const lenField = 4

// frame reads a typed message header: type byte and length field, which
// must be at least min (exactly min when exact). It returns the body.
func frame(b []byte, min uint32, exact bool) (body []byte, n int, st status) {
	if len(b) < 5 {
		return nil, 0, short
	}
	l := binary.BigEndian.Uint32(b[1:])
	if l < min || (exact && l != min) {
		return nil, 0, badLength
	}
	if uint64(len(b)) < 1+uint64(l) {
		return nil, 0, short
	}
	return b[5 : 1+l], 1 + int(l), ok
}

// cstring splits b at its first NUL; nonEmpty requires a byte before it.
func cstring(b []byte, nonEmpty bool) (s, rest []byte, good bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 || (nonEmpty && i == 0) {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// requestMode says which 'p' message the backend asked for.
type requestMode uint8

const (
	modeGeneric requestMode = iota
	modeSASLInitial
	modeSASL
	modePassword
)

// parseRequest decodes the frontend message at the start of b.
func parseRequest(b []byte, mode requestMode) (Message, int, status) {
	if len(b) == 0 {
		return Message{}, 0, short
	}
	switch mode {
	case modeSASLInitial:
		return parseSASLInitial(b)
	case modeSASL:
		if b[0] != 'p' {
			return Message{}, 0, unexpected
		}
		body, n, st := frame(b, lenField, false)
		if st != ok {
			return Message{}, n, st
		}
		return Message{Kind: KindSASLResponse, Payload: clone(body)}, n, ok
	case modePassword:
		if b[0] != 'p' {
			return Message{}, 0, unexpected
		}
		body, n, st := frame(b, lenField, false)
		if st != ok {
			return Message{}, n, st
		}
		pw, _, good := cstring(body, true)
		if !good {
			return Message{}, n, unexpected
		}
		return Message{Kind: KindPassword, Payload: clone(pw)}, n, ok
	}
	var m Message
	var body []byte
	var n int
	var st status
	switch b[0] {
	case 0:
		return parseStartup(b)
	case 'Q':
		if body, n, st = frame(b, lenField, false); st != ok {
			return m, n, st
		}
		q, _, good := cstring(body, true)
		if !good {
			return m, n, unexpected
		}
		m = Message{Kind: KindSimpleQuery, Payload: clone(q)}
	case 'X':
		if _, n, st = frame(b, lenField, true); st != ok {
			return m, n, st
		}
		m.Kind = KindTerminate
	case 'd':
		if body, n, st = frame(b, 5, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindCopyDataIn, Rows: 1, Size: uint64(len(body))}
	case 'c':
		if _, n, st = frame(b, lenField, true); st != ok {
			return m, n, st
		}
		m.Kind = KindCopyDoneIn
	case 'f':
		if body, n, st = frame(b, 5, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindCopyFail, Payload: clone(body)}
	default:
		if _, n, st = frame(b, lenField, false); st != ok {
			return m, n, st
		}
		m.Kind = KindUnknownRequest
	}
	return m, n, ok
}

// Codes of the requests sent in place of a StartupMessage.
const (
	dummyMajor    = 1234
	cancelRequest = 5678
	sslRequest    = 5679
)

// parseStartup decodes a StartupMessage, SSLRequest or CancelRequest:
// no type byte, the length first.
func parseStartup(b []byte) (Message, int, status) {
	if len(b) < 4 {
		return Message{}, 0, short
	}
	l := binary.BigEndian.Uint32(b)
	if l < 8 {
		return Message{}, 0, badLength
	}
	if uint64(len(b)) < uint64(l) {
		return Message{}, 0, short
	}
	n := int(l)
	body := b[4:n]
	major, minor := binary.BigEndian.Uint16(body), binary.BigEndian.Uint16(body[2:])
	body = body[4:]
	switch {
	case major >= 1 && major <= 3:
		m := Message{Kind: KindStartup, Major: major, Minor: minor}
		// One or more name/value pairs, then a NUL; user is required.
		for len(body) > 0 && body[0] != 0 {
			name, rest, good := cstring(body, true)
			if !good {
				return m, n, unexpected
			}
			val, rest, good := cstring(rest, false)
			if !good {
				return m, n, unexpected
			}
			body = rest
			if string(name) == "user" {
				m.User = append(m.User, val...)
				continue
			}
			m.Params = append(m.Params, Param{clone(name), clone(val)})
		}
		if len(body) == 0 || len(m.User) == 0 {
			return m, n, unexpected
		}
		return m, n, ok
	case major == dummyMajor && minor == cancelRequest:
		if len(body) < 8 {
			return Message{}, n, unexpected
		}
		return Message{Kind: KindCancelRequest, PID: binary.BigEndian.Uint32(body), Key: binary.BigEndian.Uint32(body[4:])}, n, ok
	case major == dummyMajor && minor == sslRequest:
		return Message{Kind: KindSSLRequest, Major: major, Minor: minor}, n, ok
	}
	return Message{}, n, malformed
}

// SASL mechanisms Suricata recognises, longest first.
var mechanisms = [...]struct{ wire, name string }{
	{"SCRAM-SHA-256-PLUS", "scram_SHA256_plus"},
	{"SCRAM-SHA-256", "scram_SHA256"},
}

// mechanism reads a NUL-terminated SASL mechanism name Suricata knows.
func mechanism(b []byte) (string, []byte, bool) {
	for _, m := range mechanisms {
		if len(b) > len(m.wire) && string(b[:len(m.wire)]) == m.wire && b[len(m.wire)] == 0 {
			return m.name, b[len(m.wire)+1:], true
		}
	}
	return "", nil, false
}

func parseSASLInitial(b []byte) (Message, int, status) {
	if b[0] != 'p' {
		return Message{}, 0, unexpected
	}
	body, n, st := frame(b, lenField, false)
	if st != ok {
		return Message{}, n, st
	}
	name, rest, good := mechanism(body)
	if !good || len(rest) < 4 || uint64(len(rest)-4) != uint64(binary.BigEndian.Uint32(rest)) {
		return Message{}, n, unexpected
	}
	return Message{Kind: KindSASLInitialResponse, Mechanism: name, Payload: clone(rest[4:])}, n, ok
}

// parseResponse decodes the backend message at the start of b; after an
// SSLRequest the answer is a single byte.
func parseResponse(b []byte, afterSSLRequest bool) (Message, int, status) {
	if len(b) == 0 {
		return Message{}, 0, short
	}
	if afterSSLRequest {
		switch b[0] {
		case 'S':
			return Message{Kind: KindSSLAccepted}, 1, ok
		case 'N':
			return Message{Kind: KindSSLRejected}, 1, ok
		}
		return Message{}, 0, unexpected
	}
	var m Message
	var body []byte
	var n int
	var st status
	switch b[0] {
	case 'E', 'N':
		if body, n, st = frame(b, 11, false); st != ok {
			return m, n, st
		}
		m.Kind = KindErrorResponse
		if b[0] == 'N' {
			m.Kind = KindNoticeResponse
		}
		fields, good := errorFields(body, b[0] == 'E')
		if !good {
			return m, n, unexpected
		}
		m.Fields = fields
	case 'K':
		if body, n, st = frame(b, 12, true); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindBackendKeyData, PID: binary.BigEndian.Uint32(body), Key: binary.BigEndian.Uint32(body[4:])}
	case 'R':
		return parseAuth(b)
	case 'S':
		if body, n, st = frame(b, lenField, false); st != ok {
			return m, n, st
		}
		name, rest, good := cstring(body, true)
		if !good {
			return m, n, unexpected
		}
		val, _, good := cstring(rest, false)
		if !good {
			return m, n, unexpected
		}
		m = Message{Kind: KindParameterStatus, Param: Param{clone(name), clone(val)}}
	case 'C':
		if body, n, st = frame(b, lenField, false); st != ok {
			return m, n, st
		}
		tag, _, good := cstring(body, false)
		if !good {
			return m, n, unexpected
		}
		m = Message{Kind: KindCommandComplete, Payload: clone(tag)}
	case 'c':
		if _, n, st = frame(b, lenField, true); st != ok {
			return m, n, st
		}
		m.Kind = KindCopyDoneOut
	case 'Z':
		if body, n, st = frame(b, 5, true); st != ok {
			return m, n, st
		}
		if c := body[0]; c != 'I' && c != 'T' && c != 'E' {
			return m, n, unexpected
		}
		m.Kind = KindReadyForQuery
	case 'T':
		if body, n, st = frame(b, 7, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindRowDescription, Count: binary.BigEndian.Uint16(body)}
	case 'A':
		if body, n, st = frame(b, 10, false); st != ok {
			return m, n, st
		}
		ch, rest, good := cstring(body[4:], false)
		if !good {
			return m, n, unexpected
		}
		pl, _, good := cstring(rest, false)
		if !good {
			return m, n, unexpected
		}
		m = Message{Kind: KindNotification, PID: binary.BigEndian.Uint32(body), Channel: clone(ch), Payload: clone(pl)}
	case 'D':
		if body, n, st = frame(b, 7, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindDataRow, Rows: 1, Size: rowSize(body)}
	case 'd':
		if body, n, st = frame(b, 5, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindCopyDataOut, Rows: 1, Size: uint64(len(body))}
	case 'H', 'G':
		if body, n, st = frame(b, 8, false); st != ok {
			return m, n, st
		}
		m = Message{Kind: KindCopyOutResponse, Count: binary.BigEndian.Uint16(body[1:])}
		if b[0] == 'G' {
			m.Kind = KindCopyInResponse
		}
	default:
		if _, n, st = frame(b, lenField, false); st != ok {
			return m, n, st
		}
		m.Kind = KindUnknownResponse
	}
	return m, n, ok
}

// rowSize adds up the lengths of the values of a DataRow body, as far
// as its values are whole (NULLs, length -1, count nothing).
func rowSize(body []byte) uint64 {
	cols := int(binary.BigEndian.Uint16(body))
	body = body[2:]
	var sum uint64
	for i := 0; i < cols && len(body) >= 4; i++ {
		l := int32(binary.BigEndian.Uint32(body))
		body = body[4:]
		if l < 0 {
			continue
		}
		if int64(l) > int64(len(body)) {
			break
		}
		sum += uint64(l)
		body = body[l:]
	}
	return sum
}

// Severities the non-localized severity field may hold.
var (
	errorSeverities  = []string{"ERROR", "FATAL", "PANIC"}
	noticeSeverities = []string{"WARNING", "NOTICE", "DEBUG", "INFO", "LOG"}
)

// errorFields decodes the fields of an ErrorResponse or NoticeResponse
// up to the terminating NUL.
func errorFields(b []byte, isError bool) ([]Field, bool) {
	var out []Field
	for {
		if len(b) == 0 {
			return nil, false
		}
		t := b[0]
		if t == 0 {
			return out, true
		}
		switch t {
		case 'V':
			sev := noticeSeverities
			if isError {
				sev = errorSeverities
			}
			found := false
			for _, s := range sev {
				if len(b) > 1+len(s) && string(b[1:1+len(s)]) == s && b[1+len(s)] == 0 {
					out = append(out, Field{t, []byte(s)})
					b = b[2+len(s):]
					found = true
					break
				}
			}
			if !found {
				return nil, false
			}
		case 'C':
			// Five characters and the NUL, of which the leading
			// alphanumerics are the code.
			if len(b) < 7 {
				return nil, false
			}
			v := b[1:7]
			k := 0
			for k < len(v) && isAlnum(v[k]) {
				k++
			}
			if k == 0 {
				return nil, false
			}
			out = append(out, Field{t, clone(v[:k])})
			b = b[7:]
		default:
			v, rest, good := cstring(b[1:], false)
			if !good {
				return nil, false
			}
			out = append(out, Field{t, clone(v)})
			b = rest
		}
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Authentication request codes.
const (
	authOK                = 0
	authCleartext         = 3
	authMD5               = 5
	authSSPI              = 9
	authSASL              = 10
	authSASLContinue      = 11
	authSASLFinal         = 12
	authenticationMinimum = 8
)

func parseAuth(b []byte) (Message, int, status) {
	body, n, st := frame(b, authenticationMinimum, false)
	if st != ok {
		return Message{}, n, st
	}
	code := binary.BigEndian.Uint32(body)
	rest := body[4:]
	switch code {
	case authOK:
		return Message{Kind: KindAuthOK}, n, ok
	case authCleartext:
		return Message{Kind: KindAuthCleartext}, n, ok
	case authMD5:
		if len(rest) != 4 {
			return Message{}, n, unexpected
		}
		return Message{Kind: KindAuthMD5, Payload: clone(rest)}, n, ok
	case authSSPI:
		return Message{Kind: KindAuthSSPI, Payload: clone(rest)}, n, ok
	case authSASL:
		// One or more known mechanisms, then a NUL.
		k := 0
		for {
			_, r, good := mechanism(rest)
			if !good {
				break
			}
			rest = r
			k++
		}
		if k == 0 || len(rest) == 0 || rest[0] != 0 {
			return Message{}, n, unexpected
		}
		return Message{Kind: KindAuthSASL}, n, ok
	case authSASLContinue:
		return Message{Kind: KindAuthSASLContinue, Payload: clone(rest)}, n, ok
	case authSASLFinal:
		return Message{Kind: KindAuthSASLFinal, Payload: clone(rest)}, n, ok
	}
	return Message{}, n, malformed
}
