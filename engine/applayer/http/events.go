package http

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Events. libhtp logs anomalies while it parses, and Suricata turns each
// into an app-layer event of the transaction (rules/http-events.rules
// names them, the anomaly logger writes them under their upper-case
// names). Vigil raises the ones below where libhtp does; detect/bufid's
// event table maps them to the app-layer-event names.
//
// Each message keeps the bit set of its events as the 4 bytes the
// bufid.HTTPEvents buffer returns, so reading it allocates nothing; the
// transaction also keeps the order they were raised in (with repeats, as
// Suricata keeps them) for anomaly records (applayer.EventTx).

// eventNames are the anomaly names of the bufid.HTTPEvent bits, by bit
// number (Suricata's http_decoder_event_table).
var eventNames = [...]string{
	"INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST",
	"REQUEST_AUTH_UNRECOGNIZED",
	"REQUEST_LINE_MISSING_PROTOCOL",
	"UNABLE_TO_MATCH_RESPONSE_TO_REQUEST",
	"REQUEST_HEADER_REPETITION",
	"RESPONSE_HEADER_REPETITION",
	"RESPONSE_BODY_UNEXPECTED",
}

// maxTxEvents bounds the events a transaction keeps for anomaly records
// (the bit sets keep every kind).
const maxTxEvents = 16

// raise sets an event on the message.
func (m *Message) raise(e bufid.HTTPEvent) {
	binary.LittleEndian.PutUint32(m.events[:], binary.LittleEndian.Uint32(m.events[:])|uint32(e))
}

// raise sets event e on the message of direction dir and records it for
// the anomaly log.
func (t *Tx) raise(dir applayer.Direction, e bufid.HTTPEvent) {
	t.msg(dir).raise(e)
	if int(t.nev) < len(t.evs) {
		t.evs[t.nev] = uint8(bits.TrailingZeros32(uint32(e)))
		t.nev++
	}
}

var _ applayer.EventTx = (*Tx)(nil)

// EventCount returns the number of events raised on the transaction
// (applayer.EventTx).
func (t *Tx) EventCount() int { return int(t.nev) }

// EventName returns the anomaly name of event i, in the order raised.
func (t *Tx) EventName(i int) string {
	if b := int(t.evs[i]); b < len(eventNames) {
		return eventNames[b]
	}
	return "UNKNOWN_ERROR"
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
func (t *Tx) requestEvents() {
	m := &t.Req
	t.headerRepetitions(applayer.ToServer)
	if te := m.Get("Transfer-Encoding"); te != nil {
		if !hasToken(te, "chunked") || !atLeast11(m.Protocol) {
			t.raise(applayer.ToServer, bufid.HTTPInvalidTERequest)
		}
	}
	if a := m.Get("Authorization"); a != nil {
		scheme, _, _ := bytes.Cut(bytes.TrimLeft(a, " \t"), []byte(" "))
		if !equalFold(scheme, "basic") && !equalFold(scheme, "digest") && !equalFold(scheme, "bearer") {
			t.raise(applayer.ToServer, bufid.HTTPAuthUnrecognized)
		}
	}
}

// maxRepetitionHeaders bounds the headers compared for repetitions, so
// that a message with thousands of headers costs linear time (libhtp
// stops counting after 64 repetitions).
const maxRepetitionHeaders = 128

// headerRepetitions raises REQUEST_HEADER_REPETITION or
// RESPONSE_HEADER_REPETITION once for each header name that occurs more
// than once in the message of direction dir, at its second occurrence
// (libhtp's process_request_header / process_response_header).
func (t *Tx) headerRepetitions(dir applayer.Direction) {
	m := t.msg(dir)
	e := bufid.HTTPRequestHeaderRepetition
	if dir == applayer.ToClient {
		e = bufid.HTTPResponseHeaderRepetition
	}
	hs := m.Headers[:min(len(m.Headers), maxRepetitionHeaders)]
	for i := 1; i < len(hs); i++ {
		n := 0
		for j := 0; j < i && n < 2; j++ {
			if bytes.EqualFold(hs[j].Name, hs[i].Name) {
				n++
			}
		}
		if n == 1 {
			t.raise(dir, e)
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
