package modbus

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

const (
	mbapLen = 7
	// maxPDU is the largest PDU Modbus allows (length field 254).
	maxPDU = 253
	// MaxTx caps live transactions per flow (Suricata's request flood
	// limit); the oldest are dropped first.
	MaxTx = 500
)

// Access type bits and categories (detect/bufid/modbus.go).
const (
	AccessRead      = bufid.ModbusAccessRead
	AccessWrite     = bufid.ModbusAccessWrite
	AccessDiscretes = bufid.ModbusAccessDiscretes
	AccessCoils     = bufid.ModbusAccessCoils
	AccessInput     = bufid.ModbusAccessInput
	AccessHolding   = bufid.ModbusAccessHolding
	AccessSingle    = bufid.ModbusAccessSingle
	AccessMultiple  = bufid.ModbusAccessMultiple

	CatNone             = bufid.ModbusCatNone
	CatPublicAssigned   = bufid.ModbusCatPublicAssigned
	CatPublicUnassigned = bufid.ModbusCatPublicUnassigned
	CatUserDefined      = bufid.ModbusCatUserDefined
	CatReserved         = bufid.ModbusCatReserved
)

// Events, bits of the ModbusEvents buffer; the names are Suricata's
// (modbus.<name>, detect/bufid/event.go).
const (
	EventInvalidProtocolID uint32 = 1 << iota
	EventUnsolicitedResponse
	EventInvalidLength
	EventInvalidUnitIdentifier
	EventInvalidFunctionCode
	EventInvalidValue
	EventInvalidExceptionCode
	EventValueMismatch
	EventFlooded
)

// Message is one ADU.
type Message struct {
	TID, ProtocolID uint16
	Unit, Func      uint8
	// PDU is the PDU after the function code.
	PDU []byte
	// Decoded request fields: access type, category, subfunction
	// (diagnostics), MEI type, address and quantity of the read or
	// write, and the written values (one per register or coil word).
	Access, Category  uint8
	HasSub            bool
	Sub               uint16
	MEI               uint8
	HasRead, HasWrite bool
	ReadAddr, ReadQty uint16
	WriteAddr         uint16
	WriteQty          uint16
	WriteValue        uint16 // single write value, or quantity of a multiple write
	Values            []uint16
	// Exception code of an exception response (Func has bit 7 set).
	Exception uint8
	Errors    uint32
}

// IsException reports whether m is an exception response.
func (m *Message) IsException() bool { return m.Func&0x80 != 0 }

// Tx is one request and its response.
type Tx struct {
	id       uint64
	Request  *Message
	Response *Message
	events   [4]byte
	req      []byte // ModbusRequest buffer
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoModbus.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoModbus }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the response arrived (to the server: the
// request exists).
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToServer {
		// An unsolicited response has no request to wait for.
		return t.Request != nil || t.Response != nil
	}
	return t.Response != nil
}

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns ModbusRequest to the server (the request's decoded
// fields, layout in RequestBuffer) and ModbusEvents in either direction.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.ModbusRequest:
		if dir != applayer.ToServer || t.Request == nil {
			return nil, false
		}
		return t.req, true
	case bufid.ModbusEvents:
		return t.events[:], binary.LittleEndian.Uint32(t.events[:]) != 0
	}
	return nil, false
}

func (t *Tx) event(e uint32) {
	binary.LittleEndian.PutUint32(t.events[:], binary.LittleEndian.Uint32(t.events[:])|e)
}

// Layout of the ModbusRequest buffer (detect/bufid/modbus.go).
const (
	ReqUnit      = bufid.ModbusReqUnit
	ReqFunc      = bufid.ModbusReqFunc
	ReqCategory  = bufid.ModbusReqCategory
	ReqAccess    = bufid.ModbusReqAccess
	ReqFlags     = bufid.ModbusReqFlags
	ReqSub       = bufid.ModbusReqSub
	ReqReadAddr  = bufid.ModbusReqReadAddr
	ReqReadQty   = bufid.ModbusReqReadQty
	ReqWriteAddr = bufid.ModbusReqWriteAddr
	ReqWriteQty  = bufid.ModbusReqWriteQty
	ReqValues    = bufid.ModbusReqValues
	FlagSub      = bufid.ModbusFlagSub
	FlagRead     = bufid.ModbusFlagRead
	FlagWrite    = bufid.ModbusFlagWrite
)

// RequestBuffer encodes m for the modbus keyword.
func RequestBuffer(m *Message) []byte {
	b := make([]byte, ReqValues, ReqValues+2*len(m.Values))
	b[ReqUnit], b[ReqFunc], b[ReqCategory], b[ReqAccess] = m.Unit, m.Func, m.Category, m.Access
	if m.HasSub {
		b[ReqFlags] |= FlagSub
	}
	if m.HasRead {
		b[ReqFlags] |= FlagRead
	}
	if m.HasWrite {
		b[ReqFlags] |= FlagWrite
	}
	binary.BigEndian.PutUint16(b[ReqSub:], m.Sub)
	binary.BigEndian.PutUint16(b[ReqReadAddr:], m.ReadAddr)
	binary.BigEndian.PutUint16(b[ReqReadQty:], m.ReadQty)
	binary.BigEndian.PutUint16(b[ReqWriteAddr:], m.WriteAddr)
	binary.BigEndian.PutUint16(b[ReqWriteQty:], m.WriteQty)
	for _, v := range m.Values {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}

// Parser parses the ADUs of one TCP flow.
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	buf   [2][]byte
	err   [2]bool
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// Parse handles the next in-order bytes of a direction.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	d := dir & 1
	if p.err[d] {
		return
	}
	b := data
	if len(p.buf[d]) > 0 {
		p.buf[d] = append(p.buf[d], data...)
		b = p.buf[d]
	}
	for len(b) >= mbapLen {
		l := int(binary.BigEndian.Uint16(b[4:]))
		if l < 2 || l > maxPDU+1 {
			// No function code, or longer than any ADU: the framing
			// is lost.
			p.flowEvent(EventInvalidLength)
			p.fail(d)
			return
		}
		n := 6 + l
		if len(b) < n {
			break
		}
		p.message(dir == applayer.ToServer, b[:n])
		b = b[n:]
	}
	p.buf[d] = append(p.buf[d][:0:0], b...)
}

func (p *Parser) fail(d applayer.Direction) {
	p.err[d], p.buf[d] = true, nil
	p.state |= applayer.StateError
}

// flowEvent raises e on the newest transaction, or on a new empty one.
func (p *Parser) flowEvent(e uint32) {
	if n := p.txs.Len(); n > 0 {
		p.txs.At(n - 1).event(e)
		return
	}
	t := &Tx{id: p.next}
	p.next++
	t.event(e)
	p.txs.Push(t, MaxTx)
}

// message handles one complete ADU.
func (p *Parser) message(request bool, a []byte) {
	m := &Message{TID: binary.BigEndian.Uint16(a), ProtocolID: binary.BigEndian.Uint16(a[2:]), Unit: a[6],
		Func: a[7], PDU: append([]byte(nil), a[8:]...)}
	if m.ProtocolID != 0 {
		m.Errors |= EventInvalidProtocolID
	}
	if request {
		decodeRequest(m)
		t := &Tx{id: p.next, Request: m, req: RequestBuffer(m)}
		t.event(m.Errors)
		p.next++
		if p.txs.Len() >= MaxTx {
			p.txs.At(p.txs.Len() - 1).event(EventFlooded)
		}
		p.txs.Push(t, MaxTx)
		return
	}
	var t *Tx
	for i := p.txs.Len() - 1; i >= 0; i-- {
		c := p.txs.At(i)
		if c.Request != nil && c.Response == nil && c.Request.TID == m.TID {
			t = c
			break
		}
	}
	if t == nil {
		decodeResponse(m, nil)
		t = &Tx{id: p.next, Response: m}
		p.next++
		t.event(EventUnsolicitedResponse | m.Errors)
		p.txs.Push(t, MaxTx)
		return
	}
	decodeResponse(m, t.Request)
	t.Response = m
	t.event(m.Errors)
}

// Gap loses the framing of that direction: it stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.err[dir&1], p.buf[dir&1] = true, nil
	p.state |= applayer.StateGap
}

// State reports StateError after a bad header and StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
