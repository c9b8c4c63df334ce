package applayer

import "vigil/detect/bufid"

// BufferID names one inspectable buffer of a transaction (package bufid
// lists them, shared with detection).
type BufferID = bufid.ID

// Tx is one application-layer transaction (an HTTP request/response pair, a
// DNS query/response, a TLS or SSH handshake) as detection sees it.
//
// Buffer returns the content of buffer b for inspection in direction dir,
// or nil when the transaction has no such buffer (yet). For buffers that
// exist in both directions (http.header, http.protocol, ...) dir selects the
// request (ToServer) or the response (ToClient) side; one-sided buffers
// ignore dir. Multi-buffers (tls.certs, dns.query) return their first
// element; BufferAt returns element i and false past the end. Returned
// slices are owned by the transaction: read-only, valid until the parser is
// fed again or the transaction is pruned.
type Tx interface {
	Proto() Proto
	ID() uint64
	Buffer(dir Direction, b BufferID) []byte
	BufferAt(dir Direction, b BufferID, i int) ([]byte, bool)
	// Complete reports whether the side dir of the transaction is done,
	// i.e. no more data will be added to its buffers.
	Complete(dir Direction) bool
}

// TxLen is optionally implemented by a Tx that can tell the length of a
// buffer instance without building it: detection measures the buffers no
// rule inspects only to notice progress. It must agree with BufferAt: ok
// when BufferAt gives a non-nil buffer, and that buffer's length.
type TxLen interface {
	BufferLenAt(dir Direction, b BufferID, i int) (int, bool)
}

// EventTx is optionally implemented by a Tx whose parser raises
// app-layer events on it (anomalies such as SMTP's INVALID_REPLY), named as
// Suricata names them in its anomaly records. Events only accumulate:
// event i keeps its name once raised.
type EventTx interface {
	EventCount() int
	EventName(i int) string
}

// TxLogReady is optionally implemented by a Tx whose record is written at
// a point of its own rather than when both sides are Complete (TLS:
// Suricata's logger waits for its handshake-done progress, which comes
// before the handshake is encrypted).
type TxLogReady interface {
	LogReady() bool
}

// State is a bit set a parser reports about its flow.
type State uint8

// Parser state flags.
const (
	// StateEncrypted: the handshake is over and the rest of the flow is
	// encrypted (TLS, SSH); inspection can stop and the flow can be bypassed.
	StateEncrypted State = 1 << iota
	// StateError: the parser met data it could not make sense of and
	// stopped; later data is ignored.
	StateError
	// StateGap: data was lost (Gap was called) and the parser could not
	// resynchronise yet.
	StateGap
)

// Parser parses one flow of one protocol. Stream parsers get in-order
// reassembled bytes per direction; missing data is announced with Gap.
// Datagram parsers (DNS over UDP) get each datagram with ParseDatagram.
//
// Transactions are numbered from 0 in creation order. TxCount and TxAt give
// access to live transactions (oldest first); Prune drops completed
// transactions with an ID below id once detection and output are done with
// them.
type Parser interface {
	Parse(dir Direction, data []byte)
	Gap(dir Direction, n int)
	State() State
	TxCount() int
	TxAt(i int) Tx
	Prune(below uint64)
}
