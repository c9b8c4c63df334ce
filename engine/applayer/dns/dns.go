package dns

import (
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Tx is one DNS transaction: a request and the response with its id.
// Either may be nil (response without request, unanswered query).
type Tx struct {
	Request, Response *Message
	id                uint64
	opcode            [1]byte
	// num holds the dns.rcode or dns.rrtype value last returned (two
	// bytes, big-endian), valid until the next BufferAt.
	num       [2]byte
	respNames [][]byte // dns.response.rrname instances, built once
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoDNS.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoDNS }

// ID returns the transaction id (creation order, not the DNS id).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the request (ToServer) or response (ToClient)
// was seen.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToClient {
		return t.Response != nil
	}
	return t.Request != nil
}

func (t *Tx) msg(dir applayer.Direction) *Message {
	if dir == applayer.ToClient && t.Response != nil {
		return t.Response
	}
	if t.Request != nil {
		return t.Request
	}
	return t.Response
}

// Buffer returns the first element of a DNS buffer (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns element i of dns.query (the question names of the
// message in direction dir) or dns.opcode (one byte).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	m := t.msg(dir)
	if m == nil {
		return nil, false
	}
	switch b {
	case bufid.DNSQuery:
		// The request's questions only: a response without its
		// request (a DNS answer seen alone) has no to_server buffer,
		// as in Suricata.
		if m != t.Request {
			return nil, false
		}
		if i < len(m.Questions) {
			return m.Questions[i].Name, true
		}
	case bufid.DNSOpcode:
		if i == 0 {
			t.opcode[0] = m.Opcode()
			return t.opcode[:], true
		}
	case bufid.DNSRcode, bufid.DNSRRType:
		return t.number(dir, b, i)
	case bufid.DNSQueriesRRName, bufid.DNSAnswersRRName, bufid.DNSAuthoritiesRRName,
		bufid.DNSAdditionalsRRName, bufid.DNSResponseRRName:
		return t.rrname(dir, b, i)
	}
	return nil, false
}

// number returns dns.rcode (instance 0) or instance i of dns.rrtype for the
// message of direction dir only: the rcode of its flags; the rrtypes of a
// request's questions or a response's answers, as Suricata 8 matches them.
// Docs: rules/dns-keywords.html#dns-rcode, #dns-rrtype
func (t *Tx) number(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	m, resp := t.message(dir)
	if m == nil || i < 0 {
		return nil, false
	}
	var v uint16
	switch {
	case b == bufid.DNSRcode:
		if i > 0 {
			return nil, false
		}
		v = m.Flags & 0xf
	case !resp:
		if i >= len(m.Questions) {
			return nil, false
		}
		v = m.Questions[i].Type
	default:
		if i >= len(m.Answers) {
			return nil, false
		}
		v = m.Answers[i].Type
	}
	t.num[0], t.num[1] = byte(v>>8), byte(v)
	return t.num[:], true
}

// rrname returns instance i of an rrname buffer: names of the message of
// direction dir only (no fallback to the other message), as Suricata 8
// inspects each message with its own direction.
// Docs: rules/dns-keywords.html (dns.queries.rrname, ...).
func (t *Tx) rrname(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	m := t.Request
	if dir == applayer.ToClient {
		m = t.Response
	}
	if m == nil || i < 0 {
		return nil, false
	}
	var rrs []RR
	switch b {
	case bufid.DNSQueriesRRName:
		if i < len(m.Questions) {
			return m.Questions[i].Name, true
		}
		return nil, false
	case bufid.DNSAnswersRRName:
		rrs = m.Answers
	case bufid.DNSAuthoritiesRRName:
		rrs = m.Authorities
	case bufid.DNSAdditionalsRRName:
		rrs = m.Additionals
	case bufid.DNSResponseRRName:
		if dir != applayer.ToClient {
			return nil, false
		}
		if t.respNames == nil {
			t.respNames = responseNames(m)
		}
		if i < len(t.respNames) {
			return t.respNames[i], true
		}
		return nil, false
	}
	if i < len(rrs) {
		return rrs[i].Name, true
	}
	return nil, false
}

// responseNames lists the names dns.response.rrname inspects: question
// names, the rrname of every record of the three sections, and the names
// carried in rdata (CNAME, PTR, NS, MX exchange, SOA mname/rname, SRV
// target).
func responseNames(m *Message) [][]byte {
	out := make([][]byte, 0, len(m.Questions)+2*(len(m.Answers)+len(m.Authorities)+len(m.Additionals)))
	for _, q := range m.Questions {
		out = append(out, q.Name)
	}
	for _, sec := range [3][]RR{m.Answers, m.Authorities, m.Additionals} {
		for _, rr := range sec {
			out = append(out, rr.Name)
			switch {
			case rr.Type == TypeCNAME || rr.Type == TypePTR || rr.Type == TypeNS || rr.Type == TypeMX:
				if len(rr.RData) > 0 {
					out = append(out, rr.RData)
				}
			case rr.SOA != nil:
				out = append(out, []byte(rr.SOA.MName), []byte(rr.SOA.RName))
			case rr.SRV != nil:
				out = append(out, []byte(rr.SRV.Name))
			}
		}
	}
	return out
}

type stream struct {
	buf []byte // partial length-prefixed message
	err bool
}

// Parser parses the DNS messages of one flow (UDP or TCP).
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

// State reports StateError when a TCP direction lost framing.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with ID below `below`.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }

// ParseDatagram handles one UDP payload.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	p.message(dir, data)
}

func (p *Parser) message(dir applayer.Direction, data []byte) {
	m, ok := Decode(data)
	if !ok {
		p.Malformed++
		return
	}
	if !m.Response() {
		p.add(&Tx{Request: &m})
		return
	}
	// Match the oldest unanswered request with the same id.
	for _, t := range p.txs.All() {
		if t.Response == nil && t.Request != nil && t.Request.ID == m.ID {
			t.Response = &m
			return
		}
	}
	p.add(&Tx{Response: &m})
}

func (p *Parser) add(t *Tx) {
	t.id = p.next
	p.next++
	p.txs.Push(t, MaxTx)
}

// Parse handles the next in-order bytes of a TCP direction: messages with
// a 2-byte length prefix, possibly split or pipelined.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.tcp[dir&1]
	for len(data) > 0 && !s.err {
		if len(s.buf) == 0 && len(data) >= 2 {
			l := int(data[0])<<8 | int(data[1])
			if len(data) >= 2+l {
				p.frame(dir, s, data[2:2+l])
				data = data[2+l:]
				continue
			}
		}
		if len(s.buf) < 2 {
			k := min(2-len(s.buf), len(data))
			s.buf = append(s.buf, data[:k]...)
			data = data[k:]
			continue
		}
		need := 2 + (int(s.buf[0])<<8 | int(s.buf[1]))
		k := min(need-len(s.buf), len(data))
		s.buf = append(s.buf, data[:k]...)
		data = data[k:]
		if len(s.buf) == need {
			p.frame(dir, s, s.buf[2:])
			s.buf = s.buf[:0]
		}
	}
}

func (p *Parser) frame(dir applayer.Direction, s *stream, msg []byte) {
	if len(msg) < 12 {
		s.err = true
		p.state |= applayer.StateError
		return
	}
	p.message(dir, msg)
}

// Gap on TCP drops the partial message of the direction; parsing goes on
// with the data after the gap as the start of a message, as Suricata 8's
// DNS parser does (a message cut by the gap is lost; data that does not
// frame as DNS then stops the direction as any framing error does).
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.tcp[dir&1].buf = p.tcp[dir&1].buf[:0]
	p.state |= applayer.StateGap
}

// FillEVE sets r.DNS to Suricata 8's "dns" object (version 3 format) for
// the message of direction dir: the request (ToServer) or the response
// (ToClient), or the other one when that message was not seen. It reports
// false when the transaction has neither. Names, types and rdata are handed
// over as decoded from the wire (see RR); output/eve formats them. The OPT
// pseudo-record is not logged. Output path: allocates the object.
func (t *Tx) FillEVE(r *eve.Record, dir applayer.Direction) bool {
	m, resp := t.message(dir)
	if m == nil {
		if m, resp = t.message(dir.Reverse()); m == nil {
			return false
		}
	}
	d := &eve.DNS{Response: resp, TxID: t.id, ID: m.ID, Flags: m.Flags, Detailed: true, Grouped: true}
	if len(m.Questions) > 0 {
		d.Queries = make([]eve.DNSQuery, len(m.Questions))
		for i, q := range m.Questions {
			d.Queries[i] = eve.DNSQuery{RRName: q.Name, RRType: q.Type}
		}
	}
	d.Answers = eveRRs(m.Answers)
	d.Authorities = eveRRs(m.Authorities)
	d.Additionals = eveRRs(m.Additionals)
	r.DNS = d
	return true
}

// message returns the request (resp false) or the response of dir.
func (t *Tx) message(dir applayer.Direction) (m *Message, resp bool) {
	if dir == applayer.ToClient {
		return t.Response, true
	}
	return t.Request, false
}

func eveRRs(rrs []RR) []eve.DNSAnswer {
	var out []eve.DNSAnswer
	for i := range rrs {
		rr := &rrs[i]
		if rr.Type == typeOPT {
			continue
		}
		if out == nil {
			out = make([]eve.DNSAnswer, 0, len(rrs))
		}
		a := eve.DNSAnswer{RRName: rr.Name, RRType: rr.Type, TTL: rr.TTL, RData: rr.RData}
		if s := rr.SOA; s != nil {
			a.SOA = &eve.DNSSOA{MName: s.MName, RName: s.RName, Serial: s.Serial, Refresh: s.Refresh,
				Retry: s.Retry, Expire: s.Expire, Minimum: s.Minimum}
		}
		if s := rr.SRV; s != nil {
			a.SRV = &eve.DNSSRV{Priority: s.Priority, Weight: s.Weight, Port: s.Port, Name: s.Name}
		}
		out = append(out, a)
	}
	return out
}
