package eve

import (
	"strconv"
	"testing"
)

// TestRRTypeTable checks the one rr-type table: sorted and unique (the
// lookup is a binary search), names round trip, Suricata 8.0's names for
// NULL, DNAME and SPF, and numbers for types it does not name.
func TestRRTypeTable(t *testing.T) {
	for i := 1; i < len(rrTypes); i++ {
		if rrTypes[i-1].num >= rrTypes[i].num {
			t.Errorf("rrTypes not sorted at %d (%d)", i, rrTypes[i].num)
		}
	}
	for _, e := range rrTypes {
		if n, ok := RRTypeNumber(e.name); !ok || n != e.num {
			t.Errorf("RRTypeNumber(%q) = %d, %v; want %d", e.name, n, ok, e.num)
		}
	}
	for _, c := range []struct {
		t    uint16
		want string
	}{
		{1, "A"}, {10, "NULL"}, {23, "NSAPPTR"}, {39, "DNAME"}, {65, "HTTPS"}, {99, "SPF"}, {254, "MAILA"},
		{256, "URI"},
		// Not in Suricata 8.0's table: logged as numbers.
		{0, "0"}, {64, "64"}, {252, "252"}, {257, "257"}, {65280, "65280"}, {65535, "65535"},
	} {
		got := string(appendRRType(nil, "rrtype", c.t))
		if want := `"rrtype":"` + c.want + `"`; got != want {
			t.Errorf("type %d: %s, want %s", c.t, got, want)
		}
		if n, ok := RRTypeNumber(c.want); !ok || n != c.t {
			t.Errorf("RRTypeNumber(%q) = %d, %v", c.want, n, ok)
		}
	}
	if _, ok := RRTypeNumber("BOGUS"); ok {
		t.Errorf("RRTypeNumber accepted BOGUS")
	}
	if _, ok := RRTypeNumber(strconv.Itoa(70000)); ok {
		t.Errorf("RRTypeNumber accepted 70000")
	}
}
