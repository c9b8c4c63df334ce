package dcerpc

import "encoding/binary"

// PDU types (DCE 1.1 RPC, chapter 12).
const (
	TypeRequest      = 0
	TypeResponse     = 2
	TypeFault        = 3
	TypeBind         = 11
	TypeBindAck      = 12
	TypeBindNak      = 13
	TypeAlterContext = 14
	TypeAlterResp    = 15
)

// PFC flags of the header.
const (
	FlagFirstFrag = 0x01
	FlagLastFrag  = 0x02
	FlagObjectID  = 0x80
)

// HeaderLen is the length of the common header.
const HeaderLen = 16

// Header is the common header of a connection-oriented PDU.
type Header struct {
	Major, Minor uint8
	Type         uint8
	Flags        uint8
	Little       bool // data representation: integers little endian
	FragLen      uint16
	AuthLen      uint16
	CallID       uint32
}

func (h *Header) order() binary.ByteOrder {
	if h.Little {
		return binary.LittleEndian
	}
	return binary.BigEndian
}

// ParseHeader decodes the common header at the start of b. ok is false
// when b is shorter than HeaderLen or is not a version 5 PDU.
func ParseHeader(b []byte) (h Header, ok bool) {
	if len(b) < HeaderLen || b[0] != 5 || b[1] > 1 {
		return h, false
	}
	h = Header{Major: b[0], Minor: b[1], Type: b[2], Flags: b[3], Little: b[4]&0x10 != 0}
	o := h.order()
	h.FragLen = o.Uint16(b[8:])
	h.AuthLen = o.Uint16(b[10:])
	h.CallID = o.Uint32(b[12:])
	return h, h.FragLen >= HeaderLen
}

// Probe reports whether b starts like a DCERPC PDU: version 5.0 or 5.1, a
// known PDU type, a sane data representation and fragment length. It
// needs the whole 16-byte header.
func Probe(b []byte) (match, needMore bool) {
	if len(b) > 0 && b[0] != 5 || len(b) > 1 && b[1] > 1 || len(b) > 2 && b[2] > 19 {
		return false, false
	}
	if len(b) < HeaderLen {
		return false, true
	}
	if b[4]&0xee != 0 || b[5] > 3 || b[6] != 0 || b[7] != 0 {
		return false, false
	}
	_, ok := ParseHeader(b)
	return ok, false
}

// uuidCanon converts a UUID from wire order in byte order o to string
// order (the byte order of its text form).
func uuidCanon(dst *[16]byte, b []byte, o binary.ByteOrder) {
	binary.BigEndian.PutUint32(dst[0:], o.Uint32(b[0:]))
	binary.BigEndian.PutUint16(dst[4:], o.Uint16(b[4:]))
	binary.BigEndian.PutUint16(dst[6:], o.Uint16(b[6:]))
	copy(dst[8:], b[8:16])
}
