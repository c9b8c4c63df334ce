package ldap

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/ber"
)

// Limits.
const (
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// MaxResponses caps the responses kept per transaction (Suricata's
	// default ldap max-responses is 10000; entries of a large search
	// beyond this raise too_many_responses).
	MaxResponses = 1024
)

// Events a parser raises, bits of the LDAPEvents buffer; the names are
// Suricata's (ldap.<name>, detect/bufid/event.go).
const (
	EventTooManyTransactions uint32 = 1 << iota
	EventInvalidData
	EventRequestNotFound
	EventIncompleteData
	EventTooManyResponses
)

// Tx is one LDAP operation: a request and the responses that carry its
// message ID, or a response without a request (an unsolicited
// notification, or one whose request was not seen).
type Tx struct {
	id        uint64
	Request   *Message
	Responses []Message
	done      bool
	events    [4]byte
	// Detection forms, kept in step with Request and Responses.
	reqOp     [1]byte
	respOps   []byte // per response: 1 (present) and the operation
	respCodes []byte // per response: 1 and the result code (4 bytes), or 5 zero bytes
	count     [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoLDAP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoLDAP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete: the request side once the request was seen (always, since a
// transaction starts with its request or has none); the response side
// when a final response arrived (any response but a search entry,
// reference or intermediate), or the request needs none (unbind,
// abandon).
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToServer {
		return true
	}
	return t.done
}

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of an LDAP buffer. The request buffers
// exist when the transaction has a request; ldap.responses.dn and
// ldap.responses.message have one instance per response (empty for a
// response without the field, as in Suricata), the attribute type
// buffers one per attribute. ldap.responses.operation and
// ldap.responses.result_code are lists of (presence byte, value) pairs
// that their keyword indexes.
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	switch b {
	case bufid.LDAPRequestOperation:
		return t.reqOp[:], i == 0 && t.Request != nil
	case bufid.LDAPRequestDN:
		if i != 0 || t.Request == nil {
			return nil, false
		}
		switch t.Request.Op {
		case OpBindRequest, OpAddRequest, OpSearchRequest, OpModifyRequest, OpDelRequest, OpModDNRequest, OpCompareRequest:
			return t.Request.DN, true
		}
		return nil, false
	case bufid.LDAPRequestAttributeType:
		if t.Request == nil {
			return nil, false
		}
		return requestAttr(t.Request, i)
	case bufid.LDAPResponsesOperation:
		return t.respOps, i == 0
	case bufid.LDAPResponsesResultCode:
		return t.respCodes, i == 0
	case bufid.LDAPResponsesCount:
		return t.count[:], i == 0
	case bufid.LDAPResponsesDN:
		if i < 0 || i >= len(t.Responses) {
			return nil, false
		}
		m := &t.Responses[i]
		if m.Op == OpSearchResultEntry {
			return m.DN, true
		}
		return m.Result.MatchedDN, true
	case bufid.LDAPResponsesMessage:
		if i < 0 || i >= len(t.Responses) {
			return nil, false
		}
		return t.Responses[i].Result.Message, true
	case bufid.LDAPResponsesAttributeType:
		for k := range t.Responses {
			m := &t.Responses[k]
			if m.Op != OpSearchResultEntry {
				continue
			}
			if i < len(m.Attrs) {
				return m.Attrs[i].Type, true
			}
			i -= len(m.Attrs)
		}
		return nil, false
	case bufid.LDAPEvents:
		if binary.LittleEndian.Uint32(t.events[:]) == 0 {
			return nil, false
		}
		return t.events[:], i == 0
	}
	return nil, false
}

// requestAttr returns attribute type i of a request: the requested
// attributes of a search, the changed types of a modify, the names of an
// add, the description of a compare.
func requestAttr(m *Message, i int) ([]byte, bool) {
	if i < 0 {
		return nil, false
	}
	switch m.Op {
	case OpSearchRequest:
		if i < len(m.Names) {
			return m.Names[i], true
		}
	case OpModifyRequest:
		if i < len(m.Changes) {
			return m.Changes[i].Type, true
		}
	case OpAddRequest:
		if i < len(m.Attrs) {
			return m.Attrs[i].Type, true
		}
	case OpCompareRequest:
		return m.AVADesc, i == 0
	}
	return nil, false
}

func (t *Tx) event(e uint32) {
	binary.LittleEndian.PutUint32(t.events[:], binary.LittleEndian.Uint32(t.events[:])|e)
}

// addResponse appends a response and its detection forms.
func (t *Tx) addResponse(m Message) {
	if len(t.Responses) >= MaxResponses {
		t.event(EventTooManyResponses)
		return
	}
	t.Responses = append(t.Responses, m)
	t.respOps = append(t.respOps, 1, m.Op)
	if m.HasResult {
		t.respCodes = binary.BigEndian.AppendUint32(append(t.respCodes, 1), m.Result.Code)
	} else {
		t.respCodes = append(t.respCodes, 0, 0, 0, 0, 0)
	}
	binary.BigEndian.PutUint32(t.count[:], uint32(len(t.Responses)))
	switch m.Op {
	case OpSearchResultEntry, OpSearchResultReference, OpIntermediateResponse:
	default:
		t.done = true
	}
}

// stream is the framing state of one TCP direction.
type stream struct {
	buf []byte
	err bool
}

// Parser parses the LDAP messages of one flow (TCP or UDP).
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	tcp   [2]stream
	state applayer.State
	// Malformed counts messages that could not be decoded.
	Malformed int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload (CLDAP, RFC 1798): one message.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	own := append(make([]byte, 0, len(data)), data...)
	if _, _, err := ber.Read(own); err == ber.ErrShort {
		p.malformed(EventIncompleteData)
		return
	}
	if _, ok := p.message(dir, own); !ok {
		p.malformed(EventInvalidData)
	}
}

// malformed counts an undecodable message and raises e on the newest
// transaction, as Suricata does.
func (p *Parser) malformed(e uint32) {
	p.Malformed++
	if n := p.txs.Len(); n > 0 {
		p.txs.At(n - 1).event(e)
	}
}

// message decodes one message from b (owned by the parser) and files it.
func (p *Parser) message(_ applayer.Direction, b []byte) ([]byte, bool) {
	m, rest, ok := Parse(b)
	if !ok {
		return nil, false
	}
	// The operation, not the direction, tells a request from a
	// response: a flow picked up midstream may have its sides swapped.
	if m.IsRequest() {
		t := p.newTx()
		t.Request = &m
		t.reqOp[0] = m.Op
		t.done = m.Op == OpUnbindRequest || m.Op == OpAbandonRequest
		return rest, true
	}
	for i := p.txs.Len() - 1; i >= 0; i-- {
		t := p.txs.At(i)
		if t.Request != nil && t.Request.ID == m.ID && !t.done {
			t.addResponse(m)
			return rest, true
		}
	}
	t := p.newTx()
	t.addResponse(m)
	t.done = true
	if m.Op != OpExtendedResponse {
		t.event(EventRequestNotFound)
	}
	return rest, true
}

func (p *Parser) newTx() *Tx {
	t := &Tx{id: p.next}
	p.next++
	if p.txs.Len() >= MaxTx {
		p.txs.At(p.txs.Len() - 1).event(EventTooManyTransactions)
	}
	p.txs.Push(t, MaxTx)
	return t
}

// Parse handles the next in-order bytes of a TCP direction: a series of
// BER-framed LDAPMessages.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.tcp[dir&1]
	if s.err {
		return
	}
	s.buf = append(s.buf, data...)
	b := s.buf
	for len(b) > 0 {
		h, err := ber.ReadHeader(b)
		if err == ber.ErrShort {
			break
		}
		if err != nil || h.HeaderLen+h.Len > MaxMessage || !h.Is(ber.Universal, true, ber.TagSequence) {
			p.fail(s)
			return
		}
		n := h.HeaderLen + h.Len
		if len(b) < n {
			break
		}
		if _, ok := p.message(dir, b[:n:n]); !ok {
			p.fail(s)
			return
		}
		b = b[n:]
	}
	// Transactions alias s.buf: keep the unparsed tail in a fresh
	// buffer rather than moving it over parsed messages.
	if len(b) == 0 {
		s.buf = nil
	} else {
		s.buf = append([]byte(nil), b...)
	}
}

func (p *Parser) fail(s *stream) {
	p.malformed(EventInvalidData)
	s.err, s.buf = true, nil
	p.state |= applayer.StateError
}

// Gap loses the message framing of that direction: it stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.tcp[dir&1]
	s.err, s.buf = true, nil
	p.state |= applayer.StateGap
}

// State reports StateError after undecodable data and StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
