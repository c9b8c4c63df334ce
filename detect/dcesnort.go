package detect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// isSnort3DceIface reports whether a dce_iface value has Snort 3's named
// form ("uuid <uuid>[, version <interval>][, any_frag]").
func isSnort3DceIface(arg string) bool {
	for _, p := range strings.Split(arg, ",") {
		p = strings.TrimSpace(p)
		if len(p) > 5 && strings.HasPrefix(p, "uuid") && (p[4] == ' ' || p[4] == '\t') {
			return true
		}
	}
	return false
}

// parseDceIfaceSnort3 parses Snort 3's dce_iface: uuid, an optional
// version interval (N, =N, !N, <N, >N, <=N, >=N, A<>B, A<=>B) compared
// with the interface's major version, and any_frag, in any order. It
// evaluates as dcerpc.iface does.
// Docs: https://docs.snort.org/rules/options/non_payload/dce_iface
func parseDceIfaceSnort3(arg string) (*dceIfaceItem, error) {
	var it *dceIfaceItem
	var ver *ruleparser.UintCmp
	anyFrag := false
	for _, p := range strings.Split(arg, ",") {
		p = strings.TrimSpace(p)
		name, val, _ := strings.Cut(strings.ReplaceAll(p, "\t", " "), " ")
		val = strings.TrimSpace(val)
		switch name {
		case "uuid":
			if it != nil {
				return nil, errBadValue("uuid given twice")
			}
			u, err := parseDceIface(val)
			if err != nil {
				return nil, err
			}
			if u.ver != nil || u.anyFrag {
				return nil, errBadValue("bad interface uuid " + strconv.Quote(val))
			}
			it = u
		case "version":
			if ver != nil {
				return nil, errBadValue("version given twice")
			}
			c, err := parseSnortInterval(val)
			if err != nil {
				return nil, err
			}
			ver = &c
		case "any_frag":
			if val != "" {
				return nil, errBadValue("any_frag takes no value")
			}
			anyFrag = true
		default:
			return nil, errBadValue("unknown dce_iface parameter " + strconv.Quote(name))
		}
	}
	if it == nil {
		return nil, errBadValue("dce_iface needs a uuid")
	}
	it.ver, it.anyFrag = ver, anyFrag
	return it, nil
}

// parseSnortInterval parses a Snort 3 interval of 16-bit values with the
// shared comparison grammar (N, =N, !N, <N, >N, <=N, >=N, A<>B exclusive,
// A<=>B inclusive) and checks that the bounds fit a version number.
func parseSnortInterval(s string) (ruleparser.UintCmp, error) {
	c, err := ruleparser.ParseUintCmp(s)
	if err != nil {
		return c, errBadValue(fmt.Sprintf("bad version %q: %v", strings.TrimSpace(s), err))
	}
	if c.A > math.MaxUint16 || c.B > math.MaxUint16 {
		return c, errBadValue("bad version " + strconv.Quote(strings.TrimSpace(s)))
	}
	return c, nil
}
