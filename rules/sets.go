package rules

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strings"
)

// u128 is an unsigned 128-bit number; address arithmetic for both families
// and port arithmetic share it at load time.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a u128) add1() u128 {
	lo, c := bits.Add64(a.lo, 1, 0)
	return u128{a.hi + c, lo}
}

func (a u128) sub1() u128 {
	lo, b := bits.Sub64(a.lo, 1, 0)
	return u128{a.hi - b, lo}
}

// span is an inclusive range [lo, hi].
type span struct{ lo, hi u128 }

var (
	max32  = u128{0, 0xffffffff}
	max16  = u128{0, 0xffff}
	max128 = u128{^uint64(0), ^uint64(0)}
)

// normalize sorts spans and merges overlapping and adjacent ones, in place.
func normalize(s []span) []span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b span) int {
		switch {
		case a.lo.less(b.lo):
			return -1
		case b.lo.less(a.lo):
			return 1
		}
		return 0
	})
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if last.hi == max128 || !last.hi.add1().less(x.lo) { // overlaps or touches
			if last.hi.less(x.hi) {
				last.hi = x.hi
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// complement returns [0, top] minus s (s normalized).
func complement(s []span, top u128) []span {
	var out []span
	next := u128{}
	done := false
	for _, x := range s {
		if next.less(x.lo) {
			out = append(out, span{next, x.lo.sub1()})
		}
		if x.hi == top {
			done = true
			break
		}
		next = x.hi.add1()
	}
	if !done {
		out = append(out, span{next, top})
	}
	return out
}

// subtract returns a minus b (both normalized).
func subtract(a, b []span, top u128) []span {
	if len(b) == 0 {
		return a
	}
	return intersect(a, complement(b, top))
}

// intersect returns a ∩ b (both normalized).
func intersect(a, b []span) []span {
	var out []span
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := a[i].lo, a[i].hi
		if lo.less(b[j].lo) {
			lo = b[j].lo
		}
		if b[j].hi.less(hi) {
			hi = b[j].hi
		}
		if !hi.less(lo) {
			out = append(out, span{lo, hi})
		}
		if a[i].hi.less(b[j].hi) {
			i++
		} else {
			j++
		}
	}
	return out
}

// AddrSet is a set of IPv4 and IPv6 addresses stored as sorted, disjoint,
// non-adjacent inclusive ranges per family, so that Contains is a binary
// search. It is immutable and safe for concurrent use; Contains does not
// allocate.
type AddrSet struct {
	v4 []Range4
	v6 []Range6
}

// Range4 is an inclusive IPv4 range in host byte order.
type Range4 struct{ Lo, Hi uint32 }

// Range6 is an inclusive IPv6 range; each address is two big-endian halves.
type Range6 struct{ Lo, Hi [2]uint64 }

// IsAny reports whether the set holds every IPv4 and IPv6 address.
func (s *AddrSet) IsAny() bool {
	return len(s.v4) == 1 && s.v4[0] == Range4{0, 0xffffffff} &&
		len(s.v6) == 1 && s.v6[0] == Range6{Hi: [2]uint64{^uint64(0), ^uint64(0)}}
}

// Ranges4 returns the IPv4 ranges (sorted, disjoint) and whether the set
// holds any IPv6 address. The caller must not modify them. Detection
// indexes rules by address with them.
func (s *AddrSet) Ranges4() (r []Range4, has6 bool) { return s.v4, len(s.v6) > 0 }

// IsEmpty reports whether the set holds no address.
func (s *AddrSet) IsEmpty() bool { return len(s.v4) == 0 && len(s.v6) == 0 }

// Contains reports whether a is in the set. IPv4-mapped IPv6 addresses are
// treated as IPv4.
func (s *AddrSet) Contains(a netip.Addr) bool {
	if a.Is4() || a.Is4In6() {
		b := a.Unmap().As4()
		return s.Contains4(binary.BigEndian.Uint32(b[:]))
	}
	if !a.Is6() {
		return false
	}
	b := a.As16()
	return s.Contains6(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]))
}

// Contains4 reports whether the IPv4 address v (host byte order) is in the set.
func (s *AddrSet) Contains4(v uint32) bool {
	r := s.v4
	lo, hi := 0, len(r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r[m].Hi < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(r) && r[lo].Lo <= v
}

// Contains6 reports whether the IPv6 address with halves hi, lo is in the set.
func (s *AddrSet) Contains6(hi, lo uint64) bool {
	v := u128{hi, lo}
	r := s.v6
	l, h := 0, len(r)
	for l < h {
		m := int(uint(l+h) >> 1)
		if (u128{r[m].Hi[0], r[m].Hi[1]}).less(v) {
			l = m + 1
		} else {
			h = m
		}
	}
	return l < len(r) && !v.less(u128{r[l].Lo[0], r[l].Lo[1]})
}

// String prints the set as a bracketed list of ranges and CIDRs, or "any".
func (s *AddrSet) String() string {
	if s.IsAny() {
		return "any"
	}
	var parts []string
	for _, r := range s.v4 {
		parts = append(parts, rangeString(
			netip.AddrFrom4([4]byte{byte(r.Lo >> 24), byte(r.Lo >> 16), byte(r.Lo >> 8), byte(r.Lo)}),
			netip.AddrFrom4([4]byte{byte(r.Hi >> 24), byte(r.Hi >> 16), byte(r.Hi >> 8), byte(r.Hi)})))
	}
	for _, r := range s.v6 {
		parts = append(parts, rangeString(addr6(u128{r.Lo[0], r.Lo[1]}), addr6(u128{r.Hi[0], r.Hi[1]})))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func addr6(v u128) netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], v.hi)
	binary.BigEndian.PutUint64(b[8:], v.lo)
	return netip.AddrFrom16(b)
}

// rangeString prints a range as an address, a prefix when it is one, or lo-hi.
func rangeString(lo, hi netip.Addr) string {
	if lo == hi {
		return lo.String()
	}
	for b := lo.BitLen() - 1; b >= 0; b-- {
		p := netip.PrefixFrom(lo, b)
		if p.Masked().Addr() != lo {
			break
		}
		if lastAddr(p) == hi {
			return p.String()
		}
	}
	return lo.String() + "-" + hi.String()
}

// addrSpans is the load-time form of an address set.
type addrSpans struct{ v4, v6 []span }

func anyAddr() addrSpans {
	return addrSpans{[]span{{u128{}, max32}}, []span{{u128{}, max128}}}
}

func (a addrSpans) union(b addrSpans) addrSpans {
	return addrSpans{
		normalize(append(slices.Clip(a.v4), b.v4...)),
		normalize(append(slices.Clip(a.v6), b.v6...)),
	}
}

func (a addrSpans) subtract(b addrSpans) addrSpans {
	return addrSpans{subtract(a.v4, b.v4, max32), subtract(a.v6, b.v6, max128)}
}

func (a addrSpans) complement() addrSpans {
	return addrSpans{complement(a.v4, max32), complement(a.v6, max128)}
}

func (a addrSpans) set() *AddrSet {
	s := &AddrSet{}
	for _, x := range a.v4 {
		s.v4 = append(s.v4, Range4{uint32(x.lo.lo), uint32(x.hi.lo)})
	}
	for _, x := range a.v6 {
		s.v6 = append(s.v6, Range6{[2]uint64{x.lo.hi, x.lo.lo}, [2]uint64{x.hi.hi, x.hi.lo}})
	}
	return s
}

// prefixSpans returns the span of a prefix (host bits ignored) in its family.
func prefixSpans(p netip.Prefix) addrSpans {
	p = p.Masked()
	lo, hi := toU128(p.Addr()), toU128(lastAddr(p))
	if p.Addr().Is4() {
		return addrSpans{v4: []span{{lo, hi}}}
	}
	return addrSpans{v6: []span{{lo, hi}}}
}

func toU128(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// lastAddr returns the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	if a.Is4() {
		b := a.As4()
		v := binary.BigEndian.Uint32(b[:])
		if p.Bits() < 32 {
			v |= ^uint32(0) >> p.Bits()
		}
		binary.BigEndian.PutUint32(b[:], v)
		return netip.AddrFrom4(b)
	}
	v := toU128(a)
	switch n := p.Bits(); {
	case n == 0:
		v = max128
	case n < 64:
		v.hi |= ^uint64(0) >> n
		v.lo = ^uint64(0)
	case n < 128:
		v.lo |= ^uint64(0) >> (n - 64)
	}
	return addr6(v)
}

// PortSet is a set of ports stored as sorted, disjoint, non-adjacent
// inclusive ranges. It is immutable and safe for concurrent use; Contains
// does not allocate.
type PortSet struct{ r []PortRange }

// PortRange is an inclusive port range.
type PortRange struct{ Lo, Hi uint16 }

// IsAny reports whether the set holds every port.
func (s *PortSet) IsAny() bool { return len(s.r) == 1 && s.r[0] == PortRange{0, 0xffff} }

// Ranges returns the ranges (sorted, disjoint). The caller must not modify them.
func (s *PortSet) Ranges() []PortRange { return s.r }

// Contains reports whether port p is in the set.
func (s *PortSet) Contains(p uint16) bool {
	r := s.r
	if len(r) == 1 { // the common case: any, one port, one range
		return r[0].Lo <= p && p <= r[0].Hi
	}
	lo, hi := 0, len(r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r[m].Hi < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(r) && r[lo].Lo <= p
}

// String prints the set like a rule port expression.
func (s *PortSet) String() string {
	if s.IsAny() {
		return "any"
	}
	parts := make([]string, 0, len(s.r))
	for _, r := range s.r {
		if r.Lo == r.Hi {
			parts = append(parts, fmt.Sprint(r.Lo))
		} else {
			parts = append(parts, fmt.Sprintf("%d:%d", r.Lo, r.Hi))
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func portSet(s []span) *PortSet {
	p := &PortSet{r: make([]PortRange, 0, len(s))}
	for _, x := range s {
		p.r = append(p.r, PortRange{uint16(x.lo.lo), uint16(x.hi.lo)})
	}
	return p
}
