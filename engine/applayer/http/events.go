package http

import (
	"bytes"
	"encoding/binary"

	"vigil/detect/bufid"
)

// Request events are raised when the request headers are complete, where
// libhtp flags them for Suricata; detect/bufid/event.go holds the mapping
// to Suricata's event names. The bit set is kept as the 4 bytes the
// bufid.HTTPEvents buffer returns, so reading it allocates nothing.

// raise sets an event on the message.
func (m *Message) raise(e bufid.HTTPEvent) {
	binary.LittleEndian.PutUint32(m.events[:], binary.LittleEndian.Uint32(m.events[:])|uint32(e))
}

// Events returns the message's event bits (bufid.HTTPEvent values).
func (m *Message) Events() bufid.HTTPEvent {
	return bufid.HTTPEvent(binary.LittleEndian.Uint32(m.events[:]))
}

// eventBuffer is the bufid.HTTPEvents buffer: nil when no event was raised.
func (m *Message) eventBuffer() []byte {
	if m.Events() == 0 {
		return nil
	}
	return m.events[:]
}

// requestEvents raises the events of a request whose headers are parsed.
func (m *Message) requestEvents() {
	if te := m.Get("Transfer-Encoding"); te != nil {
		if !hasToken(te, "chunked") || !atLeast11(m.Protocol) {
			m.raise(bufid.HTTPInvalidTERequest)
		}
	}
	if a := m.Get("Authorization"); a != nil {
		scheme, _, _ := bytes.Cut(bytes.TrimLeft(a, " \t"), []byte(" "))
		if !equalFold(scheme, "basic") && !equalFold(scheme, "digest") && !equalFold(scheme, "bearer") {
			m.raise(bufid.HTTPAuthUnrecognized)
		}
	}
}

// atLeast11 reports whether a request protocol is HTTP/1.1 or later; a
// missing or unparsable one is not.
func atLeast11(proto []byte) bool {
	rest, ok := bytes.CutPrefix(bytes.ToUpper(bytes.TrimSpace(proto)), []byte("HTTP/"))
	if !ok {
		return false
	}
	major, minor, ok := bytes.Cut(rest, []byte("."))
	if !ok || len(major) != 1 || len(minor) == 0 || major[0] < '1' || major[0] > '9' {
		return false
	}
	return major[0] > '1' || minor[0] >= '1' && minor[0] <= '9'
}
