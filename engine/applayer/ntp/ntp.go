package ntp

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// EventMalformedData is the bit of ntp.malformed_data in the NTPEvents
// buffer (detect/bufid/event.go).
const EventMalformedData uint32 = 1 << 0

// Tx is one NTP message.
type Tx struct {
	id uint64
	// fields: version, mode, stratum (one octet each), then the four
	// reference id octets: the keywords' buffers.
	fields [7]byte
	events [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Version returns the message's version (3 or 4).
func (t *Tx) Version() uint8 { return t.fields[0] }

// Mode returns the association mode.
func (t *Tx) Mode() uint8 { return t.fields[1] }

// Stratum returns the stratum.
func (t *Tx) Stratum() uint8 { return t.fields[2] }

// ReferenceID returns the four reference id octets.
func (t *Tx) ReferenceID() []byte { return t.fields[3:7] }

// Proto returns bufid.ProtoNTP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoNTP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete is true: a datagram is a whole message.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the version, mode and stratum (one octet each), the
// reference id (four octets) and the events.
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.NTPVersion:
		return t.fields[0:1], true
	case bufid.NTPMode:
		return t.fields[1:2], true
	case bufid.NTPStratum:
		return t.fields[2:3], true
	case bufid.NTPReferenceID:
		return t.fields[3:7], true
	case bufid.NTPEvents:
		return t.events[:], binary.LittleEndian.Uint32(t.events[:]) != 0
	}
	return nil, false
}

// Events returns the event bits raised on t.
func (t *Tx) Events() uint32 { return binary.LittleEndian.Uint32(t.events[:]) }

// Parser parses the NTP datagrams of one flow.
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// Parse treats data as one datagram.
func (p *Parser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// ParseDatagram handles one UDP payload.
func (p *Parser) ParseDatagram(_ applayer.Direction, d []byte) {
	if p.state&applayer.StateError != 0 {
		return
	}
	if !Valid(d) {
		if n := p.txs.Len(); n > 0 {
			t := p.txs.At(n - 1)
			binary.LittleEndian.PutUint32(t.events[:], t.Events()|EventMalformedData)
		}
		p.state |= applayer.StateError
		return
	}
	t := &Tx{id: p.next}
	p.next++
	t.fields[0], t.fields[1], t.fields[2] = d[0]>>3&7, d[0]&7, d[1]
	copy(t.fields[3:], d[12:16])
	p.txs.Push(t, MaxTx)
}

// Valid reports whether d is a version 3 or 4 message as Suricata's
// NTP parser accepts it (applayer.ProbeNTP, which detection uses too).
func Valid(d []byte) bool { return applayer.ProbeNTP(d) == applayer.ProbeMatch }

// Gap does nothing: datagrams have no gaps.
func (p *Parser) Gap(applayer.Direction, int) {}

// State reports StateError after a datagram that did not decode.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
