package detect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// asn1 decodes the payload from an offset as a sequence of BER elements
// and matches when one of them, at any nesting depth, breaks a check.
// Docs: https://docs.suricata.io/en/latest/rules/payload-keywords.html#asn1
//
// The semantics are Suricata 8's (rust/src/asn1), written from its
// documentation and behaviour:
//   - decoding starts at absolute_offset N (0 to 65535) in the buffer, else
//     at relative_offset N (-65535 to 65535) from the end of the previous
//     match, else at 0. A start outside the buffer (or beyond 65535) fails.
//   - top-level elements are decoded one after another until the buffer
//     ends, an element does not decode (truncated contents included) or
//     asn1MaxFrames elements were read. A broken element ends decoding but
//     the elements before it are still checked.
//   - universal SEQUENCE and SET contents are decoded as elements too, at
//     most asn1MaxFrames levels deep; other contents are opaque.
//   - oversize_length N: an element's definite length is greater than N.
//   - bitstring_overflow: a primitive universal BIT STRING is empty, or its
//     unused-bits count (first content byte) exceeds the bits it has,
//     (length-1)*8.
//   - double_overflow: a primitive universal REAL longer than 256 bytes in
//     the decimal encoding (first content byte's top two bits zero).
//
// The keyword does not move the cursor.
type asn1Item struct {
	bitstring, double bool
	oversize          uint32
	hasOversize       bool
	abs               int // -1 when absolute_offset is not given
	rel               int
	hasRel            bool
}

// asn1MaxFrames bounds top-level elements and nesting, Suricata's default
// asn1-max-frames.
const asn1MaxFrames = 30

// parseASN1 builds the item from the checked option list (commas or
// spaces between options, a number after the three valued ones).
func parseASN1(a []string) (*asn1Item, error) {
	it := &asn1Item{abs: -1}
	var words []string
	for _, x := range a {
		words = append(words, strings.Fields(x)...)
	}
	if len(words) == 0 {
		return nil, errBadValue("no option")
	}
	num := func(i int, name string, lo, hi int64) (int64, error) {
		if i+1 >= len(words) {
			return 0, errBadValue(name + " needs a number")
		}
		v, err := strconv.ParseInt(words[i+1], 10, 64)
		if err != nil || v < lo || v > hi {
			return 0, errBadValue(fmt.Sprintf("%s %q must be %d to %d", name, words[i+1], lo, hi))
		}
		return v, nil
	}
	for i := 0; i < len(words); i++ {
		switch w := words[i]; w {
		case "bitstring_overflow":
			it.bitstring = true
		case "double_overflow":
			it.double = true
		case "oversize_length":
			v, err := num(i, w, 0, math.MaxUint32)
			if err != nil {
				return nil, err
			}
			it.oversize, it.hasOversize = uint32(v), true
			i++
		case "absolute_offset":
			v, err := num(i, w, 0, math.MaxUint16)
			if err != nil {
				return nil, err
			}
			it.abs = int(v)
			i++
		case "relative_offset":
			v, err := num(i, w, -math.MaxUint16, math.MaxUint16)
			if err != nil {
				return nil, err
			}
			it.rel, it.hasRel = int(v), true
			i++
		default:
			return nil, errBadValue(fmt.Sprintf("unknown asn1 option %q", w))
		}
	}
	return it, nil
}

func setupASN1(b *sigBuilder, a *ruleparser.Args) error {
	it, err := parseASN1(a.Args)
	if err != nil {
		return err
	}
	return b.add(it)
}

func (it *asn1Item) relative() bool { return it.abs < 0 && it.hasRel }
func (it *asn1Item) retry() bool    { return false }

func (it *asn1Item) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	start := 0
	switch {
	case it.abs >= 0:
		start = it.abs
	case it.hasRel:
		start = cursor + it.rel
		if start < 0 || start > math.MaxUint16 {
			return 0, 0, false
		}
	}
	if start >= len(buf) {
		return 0, 0, false
	}
	rest := buf[start:]
	for n := 0; n < asn1MaxFrames && len(rest) > 0; n++ {
		hit, next, ok := it.element(rest, asn1MaxFrames)
		if hit {
			return cursor, cursor, true
		}
		if !ok {
			break
		}
		rest = next
	}
	return 0, 0, false
}

// element decodes the element at the start of b and checks it and its
// children. It returns whether a check fired, the bytes after the element
// and whether the element decoded.
func (it *asn1Item) element(b []byte, depth int) (hit bool, rest []byte, ok bool) {
	if depth == 0 {
		return false, nil, false
	}
	h, ok := asn1Header(b)
	if !ok {
		return false, nil, false
	}
	body := b[h.hdr:]
	if h.definite {
		if uint64(h.length) > uint64(len(body)) {
			return false, nil, false
		}
		body = body[:h.length]
		if it.check(h, body) {
			return true, nil, true
		}
	}
	if !h.constructed {
		if !h.definite {
			return false, nil, false // indefinite primitive is invalid BER
		}
		return false, b[h.hdr+len(body):], true
	}
	// Constructed: children are decoded for universal SEQUENCE and SET
	// (and always for the indefinite form, which has no other end).
	walk := h.class == 0 && (h.tag == 16 || h.tag == 17)
	if h.definite && !walk {
		return false, b[h.hdr+len(body):], true
	}
	inner := body
	for len(inner) > 0 {
		if !h.definite && len(inner) >= 2 && inner[0] == 0 && inner[1] == 0 {
			return false, inner[2:], true
		}
		hit, next, ok := it.element(inner, depth-1)
		if hit {
			return true, nil, true
		}
		if !ok {
			return false, nil, false
		}
		inner = next
	}
	if !h.definite {
		return false, nil, false // no end-of-contents
	}
	return false, b[h.hdr+len(body):], true
}

// check runs the enabled checks on one element with a definite length.
func (it *asn1Item) check(h asn1Hdr, body []byte) bool {
	if it.hasOversize && h.length > it.oversize {
		return true
	}
	if h.class != 0 || h.constructed {
		return false
	}
	switch {
	case it.bitstring && h.tag == 3:
		return len(body) == 0 || uint64(len(body)-1)*8 < uint64(body[0])
	case it.double && h.tag == 9:
		return len(body) > 256 && body[0]&0xc0 == 0
	}
	return false
}

// asn1Hdr is a decoded BER identifier and length.
type asn1Hdr struct {
	class       uint8 // 0 universal, 1 application, 2 context, 3 private
	constructed bool
	tag         uint32
	definite    bool
	length      uint32
	hdr         int // bytes of identifier and length
}

// asn1Header reads an identifier (high tag numbers of up to four 7-bit
// groups) and a length (short, long of up to four significant bytes, or
// indefinite for constructed elements).
func asn1Header(b []byte) (asn1Hdr, bool) {
	var h asn1Hdr
	if len(b) < 2 {
		return h, false
	}
	h.class = b[0] >> 6
	h.constructed = b[0]&0x20 != 0
	h.tag = uint32(b[0] & 0x1f)
	p := 1
	if h.tag == 0x1f {
		h.tag = 0
		for n := 0; ; n++ {
			if p >= len(b) || n == 4 {
				return h, false
			}
			c := b[p]
			p++
			h.tag = h.tag<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if p >= len(b) {
		return h, false
	}
	c := b[p]
	p++
	switch {
	case c < 0x80:
		h.definite, h.length = true, uint32(c)
	case c == 0x80:
		if !h.constructed {
			return h, false
		}
	case c == 0xff:
		return h, false // reserved
	default:
		size := int(c & 0x7f)
		if size > len(b)-p {
			return h, false
		}
		var v uint64
		for _, d := range b[p : p+size] {
			v = v<<8 | uint64(d)
			if v > math.MaxUint32 {
				return h, false
			}
		}
		p += size
		h.definite, h.length = true, uint32(v)
	}
	h.hdr = p
	return h, true
}

// checkASN1 validates the option list at parse time, with the grammar
// compiling uses.
func checkASN1(a []string) error {
	_, err := parseASN1(a)
	return err
}
