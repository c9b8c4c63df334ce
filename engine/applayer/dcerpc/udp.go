package dcerpc

import (
	"encoding/binary"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// DCERPC over UDP: connectionless PDUs (C706 chapter 12), each datagram
// one PDU with an 80-byte header. As in Suricata, a REQUEST starts a
// transaction keyed by activity UUID and sequence number, and the
// RESPONSE (or another server PDU) with the same keys completes it,
// whichever direction it travels.

// UDPHeaderLen is the length of a connectionless PDU header.
const UDPHeaderLen = 80

// Connectionless PDU types (C706 12.5.3) Vigil names.
const (
	clRequest  = 0
	clResponse = 2
)

// udpHeader is the part of a connectionless header Vigil uses.
type udpHeader struct {
	ptype    uint8
	activity [16]byte
	seqnum   uint32
	opnum    uint16
	fraglen  uint16
	fragnum  uint16
}

// parseUDPHeader reads a connectionless header; integers follow the
// data representation's byte order.
func parseUDPHeader(b []byte) (udpHeader, bool) {
	var h udpHeader
	if len(b) < UDPHeaderLen || b[0] != 4 {
		return h, false
	}
	var bo binary.ByteOrder = binary.BigEndian
	if b[4]&0x10 != 0 {
		bo = binary.LittleEndian
	}
	h.ptype = b[1]
	copy(h.activity[:], b[40:56])
	h.seqnum = bo.Uint32(b[64:])
	h.opnum = bo.Uint16(b[68:])
	h.fraglen = bo.Uint16(b[74:])
	h.fragnum = bo.Uint16(b[76:])
	return h, true
}

// ParseDatagram handles one UDP datagram: one connectionless PDU.
func (p *Parser) ParseDatagram(_ applayer.Direction, data []byte) {
	h, ok := parseUDPHeader(data)
	if !ok {
		return
	}
	s := p.st
	stub := uint64(min(int(h.fraglen), len(data)-UDPHeaderLen))
	var t *Tx
	for i := len(s.txs) - 1; i >= 0; i-- {
		if x := s.txs[i]; x.udp && x.Activity == h.activity && x.SeqNum == h.seqnum {
			t = x
			break
		}
	}
	if h.ptype == clRequest {
		if t == nil || t.RespDone {
			t = s.newUDPTx(h)
		}
		t.ReqType, t.ReqDone, t.HasReq = h.ptype, true, true
		t.Opnum = h.opnum
		t.ReqFrags++
		t.ReqStubSize += stub
		return
	}
	if t == nil {
		t = s.newUDPTx(h)
		t.ReqDone = true // a server PDU without its request
	}
	t.RespType, t.HasResp, t.RespDone = h.ptype, true, true
	t.RespFrags++
	t.RespStubSize += stub
}

func (s *State) newUDPTx(h udpHeader) *Tx {
	t := &Tx{id: s.nextID, st: s, ReqType: 0xff, udp: true, Activity: h.activity, SeqNum: h.seqnum}
	s.nextID++
	if len(s.txs) >= MaxTx {
		copy(s.txs, s.txs[1:])
		s.txs = s.txs[:len(s.txs)-1]
	}
	s.txs = append(s.txs, t)
	return t
}

// fillUDP writes the "dcerpc" object of a connectionless transaction as
// Suricata does: request and response with their fragment counts and
// stub sizes, activity UUID, sequence number and RPC version 4.0.
func (t *Tx) fillUDP(o *eve.Object) {
	if t.reqSeen() {
		o.String("request", TypeName(t.ReqType))
		if t.ReqType == clRequest {
			o.Open("req")
			o.Uint("opnum", uint64(t.Opnum))
			o.Uint("frag_cnt", uint64(t.ReqFrags))
			o.Uint("stub_data_size", t.ReqStubSize)
			o.Close()
		}
	} else {
		o.String("request", "REQUEST_LOST")
	}
	if t.HasResp && t.RespDone {
		o.String("response", TypeName(t.RespType))
		if t.RespType == clResponse {
			o.Open("res")
			o.Uint("frag_cnt", uint64(t.RespFrags))
			o.Uint("stub_data_size", t.RespStubSize)
			o.Close()
		}
	} else {
		o.String("response", "UNREPLIED")
	}
	o.String("activityuuid", uuidString(t.Activity))
	o.Uint("seqnum", uint64(t.SeqNum))
	o.String("rpc_version", "4.0")
}

// uuidString formats a UUID as Suricata logs connectionless activity
// UUIDs: the first three fields byte-swapped (little-endian), then the
// rest as sent.
func uuidString(u [16]byte) string {
	v := u
	v[0], v[1], v[2], v[3] = u[3], u[2], u[1], u[0]
	v[4], v[5], v[6], v[7] = u[5], u[4], u[7], u[6]
	return FormatUUID(&v)
}
