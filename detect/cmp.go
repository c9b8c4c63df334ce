package detect

// cmpOp is the operator of a uintCmp.
type cmpOp uint8

const (
	cmpEq cmpOp = iota + 1
	cmpNe
	cmpLt
	cmpGt
	cmpLe
	cmpGe
	cmpRange     // a < v < b (Suricata's "A-B" and "A<>B" exclude both bounds)
	cmpNotRange  // !(a < v < b)
	cmpRangeIncl // a <= v <= b (Snort 3's "A<=>B")
)

// uintCmp is an integer comparison (dsize, ttl, bsize, urilen, ...) as
// Suricata's uint keywords evaluate it.
type uintCmp struct {
	op   cmpOp
	a, b uint64
}

func (c uintCmp) match(v uint64) bool {
	switch c.op {
	case cmpEq:
		return v == c.a
	case cmpNe:
		return v != c.a
	case cmpLt:
		return v < c.a
	case cmpGt:
		return v > c.a
	case cmpLe:
		return v <= c.a
	case cmpGe:
		return v >= c.a
	case cmpRange:
		return v > c.a && v < c.b
	case cmpNotRange:
		return !(v > c.a && v < c.b)
	case cmpRangeIncl:
		return v >= c.a && v <= c.b
	}
	return false
}
