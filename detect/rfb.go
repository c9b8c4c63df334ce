package detect

import (
	"math"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// checkU32 rejects comparisons a Suricata u32 keyword cannot hold.
func checkU32(c uintCmp) error {
	if c.op == 0 {
		return errBadValue("unsupported comparison")
	}
	if c.a > math.MaxUint32 || c.b > math.MaxUint32 {
		return errBadValue("value out of range for an unsigned 32-bit integer")
	}
	return nil
}

// rfbSecResults are the names rfb.secresult accepts for its values.
var rfbSecResults = []string{"ok", "fail", "toomany", "unknown"}

// parseRFBSecResult parses rfb.secresult's value: a u32 comparison, or
// one of the result names, optionally negated with '!'.
func parseRFBSecResult(v string) (uintCmp, error) {
	v = strings.TrimSpace(v)
	if c, err := parseUintCmpText(v); err == nil {
		return c, checkU32(c)
	}
	op := cmpEq
	if name, ok := strings.CutPrefix(v, "!"); ok {
		op, v = cmpNe, strings.TrimSpace(name)
	}
	for i, n := range rfbSecResults {
		if strings.EqualFold(v, n) {
			return uintCmp{op: op, a: uint64(i)}, nil
		}
	}
	return uintCmp{}, errBadValue("unknown security result " + v + " (want ok, fail, toomany, unknown or a number)")
}

// setupRFBSecResult is rfb.secresult:<value>, the SecurityResult status
// of the handshake. Docs: rules/rfb-keywords.html#rfb-secresult
func setupRFBSecResult(b *sigBuilder, o ruleparser.Option) error {
	t, ok := o.(*ruleparser.Text)
	if !ok {
		return errBadValue("unexpected value")
	}
	cmp, err := parseRFBSecResult(t.Value)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.RFBSecResult, &valueItem{size: 4, cmp: cmp})
}
