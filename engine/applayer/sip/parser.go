package sip

import "vigil/engine/applayer"

type stream struct {
	buf  []byte // partial message (head, then body being skipped)
	skip int    // body bytes still to skip
	err  bool
}

// Parser parses the SIP messages of one flow (UDP or TCP).
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	tcp   [2]stream
	state applayer.State
	// Malformed counts messages that were not SIP.
	Malformed int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// State reports StateError when a TCP direction lost framing and StateGap
// after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with ID below `below`.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }

// ParseDatagram handles one UDP payload: one message, whose body is
// ignored.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	head := data
	if n := headEnd(data); n >= 0 {
		head = data[:n]
	}
	p.message(dir, append([]byte(nil), head...))
}

// message makes a transaction of a message head the parser owns.
func (p *Parser) message(dir applayer.Direction, head []byte) bool {
	m, ok := ParseHead(head)
	if !ok {
		p.Malformed++
		return false
	}
	t := &Tx{}
	if m.Request {
		t.Request = &m
	} else {
		t.Response = &m
	}
	t.Dir = dir
	t.id = p.next
	p.next++
	p.txs.Push(t, MaxTx)
	return true
}

// Parse handles the next in-order bytes of a TCP direction: messages
// framed by their empty line and Content-Length (RFC 3261 section 18.3).
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.tcp[dir&1]
	for len(data) > 0 && !s.err {
		if s.skip > 0 {
			k := min(s.skip, len(data))
			s.skip -= k
			data = data[k:]
			continue
		}
		if len(s.buf) == 0 {
			// Keep-alive CRLFs between messages (RFC 5626).
			for len(data) > 0 && (data[0] == '\r' || data[0] == '\n') {
				data = data[1:]
			}
			if len(data) == 0 {
				return
			}
		}
		// Look for the end of the head in the kept bytes plus data; the
		// search restarts a few bytes back so a split CRLF CRLF is found.
		from := max(len(s.buf)-3, 0)
		room := MaxHead - len(s.buf)
		take := min(len(data), room)
		s.buf = append(s.buf, data[:take]...)
		n := headEnd(s.buf[from:])
		if n < 0 {
			data = data[take:]
			if len(s.buf) >= MaxHead {
				p.fail(s)
			}
			continue
		}
		n += from
		used := n - (len(s.buf) - take) // bytes of data that belong to the head
		head := append([]byte(nil), s.buf[:n]...)
		s.buf = s.buf[:0]
		data = data[used:]
		if !p.message(dir, head) {
			p.fail(s)
			return
		}
		m := p.txs.At(p.txs.Len() - 1).msg()
		cl, ok := m.contentLength()
		if !ok {
			p.fail(s)
			return
		}
		s.skip = cl
	}
}

func (t *Tx) msg() *Message {
	if t.Request != nil {
		return t.Request
	}
	return t.Response
}

func (p *Parser) fail(s *stream) {
	s.err = true
	s.buf = s.buf[:0]
	p.state |= applayer.StateError
}

// Gap on TCP loses the framing: the direction stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.tcp[dir&1]
	s.err = true
	s.buf = s.buf[:0]
	p.state |= applayer.StateGap
}
