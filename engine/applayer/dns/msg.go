package dns

// Header flags.
const (
	flagQR = 1 << 15
	flagAA = 1 << 10
	flagTC = 1 << 9
	flagRD = 1 << 8
	flagRA = 1 << 7
	flagZ  = 1 << 6
)

// Message is one decoded DNS message.
type Message struct {
	ID          uint16
	Flags       uint16
	Questions   []Question
	Answers     []RR
	Authorities []RR
	Additionals []RR
	// Truncated is set when the message ended inside a section (the
	// records decoded until then are kept).
	Truncated bool
}

// Opcode returns the header opcode.
func (m *Message) Opcode() uint8 { return uint8(m.Flags>>11) & 0xf }

// Rcode returns the header response code.
func (m *Message) Rcode() uint8 { return uint8(m.Flags & 0xf) }

// Response reports QR.
func (m *Message) Response() bool { return m.Flags&flagQR != 0 }

// Question is one question entry.
type Question struct {
	Name  []byte
	Type  uint16
	Class uint16
}

// RR is one resource record. RData is the record data as taken from the
// wire, typed by Type and never turned into text here (output/eve formats
// it): the address bytes of A (4) and AAAA (16), the decompressed name of
// CNAME, NS, PTR and MX, and the raw rdata of TXT (length-prefixed strings),
// NULL and every other type. SOA and SRV are also given structured.
type RR struct {
	Name  []byte
	Type  uint16
	Class uint16
	TTL   uint32
	RData []byte
	SOA   *SOA
	SRV   *SRV
}

// SOA is the rdata of an SOA record.
type SOA struct {
	MName, RName                            string
	Serial, Refresh, Retry, Expire, Minimum uint32
}

// SRV is the rdata of an SRV record.
type SRV struct {
	Priority, Weight, Port uint16
	Name                   string
}

// Limits on decoding.
const (
	maxPointers = 32   // pointer hops per name
	maxNameLen  = 1025 // presentation bytes per name
	maxRecords  = 256  // records decoded per section
)

// readName decodes the name at off in msg into dst (presentation form,
// labels joined by '.', no trailing dot; the root is empty). It returns the
// offset after the name in the original position, and ok=false on a
// malformed name (loop, out of bounds, too long).
func readName(dst []byte, msg []byte, off int) ([]byte, int, bool) {
	end := -1
	hops := 0
	start := len(dst)
	for {
		if off >= len(msg) {
			return dst, 0, false
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return dst, end, true
		case l&0xc0 == 0xc0:
			if off+1 >= len(msg) {
				return dst, 0, false
			}
			ptr := (l&0x3f)<<8 | int(msg[off+1])
			if end < 0 {
				end = off + 2
			}
			hops++
			if hops > maxPointers || ptr >= len(msg) {
				return dst, 0, false
			}
			off = ptr
		case l&0xc0 != 0:
			return dst, 0, false // extended label types
		default:
			if off+1+l > len(msg) {
				return dst, 0, false
			}
			if len(dst) > start {
				dst = append(dst, '.')
			}
			dst = append(dst, msg[off+1:off+1+l]...)
			if len(dst)-start > maxNameLen {
				return dst, 0, false
			}
			off += 1 + l
		}
	}
}

func u16(b []byte, off int) uint16 { return uint16(b[off])<<8 | uint16(b[off+1]) }
func u32(b []byte, off int) uint32 {
	return uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3])
}

// Decode decodes one DNS message. ok is false when even the header or the
// first question is unusable.
func Decode(msg []byte) (m Message, ok bool) {
	if len(msg) < 12 {
		return m, false
	}
	m.ID = u16(msg, 0)
	m.Flags = u16(msg, 2)
	counts := [4]int{int(u16(msg, 4)), int(u16(msg, 6)), int(u16(msg, 8)), int(u16(msg, 10))}
	off := 12
	for i := 0; i < counts[0] && i < maxRecords; i++ {
		name, n, good := readName(nil, msg, off)
		if !good || n+4 > len(msg) {
			m.Truncated = true
			return m, i > 0
		}
		if name == nil {
			name = []byte{}
		}
		m.Questions = append(m.Questions, Question{Name: name, Type: u16(msg, n), Class: u16(msg, n+2)})
		off = n + 4
	}
	// Records keep rdata as slices of one owned copy of the message.
	var own []byte
	if counts[1]+counts[2]+counts[3] > 0 {
		own = append([]byte(nil), msg...)
	}
	sections := [3]*[]RR{&m.Answers, &m.Authorities, &m.Additionals}
	for s := 0; s < 3; s++ {
		for i := 0; i < counts[s+1] && i < maxRecords; i++ {
			rr, n, good := readRR(own, off)
			if !good {
				m.Truncated = true
				return m, true
			}
			*sections[s] = append(*sections[s], rr)
			off = n
		}
	}
	return m, true
}

// readRR decodes the record at off in msg, a copy the caller owns: RData
// may point into it.
func readRR(msg []byte, off int) (RR, int, bool) {
	var rr RR
	name, n, ok := readName(nil, msg, off)
	if !ok || n+10 > len(msg) {
		return rr, 0, false
	}
	if name == nil {
		name = []byte{}
	}
	rr.Name = name
	rr.Type = u16(msg, n)
	rr.Class = u16(msg, n+2)
	rr.TTL = u32(msg, n+4)
	rdlen := int(u16(msg, n+8))
	rd := n + 10
	if rd+rdlen > len(msg) {
		return rr, 0, false
	}
	rdata := msg[rd : rd+rdlen : rd+rdlen]
	switch rr.Type {
	case TypeA:
		if rdlen == 4 {
			rr.RData = rdata
		}
	case TypeAAAA:
		if rdlen == 16 {
			rr.RData = rdata
		}
	case TypeCNAME, TypeNS, TypePTR, TypeMX:
		p := rd
		if rr.Type == TypeMX {
			p += 2
		}
		if p <= rd+rdlen {
			if nm, _, ok := readName(nil, msg, p); ok {
				rr.RData = nm
			}
		}
	case TypeSOA:
		mn, p, ok1 := readName(nil, msg, rd)
		var rn []byte
		ok2 := false
		if ok1 {
			rn, p, ok2 = readName(nil, msg, p)
		}
		if ok2 && p+20 <= rd+rdlen {
			rr.SOA = &SOA{MName: string(mn), RName: string(rn), Serial: u32(msg, p), Refresh: u32(msg, p+4),
				Retry: u32(msg, p+8), Expire: u32(msg, p+12), Minimum: u32(msg, p+16)}
		}
	case TypeSRV:
		if rdlen >= 7 {
			if nm, _, ok := readName(nil, msg, rd+6); ok {
				rr.SRV = &SRV{Priority: u16(msg, rd), Weight: u16(msg, rd+2), Port: u16(msg, rd+4), Name: string(nm)}
			}
		}
	default:
		rr.RData = rdata
	}
	return rr, rd + rdlen, true
}

// Record types with names (RFC 1035 and later).
const (
	TypeA     = 1
	TypeNS    = 2
	TypeCNAME = 5
	TypeSOA   = 6
	TypePTR   = 12
	TypeMX    = 15
	TypeTXT   = 16
	TypeAAAA  = 28
	TypeSRV   = 33
	typeOPT   = 41 // EDNS pseudo-record (RFC 6891)
)
