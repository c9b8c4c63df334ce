package enip

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxTx caps live transactions per flow (Suricata's default
	// app-layer.protocols.enip.max-tx); beyond it the open ones are
	// closed and too_many_transactions raised.
	MaxTx = 1024
	// maxPDU bounds a PDU kept while waiting for its end (the length
	// field is 16 bits).
	maxPDU = HeaderLen + 0xffff
)

// Events, bits of the ENIPEvents buffer (detect/bufid/event.go).
const (
	EventTooManyTransactions uint32 = 1 << iota
	EventInvalidPDU
)

// Tx is a request and its response, paired as Suricata pairs them: same
// command and session (RegisterSession aside) and, for connected data,
// the same CIP sequence number. A response without a request is a
// transaction of its own.
type Tx struct {
	id                uint64
	Request, Response *PDU
	done              bool
	events            [4]byte
	// Detection forms of each side (0 request, 1 response).
	side [2]sideBufs
	// Request-only and response-only forms (any direction).
	classes, instances, attrs []byte
	cipStatus, extStatus      []byte
}

// sideBufs are the buffers read from the PDU of one direction.
type sideBufs struct {
	cmd     [2]byte
	status  [4]byte
	version [2]byte
	hasVer  bool
	service []byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoENIP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoENIP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the transaction has its response, or was
// closed by a later response or the transaction cap.
func (t *Tx) Complete(applayer.Direction) bool { return t.done || t.Response != nil }

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// BufferAt returns an ENIP buffer. The command, status, protocol version
// and CIP service buffers are those of the PDU of the inspected direction
// (the request to the server, the response to the client); the CIP path
// buffers always read the request, the CIP status and identity buffers
// the response, as Suricata's keywords do. Integer lists hold a presence
// octet and a big-endian value per element.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	s := &t.side[dir&1]
	pdu := t.Request
	if dir == applayer.ToClient {
		pdu = t.Response
	}
	switch b {
	case bufid.ENIPCommand:
		return s.cmd[:], pdu != nil
	case bufid.ENIPStatus:
		return s.status[:], pdu != nil
	case bufid.ENIPProtocolVersion:
		return s.version[:], s.hasVer
	case bufid.ENIPCIPService:
		return s.service, s.service != nil
	case bufid.ENIPCIPClass:
		return t.classes, t.Request != nil
	case bufid.ENIPCIPInstance:
		return t.instances, t.Request != nil
	case bufid.ENIPCIPAttribute:
		return t.attrs, t.Request != nil
	case bufid.ENIPCIPStatus:
		return t.cipStatus, t.Response != nil
	case bufid.ENIPCIPExtStatus:
		return t.extStatus, t.Response != nil
	case bufid.ENIPEvents:
		return t.events[:], binary.LittleEndian.Uint32(t.events[:]) != 0
	}
	if t.Response == nil {
		return nil, false
	}
	if sv := t.Response.FirstServices(); sv != nil {
		switch b {
		case bufid.ENIPCapabilities:
			return be16(sv.Capabilities), true
		case bufid.ENIPServiceName:
			return sv.Name, true
		}
	}
	id := t.Response.FirstIdentity()
	if id == nil {
		return nil, false
	}
	switch b {
	case bufid.ENIPVendorID:
		return be16(id.VendorID), true
	case bufid.ENIPDeviceType:
		return be16(id.DeviceType), true
	case bufid.ENIPProductCode:
		return be16(id.ProductCode), true
	case bufid.ENIPRevision:
		return []byte{id.RevMajor, id.RevMinor}, true
	case bufid.ENIPIdentityStatus:
		return be16(id.Status), true
	case bufid.ENIPSerial:
		return be32(id.Serial), true
	case bufid.ENIPState:
		return []byte{id.State}, true
	case bufid.ENIPProductName:
		return id.ProductName, true
	}
	return nil, false
}

func (t *Tx) event(e uint32) {
	binary.LittleEndian.PutUint32(t.events[:], binary.LittleEndian.Uint32(t.events[:])|e)
}

// set fills the buffers of one side from its PDU.
func (t *Tx) set(d int, p *PDU) {
	s := &t.side[d]
	binary.BigEndian.PutUint16(s.cmd[:], p.Cmd)
	binary.BigEndian.PutUint32(s.status[:], p.Status)
	switch {
	case p.Kind == PayloadRegisterSession:
		binary.BigEndian.PutUint16(s.version[:], p.ProtocolVersion)
		s.hasVer = true
	case d == 1 && p.FirstServices() != nil:
		binary.BigEndian.PutUint16(s.version[:], p.FirstServices().ProtocolVersion)
		s.hasVer = true
	case d == 1 && p.FirstIdentity() != nil:
		binary.BigEndian.PutUint16(s.version[:], p.FirstIdentity().ProtocolVersion)
		s.hasVer = true
	}
	c := p.FirstCIP()
	if c == nil {
		return
	}
	s.service = serviceRecord(s.service[:0], c)
	for i := range c.Multiple {
		s.service = serviceRecord(s.service, &c.Multiple[i])
	}
	if d == 0 {
		t.classes, t.instances, t.attrs = nil, nil, nil
		t.requestLists(c, true)
		return
	}
	t.responseLists(c)
}

// serviceRecord appends cip_service's form of one message: service,
// the count and values of its class segments, the count and values of
// its attribute segments and listed attributes (32-bit big endian).
func serviceRecord(dst []byte, c *CIP) []byte {
	dst = append(dst, c.Service)
	var cls, att []uint32
	for _, s := range c.Path {
		switch s.Kind() {
		case 8:
			cls = append(cls, s.Value)
		case 12:
			att = append(att, s.Value)
		}
	}
	for _, a := range c.Attrs {
		att = append(att, uint32(a))
	}
	for _, l := range [][]uint32{cls, att} {
		l = l[:min(len(l), 255)]
		dst = append(dst, byte(len(l)))
		for _, v := range l {
			dst = binary.BigEndian.AppendUint32(dst, v)
		}
	}
	return dst
}

// requestLists collects the class, instance and attribute values of a
// request and its embedded requests.
func (t *Tx) requestLists(c *CIP, top bool) {
	if c.Response {
		return
	}
	for _, s := range c.Path {
		switch s.Kind() {
		case 8:
			t.classes = binary.BigEndian.AppendUint32(append(t.classes, 1), s.Value)
		case 9:
			t.instances = binary.BigEndian.AppendUint32(append(t.instances, 1), s.Value)
		case 12:
			t.attrs = binary.BigEndian.AppendUint32(append(t.attrs, 1), s.Value)
		}
	}
	for _, a := range c.Attrs {
		t.attrs = binary.BigEndian.AppendUint32(append(t.attrs, 1), uint32(a))
	}
	if top {
		for i := range c.Multiple {
			t.requestLists(&c.Multiple[i], false)
		}
	}
}

// responseLists collects the general and extended statuses of a
// response and its embedded responses.
func (t *Tx) responseLists(c *CIP) {
	if !c.Response {
		return
	}
	t.cipStatus = append(t.cipStatus, 1, c.Status)
	if len(c.ExtStatus) == 2 {
		t.extStatus = append(t.extStatus, 1, c.ExtStatus[1], c.ExtStatus[0])
	}
	for i := range c.Multiple {
		t.responseLists(&c.Multiple[i])
	}
}

// matches reports whether resp answers req.
func matches(req, resp *PDU) bool {
	if req.Cmd != resp.Cmd {
		return false
	}
	if req.Session != resp.Session && req.Cmd != CmdRegisterSession {
		return false // a RegisterSession reply carries the new handle
	}
	if req.Kind == PayloadCIP {
		if resp.Kind != PayloadCIP {
			return false
		}
		if len(req.Items) >= 2 && len(resp.Items) >= 2 &&
			req.Items[1].Type == ItemConnectedData && resp.Items[1].Type == ItemConnectedData {
			return req.Items[1].HasSeq && resp.Items[1].HasSeq && req.Items[1].Seq == resp.Items[1].Seq
		}
		return true
	}
	return resp.Kind != PayloadCIP
}

// Parser parses the ENIP messages of one flow (TCP or UDP).
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	buf   [2][]byte
	gap   [2]bool
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload: one PDU.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	own := append(make([]byte, 0, len(data)), data...)
	pdu, n := Parse(own)
	if n == 0 {
		return
	}
	p.pdu(dir, &pdu)
}

// Parse handles the next in-order bytes of a TCP direction. After a gap
// the direction resumes at the next data that starts with a plausible
// header.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	d := dir & 1
	if p.gap[d] {
		if Probe(data) != probeOK {
			return
		}
		p.gap[d] = false
	}
	p.buf[d] = append(p.buf[d], data...)
	b := p.buf[d]
	for len(b) > 0 {
		pdu, n := Parse(b)
		if n == 0 {
			break // at most maxPDU octets wait for the rest
		}
		p.pdu(dir, &pdu)
		b = b[n:]
	}
	// PDUs alias the buffer: keep the tail in a fresh one.
	if len(b) == 0 {
		p.buf[d] = nil
	} else {
		p.buf[d] = append([]byte(nil), b...)
	}
}

// pdu files one PDU: a response joins the first open request it answers
// (closing the open requests before it, as Suricata does); anything else
// opens a transaction.
func (p *Parser) pdu(dir applayer.Direction, pdu *PDU) {
	if dir == applayer.ToClient {
		for i := 0; i < p.txs.Len(); i++ {
			t := p.txs.At(i)
			if t.Request == nil || t.Response != nil {
				continue
			}
			t.done = true
			if matches(t.Request, pdu) {
				t.Response = pdu
				t.set(1, pdu)
				if pdu.Invalid {
					t.event(EventInvalidPDU)
				}
				return
			}
		}
	}
	if p.txs.Len() >= MaxTx {
		for i := 0; i < p.txs.Len(); i++ {
			p.txs.At(i).done = true
		}
		p.txs.At(0).event(EventTooManyTransactions)
		return
	}
	t := &Tx{id: p.next}
	p.next++
	if pdu.Invalid {
		t.event(EventInvalidPDU)
	}
	if dir == applayer.ToServer {
		t.Request = pdu
		t.set(0, pdu)
	} else {
		t.Response = pdu
		t.set(1, pdu)
	}
	p.txs.Push(t, 0)
}

// Probe results.
const (
	probeOK = iota
	probeShort
	probeBad
)

// knownStatus are the encapsulation statuses of the specification.
func knownStatus(s uint32) bool {
	switch s {
	case 0, 1, 2, 3, 0x64, 0x65, 0x69, 0x6a:
		return true
	}
	return false
}

// Probe checks a header as Suricata's probe does: a known command and
// status, and the length each session command requires.
func Probe(b []byte) int {
	h, ok := ParseHeader(b)
	if !ok {
		return probeShort
	}
	if !knownStatus(h.Status) {
		return probeBad
	}
	switch h.Cmd {
	case CmdNop:
		if h.Options != 0 {
			return probeBad
		}
	case CmdRegisterSession:
		if h.Len != 4 {
			return probeBad
		}
	case CmdUnregisterSession:
		if h.Len != 4 && h.Len != 0 {
			return probeBad
		}
	case CmdListInterfaces:
		r := reader{b: b[HeaderLen:], ok: true}
		if items(&r); !r.ok {
			return probeBad
		}
	case CmdListServices, CmdListIdentity, CmdSendRRData, CmdSendUnitData, CmdIndicateStatus, CmdCancel:
	default:
		return probeBad
	}
	return probeOK
}

// Gap marks the direction: parsing resumes at the next plausible header.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.gap[dir&1], p.buf[dir&1] = true, nil
	p.state |= applayer.StateGap
}

// State reports StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
