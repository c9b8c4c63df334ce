package dnp3

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Frame layout (IEEE 1815 section 9.2): a 10-octet link header (start
// octets 0x05 0x64, length, control, destination, source, CRC), then
// user data in blocks of 16 octets, each followed by its CRC.
const (
	linkHeaderLen = 10
	blockSize     = 16
	crcLen        = 2
	// minLinkLen is the smallest length field: control and addresses.
	minLinkLen = 5
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// maxFragment bounds a reassembled application fragment (a link
	// frame's length is one octet, the transport sequence 0 to 63).
	maxFragment = 63 * 0xff
)

// Function codes with a meaning for the parser.
const (
	FuncConfirm                = 0
	FuncResponse               = 129
	FuncUnsolicitedResponse    = 130
	linkFuncConfirmedData      = 3
	linkFuncUnconfirmedData    = 4
	transportFIN, transportFIR = 0x80, 0x40
)

// Events, bits of the DNP3Events buffer; the names are Suricata's
// (dnp3.<name>, detect/bufid/event.go).
const (
	EventFlooded uint32 = 1 << iota
	EventLenTooSmall
	EventBadLinkCRC
	EventBadTransportCRC
	EventMalformed
	EventUnknownObject
	EventTooManyPoints
	EventTooManyObjects
	EventTooLongReassembly
)

// Tx is one application fragment: a request (client to outstation) or a
// response, possibly reassembled from several transport segments. As in
// Suricata, requests and responses are separate transactions.
type Tx struct {
	id      uint64
	Request bool
	// Link header of the first frame: control, destination, source.
	LinkControl uint8
	Dst, Src    uint16
	transport   uint8 // last transport header, for the next segment
	// Application header: control and function code; IIN for responses.
	AppControl, Func uint8
	IIN              uint16
	// Data is the application fragment with link headers, transport
	// headers and CRCs removed (dnp3_data).
	Data    []byte
	Objects []Object
	// Done: the final segment arrived. Decoded: every object decoded.
	Done, Decoded bool
	events        [4]byte
	fn            [1]byte
	iin           [2]byte
	objs          []byte // group, variation of each object (dnp3_obj)
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoDNP3.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoDNP3 }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the final segment arrived.
func (t *Tx) Complete(applayer.Direction) bool { return t.Done }

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns a DNP3 buffer of the transaction, only in the
// direction of its message (Suricata inspects a request to the server and
// a response to the client): dnp3_data, the function code (1 octet), the
// internal indications of a response (2 octets, IIN1 first) and the
// objects' group and variation pairs.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 || (dir == applayer.ToServer) != t.Request {
		if b == bufid.DNP3Events && i == 0 && binary.LittleEndian.Uint32(t.events[:]) != 0 {
			return t.events[:], true
		}
		return nil, false
	}
	switch b {
	case bufid.DNP3Data:
		return t.Data, len(t.Data) > 0
	case bufid.DNP3Func:
		return t.fn[:], true
	case bufid.DNP3Ind:
		if t.Request {
			return nil, false
		}
		return t.iin[:], true
	case bufid.DNP3Obj:
		return t.objs, true
	case bufid.DNP3Events:
		return t.events[:], binary.LittleEndian.Uint32(t.events[:]) != 0
	}
	return nil, false
}

func (t *Tx) event(e uint32) {
	binary.LittleEndian.PutUint32(t.events[:], binary.LittleEndian.Uint32(t.events[:])|e)
}

// Parser parses the DNP3 frames of one TCP flow.
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	buf   [2][]byte
	err   [2]bool
	state applayer.State
	// pending holds events met before the flow's first transaction.
	pending uint32
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// event raises e on the newest transaction, as Suricata does.
func (p *Parser) event(e uint32) {
	if n := p.txs.Len(); n > 0 {
		p.txs.At(n - 1).event(e)
		return
	}
	p.pending |= e
}

// Parse handles the next in-order bytes of a direction: link frames. The
// client's side carries requests, the outstation's responses.
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
	for len(b) >= linkHeaderLen {
		if b[0] != 0x05 || b[1] != 0x64 {
			p.fail(d)
			return
		}
		if !checkCRC(b[:linkHeaderLen]) {
			p.event(EventBadLinkCRC)
			p.fail(d)
			return
		}
		n := frameLen(b[2])
		if n == 0 {
			p.event(EventLenTooSmall)
			p.fail(d)
			return
		}
		if len(b) < n {
			break
		}
		p.frame(dir == applayer.ToServer, b[:n])
		b = b[n:]
	}
	// Keep a partial frame (at most 292 octets) for the next call.
	p.buf[d] = append(p.buf[d][:0:0], b...)
}

func (p *Parser) fail(d applayer.Direction) {
	p.err[d], p.buf[d] = true, nil
	p.state |= applayer.StateError
}

// frameLen is the length of a frame whose length field is l, CRCs
// included; 0 when l is below the minimum.
func frameLen(l uint8) int {
	if l < minLinkLen {
		return 0
	}
	n := int(l) - minLinkLen
	blocks, rem := n/blockSize, n%blockSize
	out := linkHeaderLen + blocks*(blockSize+crcLen)
	if rem > 0 {
		out += rem + crcLen
	}
	return out
}

// frame handles one complete link frame.
func (p *Parser) frame(request bool, f []byte) {
	control := f[3]
	if fc := control & 0x0f; fc != linkFuncConfirmedData && fc != linkFuncUnconfirmedData {
		return // link-layer only frames: no user data
	}
	need := minLinkLen + 1 + 2 // transport and application headers
	if !request {
		need += 2 // internal indications
	}
	if int(f[2]) < need {
		p.event(EventLenTooSmall)
		return
	}
	body := f[linkHeaderLen:]
	if !checkBlocks(body) {
		p.event(EventBadTransportCRC)
		return
	}
	data := stripCRCs(body)
	th := data[0]
	dst, src := binary.LittleEndian.Uint16(f[4:]), binary.LittleEndian.Uint16(f[6:])
	var t *Tx
	if th&transportFIR == 0 {
		// A later segment: the open fragment of the same addresses and
		// direction whose transport sequence precedes this one.
		for i := p.txs.Len() - 1; i >= 0; i-- {
			c := p.txs.At(i)
			if c.Src == src && c.Dst == dst && c.Request == request && !c.Done && (c.transport+1)&0x3f == th&0x3f {
				t = c
				break
			}
		}
		if t == nil {
			return
		}
		t.transport = th
	} else {
		if request && data[2] == FuncConfirm {
			return // application confirms make no transaction
		}
		t = &Tx{id: p.next, Request: request, LinkControl: control, Dst: dst, Src: src, transport: th,
			AppControl: data[1], Func: data[2]}
		if !request {
			t.IIN = uint16(data[3])<<8 | uint16(data[4])
		}
		t.fn[0] = t.Func
		binary.BigEndian.PutUint16(t.iin[:], t.IIN)
		t.event(p.pending)
		p.pending = 0
		p.next++
		if p.txs.Len() >= MaxTx {
			p.txs.At(p.txs.Len() - 1).event(EventFlooded)
		}
		p.txs.Push(t, MaxTx)
	}
	t.Data = append(t.Data, data[1:]...)
	if len(t.Data) > maxFragment {
		t.event(EventTooLongReassembly)
		t.Done = true
		return
	}
	if th&transportFIN == 0 {
		return
	}
	t.Done = true
	hdr := 2
	if !request {
		hdr = 4
	}
	if len(t.Data) < hdr {
		t.event(EventMalformed)
		return
	}
	objs, res := decodeObjects(t.Data[hdr:])
	t.Objects = objs
	for _, o := range objs {
		t.objs = append(t.objs, o.Group, o.Variation)
	}
	switch res {
	case decodeOK:
		t.Decoded = true
	case decodeUnknown:
		t.event(EventUnknownObject)
	case decodeTooMany:
		if len(objs) >= MaxObjects {
			t.event(EventTooManyObjects)
		} else {
			t.event(EventTooManyPoints)
		}
	}
}

// checkBlocks verifies the CRC of every user data block. The last block
// must hold at least one octet besides its CRC.
func checkBlocks(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), blockSize+crcLen)
		if n <= crcLen || !checkCRC(b[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// stripCRCs returns the user data of blocks with their CRCs removed.
func stripCRCs(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		n := min(len(b), blockSize+crcLen)
		out = append(out, b[:n-crcLen]...)
		b = b[n:]
	}
	return out
}

// crcTable is the DNP3 CRC-16 (polynomial 0x3D65, reflected).
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i)
		for k := 0; k < 8; k++ {
			if c&1 != 0 {
				c = c>>1 ^ 0xa6bc
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC returns the DNP3 CRC of b.
func CRC(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c>>8 ^ crcTable[byte(c)^x]
	}
	return ^c
}

// checkCRC checks a block whose last two octets are the CRC (low first)
// of the octets before.
func checkCRC(b []byte) bool {
	n := len(b) - crcLen
	return n > 0 && CRC(b[:n]) == binary.LittleEndian.Uint16(b[n:])
}

// Gap loses the framing of that direction: it stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.err[dir&1], p.buf[dir&1] = true, nil
	p.state |= applayer.StateGap
}

// State reports StateError after a bad frame and StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
