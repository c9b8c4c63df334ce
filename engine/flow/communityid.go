package flow

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
)

// Community ID v1, https://github.com/corelight/community-id-spec:
//
//	"1:" + base64(sha1(seed(2, BE) | saddr | daddr | proto(1) | 0(1) | sport(2, BE) | dport(2, BE)))
//
// with the endpoints ordered so that both directions give the same id
// (smaller address first, then smaller port), IPv4 addresses as 4 bytes,
// and for ICMP/ICMPv6 the ports replaced by the type and the code, or by
// the type and the type of its counterpart for the request/response types
// the spec pairs (echo, timestamp, ...). ICMP messages without a
// counterpart (unreachable, time exceeded, ...) are one-way: their
// endpoints are never reordered. Suricata's own implementation uses the
// response type instead; Vigil follows the spec.

// protoSCTP is the only other protocol whose ports the spec hashes; for
// all protocols but TCP, UDP, SCTP, ICMP and ICMPv6 the ports are left out.
const protoSCTP = 132

// icmpv4Pair and icmpv6Pair map a request/response type to its counterpart.
var icmpv4Pair = map[uint8]uint8{
	8: 0, 0: 8, // echo
	13: 14, 14: 13, // timestamp
	15: 16, 16: 15, // information
	10: 9, 9: 10, // router solicitation / advertisement
	17: 18, 18: 17, // address mask
}

var icmpv6Pair = map[uint8]uint8{
	128: 129, 129: 128, // echo
	133: 134, 134: 133, // router solicitation / advertisement
	135: 136, 136: 135, // neighbor solicitation / advertisement
	130: 131, 131: 130, // multicast listener query / report
	144: 145, 145: 144, // home agent address discovery
	139: 140, 140: 139, // node information query / response
}

// AppendCommunityID appends f's Community ID v1 (e.g.
// "1:LQU9qZlK+B5F3KDmev6m5PMibrg=") computed with seed (0 by default) to
// dst. The initiator's view is used for ICMP. It allocates nothing if dst
// has room for 30 bytes.
func (f *Flow) AppendCommunityID(dst []byte, seed uint16) []byte {
	sa, sp := endpoint(&f.Key, f.clientIsLo)
	da, dp := endpoint(&f.Key, !f.clientIsLo)
	return appendCommunityID(dst, seed, f.Key.Family, f.Key.Proto, sa, da, sp, dp, f.ICMPType, f.ICMPCode)
}

// CommunityID returns f's Community ID v1 as a string (allocates; call it
// only when writing a record).
func (f *Flow) CommunityID(seed uint16) string {
	var buf [32]byte
	return string(f.AppendCommunityID(buf[:0], seed))
}

func endpoint(k *Key, lo bool) (*[16]byte, uint16) {
	if lo {
		return &k.LoAddr, k.LoPort
	}
	return &k.HiAddr, k.HiPort
}

// CommunityIDOf computes the Community ID of one packet's tuple (src to
// dst); for ICMP the tuple's type and code are used.
func CommunityIDOf(dst []byte, seed uint16, tp *Tuple) []byte {
	return appendCommunityID(dst, seed, tp.Family, tp.Proto, &tp.Src, &tp.Dst, tp.SrcPort, tp.DstPort, tp.ICMPType, tp.ICMPCode)
}

func appendCommunityID(dst []byte, seed uint16, family, proto uint8, sa, da *[16]byte, sp, dp uint16, icmpType, icmpCode uint8) []byte {
	oneWay, hasPorts := false, true
	switch proto {
	case ProtoTCP, ProtoUDP, protoSCTP:
	default:
		hasPorts, sp, dp = false, 0, 0
	case ProtoICMP, ProtoICMPv6:
		pairs := icmpv4Pair
		if proto == ProtoICMPv6 {
			pairs = icmpv6Pair
		}
		sp = uint16(icmpType)
		if peer, ok := pairs[icmpType]; ok {
			dp = uint16(peer)
		} else {
			dp = uint16(icmpCode)
			oneWay = true
		}
	}
	alen := 16
	off := 0
	if family == 4 {
		alen, off = 4, 12
	}
	a, b := sa[off:], da[off:]
	if !oneWay {
		c := compareBytes(a, b)
		if c > 0 || (c == 0 && sp > dp) {
			a, b = b, a
			sp, dp = dp, sp
		}
	}
	var in [2 + 16 + 16 + 1 + 1 + 2 + 2]byte
	binary.BigEndian.PutUint16(in[0:], seed)
	n := 2
	n += copy(in[n:], a[:alen])
	n += copy(in[n:], b[:alen])
	in[n] = proto
	in[n+1] = 0
	n += 2
	if hasPorts {
		binary.BigEndian.PutUint16(in[n:], sp)
		binary.BigEndian.PutUint16(in[n+2:], dp)
		n += 4
	}
	sum := sha1.Sum(in[:n])
	dst = append(dst, "1:"...)
	return base64.StdEncoding.AppendEncode(dst, sum[:])
}

func compareBytes(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
