package dcerpc

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	MaxTx       = 256     // live transactions per state; the oldest are dropped
	MaxStub     = 1 << 20 // stub bytes kept per direction of a transaction
	MaxPDU      = 1 << 16 // a fragment length is 16 bits; buffered bytes per direction
	maxContexts = 64
)

// Iface is one presentation context of a bind: the abstract syntax
// (interface UUID and version) and what the bind_ack answered.
type Iface struct {
	UUID      [16]byte // string byte order
	Major     uint16
	Minor     uint16
	CtxID     uint16
	CallID    uint32 // call id of the bind that offered the context
	FirstFrag bool   // the bind PDU carried PFC_FIRST_FRAG
	Acked     bool   // a bind_ack answered this context
	Result    uint16
}

// Accepted reports whether a bind_ack accepted the context.
func (f *Iface) Accepted() bool { return f.Acked && f.Result == 0 }

// IfaceRecLen is the length of one DCERPCIface buffer instance.
const IfaceRecLen = 19

// Flags of an DCERPCIface record (byte 18).
const (
	IfaceFirstFrag = 1 // the bind had PFC_FIRST_FRAG (SMB: always set)
)

// Tx is one DCERPC transaction: a request (or bind) and its response (or
// bind_ack), matched by call id.
type Tx struct {
	id       uint64
	CallID   uint32
	ReqType  uint8 // PDU type of the client side (request, bind, alter context)
	HasReq   bool  // a request PDU was seen (Suricata's first_req_seen)
	Opnum    uint16
	CtxID    uint16
	ReqStub  []byte
	RespStub []byte
	ReqBig   bool
	RespBig  bool
	ReqDone  bool
	RespDone bool
	HasResp  bool
	// RespType is the PDU type of the server side (response, fault,
	// bind_ack, alter context response), valid when HasResp.
	RespType uint8
	// Minor is the minor RPC version of the last PDU (5.0 or 5.1).
	Minor uint8
	// ReqFrags and RespFrags count the fragments of each side.
	ReqFrags, RespFrags uint32
	// ReqStubSize and RespStubSize are the stub sizes of each side as
	// Suricata's records count them, summed over fragments and uncapped:
	// a request's bytes after its 8-byte header (an object UUID and the
	// authentication trailer included), a response's bytes after the
	// common header.
	ReqStubSize, RespStubSize uint64

	st     *State
	opnum  [2]byte
	endian [1]byte
	ifrec  [IfaceRecLen]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoDCERPC.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoDCERPC }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// SetID sets the id (package smb numbers DCERPC transactions with its own).
func (t *Tx) SetID(id uint64) { t.id = id }

// Complete reports whether the side dir is done.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToClient {
		return t.RespDone
	}
	return t.ReqDone
}

// Buffer returns the first instance of b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// IsRequest reports whether the transaction carries a request PDU
// (dcerpc.iface and dcerpc.opnum only look at those).
func (t *Tx) IsRequest() bool { return t.HasReq && t.ReqType == TypeRequest }

// BufferAt returns instance i of a DCERPC buffer (layouts in the package
// doc).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	switch b {
	case bufid.DCERPCStubData:
		s := t.ReqStub
		if dir == applayer.ToClient {
			s = t.RespStub
		}
		if i != 0 || len(s) == 0 {
			return nil, false
		}
		return s, true
	case bufid.DCERPCOpnum:
		if i != 0 || !t.IsRequest() {
			return nil, false
		}
		binary.LittleEndian.PutUint16(t.opnum[:], t.Opnum)
		return t.opnum[:], true
	case bufid.DCERPCEndian:
		if i != 0 {
			return nil, false
		}
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
		return t.iface(i)
	}
	return nil, false
}

// iface returns the i-th interface record usable by the transaction. Over
// TCP (Suricata's DCERPC parser) that is an accepted context whose id is
// the request's; over SMB every accepted interface of the pipe, context
// ids aside.
func (t *Tx) iface(i int) ([]byte, bool) {
	if t.st == nil || !t.IsRequest() || i < 0 {
		return nil, false
	}
	n := 0
	for k := range t.st.ifaces {
		f := &t.st.ifaces[k]
		if !f.Accepted() || !t.st.smb && f.CtxID != t.CtxID {
			continue
		}
		if n == i {
			copy(t.ifrec[:16], f.UUID[:])
			binary.LittleEndian.PutUint16(t.ifrec[16:], f.Major)
			t.ifrec[18] = 0
			if f.FirstFrag || t.st.smb {
				t.ifrec[18] = IfaceFirstFrag
			}
			return t.ifrec[:], true
		}
		n++
	}
	return nil, false
}

// State is the PDU state machine of one DCERPC conversation (a TCP
// connection, or the pipes of one SMB connection): per-direction PDU
// buffering, the bound interfaces and the transactions.
type State struct {
	smb    bool
	buf    [2][]byte
	ifaces []Iface
	txs    []*Tx
	nextID uint64
	err    bool
	// NewTx, when set, receives each new transaction instead of the
	// state's own list (package smb keeps DCERPC transactions among its
	// own).
	NewTx func(*Tx)
}

// NewState returns a state; smb selects the SMB matching rules of
// dcerpc.iface (no context id check).
func NewState(smb bool) *State { return &State{smb: smb} }

// Ifaces returns the contexts of the last bind (read-only).
func (s *State) Ifaces() []Iface { return s.ifaces }

// Feed consumes stream bytes of direction dir: whole PDUs are processed,
// a partial one is buffered (copied) until the rest arrives. It returns
// false once the data is not DCERPC.
func (s *State) Feed(dir applayer.Direction, data []byte) bool {
	if s.err {
		return false
	}
	d := int(dir & 1)
	if len(s.buf[d]) > 0 {
		s.buf[d] = append(s.buf[d], data...)
		data = s.buf[d]
	}
	for len(data) >= HeaderLen {
		h, ok := ParseHeader(data)
		if !ok {
			s.err = true
			s.buf[d] = s.buf[d][:0]
			return false
		}
		if int(h.FragLen) > len(data) {
			break
		}
		s.pdu(dir, &h, data[:h.FragLen])
		data = data[h.FragLen:]
	}
	if len(data) > 0 && len(data) < MaxPDU {
		if len(s.buf[d]) > 0 {
			n := copy(s.buf[d], data)
			s.buf[d] = s.buf[d][:n]
		} else {
			s.buf[d] = append(s.buf[d][:0], data...)
		}
	} else {
		s.buf[d] = s.buf[d][:0]
	}
	return true
}

// FeedPDUs processes data that holds whole PDUs (an SMB pipe write or
// read); a truncated PDU at the end is buffered like Feed does.
func (s *State) FeedPDUs(dir applayer.Direction, data []byte) bool {
	if _, ok := ParseHeader(data); !ok && len(s.buf[dir&1]) == 0 {
		return false
	}
	s.err = false
	return s.Feed(dir, data)
}

// Reset drops buffered partial PDUs (after a gap).
func (s *State) Reset(dir applayer.Direction) { s.buf[dir&1] = s.buf[dir&1][:0] }

func (s *State) pdu(dir applayer.Direction, h *Header, p []byte) {
	o := h.order()
	body := p[HeaderLen:]
	end := len(body)
	if h.AuthLen > 0 {
		end -= int(h.AuthLen) + 8
	}
	if end < 0 {
		end = 0
	}
	switch h.Type {
	case TypeBind, TypeAlterContext:
		if dir != applayer.ToServer {
			return
		}
		s.bind(h, body[:end], o)
		tx := s.txFor(h.CallID, true)
		tx.ReqType, tx.ReqDone, tx.ReqBig, tx.Minor = h.Type, true, !h.Little, h.Minor
	case TypeBindAck, TypeAlterResp:
		if dir != applayer.ToClient {
			return
		}
		s.bindAck(h, body[:end], o)
		tx := s.txFor(h.CallID, false)
		tx.HasResp, tx.RespDone, tx.RespBig, tx.RespType, tx.Minor = true, true, !h.Little, h.Type, h.Minor
	case TypeRequest:
		if dir != applayer.ToServer || len(body) < 8 {
			return
		}
		off := 8
		if h.Flags&FlagObjectID != 0 {
			off += 16
		}
		tx := s.txFor(h.CallID, true)
		if h.Flags&FlagFirstFrag != 0 || !tx.HasReq {
			tx.ReqStub, tx.ReqStubSize = tx.ReqStub[:0], 0
		}
		tx.ReqStubSize += uint64(len(body) - 8)
		tx.ReqType, tx.HasReq, tx.ReqBig, tx.Minor = TypeRequest, true, !h.Little, h.Minor
		tx.ReqFrags++
		tx.CtxID = o.Uint16(body[4:])
		tx.Opnum = o.Uint16(body[6:])
		if off < end {
			tx.ReqStub = appendCap(tx.ReqStub, body[off:end])
		}
		if h.Flags&FlagLastFrag != 0 {
			tx.ReqDone = true
		}
	case TypeResponse, TypeFault:
		if dir != applayer.ToClient || len(body) < 8 {
			return
		}
		tx := s.txFor(h.CallID, false)
		if h.Flags&FlagFirstFrag != 0 || !tx.HasResp {
			tx.RespStub, tx.RespStubSize = tx.RespStub[:0], 0
		}
		if h.Type == TypeResponse {
			tx.RespStubSize += uint64(len(body))
		}
		tx.HasResp, tx.RespBig, tx.RespType, tx.Minor = true, !h.Little, h.Type, h.Minor
		tx.RespFrags++
		if h.Type == TypeResponse && 8 < end {
			tx.RespStub = appendCap(tx.RespStub, body[8:end])
		}
		if h.Flags&FlagLastFrag != 0 || h.Type == TypeFault {
			tx.RespDone = true
			if !tx.HasReq && tx.ReqType == 0 {
				tx.ReqDone = true
			}
		}
	}
}

func appendCap(dst, src []byte) []byte {
	if room := MaxStub - len(dst); len(src) > room {
		src = src[:max(room, 0)]
	}
	return append(dst, src...)
}

// txFor finds the open transaction of callID for the side (request:
// toServer) or creates one.
func (s *State) txFor(callID uint32, toServer bool) *Tx {
	for i := len(s.txs) - 1; i >= 0; i-- {
		t := s.txs[i]
		if t.CallID != callID {
			continue
		}
		if toServer && !t.ReqDone && !t.HasResp || !toServer && !t.RespDone {
			return t
		}
	}
	t := &Tx{id: s.nextID, CallID: callID, st: s, ReqType: 0xff}
	s.nextID++
	if !toServer {
		t.ReqDone = true // response without a request
	}
	if s.NewTx != nil {
		s.NewTx(t)
		// Keep a short window for matching responses to requests.
		if len(s.txs) >= 32 {
			copy(s.txs, s.txs[1:])
			s.txs = s.txs[:len(s.txs)-1]
		}
		s.txs = append(s.txs, t)
		return t
	}
	if len(s.txs) >= MaxTx {
		copy(s.txs, s.txs[1:])
		s.txs = s.txs[:len(s.txs)-1]
	}
	s.txs = append(s.txs, t)
	return t
}

// bind records the presentation contexts of a bind or alter context.
func (s *State) bind(h *Header, b []byte, o binary.ByteOrder) {
	if len(b) < 12 {
		return
	}
	if h.Type == TypeBind {
		s.ifaces = s.ifaces[:0]
	}
	n := int(b[8])
	off := 12
	for k := 0; k < n && off+24 <= len(b); k++ {
		var f Iface
		f.CtxID = o.Uint16(b[off:])
		f.CallID = h.CallID
		nt := int(b[off+2])
		uuidCanon(&f.UUID, b[off+4:], o)
		f.Major = o.Uint16(b[off+20:])
		f.Minor = o.Uint16(b[off+22:])
		f.FirstFrag = h.Flags&FlagFirstFrag != 0
		off += 24 + 20*nt
		if len(s.ifaces) < maxContexts {
			s.ifaces = append(s.ifaces, f)
		}
	}
}

// bindAck applies the results of a bind_ack (or alter context response)
// to the contexts not answered yet, in order.
func (s *State) bindAck(h *Header, b []byte, o binary.ByteOrder) {
	if len(b) < 10 {
		return
	}
	secLen := int(o.Uint16(b[8:]))
	off := 10 + secLen
	// Align to 4 bytes from the start of the PDU.
	if r := (HeaderLen + off) % 4; r != 0 {
		off += 4 - r
	}
	if off+4 > len(b) {
		return
	}
	n := int(b[off])
	off += 4
	k := 0
	for i := 0; i < n && off+24 <= len(b); i++ {
		res := o.Uint16(b[off:])
		off += 24
		for k < len(s.ifaces) && s.ifaces[k].Acked {
			k++
		}
		if k >= len(s.ifaces) {
			return
		}
		s.ifaces[k].Acked, s.ifaces[k].Result = true, res
		k++
	}
}

// TxCount returns the number of live transactions.
func (s *State) TxCount() int { return len(s.txs) }

// TxAt returns live transaction i (oldest first).
func (s *State) TxAt(i int) *Tx { return s.txs[i] }

// Prune drops completed transactions with an id below below.
func (s *State) Prune(below uint64) {
	k := 0
	for _, t := range s.txs {
		if t.id < below && t.ReqDone && t.RespDone {
			continue
		}
		s.txs[k] = t
		k++
	}
	clear(s.txs[k:])
	s.txs = s.txs[:k]
}

// Parser is the DCERPC-over-TCP parser: an applayer.Parser over a State.
type Parser struct {
	st    *State
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one TCP flow.
func New() *Parser { return &Parser{st: NewState(false)} }

// State returns the parser flags.
func (p *Parser) State() applayer.State { return p.state }

// Parse consumes in-order stream bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	if p.state&applayer.StateError != 0 {
		return
	}
	if p.state&applayer.StateGap != 0 {
		// Resynchronise on the next data that starts a PDU.
		if _, ok := ParseHeader(data); !ok {
			return
		}
		p.state &^= applayer.StateGap
	}
	if !p.st.Feed(dir, data) {
		p.state |= applayer.StateError
	}
}

// Gap drops the partial PDU of dir; parsing resumes at a PDU start.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	p.st.Reset(dir)
	p.state |= applayer.StateGap
}

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.st.TxCount() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.st.TxAt(i) }

// Prune drops completed transactions below id.
func (p *Parser) Prune(below uint64) { p.st.Prune(below) }
