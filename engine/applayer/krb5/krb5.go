package krb5

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// MaxRecord bounds a TCP record; a longer record mark stops parsing
	// of that direction (tickets with large PACs stay well below it).
	MaxRecord = 100000
)

// Tx is one Kerberos message.
type Tx struct {
	id  uint64
	dir applayer.Direction
	Message
	// FailedReq is the type of the flow's last request (AS-REQ or
	// TGS-REQ) when the message is a KRB-ERROR; 0 when none was seen.
	FailedReq               uint32
	msgType, errCode, etype [4]byte // big-endian forms for detection
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoKRB5.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoKRB5 }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction the message was sent in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete is true for both sides: a transaction is one whole message.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns the first instance of buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of a Kerberos buffer. krb5_cname and
// krb5_sname have one instance per name component; krb5_msg_type,
// krb5_err_code and krb5.ticket_encryption are 4-byte big-endian numbers
// (the signed ones in two's complement). A transaction belongs to the
// direction of its message (Suricata 8 transactions are unidirectional),
// so nothing is returned for the other direction.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != t.dir {
		return nil, false
	}
	var names [][]byte
	switch b {
	case bufid.KRB5CName:
		names = t.CName
	case bufid.KRB5SName:
		names = t.SName
	case bufid.KRB5MsgType:
		return t.msgType[:], i == 0
	case bufid.KRB5ErrCode:
		return t.errCode[:], i == 0 && t.HasErrCode
	case bufid.KRB5TicketEtype:
		return t.etype[:], i == 0 && t.HasTicketEtype
	default:
		return nil, false
	}
	if i < 0 || i >= len(names) {
		return nil, false
	}
	return names[i], true
}

// stream is the TCP record state of one direction.
type stream struct {
	buf  []byte // record mark and record bytes received so far
	need int    // record length once the mark is read, else 0
	err  bool
}

// Parser parses the Kerberos messages of one flow (UDP or TCP).
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	tcp   [2]stream
	state applayer.State
	// lastReq is the type of the last request, for a later KRB-ERROR.
	lastReq uint32
	// Malformed counts messages that could not be decoded; Other counts
	// well-formed messages that make no transaction (AP-REQ, ...).
	Malformed, Other int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload: one message.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) { p.message(dir, data) }

// message makes a transaction of one message; msg is not kept.
func (p *Parser) message(dir applayer.Direction, msg []byte) {
	own := append(make([]byte, 0, len(msg)), msg...)
	m, ok := Parse(own)
	if !ok {
		switch m.Type {
		case MsgAPReq, MsgAPRep, MsgSafe, MsgPriv, MsgCred:
			p.Other++
		default:
			p.Malformed++
		}
		return
	}
	t := &Tx{id: p.next, dir: dir, Message: m}
	switch m.Type {
	case MsgASReq, MsgTGSReq:
		p.lastReq = m.Type
	case MsgError:
		t.FailedReq = p.lastReq
	}
	binary.BigEndian.PutUint32(t.msgType[:], m.Type)
	binary.BigEndian.PutUint32(t.errCode[:], uint32(m.ErrCode))
	binary.BigEndian.PutUint32(t.etype[:], uint32(m.TicketEtype))
	p.next++
	p.txs.Push(t, MaxTx)
}

// Parse handles the next in-order bytes of a TCP direction: records of a
// 4-byte big-endian length (the high bit, reserved for extensions, must
// be clear) and one message each (RFC 4120 section 7.2.2).
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.tcp[dir&1]
	for len(data) > 0 && !s.err {
		if s.need == 0 {
			if len(s.buf) == 0 && len(data) >= 4 {
				n := int(binary.BigEndian.Uint32(data))
				if !p.mark(s, n) {
					return
				}
				data = data[4:]
				// The whole record at hand: no copy to the stream buffer.
				if len(data) >= n {
					p.message(dir, data[:n])
					s.need, data = 0, data[n:]
				}
				continue
			}
			k := min(4-len(s.buf), len(data))
			s.buf = append(s.buf, data[:k]...)
			data = data[k:]
			if len(s.buf) < 4 {
				return
			}
			n := int(binary.BigEndian.Uint32(s.buf))
			s.buf = s.buf[:0]
			if !p.mark(s, n) {
				return
			}
			continue
		}
		k := min(s.need-len(s.buf), len(data))
		s.buf = append(s.buf, data[:k]...)
		data = data[k:]
		if len(s.buf) == s.need {
			p.message(dir, s.buf)
			s.buf, s.need = s.buf[:0], 0
		}
	}
}

// mark checks a record length and makes it the one awaited.
func (p *Parser) mark(s *stream, n int) bool {
	if n == 0 || n > MaxRecord {
		s.err = true
		s.buf = nil
		p.state |= applayer.StateError
		return false
	}
	s.need = n
	return true
}

// Gap on TCP loses the record framing: the direction stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.tcp[dir&1]
	s.err = true
	s.buf = nil
	p.state |= applayer.StateGap
}

// State reports StateError when a TCP direction met a bad record mark and
// StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
