package eve

import (
	"strconv"
	"strings"
)

// RR types whose rdata DNSAnswer carries (numbers from RFC 1035 and later).
const (
	rrA     = 1
	rrNS    = 2
	rrCNAME = 5
	rrSOA   = 6
	rrNULL  = 10
	rrPTR   = 12
	rrMX    = 15
	rrTXT   = 16
	rrAAAA  = 28
	rrSRV   = 33
	rrSSHFP = 44
)

// rrTypes is Vigil's only table of DNS record type names, sorted by number:
// the types Suricata 8.0 names in EVE (its DNSRecordType). Every other type,
// assigned or not, is logged as its decimal number ("65280"), never "0".
var rrTypes = [...]struct {
	num  uint16
	name string
}{
	{1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"}, {7, "MB"}, {8, "MG"},
	{9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"}, {13, "HINFO"}, {14, "MINFO"}, {15, "MX"},
	{16, "TXT"}, {17, "RP"}, {18, "AFSDB"}, {19, "X25"}, {20, "ISDN"}, {21, "RT"}, {22, "NSAP"},
	{23, "NSAPPTR"}, {24, "SIG"}, {25, "KEY"}, {26, "PX"}, {27, "GPOS"}, {28, "AAAA"}, {29, "LOC"},
	{30, "NXT"}, {33, "SRV"}, {34, "ATMA"}, {35, "NAPTR"}, {36, "KX"}, {37, "CERT"}, {38, "A6"},
	{39, "DNAME"}, {41, "OPT"}, {42, "APL"}, {43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"},
	{46, "RRSIG"}, {47, "NSEC"}, {48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"}, {51, "NSEC3PARAM"},
	{52, "TLSA"}, {55, "HIP"}, {59, "CDS"}, {60, "CDNSKEY"}, {65, "HTTPS"}, {99, "SPF"},
	{249, "TKEY"}, {250, "TSIG"}, {254, "MAILA"}, {255, "ANY"}, {256, "URI"},
}

// RRTypeName returns the name EVE logs for DNS record type t, and false
// when t has none (then EVE logs the decimal number).
func RRTypeName(t uint16) (string, bool) {
	if i := rrTypeIndex(t); i >= 0 {
		return rrTypes[i].name, true
	}
	return "", false
}

// rrTypeIndex returns t's index in rrTypes, or -1.
func rrTypeIndex(t uint16) int {
	lo, hi := 0, len(rrTypes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rrTypes[m].num < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(rrTypes) && rrTypes[lo].num == t {
		return lo
	}
	return -1
}

// RRTypeNumber returns the record type called name (upper case, as logged),
// the inverse of RRTypeName; a decimal number is accepted too.
func RRTypeNumber(name string) (uint16, bool) {
	for _, e := range rrTypes {
		if e.name == name {
			return e.num, true
		}
	}
	n, err := strconv.ParseUint(name, 10, 16)
	return uint16(n), err == nil
}

// DNSTypes is a set of named DNS record types: Suricata's eve-log dns
// "types" option, which selects the questions logged (a message none of
// whose questions is selected is not logged). The zero value selects every
// type, named or not; a list selects only the named types it lists.
type DNSTypes struct {
	only bool
	bits uint64 // by index in rrTypes
}

// ParseDNSTypes returns the set of the named types (names in any case,
// "aaaa" or "AAAA"); unknown lists the names that are not types.
func ParseDNSTypes(names []string) (s DNSTypes, unknown []string) {
	s.only = true
	for _, n := range names {
		i := rrTypeIndexByName(strings.ToUpper(n))
		if i < 0 {
			unknown = append(unknown, n)
			continue
		}
		s.bits |= 1 << uint(i)
	}
	return s, unknown
}

// Has reports whether questions of type t are logged.
func (s DNSTypes) Has(t uint16) bool {
	if !s.only {
		return true
	}
	i := rrTypeIndex(t)
	return i >= 0 && s.bits&(1<<uint(i)) != 0
}

// Equal reports whether s and o select the same types.
func (s DNSTypes) Equal(o DNSTypes) bool { return s == o }

// AnyQuery reports whether any of qs has a logged type.
func (s DNSTypes) AnyQuery(qs []DNSQuery) bool {
	for i := range qs {
		if s.Has(qs[i].RRType) {
			return true
		}
	}
	return false
}

func rrTypeIndexByName(name string) int {
	for i, e := range rrTypes {
		if e.name == name {
			return i
		}
	}
	return -1
}

// rcodeNames are the response code names Suricata logs.
var rcodeNames = [...]string{
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
}

func appendRRType(dst []byte, key string, t uint16) []byte {
	dst = append(appendKey(dst, key), '"')
	if n, ok := RRTypeName(t); ok {
		dst = append(dst, n...)
	} else {
		dst = strconv.AppendUint(dst, uint64(t), 10)
	}
	return append(dst, '"')
}

// appendDNSAddr writes 4 address bytes dotted and 16 as eight groups of four
// hex digits ("2001:0db8:0000:..."), as Suricata prints DNS addresses. ok
// is false for any other length.
func appendDNSAddr(dst []byte, b []byte) ([]byte, bool) {
	switch len(b) {
	case 4:
		dst = append(dst, '"')
		for i, v := range b {
			if i > 0 {
				dst = append(dst, '.')
			}
			dst = strconv.AppendUint(dst, uint64(v), 10)
		}
	case 16:
		dst = append(dst, '"')
		for i, v := range b {
			if i > 0 && i%2 == 0 {
				dst = append(dst, ':')
			}
			dst = append(dst, hexDigits[v>>4], hexDigits[v&0xf])
		}
	default:
		return dst, false
	}
	return append(dst, '"'), true
}

// txtString returns the string of TXT rdata at off and the offset after it;
// ok is false at the end or on a length running past the rdata.
func txtString(rd []byte, off int) (s []byte, next int, ok bool) {
	if off >= len(rd) || off+1+int(rd[off]) > len(rd) {
		return nil, off, false
	}
	l := int(rd[off])
	return rd[off+1 : off+1+l], off + 1 + l, true
}

// appendRR writes one record object with rdata value rd (for TXT one of
// its strings).
func appendRR(dst []byte, a *DNSAnswer, rd []byte) []byte {
	dst = append(dst, '{')
	dst = AppendBytes(appendKey(dst, "rrname"), a.RRName)
	dst = appendTrue(dst, "rrname_truncated", a.Truncated)
	dst = appendRRType(dst, "rrtype", a.RRType)
	dst = appendUint(dst, "ttl", uint64(a.TTL))
	switch a.RRType {
	case rrA, rrAAAA:
		if d, ok := appendDNSAddr(appendKey(dst, "rdata"), rd); ok {
			dst = d
		}
	case rrCNAME, rrNS, rrPTR, rrMX, rrTXT, rrNULL:
		dst = AppendBytes(appendKey(dst, "rdata"), rd)
	case rrSOA:
		if a.SOA != nil {
			dst = appendSOA(appendKey(dst, "soa"), a.SOA)
		}
	case rrSRV:
		if a.SRV != nil {
			dst = appendSRV(appendKey(dst, "srv"), a.SRV)
		}
	case rrSSHFP:
		if len(rd) >= 2 {
			dst = appendSSHFP(appendKey(dst, "sshfp"), rd)
		}
	}
	return append(dst, '}')
}

func appendSOA(dst []byte, s *DNSSOA) []byte {
	dst = append(dst, '{')
	dst = appendStr(dst, "mname", s.MName)
	dst = appendStr(dst, "rname", s.RName)
	dst = appendUint(dst, "serial", uint64(s.Serial))
	dst = appendUint(dst, "refresh", uint64(s.Refresh))
	dst = appendUint(dst, "retry", uint64(s.Retry))
	dst = appendUint(dst, "expire", uint64(s.Expire))
	dst = appendUint(dst, "minimum", uint64(s.Minimum))
	return append(dst, '}')
}

func appendSRV(dst []byte, s *DNSSRV) []byte {
	dst = append(dst, '{')
	dst = appendUint(dst, "priority", uint64(s.Priority))
	dst = appendUint(dst, "weight", uint64(s.Weight))
	dst = appendUint(dst, "port", uint64(s.Port))
	dst = appendStr(dst, "name", s.Name)
	return append(dst, '}')
}

// appendSSHFP writes SSHFP rdata (algorithm, fingerprint type,
// fingerprint) as an object, the fingerprint as colon-separated hex.
func appendSSHFP(dst []byte, rd []byte) []byte {
	dst = append(dst, '{')
	dst = append(appendKey(dst, "fingerprint"), '"')
	for i, b := range rd[2:] {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
	}
	dst = append(dst, '"')
	dst = appendUint(dst, "algo", uint64(rd[0]))
	dst = appendUint(dst, "type", uint64(rd[1]))
	return append(dst, '}')
}

// appendRRs writes a section. A TXT record is logged once per string, as
// Suricata 8 does (none for a TXT record without strings).
func appendRRs(dst []byte, key string, rrs []DNSAnswer) []byte {
	dst = append(appendKey(dst, key), '[')
	n := 0
	for i := range rrs {
		a := &rrs[i]
		if a.RRType != rrTXT {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = appendRR(dst, a, a.RData)
			n++
			continue
		}
		for s, off, ok := txtString(a.RData, 0); ok; s, off, ok = txtString(a.RData, off) {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = appendRR(dst, a, s)
			n++
		}
	}
	return append(dst, ']')
}

// grouped reports whether answer a is logged in "grouped": its type is
// logged there and it has the value (SOA, SRV, SSHFP objects need theirs).
func grouped(a *DNSAnswer) bool {
	switch a.RRType {
	case rrA, rrAAAA, rrCNAME, rrMX, rrNS, rrPTR, rrTXT, rrNULL:
		return true
	case rrSOA:
		return a.SOA != nil
	case rrSRV:
		return a.SRV != nil
	case rrSSHFP:
		return len(a.RData) >= 2
	}
	return false
}

func appendGrouped(dst []byte, answers []DNSAnswer) []byte {
	dst = append(appendKey(dst, "grouped"), '{')
	// Types in order of first appearance; quadratic in the number of
	// answers, which is small, and allocation free.
	for i := range answers {
		t := answers[i].RRType
		if !grouped(&answers[i]) {
			continue
		}
		seen := false
		for j := 0; j < i; j++ {
			if answers[j].RRType == t && grouped(&answers[j]) {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		name, _ := RRTypeName(t)
		dst = append(appendKey(dst, name), '[')
		first := true
		for j := i; j < len(answers); j++ {
			a := &answers[j]
			if a.RRType != t || !grouped(a) {
				continue
			}
			if t == rrTXT {
				for s, off, ok := txtString(a.RData, 0); ok; s, off, ok = txtString(a.RData, off) {
					if !first {
						dst = append(dst, ',')
					}
					first = false
					dst = AppendBytes(dst, s)
				}
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			switch t {
			case rrSOA:
				dst = appendSOA(dst, a.SOA)
				continue
			case rrSRV:
				dst = appendSRV(dst, a.SRV)
				continue
			case rrSSHFP:
				dst = appendSSHFP(dst, a.RData)
				continue
			}
			if t == rrA || t == rrAAAA {
				d, ok := appendDNSAddr(dst, a.RData)
				if !ok {
					d = append(dst, '"', '"')
				}
				dst = d
				continue
			}
			dst = AppendBytes(dst, a.RData)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendDNS writes the "dns" object in d's layout (version 2 or 3).
func appendDNS(dst []byte, d *DNS) []byte {
	dst = append(appendKey(dst, "dns"), '{')
	if d.Version == 2 {
		dst = appendUint(dst, "version", 2)
		if d.Response {
			dst = appendDNSAnswerV2(dst, d)
		} else {
			dst = appendDNSQueryV2(dst, d)
		}
		return append(dst, '}')
	}
	dst = appendUint(dst, "version", 3)
	if d.Response {
		dst = appendStr(dst, "type", "response")
	} else {
		dst = appendStr(dst, "type", "request")
	}
	dst = appendUint(dst, "tx_id", d.TxID)
	dst = appendUint(dst, "id", uint64(d.ID))
	dst = appendDNSFlags(dst, d.Flags)
	dst = appendRCode(dst, d.Flags)
	if len(d.Queries) > 0 {
		dst = append(appendKey(dst, "queries"), '[')
		n := 0
		for i := range d.Queries {
			q := &d.Queries[i]
			if !d.Types.Has(q.RRType) {
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = append(dst, '{')
			dst = AppendBytes(appendKey(dst, "rrname"), q.RRName)
			dst = appendRRType(dst, "rrtype", q.RRType)
			dst = appendTrue(dst, "rrname_truncated", q.Truncated)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = appendAnswers(dst, d)
	if len(d.Authorities) > 0 {
		dst = appendRRs(dst, "authorities", d.Authorities)
	}
	if len(d.Additionals) > 0 {
		dst = appendRRs(dst, "additionals", d.Additionals)
	}
	return append(dst, '}')
}

// appendDNSFlags writes the header flags, hex and one boolean each, and
// the opcode.
func appendDNSFlags(dst []byte, f uint16) []byte {
	dst = append(appendKey(dst, "flags"), '"')
	dst = append(strconv.AppendUint(dst, uint64(f), 16), '"')
	dst = appendTrue(dst, "qr", f&0x8000 != 0)
	dst = appendTrue(dst, "aa", f&0x0400 != 0)
	dst = appendTrue(dst, "tc", f&0x0200 != 0)
	dst = appendTrue(dst, "rd", f&0x0100 != 0)
	dst = appendTrue(dst, "ra", f&0x0080 != 0)
	dst = appendTrue(dst, "z", f&0x0040 != 0)
	return appendUint(dst, "opcode", uint64(f>>11&0xf))
}

func appendRCode(dst []byte, f uint16) []byte {
	dst = append(appendKey(dst, "rcode"), '"')
	if rc := f & 0xf; int(rc) < len(rcodeNames) {
		dst = append(dst, rcodeNames[rc]...)
	} else {
		dst = strconv.AppendUint(dst, uint64(rc), 10)
	}
	return append(dst, '"')
}

// appendAnswers writes the answer section in the formats d asks for.
func appendAnswers(dst []byte, d *DNS) []byte {
	if len(d.Answers) == 0 {
		return dst
	}
	if d.Detailed {
		dst = appendRRs(dst, "answers", d.Answers)
	}
	if d.Grouped {
		dst = appendGrouped(dst, d.Answers)
	}
	return dst
}

// appendDNSQueryV2 writes a version 2 query record: question d.Query of
// the request, flat.
func appendDNSQueryV2(dst []byte, d *DNS) []byte {
	dst = appendStr(dst, "type", "query")
	dst = appendUint(dst, "id", uint64(d.ID))
	if d.Query < len(d.Queries) {
		q := &d.Queries[d.Query]
		dst = AppendBytes(appendKey(dst, "rrname"), q.RRName)
		dst = appendTrue(dst, "rrname_truncated", q.Truncated)
		dst = appendRRType(dst, "rrtype", q.RRType)
	}
	dst = appendUint(dst, "tx_id", d.TxID)
	dst = appendTrue(dst, "z", d.Flags&0x0040 != 0)
	return appendUint(dst, "opcode", uint64(d.Flags>>11&0xf))
}

// appendDNSAnswerV2 writes a version 2 answer record: the header, the
// first question flat, the sections.
func appendDNSAnswerV2(dst []byte, d *DNS) []byte {
	dst = appendStr(dst, "type", "answer")
	dst = appendUint(dst, "id", uint64(d.ID))
	dst = appendDNSFlags(dst, d.Flags)
	if len(d.Queries) > 0 {
		q := &d.Queries[0]
		dst = AppendBytes(appendKey(dst, "rrname"), q.RRName)
		dst = appendTrue(dst, "rrname_truncated", q.Truncated)
		dst = appendRRType(dst, "rrtype", q.RRType)
	}
	dst = appendRCode(dst, d.Flags)
	dst = appendAnswers(dst, d)
	if len(d.Authorities) > 0 {
		dst = appendRRs(dst, "authorities", d.Authorities)
	}
	if len(d.Additionals) > 0 {
		dst = appendRRs(dst, "additionals", d.Additionals)
	}
	return dst
}
