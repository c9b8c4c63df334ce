package websocket

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"strconv"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// MaxPayload is Suricata's default websocket.max-payload-size.
const MaxPayload = 0xffff

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Opcodes (RFC 6455 section 5.2).
const (
	OpContinuation = 0
	OpText         = 1
	OpBinary       = 2
	OpClose        = 8
	OpPing         = 9
	OpPong         = 10
)

// OpcodeName is the name Suricata gives an opcode ("unknown-N" for the
// reserved ones).
func OpcodeName(op uint8) string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "unknown-" + strconv.Itoa(int(op))
}

// Tx is one frame.
type Tx struct {
	id  uint64
	dir applayer.Direction
	// Flags are the four high bits of the first byte (FIN 0x80, RSV1 0x40,
	// RSV2, RSV3); Opcode the low four.
	Flags, Opcode uint8
	Fin           bool
	Masked        bool
	Mask          uint32
	// Payload is the unmasked payload, or the whole (inflated) message on
	// its final frame.
	Payload []byte
	// Truncated: the frame was longer than MaxPayload (its rest skipped).
	Truncated bool
	// InflateFailed: the message's compressed data did not inflate.
	InflateFailed bool

	op, fl [1]byte
	mask   [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoWebSocket.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoWebSocket }

// ID returns the transaction id.
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction the frame was sent in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete is true: a transaction is one whole frame.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the websocket.* buffers of the frame in its own
// direction: the payload, the opcode and the flags (one byte each) and
// the mask (4 bytes big endian, masked frames only).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != t.dir || i != 0 {
		return nil, false
	}
	switch b {
	case bufid.WebSocketPayload:
		return t.Payload, true
	case bufid.WebSocketOpcode:
		return t.op[:], true
	case bufid.WebSocketFlags:
		return t.fl[:], true
	case bufid.WebSocketMask:
		if t.Masked {
			return t.mask[:], true
		}
	}
	return nil, false
}

// side is one direction's reassembly and inflate state.
type side struct {
	buf    []byte // partial frame
	skip   uint64 // payload bytes of a truncated frame still to skip
	msg    []byte // data message being joined
	inMsg  bool
	msgZ   bool   // the message is compressed
	window []byte // last 32 KiB of inflated output (context takeover)
}

// Parser parses the frames of one WebSocket connection.
type Parser struct {
	txs     applayer.TxQueue[*Tx]
	foreign []applayer.Tx // the HTTP transactions adopted at the switch
	next    uint64
	sides   [2]side
	// Malformed counts nothing yet: every byte string is a frame prefix.
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one connection.
func New() *Parser { return &Parser{} }

// Adopt keeps the HTTP transactions of the upgrade (applayer.Successor)
// and numbers frames after them.
func (p *Parser) Adopt(prev applayer.Parser) {
	if prev == nil {
		return
	}
	for i := 0; i < prev.TxCount(); i++ {
		t := prev.TxAt(i)
		p.foreign = append(p.foreign, t)
		if t.ID() >= p.next {
			p.next = t.ID() + 1
		}
	}
}

// Parse feeds stream bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.sides[dir&1]
	if s.skip > 0 {
		n := min(s.skip, uint64(len(data)))
		s.skip -= n
		data = data[n:]
	}
	if len(data) == 0 {
		return
	}
	s.buf = append(s.buf, data...)
	b := s.buf
	for {
		n, ok := p.frame(dir, s, b)
		if !ok {
			break
		}
		b = b[n:]
		if s.skip > 0 {
			k := min(s.skip, uint64(len(b)))
			s.skip -= k
			b = b[k:]
		}
	}
	s.buf = append(s.buf[:0], b...)
}

// frame parses one frame at the start of b; false when b holds no whole
// frame (up to MaxPayload of payload) yet.
func (p *Parser) frame(dir applayer.Direction, s *side, b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	t := &Tx{dir: dir, Flags: b[0] & 0xf0, Opcode: b[0] & 0x0f, Fin: b[0]&0x80 != 0, Masked: b[1]&0x80 != 0}
	n := 2
	plen := uint64(b[1] & 0x7f)
	switch plen {
	case 126:
		if len(b) < 4 {
			return 0, false
		}
		plen, n = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, false
		}
		plen, n = binary.BigEndian.Uint64(b[2:]), 10
	}
	var key [4]byte
	if t.Masked {
		if len(b) < n+4 {
			return 0, false
		}
		copy(key[:], b[n:])
		t.Mask = binary.BigEndian.Uint32(key[:])
		n += 4
	}
	take := plen
	if plen >= MaxPayload {
		take, t.Truncated = MaxPayload, true
	}
	if uint64(len(b)-n) < take {
		return 0, false
	}
	t.Payload = append([]byte(nil), b[n:n+int(take)]...)
	if t.Masked {
		for i := range t.Payload {
			t.Payload[i] ^= key[i%4]
		}
	}
	n += int(take)
	if t.Truncated {
		s.skip = plen - take
	}
	compressed := t.Flags&0x40 != 0
	if t.Opcode < 8 && (s.inMsg || !t.Fin) {
		if !s.inMsg {
			s.inMsg, s.msgZ = true, compressed
		}
		s.msg = append(s.msg, t.Payload[:min(len(t.Payload), max(MaxPayload-len(s.msg), 0))]...)
		if t.Fin {
			t.Payload, compressed = s.msg, s.msgZ
			s.msg, s.inMsg, s.msgZ = nil, false, false
		}
	}
	if compressed && t.Fin {
		out, err := s.inflate(t.Payload)
		if err != nil {
			t.InflateFailed = true
		}
		t.Payload = out
	}
	t.op[0], t.fl[0] = t.Opcode, t.Flags
	binary.BigEndian.PutUint32(t.mask[:], t.Mask)
	t.id = p.next
	p.next++
	p.txs.Push(t, MaxTx)
	return n, true
}

// inflate decompresses one permessage-deflate message with the window of
// the direction's earlier output, up to MaxPayload bytes.
func (s *side) inflate(msg []byte) ([]byte, error) {
	in := append(append([]byte(nil), msg...), 0, 0, 0xff, 0xff)
	zr := flate.NewReaderDict(bytes.NewReader(in), s.window)
	out, err := io.ReadAll(io.LimitReader(zr, MaxPayload))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil // the sync-flush tail ends the data without a final block
	}
	s.window = append(s.window, out...)
	if len(s.window) > 32<<10 {
		s.window = append([]byte(nil), s.window[len(s.window)-32<<10:]...)
	}
	return out, err
}

// Gap drops the partial frame of dir: frames after a gap cannot be found.
func (p *Parser) Gap(dir applayer.Direction, _ int) {
	s := &p.sides[dir&1]
	s.buf, s.skip, s.msg, s.inMsg = s.buf[:0], 0, nil, false
}

// State is always 0.
func (p *Parser) State() applayer.State { return 0 }

// TxCount returns the number of live transactions: the adopted HTTP ones,
// then the frames.
func (p *Parser) TxCount() int { return len(p.foreign) + p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx {
	if i < len(p.foreign) {
		return p.foreign[i]
	}
	return p.txs.At(i - len(p.foreign))
}

// Tx returns frame i (not counting adopted transactions).
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below (adopted ones once
// complete).
func (p *Parser) Prune(below uint64) {
	k := 0
	for _, t := range p.foreign {
		if t.ID() < below && t.Complete(applayer.ToServer) && t.Complete(applayer.ToClient) {
			continue
		}
		p.foreign[k] = t
		k++
	}
	clear(p.foreign[k:])
	p.foreign = p.foreign[:k]
	p.txs.Prune(below)
}
