package detect

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"vigil/detect/mpm"
)

// TestAddrIndex: header-only rules over address lists (one way, both
// ways, by destination, IPv6, wide sets that are not indexed) alert on
// exactly the packets a test of every rule's header says they match.
func TestAddrIndex(t *testing.T) {
	var b strings.Builder
	addrs := []string{"192.0.2.1", "192.0.2.7", "198.51.100.0/30", "203.0.113.200", "10.1.2.3", "2001:db8::5", "255.255.255.255", "0.0.0.0"}
	sid := 1
	rule := func(hdr string) {
		fmt.Fprintf(&b, "alert ip %s (msg:\"r\"; sid:%d;)\n", hdr, sid)
		sid++
	}
	for i := range addrs {
		list := "[" + addrs[i] + "," + addrs[(i+3)%len(addrs)] + "]"
		rule(list + " any -> any any")
		rule(list + " any <> any any")
		rule("any any -> " + list + " any")
		rule("any any <> " + list + " any")
		rule(list + " any -> !" + list + " any")
	}
	rule("![192.0.2.1] any -> any any") // wide: stays an always-candidate
	rule("any any -> any any")
	e, _ := compileText(t, mpm.Hyperscan{}, b.String())
	if g := e.pkt[0]; g.bySrc == nil || g.byDst == nil || len(g.always) != 2 {
		t.Fatalf("index not built: bySrc %v byDst %v always %d", g.bySrc != nil, g.byDst != nil, len(g.always))
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	probe := []string{"192.0.2.1", "192.0.2.2", "192.0.2.7", "198.51.100.3", "198.51.100.4", "203.0.113.200",
		"10.1.2.3", "0.0.0.0", "255.255.255.255", "2001:db8::5", "2001:db8::6", "::ffff:192.0.2.1"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		p := &Packet{IPVer: 4, Proto: 17, Src: netip.MustParseAddr(probe[r.IntN(len(probe))]),
			Dst: netip.MustParseAddr(probe[r.IntN(len(probe))]), SrcPort: 1, DstPort: 2}
		if p.Src.Is4() != p.Dst.Is4() {
			continue
		}
		var want []uint32
		for _, s := range e.sigs {
			if s.headerMatch(p) {
				want = append(want, s.Rule.Sid)
			}
		}
		got := sids(m.MatchPacket(p, nil))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%v -> %v: alerts %v, headers match %v", p.Src, p.Dst, got, want)
		}
	}
}
