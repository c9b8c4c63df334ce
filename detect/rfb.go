package detect

import (
	"math"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// checkU32 rejects comparisons a Suricata u32 keyword cannot hold.
func checkU32(c ruleparser.UintCmp) error {
	if c.Op == 0 {
		return errBadValue("unsupported comparison")
	}
	if c.A > math.MaxUint32 || c.B > math.MaxUint32 {
		return errBadValue("value out of range for an unsigned 32-bit integer")
	}
	return nil
}

// rfbSecResults are the names rfb.secresult accepts for its values.
var rfbSecResults = []string{"ok", "fail", "toomany", "unknown"}

// parseRFBSecResult parses rfb.secresult's value: a u32 comparison, or
// one of the result names, optionally negated with '!'.
func parseRFBSecResult(v string) (ruleparser.UintCmp, error) {
	v = strings.TrimSpace(v)
	if c, err := ruleparser.ParseUintCmp(v); err == nil {
		return c, checkU32(c)
	}
	op := ruleparser.CmpEq
	if name, ok := strings.CutPrefix(v, "!"); ok {
		op, v = ruleparser.CmpNe, strings.TrimSpace(name)
	}
	for i, n := range rfbSecResults {
		if strings.EqualFold(v, n) {
			return ruleparser.UintCmp{Op: op, A: uint64(i)}, nil
		}
	}
	return ruleparser.UintCmp{}, errBadValue("unknown security result " + v + " (want ok, fail, toomany, unknown or a number)")
}

// setupRFBSecResult is rfb.secresult:<value>, the SecurityResult status
// of the handshake. Docs: rules/rfb-keywords.html#rfb-secresult
func setupRFBSecResult(b *sigBuilder, t *ruleparser.Text) error {
	cmp, err := parseRFBSecResult(t.Value)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.RFBSecResult, &valueItem{size: 4, cmp: cmp})
}
