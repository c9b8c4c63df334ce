package snmp

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Tx is one SNMP message.
type Tx struct {
	id  uint64
	dir applayer.Direction
	// Version is the flow's version (1, 2 or 3), as snmp.version sees it.
	Version   uint32
	Community []byte // v1/v2c community (copy), nil for v3
	User      []byte // v3 USM user name (copy), nil without USM
	HasUser   bool
	PDUType   uint32 // valid when HasPDU
	HasPDU    bool
	Encrypted bool
	// Vars are the encoded names (OIDs) of the variable bindings (copy).
	Vars [][]byte
	// The v1 trap fields (copies), when HasTrap.
	HasTrap     bool
	TrapOID     []byte
	TrapAddr    []byte
	TrapGeneric int64
	ver, pdu    [4]byte // big-endian forms of Version and PDUType
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoSNMP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoSNMP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction the message was sent in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete is true for both sides: a transaction is one whole datagram.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the snmp.* buffers of the message. A transaction
// belongs to the direction of its message (Suricata 8 transactions are
// unidirectional), so nothing is returned for the other direction.
// snmp.version and snmp.pdu_type are 4-byte big-endian numbers.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 || dir != t.dir {
		return nil, false
	}
	switch b {
	case bufid.SNMPVersion:
		return t.ver[:], true
	case bufid.SNMPPDUType:
		if t.HasPDU {
			return t.pdu[:], true
		}
	case bufid.SNMPCommunity:
		if t.Community != nil {
			return t.Community, true
		}
	case bufid.SNMPUsm:
		if t.HasUser {
			return t.User, true
		}
	}
	return nil, false
}

// Parser parses the SNMP messages of one UDP flow.
type Parser struct {
	txs     applayer.TxQueue[*Tx]
	next    uint64
	version uint32 // the flow's version: from the first message that looks like SNMP
	// Malformed counts datagrams that were not well-formed SNMP.
	Malformed int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload: one message.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	if p.version == 0 {
		// Suricata takes the flow's version from the envelope of the
		// first message and reports it for every transaction.
		p.version, _ = EnvelopeVersion(data)
	}
	m, ok := Parse(data)
	if !ok {
		p.Malformed++
		return
	}
	t := &Tx{id: p.next, dir: dir, Version: p.version, PDUType: m.PDUType, HasPDU: m.HasPDU,
		HasUser: m.HasUser, Encrypted: m.Encrypted}
	if m.Version != 3 {
		t.Community = append(make([]byte, 0, len(m.Community)), m.Community...)
	}
	if m.HasUser {
		t.User = append(make([]byte, 0, len(m.User)), m.User...)
	}
	if len(m.Vars) > 0 {
		t.Vars = make([][]byte, len(m.Vars))
		for i, v := range m.Vars {
			t.Vars[i] = append([]byte(nil), v...)
		}
	}
	if m.HasTrap {
		t.HasTrap, t.TrapGeneric = true, m.TrapGeneric
		t.TrapOID = append([]byte(nil), m.TrapOID...)
		t.TrapAddr = append([]byte(nil), m.TrapAddr...)
	}
	binary.BigEndian.PutUint32(t.ver[:], t.Version)
	binary.BigEndian.PutUint32(t.pdu[:], t.PDUType)
	p.next++
	p.txs.Push(t, MaxTx)
}

// Parse treats stream data as one datagram: SNMP over TCP (RFC 3430) is
// not detected, so this only serves callers that have no datagram path.
func (p *Parser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// Gap is a no-op: datagrams carry no framing to lose.
func (p *Parser) Gap(applayer.Direction, int) {}

// State is always 0: a bad datagram does not stop the flow's parsing.
func (p *Parser) State() applayer.State { return 0 }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
