package eve

import (
	"net/netip"
	"strconv"
)

// rrTypeNames are the DNS record type names Suricata logs; other types are
// logged as their decimal number.
var rrTypeNames = map[uint16]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR",
	10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT",
	17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAPPTR",
	24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT",
	33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME",
	41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG",
	47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA",
	55: "HIP", 59: "CDS", 60: "CDNSKEY", 64: "SVCB", 65: "HTTPS", 99: "SPF",
	249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 255: "ANY", 256: "URI",
	257: "CAA",
}

// rcodeNames are the response code names Suricata logs.
var rcodeNames = [...]string{
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
}

func appendRRType(dst []byte, key string, t uint16) []byte {
	dst = append(appendKey(dst, key), '"')
	if n, ok := rrTypeNames[t]; ok {
		dst = append(dst, n...)
	} else {
		dst = strconv.AppendUint(dst, uint64(t), 10)
	}
	return append(dst, '"')
}

// appendRData writes the rdata of an answer, or nothing for types whose
// data is structured.
func appendRData(dst []byte, a *DNSAnswer) []byte {
	switch a.RRType {
	case 1, 28: // A, AAAA: raw address bytes
		addr, ok := netip.AddrFromSlice(a.RData)
		if !ok {
			return dst
		}
		dst = append(appendKey(dst, "rdata"), '"')
		dst = addr.AppendTo(dst)
		return append(dst, '"')
	case 6, 33, 44: // SOA, SRV, SSHFP: structured objects, not supported here
		return dst
	}
	return AppendBytes(appendKey(dst, "rdata"), a.RData)
}

func appendRRs(dst []byte, key string, rrs []DNSAnswer) []byte {
	dst = append(appendKey(dst, key), '[')
	for i := range rrs {
		a := &rrs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = AppendBytes(appendKey(dst, "rrname"), a.RRName)
		dst = appendTrue(dst, "rrname_truncated", a.Truncated)
		dst = appendRRType(dst, "rrtype", a.RRType)
		dst = appendUint(dst, "ttl", uint64(a.TTL))
		dst = appendRData(dst, a)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// groupable reports whether answers of type t are logged in "grouped" as
// strings.
func groupable(t uint16) bool {
	switch t {
	case 1, 28, 5, 15, 2, 12, 16, 10: // A AAAA CNAME MX NS PTR TXT NULL
		return true
	}
	return false
}

func appendGrouped(dst []byte, answers []DNSAnswer) []byte {
	dst = append(appendKey(dst, "grouped"), '{')
	// Types in order of first appearance; quadratic in the number of
	// answers, which is small, and allocation free.
	for i := range answers {
		t := answers[i].RRType
		if !groupable(t) {
			continue
		}
		seen := false
		for j := 0; j < i; j++ {
			if answers[j].RRType == t {
				seen = true
				break
			}
		}
		if seen {
			continue
		}
		dst = appendKey(dst, rrTypeNames[t])
		dst = append(dst, '[')
		first := true
		for j := i; j < len(answers); j++ {
			a := &answers[j]
			if a.RRType != t {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			if t == 1 || t == 28 {
				addr, ok := netip.AddrFromSlice(a.RData)
				if !ok {
					dst = append(dst, '"', '"')
					continue
				}
				dst = append(dst, '"')
				dst = addr.AppendTo(dst)
				dst = append(dst, '"')
			} else {
				dst = AppendBytes(dst, a.RData)
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendDNS writes Suricata 8's version 3 "dns" object.
func appendDNS(dst []byte, d *DNS) []byte {
	dst = append(appendKey(dst, "dns"), '{')
	dst = appendUint(dst, "version", 3)
	if d.Response {
		dst = appendStr(dst, "type", "response")
	} else {
		dst = appendStr(dst, "type", "request")
	}
	dst = appendUint(dst, "tx_id", d.TxID)
	dst = appendUint(dst, "id", uint64(d.ID))
	dst = append(appendKey(dst, "flags"), '"')
	dst = append(strconv.AppendUint(dst, uint64(d.Flags), 16), '"')
	f := d.Flags
	dst = appendTrue(dst, "qr", f&0x8000 != 0)
	dst = appendTrue(dst, "aa", f&0x0400 != 0)
	dst = appendTrue(dst, "tc", f&0x0200 != 0)
	dst = appendTrue(dst, "rd", f&0x0100 != 0)
	dst = appendTrue(dst, "ra", f&0x0080 != 0)
	dst = appendTrue(dst, "z", f&0x0040 != 0)
	dst = appendUint(dst, "opcode", uint64(f>>11&0xf))
	dst = append(appendKey(dst, "rcode"), '"')
	if rc := f & 0xf; int(rc) < len(rcodeNames) {
		dst = append(dst, rcodeNames[rc]...)
	} else {
		dst = strconv.AppendUint(dst, uint64(rc), 10)
	}
	dst = append(dst, '"')
	if len(d.Queries) > 0 {
		dst = append(appendKey(dst, "queries"), '[')
		for i := range d.Queries {
			q := &d.Queries[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '{')
			dst = AppendBytes(appendKey(dst, "rrname"), q.RRName)
			dst = appendRRType(dst, "rrtype", q.RRType)
			dst = appendTrue(dst, "rrname_truncated", q.Truncated)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if len(d.Answers) > 0 {
		dst = appendRRs(dst, "answers", d.Answers)
		if d.Grouped {
			dst = appendGrouped(dst, d.Answers)
		}
	}
	if len(d.Authorities) > 0 {
		dst = appendRRs(dst, "authorities", d.Authorities)
	}
	if len(d.Additionals) > 0 {
		dst = appendRRs(dst, "additionals", d.Additionals)
	}
	return append(dst, '}')
}
