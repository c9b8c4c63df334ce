package detect

import "vigil/ruleparser"

// The byte_* keywords read a number out of the buffer and test it, jump
// by it, store it in a variable or compute with it.
// Docs: https://docs.suricata.io/en/latest/rules/payload-keywords.html#byte-test

// byteRead is what byte_test, byte_jump, byte_extract and byte_math share:
// where to read, how many bytes and how to decode them.
type byteRead struct {
	nbytes   numOrVar
	offset   numOrVar
	rel      bool
	little   bool // little endian
	dce      bool // endianness of the DCERPC PDU (Thread.dceBig)
	str      bool // the bytes are ASCII digits
	base     int  // 10, 16 or 8 for str
	mask     uint64
	hasMask  bool
	maskBits uint // trailing zero bits of mask: the value is shifted right by these
}

// read decodes the number at the configured position. It returns the value
// and the position just after the bytes read.
func (r *byteRead) read(t *Thread, buf []byte, cursor int) (uint64, int, bool) {
	n := int(r.nbytes.get(t))
	pos := int(r.offset.get(t))
	if r.rel {
		pos += cursor
	}
	if n < 0 || pos < 0 || pos+n > len(buf) {
		return 0, 0, false
	}
	if n == 0 {
		// byte_jump:0,... reads nothing: the jump is its post_offset alone.
		return 0, pos, true
	}
	b := buf[pos : pos+n]
	var v uint64
	if r.str {
		var ok bool
		if v, ok = parseASCII(b, r.base); !ok {
			return 0, 0, false
		}
	} else {
		if n > 8 {
			return 0, 0, false
		}
		if r.little || r.dce && !t.dceBig {
			for i := n - 1; i >= 0; i-- {
				v = v<<8 | uint64(b[i])
			}
		} else {
			for _, c := range b {
				v = v<<8 | uint64(c)
			}
		}
	}
	if r.hasMask {
		v = (v & r.mask) >> r.maskBits
	}
	return v, pos + n, true
}

// parseASCII parses b as an unsigned number in base, like strtoul over the
// whole field: leading digits are taken and at least one is required.
func parseASCII(b []byte, base int) (uint64, bool) {
	var v uint64
	digits := 0
	for _, c := range b {
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		default:
			d = 99
		}
		if d >= base {
			break
		}
		v = v*uint64(base) + uint64(d)
		digits++
	}
	return v, digits > 0
}

// byteTestItem is byte_test.
type byteTestItem struct {
	byteRead
	op      ruleparser.ByteOp
	negated bool
	value   numOrVar
}

func (b *byteTestItem) relative() bool { return b.rel }
func (b *byteTestItem) retry() bool    { return false }

func (b *byteTestItem) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	v, _, ok := b.read(t, buf, cursor)
	if !ok {
		return 0, 0, false
	}
	w := uint64(b.value.get(t))
	var m bool
	switch b.op {
	case ruleparser.ByteLt:
		m = v < w
	case ruleparser.ByteGt:
		m = v > w
	case ruleparser.ByteEq:
		m = v == w
	case ruleparser.ByteLe:
		m = v <= w
	case ruleparser.ByteGe:
		m = v >= w
	case ruleparser.ByteAnd:
		m = v&w != 0
	case ruleparser.ByteXor:
		m = v^w != 0
	}
	if b.negated {
		m = !m
	}
	return cursor, cursor, m
}

// byteJumpItem is byte_jump: it moves the cursor by the value read.
type byteJumpItem struct {
	byteRead
	mult      int64
	align     bool
	fromBegin bool
	fromEnd   bool
	post      numOrVar
}

func (b *byteJumpItem) relative() bool { return b.rel }
func (b *byteJumpItem) retry() bool    { return false }

func (b *byteJumpItem) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	v, after, ok := b.read(t, buf, cursor)
	if !ok {
		return 0, 0, false
	}
	jump := int64(v)
	if b.mult > 1 {
		jump *= b.mult
	}
	if b.align && jump%4 != 0 {
		jump += 4 - jump%4
	}
	base := int64(after)
	switch {
	case b.fromBegin:
		base = 0
	case b.fromEnd:
		base = int64(len(buf))
	}
	pos := base + jump
	if b.post.set {
		pos += b.post.get(t)
	}
	if pos < 0 || pos > int64(len(buf)) {
		return 0, 0, false
	}
	return int(pos), int(pos), true
}

// byteExtractItem is byte_extract: it stores the value in a variable and
// moves the cursor past the bytes read.
type byteExtractItem struct {
	byteRead
	slot  int8
	mult  uint64
	align uint64
}

func (b *byteExtractItem) relative() bool { return b.rel }
func (b *byteExtractItem) retry() bool    { return false }

func (b *byteExtractItem) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	v, after, ok := b.read(t, buf, cursor)
	if !ok {
		return 0, 0, false
	}
	if b.mult > 1 {
		v *= b.mult
	}
	if b.align > 1 && v%b.align != 0 {
		v += b.align - v%b.align
	}
	t.vars[b.slot] = v
	return after, after, true
}

// byteMathItem is byte_math: result = value OP rvalue, stored in a variable.
type byteMathItem struct {
	byteRead
	oper   byte // '+', '-', '*', '/', '<' (<<), '>' (>>)
	rvalue numOrVar
	slot   int8
}

func (b *byteMathItem) relative() bool { return b.rel }
func (b *byteMathItem) retry() bool    { return false }

func (b *byteMathItem) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	v, _, ok := b.read(t, buf, cursor)
	if !ok {
		return 0, 0, false
	}
	r := uint64(b.rvalue.get(t))
	switch b.oper {
	case '+':
		v += r
	case '-':
		v -= r
	case '*':
		v *= r
	case '/':
		if r == 0 {
			return 0, 0, false
		}
		v /= r
	case '<':
		v <<= r
	case '>':
		v >>= r
	}
	t.vars[b.slot] = v
	return cursor, cursor, true
}
