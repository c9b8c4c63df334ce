package pgsql

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxTx caps live transactions per flow (Suricata's pgsql max-tx
	// default); the oldest are dropped first.
	MaxTx = 1024
	// MaxMessage bounds the bytes of one message kept while it arrives.
	// Longer DataRow and CopyData messages are counted as they pass;
	// any other stops the direction.
	MaxMessage = 1 << 20
)

// Events, bits of the PgSQLEvents buffer; the names are Suricata's
// (pgsql.<name>, detect/bufid/event.go).
const (
	EventTooManyTransactions uint32 = 1 << iota
	EventMalformedRequest
	EventMalformedResponse
	EventInvalidLength
)

// progress is the state of the connection as Suricata tracks it: the
// last message that moved it.
type progress uint8

const (
	stIdle progress = iota
	stSSLRequest
	stStartup
	stSASLInitialResponse
	stSASLResponse
	stPassword
	stSimpleQuery
	stCancelRequest
	stTerminated
	stCopyDone
	stCopyFail
	stCopyOutResponse
	stCopyDataOut
	stCopyInResponse
	stFirstCopyDataIn
	stCopyDataIn
	stSSLRejected
	stSASLAuthentication
	stSASLContinue
	stSASLFinal
	stSimpleAuthentication
	stAuthOK
	stParameterSetup
	stBackendKey
	stReadyForQuery
	stRowDescription
	stDataRow
	stCommandComplete
	stErrorMessage
	stFinished
)

// opensTx: the states after which the next message starts a new
// transaction.
func opensTx(s progress) bool {
	switch s {
	case stIdle, stStartup, stPassword, stSASLInitialResponse, stSASLResponse, stSimpleQuery,
		stSSLRequest, stTerminated, stCancelRequest, stFirstCopyDataIn:
		return true
	}
	return false
}

// Tx is one exchange: the requests that opened it and the responses.
type Tx struct {
	id        uint64
	Requests  []Message
	Responses []Message
	reqDone   bool
	respDone  bool
	respSeen  bool
	// rows and size count the DataRow or CopyData messages not yet
	// consolidated into a message.
	rows, size uint64
	events     [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoPgSQL.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoPgSQL }

// ID returns the transaction id (creation order, from 0).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the side is done: the request once a
// complete request arrived, the response once the exchange ended.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToServer {
		return t.reqDone
	}
	return t.respDone
}

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns pgsql.query (the first simple query of the
// transaction) and the events.
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.PgSQLQuery:
		for k := range t.Requests {
			if t.Requests[k].Kind == KindSimpleQuery {
				return t.Requests[k].Payload, true
			}
		}
	case bufid.PgSQLEvents:
		return t.events[:], binary.LittleEndian.Uint32(t.events[:]) != 0
	}
	return nil, false
}

// Events returns the event bits raised on t.
func (t *Tx) Events() uint32 { return binary.LittleEndian.Uint32(t.events[:]) }

func (t *Tx) event(e uint32) {
	binary.LittleEndian.PutUint32(t.events[:], t.Events()|e)
}

// stream is the framing state of one direction.
type stream struct {
	buf  []byte
	skip int // bytes of an oversized DataRow or CopyData still to pass
	gap  bool
	err  bool
}

// Parser parses the PostgreSQL messages of one flow.
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	st    progress
	dir   [2]stream
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

func (p *Parser) newTx() *Tx {
	t := &Tx{id: p.next}
	p.next++
	if p.txs.Len() >= MaxTx {
		// Suricata flags a transaction when a flow passes max-tx; the
		// cap drops the oldest here, so the new one carries the event.
		t.event(EventTooManyTransactions)
	}
	p.txs.Push(t, MaxTx)
	return t
}

// current returns the transaction a message belongs to, opening one
// when the connection state says the previous exchange is over.
func (p *Parser) current() *Tx {
	if opensTx(p.st) || p.txs.Len() == 0 {
		return p.newTx()
	}
	return p.txs.At(p.txs.Len() - 1)
}

// Parse handles the next in-order bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.dir[dir&1]
	if s.err || len(data) == 0 {
		return
	}
	if s.skip > 0 {
		k := min(s.skip, len(data))
		s.skip -= k
		data = data[k:]
		if len(data) == 0 {
			return
		}
	}
	if s.gap {
		// Suricata resumes after a gap at data that starts a message:
		// a response its probe accepts; for requests, as it does, at the
		// first data that does not parse whole.
		if dir == applayer.ToServer {
			if _, _, st := parseRequest(data, modeGeneric); st == ok {
				return
			}
		} else if !probeResponse(data) {
			return
		}
		s.gap = false
	}
	s.buf = append(s.buf, data...)
	b := s.buf
	for len(b) > 0 {
		var n int
		var st status
		if dir == applayer.ToServer {
			n, st = p.request(b)
		} else {
			n, st = p.response(b)
		}
		if st == short {
			if n = p.oversized(s, b, dir); n == 0 {
				break
			}
			b = b[n:]
			continue
		}
		if st != ok {
			p.failed(s, dir, st)
			b = nil
			break
		}
		b = b[n:]
	}
	if len(b) == 0 {
		s.buf = s.buf[:0]
	} else {
		s.buf = append(s.buf[:0], b...)
	}
}

// oversized handles a message that does not fit MaxMessage: a DataRow
// or CopyData is counted and passed over (it returns the bytes consumed),
// anything else stops the direction. It returns 0 to wait for more.
func (p *Parser) oversized(s *stream, b []byte, dir applayer.Direction) int {
	if len(b) < MaxMessage || len(b) < 7 {
		return 0
	}
	l := int64(binary.BigEndian.Uint32(b[1:]))
	kind := b[0]
	if dir == applayer.ToServer && kind == 'd' {
		p.requestMessage(Message{Kind: KindCopyDataIn, Rows: 1, Size: uint64(l - 4)})
	} else if dir == applayer.ToClient && (kind == 'd' || kind == 'D') {
		m := Message{Kind: KindCopyDataOut, Rows: 1, Size: uint64(l - 4)}
		if kind == 'D' {
			// The values, less each one's length field.
			cols := int64(binary.BigEndian.Uint16(b[5:]))
			m = Message{Kind: KindDataRow, Rows: 1, Size: uint64(max(l-6-4*cols, 0))}
		}
		p.responseMessage(m)
	} else {
		s.err = true
		p.state |= applayer.StateError
		return len(b)
	}
	s.skip = int(1 + l - int64(len(b)))
	return len(b)
}

// failed records a message that did not decode, as Suricata does: an
// invalid length stops the direction, a malformed message raises its
// event, and the rest of the data at hand is dropped.
func (p *Parser) failed(s *stream, dir applayer.Direction, st status) {
	switch st {
	case badLength:
		p.newTx().event(EventInvalidLength)
		s.err = true
		p.state |= applayer.StateError
	case malformed:
		if dir == applayer.ToServer {
			p.newTx().event(EventMalformedRequest)
		} else {
			p.newTx().event(EventMalformedResponse)
		}
	}
}

// request decodes and files one frontend message.
func (p *Parser) request(b []byte) (int, status) {
	mode := modeGeneric
	switch p.st {
	case stSASLAuthentication:
		mode = modeSASLInitial
	case stSASLInitialResponse, stSASLContinue:
		mode = modeSASL
	case stSimpleAuthentication:
		mode = modePassword
	}
	m, n, st := parseRequest(b, mode)
	if st != ok {
		return n, st
	}
	p.requestMessage(m)
	return n, ok
}

func (p *Parser) requestMessage(m Message) {
	next, moved := p.st, true
	switch m.Kind {
	case KindSSLRequest:
		next = stSSLRequest
	case KindStartup:
		next = stStartup
	case KindPassword:
		next = stPassword
	case KindSASLInitialResponse:
		next = stSASLInitialResponse
	case KindSASLResponse:
		next = stSASLResponse
	case KindSimpleQuery:
		next = stSimpleQuery
	case KindCopyDataIn:
		switch p.st {
		case stCopyInResponse:
			next = stFirstCopyDataIn
		case stFirstCopyDataIn, stCopyDataIn:
			next = stCopyDataIn
		default:
			moved = false
		}
	case KindCopyDoneIn:
		next = stCopyDone
	case KindCopyFail:
		next = stCopyFail
	case KindCancelRequest:
		next = stCancelRequest
	case KindTerminate:
		next = stTerminated
	default:
		moved = false
	}
	p.st = next
	t := p.current()
	if !moved {
		return
	}
	switch next {
	case stFirstCopyDataIn, stCopyDataIn:
		t.rows++
		t.size += m.Size
		return
	case stCopyDone, stCopyFail:
		if t.rows > 0 {
			t.Requests = append(t.Requests, Message{Kind: KindCopyDataIn, Rows: t.rows, Size: t.size})
		}
	}
	switch next {
	case stSSLRequest, stStartup, stSimpleQuery, stPassword, stSASLInitialResponse, stSASLResponse,
		stCancelRequest, stCopyDone, stCopyFail, stTerminated:
		t.Requests = append(t.Requests, m)
		t.reqDone = true
		if next == stTerminated || next == stCancelRequest {
			// No response comes to these.
			t.respDone = true
		}
	}
}

// response decodes and files one backend message.
func (p *Parser) response(b []byte) (int, status) {
	m, n, st := parseResponse(b, p.st == stSSLRequest)
	if st != ok {
		return n, st
	}
	p.responseMessage(m)
	return n, ok
}

func (p *Parser) responseMessage(m Message) {
	next, moved := p.st, true
	switch m.Kind {
	case KindSSLAccepted:
		// The rest is TLS, which Vigil does not take over here.
		next = stFinished
		p.state |= applayer.StateEncrypted
	case KindSSLRejected:
		next = stSSLRejected
	case KindAuthSASL:
		next = stSASLAuthentication
	case KindAuthSASLContinue:
		next = stSASLContinue
	case KindAuthSASLFinal:
		next = stSASLFinal
	case KindAuthOK:
		next = stAuthOK
	case KindParameterStatus:
		next = stParameterSetup
	case KindBackendKeyData:
		next = stBackendKey
	case KindReadyForQuery:
		next = stReadyForQuery
	case KindAuthMD5, KindAuthCleartext:
		next = stSimpleAuthentication
	case KindRowDescription:
		next = stRowDescription
	case KindCopyOutResponse:
		next = stCopyOutResponse
	case KindCopyInResponse:
		next = stCopyInResponse
	case KindDataRow:
		if n := p.txs.Len(); n > 0 {
			p.txs.At(n - 1).size += m.Size
		}
		next = stDataRow
	case KindCopyDataOut:
		if n := p.txs.Len(); n > 0 {
			p.txs.At(n - 1).size += m.Size
		}
		next = stCopyDataOut
	case KindCopyDoneOut:
		next = stCopyDone
	case KindCommandComplete:
		next = stCommandComplete
	case KindErrorResponse:
		next = stErrorMessage
	default:
		moved = false
	}
	p.st = next
	t := p.current()
	t.respSeen = true
	if !moved {
		return
	}
	switch {
	case next == stDataRow || next == stCopyDataOut:
		t.rows++
	case next == stCommandComplete && t.rows > 0:
		t.Responses = append(t.Responses, Message{Kind: KindDataRow, Rows: t.rows, Size: t.size}, m)
		t.rows, t.size = 0, 0
	case next == stCopyDone && t.rows > 0:
		t.Responses = append(t.Responses, Message{Kind: KindCopyDataOut, Rows: t.rows, Size: t.size}, m)
		t.rows, t.size = 0, 0
	default:
		t.Responses = append(t.Responses, m)
		switch next {
		case stReadyForQuery, stSSLRejected, stSimpleAuthentication, stSASLAuthentication,
			stSASLContinue, stSASLFinal, stCopyInResponse, stFinished:
			t.reqDone, t.respDone = true, true
		}
	}
	if next == stFinished {
		p.dir[0].err, p.dir[1].err = true, true
	}
}

// probeResponse reports whether b starts with a backend message or an
// SSL answer.
func probeResponse(b []byte) bool {
	if _, _, st := parseResponse(b, false); st == ok {
		return true
	}
	_, _, st := parseResponse(b, true)
	return st == ok
}

// Gap loses data of a direction: its partial message is dropped and
// parsing resumes where a message starts.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.dir[dir&1]
	s.buf, s.skip, s.gap = s.buf[:0], 0, true
	p.state |= applayer.StateGap
}

// State reports StateEncrypted after an accepted SSLRequest, StateError
// after undecodable data and StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
