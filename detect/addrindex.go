package detect

import (
	"net/netip"
	"slices"

	"vigil/rules"
)

// addrIndex finds the rules of a group whose source (or destination)
// address set holds a packet's address, so that a packet does not test
// every rule of a long address list one by one. ET Open has about a
// thousand rules without content whose header is a list of addresses
// (compromised hosts, Tor, CINS): without the index each is a candidate
// for every packet. Suricata has its IP-only engine for them; this is the
// same idea over the group's always-candidates.
//
// The IPv4 space is cut into intervals at every range end of the indexed
// sets; each interval lists the rules whose set covers it. An entry is
// the rule number shifted left by one, with bit 0 set for bidirectional
// rules (which are also looked up with the other address of the packet).
// A rule with IPv6 ranges is a candidate for every IPv6 packet.
type addrIndex struct {
	bounds []uint32 // interval starts, sorted; bounds[0] == 0
	off    []int32  // interval i's entries are ents[off[i]:off[i+1]]
	ents   []int32
	v6     []int32 // entries of rules with IPv6 ranges
}

// addrIndexMax is the largest address set (in IPv4 addresses) a rule may
// have to be indexed: a wider one (!$HOME_NET) would sit in most
// intervals, and stays an always-candidate.
const addrIndexMax = 1 << 24

// indexable returns a's IPv4 ranges when a is small enough to index.
func indexable(a *rules.AddrSet) ([]rules.Range4, bool) {
	if a == nil {
		return nil, false
	}
	r, _ := a.Ranges4()
	n := uint64(0)
	for _, x := range r {
		n += uint64(x.Hi-x.Lo) + 1
	}
	return r, n <= addrIndexMax
}

// splitAlways moves the rules of always that can be found by address into
// the group's address indexes: rules with a small source set are indexed
// by source, others with a small destination set by destination. It
// returns the rules left (still in rule order).
func (g *group) splitAlways(sigs []*Sig, always []int32) []int32 {
	var bySrc, byDst []int32
	var left []int32
	for _, n := range always {
		s := sigs[n]
		if s.anyHeader {
			left = append(left, n)
			continue
		}
		if _, ok := indexable(s.src); ok {
			bySrc = append(bySrc, n)
		} else if _, ok := indexable(s.dst); ok {
			byDst = append(byDst, n)
		} else {
			left = append(left, n)
		}
	}
	g.bySrc = buildAddrIndex(sigs, bySrc, func(s *Sig) *rules.AddrSet { return s.src })
	g.byDst = buildAddrIndex(sigs, byDst, func(s *Sig) *rules.AddrSet { return s.dst })
	return left
}

func buildAddrIndex(sigs []*Sig, nums []int32, set func(*Sig) *rules.AddrSet) *addrIndex {
	if len(nums) == 0 {
		return nil
	}
	x := &addrIndex{bounds: []uint32{0}}
	for _, n := range nums {
		r, _ := set(sigs[n]).Ranges4()
		for _, rg := range r {
			x.bounds = append(x.bounds, rg.Lo)
			if rg.Hi != ^uint32(0) {
				x.bounds = append(x.bounds, rg.Hi+1)
			}
		}
	}
	slices.Sort(x.bounds)
	x.bounds = slices.Compact(x.bounds)
	lists := make([][]int32, len(x.bounds))
	for _, n := range nums {
		s := sigs[n]
		ent := n << 1
		if s.bidir {
			ent |= 1
		}
		r, has6 := set(s).Ranges4()
		if has6 {
			x.v6 = append(x.v6, ent)
		}
		for _, rg := range r {
			i, _ := slices.BinarySearch(x.bounds, rg.Lo)
			for ; i < len(x.bounds) && x.bounds[i] <= rg.Hi; i++ {
				lists[i] = append(lists[i], ent)
				if x.bounds[i] == ^uint32(0) {
					break
				}
			}
		}
	}
	x.off = make([]int32, 0, len(lists)+1)
	for _, l := range lists {
		x.off = append(x.off, int32(len(x.ents)))
		x.ents = append(x.ents, l...)
	}
	x.off = append(x.off, int32(len(x.ents)))
	return x
}

// lookup appends to out the rules whose set holds a (only the
// bidirectional ones when bidirOnly).
func (x *addrIndex) lookup(a netip.Addr, bidirOnly bool, out []int32) []int32 {
	var ents []int32
	switch {
	case a.Is4() || a.Is4In6():
		b := a.Unmap().As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		// The last interval starting at or before v.
		i, found := slices.BinarySearch(x.bounds, v)
		if !found {
			i--
		}
		ents = x.ents[x.off[i]:x.off[i+1]]
	case a.Is6():
		ents = x.v6
	}
	for _, e := range ents {
		if !bidirOnly || e&1 != 0 {
			out = append(out, e>>1)
		}
	}
	return out
}

// addrCands appends the rules of g's address indexes that p's addresses
// can match: by source for the source, and for bidirectional rules the
// other way round too.
func (m *Matcher) addrCands(g *group, p *Packet) {
	if x := g.bySrc; x != nil {
		m.cands = x.lookup(p.Src, false, m.cands)
		m.cands = x.lookup(p.Dst, true, m.cands)
	}
	if x := g.byDst; x != nil {
		m.cands = x.lookup(p.Dst, false, m.cands)
		m.cands = x.lookup(p.Src, true, m.cands)
	}
}
