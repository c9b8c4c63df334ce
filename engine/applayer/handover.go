package applayer

// Handover is implemented by parsers whose flow can switch to another
// protocol in the middle of the stream: HTTP/1 hands over to HTTP/2 when a
// request with "Upgrade: h2c" is answered by "101 Switching Protocols"
// (RFC 7540 section 3.2). The engine asks after feeding the parser; once
// ok is true it replaces the parser by one for next, lets the new parser
// Adopt the old one (Successor) and feeds it rest.
type Handover interface {
	// Handover reports whether the parser handed the flow over, the
	// protocol that takes over, and the bytes of each direction that
	// followed the switch point (the new protocol's first bytes). rest
	// is owned by the parser and read only until the next call.
	Handover() (next Proto, rest [2][]byte, ok bool)
}

// Tunneler is implemented by a parser that can hand its flow over to
// ProtoUnknown: the flow became a tunnel (an HTTP CONNECT answered 2xx)
// and the engine restarts protocol detection on the bytes that follow, as
// Suricata does after a protocol change request. TunnelPort is the
// destination port detection uses for them (the CONNECT target's), 0 for
// the flow's own.
type Tunneler interface {
	TunnelPort() uint16
}

// Successor is implemented by parsers that can take a flow over from
// another parser after a Handover. Adopt is called once, before any
// Parse: the successor keeps prev's live transactions (with their IDs, so
// that they are still inspected and logged, by their own protocol's
// rules) and numbers its own transactions after them. It may derive state
// from them: HTTP/2 turns the upgrading HTTP/1 request into stream 1.
type Successor interface {
	Adopt(prev Parser)
}

// Recycler is a parser that can be reused for another connection: Reset
// returns it to the state its constructor left it in, keeping the memory
// it grew (transaction buffers) so that the engine, which keeps finished
// flows' parsers per worker, does not reallocate it flow after flow.
type Recycler interface {
	Reset()
}
