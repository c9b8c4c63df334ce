package sip

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Snort's SIP rule options (sip_header, sip_method, sip_stat_code) read
// the message of the packet being inspected, request or response, in
// whichever direction it travels: here the transaction's message when it
// was sent in the inspected direction.

// snortMethods are the request methods Snort's SIP inspector parses in its
// default configuration (the six of RFC 3261). A request with another
// method fails Snort's start-line parse: its sip_header buffer is empty.
var snortMethods = [][]byte{
	[]byte("INVITE"), []byte("CANCEL"), []byte("ACK"), []byte("BYE"), []byte("REGISTER"), []byte("OPTIONS"),
}

func snortKnownMethod(m []byte) bool {
	for _, k := range snortMethods {
		if bytes.EqualFold(m, k) {
			return true
		}
	}
	return false
}

// snortHeader is Snort's SIP header buffer: the message from its start
// line through the empty line that ends the header fields; without that
// empty line, the start line and its line break only. Empty (not absent)
// when Snort's start-line parse fails: no line break, or a request method
// it does not know.
func (m *Message) snortHeader() []byte {
	i := bytes.IndexByte(m.Head, '\n')
	if i < 0 || m.Request && !snortKnownMethod(m.Method) {
		return m.Head[:0:0]
	}
	if n := headEnd(m.Head); n >= 0 {
		return m.Head[:n]
	}
	return m.Head[:i+1]
}

func (t *Tx) snortBuffer(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	m := t.msg()
	if i != 0 || m == nil || t.Dir != dir {
		return nil, false
	}
	var v []byte
	switch b {
	case bufid.SIPHeader:
		return m.snortHeader(), true
	case bufid.SIPSnortMethod:
		v = m.Method
	case bufid.SIPSnortStatCode:
		v = m.Code
	}
	return v, len(v) > 0
}
