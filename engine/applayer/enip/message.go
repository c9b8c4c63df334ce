package enip

import "encoding/binary"

// Encapsulation commands (ODVA CIP vol. 2, table 2-3.2).
const (
	CmdNop               = 0x00
	CmdListServices      = 0x04
	CmdListIdentity      = 0x63
	CmdListInterfaces    = 0x64
	CmdRegisterSession   = 0x65
	CmdUnregisterSession = 0x66
	CmdSendRRData        = 0x6f
	CmdSendUnitData      = 0x70
	CmdIndicateStatus    = 0x72
	CmdCancel            = 0x73
)

// Common packet format item types.
const (
	ItemIdentity        = 0x0c
	ItemServices        = 0x100
	ItemConnectedData   = 0xb1
	ItemUnconnectedData = 0xb2
)

// CIP services with a payload the parser reads.
const (
	ServiceGetAttributeList = 0x03
	ServiceSetAttributeList = 0x04
	ServiceMultiple         = 0x0a
)

// HeaderLen is the length of the encapsulation header.
const HeaderLen = 24

// Header is the encapsulation header (little endian on the wire).
type Header struct {
	Cmd     uint16
	Len     uint16
	Session uint32
	Status  uint32
	Context [8]byte
	Options uint32
}

// Segment is a logical segment of a CIP request path: its segment type
// octet (class 0x20-0x23, instance 0x24-0x27, attribute 0x30-0x33, ...)
// and value.
type Segment struct {
	Type  uint8
	Value uint32
}

// Kind of a segment: the segment type without its format bits, as
// Suricata compares it (8 class, 9 instance, 12 attribute).
func (s Segment) Kind() uint8 { return s.Type >> 2 }

// CIP is one CIP message: a request (service, path, the attributes of a
// Get/Set Attribute List) or a response (general and extended status),
// with the embedded messages of a Multiple Service Packet.
type CIP struct {
	Service   uint8 // without the response bit
	Response  bool
	Path      []Segment
	Attrs     []uint16
	Status    uint8
	ExtStatus []byte
	Multiple  []CIP
}

// Identity is a ListIdentity reply item.
type Identity struct {
	ProtocolVersion, VendorID, DeviceType, ProductCode uint16
	RevMajor, RevMinor                                 uint8
	Status                                             uint16
	Serial                                             uint32
	ProductName                                        []byte
	State                                              uint8
}

// Services is a ListServices reply item.
type Services struct {
	ProtocolVersion, Capabilities uint16
	Name                          []byte
}

// Item is one common packet format item.
type Item struct {
	Type, Len uint16
	HasSeq    bool
	Seq       uint16
	CIP       *CIP
	Identity  *Identity
	Services  *Services
}

// Payload kinds of a PDU.
const (
	PayloadNone = iota
	PayloadRegisterSession
	PayloadListServices
	PayloadListIdentity
	PayloadListInterfaces
	PayloadCIP
)

// PDU is one encapsulation message.
type PDU struct {
	Header
	Kind int
	// RegisterSession.
	ProtocolVersion, RegOptions uint16
	// Items of a list reply or of SendRRData/SendUnitData.
	Items []Item
	// Invalid: the payload did not decode (Suricata's invalid_pdu).
	Invalid bool
}

// FirstCIP returns the CIP message of the first data item, or nil.
func (p *PDU) FirstCIP() *CIP {
	if p.Kind != PayloadCIP {
		return nil
	}
	for i := range p.Items {
		if p.Items[i].CIP != nil {
			return p.Items[i].CIP
		}
	}
	return nil
}

// FirstIdentity returns the first item of a ListIdentity reply when it
// is an identity, or nil.
func (p *PDU) FirstIdentity() *Identity {
	if p.Kind == PayloadListIdentity && len(p.Items) > 0 {
		return p.Items[0].Identity
	}
	return nil
}

// FirstServices returns the first item of a ListServices reply when it
// is a service, or nil.
func (p *PDU) FirstServices() *Services {
	if p.Kind == PayloadListServices && len(p.Items) > 0 {
		return p.Items[0].Services
	}
	return nil
}

// MaxItems bounds the items, segments and embedded messages kept.
const MaxItems = 256

// reader reads little-endian fields; ok turns false past the end.
type reader struct {
	b  []byte
	ok bool
}

func (r *reader) take(n int) []byte {
	if !r.ok || n < 0 || len(r.b) < n {
		r.ok = false
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if v := r.take(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

// ParseHeader decodes the encapsulation header; ok is false when b is
// shorter than HeaderLen.
func ParseHeader(b []byte) (h Header, ok bool) {
	if len(b) < HeaderLen {
		return h, false
	}
	h.Cmd = binary.LittleEndian.Uint16(b)
	h.Len = binary.LittleEndian.Uint16(b[2:])
	h.Session = binary.LittleEndian.Uint32(b[4:])
	h.Status = binary.LittleEndian.Uint32(b[8:])
	copy(h.Context[:], b[12:20])
	h.Options = binary.LittleEndian.Uint32(b[20:])
	return h, true
}

// Parse decodes one PDU from b. n is its length; 0 when b holds only part
// of it. A payload that does not decode leaves the PDU Invalid, as in
// Suricata.
func Parse(b []byte) (p PDU, n int) {
	h, ok := ParseHeader(b)
	if !ok || len(b) < HeaderLen+int(h.Len) {
		return p, 0
	}
	p.Header = h
	data := b[HeaderLen : HeaderLen+int(h.Len)]
	r := reader{b: data, ok: true}
	switch h.Cmd {
	case CmdRegisterSession:
		p.ProtocolVersion, p.RegOptions = r.u16(), r.u16()
		p.Kind = PayloadRegisterSession
	case CmdListServices, CmdListIdentity, CmdListInterfaces:
		if h.Len == 0 {
			break
		}
		p.Kind = map[uint16]int{CmdListServices: PayloadListServices, CmdListIdentity: PayloadListIdentity,
			CmdListInterfaces: PayloadListInterfaces}[h.Cmd]
		p.Items = items(&r)
	case CmdSendRRData, CmdSendUnitData:
		r.u32() // interface handle
		r.u16() // timeout
		p.Kind = PayloadCIP
		p.Items = items(&r)
	}
	if !r.ok {
		p.Kind, p.Items, p.Invalid = PayloadNone, nil, true
	}
	return p, HeaderLen + int(h.Len)
}

// items reads a common packet format: a count and the items.
func items(r *reader) []Item {
	n := int(r.u16())
	var out []Item
	for i := 0; i < n && r.ok; i++ {
		it := Item{Type: r.u16(), Len: r.u16()}
		data := r.take(int(it.Len))
		if !r.ok {
			break
		}
		d := reader{b: data, ok: true}
		switch it.Type {
		case ItemIdentity:
			id := &Identity{ProtocolVersion: d.u16()}
			d.take(16) // socket address
			id.VendorID, id.DeviceType, id.ProductCode = d.u16(), d.u16(), d.u16()
			id.RevMajor, id.RevMinor = d.u8(), d.u8()
			id.Status, id.Serial = d.u16(), d.u32()
			id.ProductName = d.take(int(d.u8()))
			id.State = d.u8()
			it.Identity = id
		case ItemServices:
			it.Services = &Services{ProtocolVersion: d.u16(), Capabilities: d.u16(), Name: d.take(16)}
		case ItemConnectedData:
			it.HasSeq, it.Seq = true, d.u16()
			c, ok := parseCIP(d.b, true)
			it.CIP, d.ok = &c, d.ok && ok
		case ItemUnconnectedData:
			c, ok := parseCIP(d.b, true)
			it.CIP, d.ok = &c, ok
		}
		if !d.ok {
			r.ok = false
			break
		}
		if len(out) < MaxItems {
			out = append(out, it)
		}
	}
	return out
}

// parseCIP decodes a CIP message; multi allows one level of Multiple
// Service Packet.
func parseCIP(b []byte, multi bool) (c CIP, ok bool) {
	_, c, ok = parseCIPRest(b, multi)
	return c, ok
}

func parseCIPRest(b []byte, multi bool) (rest []byte, c CIP, ok bool) {
	r := reader{b: b, ok: true}
	svc := r.u8()
	c.Service, c.Response = svc&0x7f, svc&0x80 != 0
	if c.Response {
		r.u8() // reserved
		c.Status = r.u8()
		c.ExtStatus = r.take(int(r.u8()))
		if r.ok && c.Service == ServiceMultiple && multi {
			c.Multiple, r.ok = multiple(r.b, r.ok)
			r.b = nil
		}
		return r.b, c, r.ok
	}
	path := r.take(2 * int(r.u8()))
	pr := reader{b: path, ok: r.ok}
	for pr.ok && len(pr.b) > 0 {
		t := pr.u8()
		if t>>5 != 1 {
			return nil, c, false // only logical segments
		}
		var v uint32
		switch t & 3 {
		case 0:
			v = uint32(pr.u8())
		case 1:
			pr.u8()
			v = uint32(pr.u16())
		case 2:
			pr.u8()
			v = pr.u32()
		default:
			return nil, c, false
		}
		if len(c.Path) < MaxItems {
			c.Path = append(c.Path, Segment{Type: t, Value: v})
		}
	}
	if !pr.ok {
		return nil, c, false
	}
	switch {
	case c.Service == ServiceGetAttributeList:
		n := int(r.u16())
		for i := 0; i < n && r.ok; i++ {
			a := r.u16()
			if r.ok && len(c.Attrs) < MaxItems {
				c.Attrs = append(c.Attrs, a)
			}
		}
	case c.Service == ServiceSetAttributeList:
		if r.u16() > 0 {
			c.Attrs = append(c.Attrs, r.u16())
		}
	case c.Service == ServiceMultiple && multi:
		c.Multiple, r.ok = multiple(r.b, r.ok)
		r.b = nil
	}
	return r.b, c, r.ok
}

// multiple reads the embedded messages of a Multiple Service Packet: a
// count and offsets (from the count) of each message.
func multiple(b []byte, ok bool) ([]CIP, bool) {
	if !ok {
		return nil, false
	}
	r := reader{b: b, ok: true}
	n := int(r.u16())
	offs := make([]uint16, 0, min(n, MaxItems))
	for i := 0; i < n && r.ok; i++ {
		o := r.u16()
		if len(offs) < MaxItems {
			offs = append(offs, o)
		}
	}
	if !r.ok {
		return nil, false
	}
	var out []CIP
	for _, o := range offs {
		if int(o) >= len(b) {
			return out, false
		}
		_, c, ok := parseCIPRest(b[o:], false)
		if !ok {
			return out, false
		}
		out = append(out, c)
	}
	return out, true
}
