package tftp

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Opcodes.
const (
	OpRead  = 1
	OpWrite = 2
	OpData  = 3
	OpAck   = 4
	OpError = 5
)

// Tx is one request.
type Tx struct {
	id     uint64
	Opcode uint8
	File   string
	// Mode is the transfer mode, lower case.
	Mode string
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoTFTP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoTFTP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete is true: a request is one datagram.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns nil: Suricata 8 has no tftp buffers.
func (t *Tx) Buffer(applayer.Direction, applayer.BufferID) []byte { return nil }

// BufferAt returns nothing: Suricata 8 has no tftp buffers.
func (t *Tx) BufferAt(applayer.Direction, applayer.BufferID, int) ([]byte, bool) {
	return nil, false
}

// Parser parses the requests of one flow.
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

// ParseDatagram parses a request to the server; replies are not
// parsed (Suricata has no response parser).
func (p *Parser) ParseDatagram(dir applayer.Direction, d []byte) {
	if dir != applayer.ToServer || len(d) == 0 || p.state&applayer.StateError != 0 {
		return
	}
	t, ok := parse(d)
	if !ok {
		p.state |= applayer.StateError
		return
	}
	t.id = p.next
	p.next++
	p.txs.Push(t, MaxTx)
}

// parse decodes a request: 0, opcode, file name, NUL, mode, NUL.
func parse(d []byte) (*Tx, bool) {
	if len(d) < 2 || d[0] != 0 || d[1] < OpRead || d[1] > OpError {
		return nil, false
	}
	rest := d[2:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 || !utf8.Valid(rest[:i]) {
		return nil, false
	}
	file := rest[:i]
	rest = rest[i+1:]
	j := bytes.IndexByte(rest, 0)
	if j < 0 || !utf8.Valid(rest[:j]) {
		return nil, false
	}
	mode := strings.ToLower(string(rest[:j]))
	switch mode {
	case "netascii", "mail", "octet":
	default:
		return nil, false
	}
	return &Tx{Opcode: d[1], File: string(file), Mode: mode}, true
}

// Gap does nothing: datagrams have no gaps.
func (p *Parser) Gap(applayer.Direction, int) {}

// State reports StateError after a datagram that is no request.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
