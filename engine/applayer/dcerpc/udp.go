package dcerpc

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Connectionless DCE/RPC (DCE 1.1 RPC chapter 12, "ncadg_ip_udp"): each
// datagram is one PDU behind an 80-octet header that carries everything
// a connection-oriented conversation negotiates in its bind: the
// interface UUID and version, the operation number, and the activity
// UUID and sequence number that identify a call. There is no bind, so
// dcerpc.iface matches the request header's interface.

// Connectionless PDU types and header flags (flags1).
const (
	CLTypeRequest  = 0
	CLTypeResponse = 2
	CLTypeFault    = 3
	CLTypeReject   = 6
	CLTypeMax      = 10 // cancel_ack, the last type

	CLFlagLastFrag = 0x02
	CLFlagFrag     = 0x04
)

// CLHeaderLen is the length of the connectionless header.
const CLHeaderLen = 80

// CLHeader is the header of a connectionless PDU.
type CLHeader struct {
	Type   uint8
	Flags1 uint8
	Little bool     // integers little endian (drep)
	Object [16]byte // string byte order
	Iface  [16]byte // string byte order
	// Activity is read little endian whatever the data representation,
	// as Suricata's records print it; it only names the call.
	Activity [16]byte
	IfVers   uint32
	SeqNum   uint32
	Opnum    uint16
	BodyLen  uint16
	FragNum  uint16
}

// ParseCLHeader decodes the header at the start of b: version 4, a known
// PDU type, a sane data representation and a body length within b.
func ParseCLHeader(b []byte) (h CLHeader, ok bool) {
	if len(b) < CLHeaderLen || b[0] != 4 || b[1] > CLTypeMax || b[4]&0xee != 0 || b[5] > 3 {
		return h, false
	}
	h = CLHeader{Type: b[1], Flags1: b[2], Little: b[4]&0x10 != 0}
	var o binary.ByteOrder = binary.BigEndian
	if h.Little {
		o = binary.LittleEndian
	}
	uuidCanon(&h.Object, b[8:], o)
	uuidCanon(&h.Iface, b[24:], o)
	uuidCanon(&h.Activity, b[40:], binary.LittleEndian)
	h.IfVers = o.Uint32(b[60:])
	h.SeqNum = o.Uint32(b[64:])
	h.Opnum = o.Uint16(b[68:])
	h.BodyLen = o.Uint16(b[74:])
	h.FragNum = o.Uint16(b[76:])
	return h, CLHeaderLen+int(h.BodyLen) <= len(b)
}

// ProbeUDP matches a datagram holding a connectionless PDU.
func ProbeUDP(b []byte) bool {
	_, ok := ParseCLHeader(b)
	return ok
}

// UDPTx is one connectionless call: the request fragments of an activity
// and sequence number, and the response (or fault, reject) to them.
type UDPTx struct {
	id       uint64
	Activity [16]byte
	SeqNum   uint32
	Iface    [16]byte
	IfVers   uint32
	Opnum    uint16
	// ReqType and RespType are the PDU types of each side (valid when
	// HasReq, HasResp); Frags count their fragments and StubSize the body
	// octets, uncapped.
	ReqType, RespType         uint8
	HasReq, HasResp           bool
	ReqDone, RespDone         bool
	ReqBig, RespBig           bool
	ReqFrags, RespFrags       uint32
	ReqStubSize, RespStubSize uint64
	ReqStub, RespStub         []byte

	opnum  [2]byte
	endian [1]byte
	ifrec  [IfaceRecLen]byte
}

var _ applayer.Tx = (*UDPTx)(nil)

// Proto returns bufid.ProtoDCERPC.
func (t *UDPTx) Proto() applayer.Proto { return bufid.ProtoDCERPC }

// ID returns the transaction id (creation order).
func (t *UDPTx) ID() uint64 { return t.id }

// Complete reports whether the side dir is done.
func (t *UDPTx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToClient {
		return t.RespDone
	}
	return t.ReqDone
}

// Buffer returns the first instance of b (see BufferAt).
func (t *UDPTx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of a DCERPC buffer, laid out as over TCP
// (package doc). The one interface record is the request header's
// interface, with the low 16 bits of its version as major version; a
// connectionless call has no bind whose first fragment could be missed,
// so the record always carries IfaceFirstFrag.
func (t *UDPTx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.DCERPCStubData:
		s := t.ReqStub
		if dir == applayer.ToClient {
			s = t.RespStub
		}
		return s, len(s) > 0
	case bufid.DCERPCOpnum:
		if !t.isRequest() {
			return nil, false
		}
		binary.LittleEndian.PutUint16(t.opnum[:], t.Opnum)
		return t.opnum[:], true
	case bufid.DCERPCEndian:
		big := t.ReqBig
		if dir == applayer.ToClient && t.HasResp {
			big = t.RespBig
		}
		t.endian[0] = 0
		if big {
			t.endian[0] = 1
		}
		return t.endian[:], true
	case bufid.DCERPCIface:
		if !t.isRequest() {
			return nil, false
		}
		copy(t.ifrec[:16], t.Iface[:])
		binary.LittleEndian.PutUint16(t.ifrec[16:], uint16(t.IfVers))
		t.ifrec[18] = IfaceFirstFrag
		return t.ifrec[:], true
	}
	return nil, false
}

func (t *UDPTx) isRequest() bool { return t.HasReq && t.ReqType == CLTypeRequest }

// UDPParser is the DCERPC-over-UDP parser of one flow.
type UDPParser struct {
	txs    []*UDPTx
	nextID uint64
	state  applayer.State
}

var _ applayer.Parser = (*UDPParser)(nil)

// NewUDP returns a parser for one UDP flow.
func NewUDP() *UDPParser { return &UDPParser{} }

// State returns the parser flags.
func (p *UDPParser) State() applayer.State { return p.state }

// Parse treats data as one datagram (ParseDatagram).
func (p *UDPParser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// Gap does nothing: datagrams are parsed on their own.
func (p *UDPParser) Gap(applayer.Direction, int) {}

// ParseDatagram parses one PDU. Requests (and pings) open or extend the
// call of their activity and sequence number; responses, faults and
// rejects answer it. The PDU type decides, not the direction: as in
// Suricata, a conversation whose datagrams all travel one way (a
// broadcast) still pairs them. A datagram that is not a PDU is ignored.
func (p *UDPParser) ParseDatagram(_ applayer.Direction, data []byte) {
	h, ok := ParseCLHeader(data)
	if !ok {
		return
	}
	body := data[CLHeaderLen : CLHeaderLen+int(h.BodyLen)]
	last := h.Flags1&CLFlagFrag == 0 || h.Flags1&CLFlagLastFrag != 0
	switch {
	case h.Type == CLTypeRequest || h.Type == 1:
		t := p.txFor(&h, true)
		if h.FragNum == 0 || !t.HasReq {
			t.ReqStub, t.ReqStubSize = t.ReqStub[:0], 0
		}
		t.HasReq, t.ReqType, t.ReqBig = true, h.Type, !h.Little
		t.Iface, t.IfVers, t.Opnum = h.Iface, h.IfVers, h.Opnum
		t.ReqFrags++
		t.ReqStubSize += uint64(len(body))
		t.ReqStub = appendCap(t.ReqStub, body)
		t.ReqDone = last
	case h.Type == CLTypeResponse || h.Type == CLTypeFault || h.Type == CLTypeReject:
		t := p.txFor(&h, false)
		if h.FragNum == 0 || !t.HasResp {
			t.RespStub, t.RespStubSize = t.RespStub[:0], 0
		}
		t.HasResp, t.RespType, t.RespBig = true, h.Type, !h.Little
		t.RespFrags++
		t.RespStubSize += uint64(len(body))
		if h.Type == CLTypeResponse {
			t.RespStub = appendCap(t.RespStub, body)
		}
		t.RespDone = last || h.Type != CLTypeResponse
		t.ReqDone = true
	}
}

// txFor returns the open call of h's activity and sequence number for
// the side (request: toServer), or a new one.
func (p *UDPParser) txFor(h *CLHeader, toServer bool) *UDPTx {
	for i := len(p.txs) - 1; i >= 0; i-- {
		t := p.txs[i]
		if t.SeqNum == h.SeqNum && t.Activity == h.Activity && (toServer && !t.HasResp || !toServer && !t.RespDone) {
			return t
		}
	}
	t := &UDPTx{id: p.nextID, Activity: h.Activity, SeqNum: h.SeqNum}
	p.nextID++
	if len(p.txs) >= MaxTx {
		copy(p.txs, p.txs[1:])
		p.txs = p.txs[:len(p.txs)-1]
	}
	p.txs = append(p.txs, t)
	return t
}

// TxCount returns the number of live transactions.
func (p *UDPParser) TxCount() int { return len(p.txs) }

// TxAt returns live transaction i.
func (p *UDPParser) TxAt(i int) applayer.Tx { return p.txs[i] }

// Prune drops completed transactions below id.
func (p *UDPParser) Prune(below uint64) {
	k := 0
	for _, t := range p.txs {
		if t.id < below && t.ReqDone && t.RespDone {
			continue
		}
		p.txs[k] = t
		k++
	}
	clear(p.txs[k:])
	p.txs = p.txs[:k]
}
