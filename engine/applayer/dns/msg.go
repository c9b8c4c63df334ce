package dns

import (
	"encoding/hex"
	"strconv"
	"strings"
)

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

// RR is one resource record. Data is the presentation form of the rdata
// for the decoded types (Suricata's "rdata"); SOA and SRV are also given
// structured.
type RR struct {
	Name  []byte
	Type  uint16
	Class uint16
	TTL   uint32
	Data  string
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
	sections := [3]*[]RR{&m.Answers, &m.Authorities, &m.Additionals}
	for s := 0; s < 3; s++ {
		for i := 0; i < counts[s+1] && i < maxRecords; i++ {
			rr, n, good := readRR(msg, off)
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
	rdata := msg[rd : rd+rdlen]
	switch rr.Type {
	case TypeA:
		if rdlen == 4 {
			rr.Data = strconv.Itoa(int(rdata[0])) + "." + strconv.Itoa(int(rdata[1])) + "." +
				strconv.Itoa(int(rdata[2])) + "." + strconv.Itoa(int(rdata[3]))
		}
	case TypeAAAA:
		if rdlen == 16 {
			// Suricata prints every group with four hex digits.
			var sb strings.Builder
			for i := 0; i < 16; i += 2 {
				if i > 0 {
					sb.WriteByte(':')
				}
				sb.WriteString(hex.EncodeToString(rdata[i : i+2]))
			}
			rr.Data = sb.String()
		}
	case TypeCNAME, TypeNS, TypePTR, TypeMX:
		p := rd
		if rr.Type == TypeMX {
			p += 2
		}
		if p <= rd+rdlen {
			if nm, _, ok := readName(nil, msg, p); ok {
				rr.Data = string(nm)
			}
		}
	case TypeTXT:
		var sb strings.Builder
		for i := 0; i < len(rdata); {
			l := int(rdata[i])
			if i+1+l > len(rdata) {
				break
			}
			sb.Write(rdata[i+1 : i+1+l])
			i += 1 + l
		}
		rr.Data = sb.String()
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
)

var typeNames = map[uint16]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
	11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB",
	19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAPPTR", 24: "SIG", 25: "KEY", 26: "PX",
	27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX",
	37: "CERT", 38: "A6", 39: "DNAME", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY",
	46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA",
	55: "HIP", 59: "CDS", 60: "CDNSKEY", 61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB",
	65: "HTTPS", 99: "SPF", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 255: "ANY",
	256: "URI", 257: "CAA", 32768: "TA", 32769: "DLV",
}

// TypeName returns the mnemonic of an RR type, or its decimal value.
func TypeName(t uint16) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return strconv.Itoa(int(t))
}

var rcodeNames = [...]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"}

// RcodeName returns the mnemonic of a response code, or its decimal value.
func RcodeName(r uint8) string {
	if int(r) < len(rcodeNames) {
		return rcodeNames[r]
	}
	return strconv.Itoa(int(r))
}
