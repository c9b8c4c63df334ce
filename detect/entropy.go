package detect

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// entropy: the Shannon entropy (bits per byte, 0 to 8) of the inspected
// buffer compared with a float.
// Docs: https://docs.suricata.io/en/latest/rules/payload-keywords.html#entropy
//
//	entropy: [bytes <n>,] [offset <n>,] value <float comparison>;
//
// As in Suricata 8 (rust/src/detect/entropy.rs, detect-entropy.c):
//   - offset (-65535..65535; only a positive one moves) skips bytes of the
//     buffer, bytes (when positive) limits how many are measured; a
//     buffer too short for either does not match. Offsets are absolute,
//     never relative to a previous match.
//   - value is a float comparison: =x (or x), !=x, <x, <=x, >x, >=x, and
//     the ranges a-b or a<>b (a < v < b) and !a-b; x may be NaN, inf, +inf,
//     -inf or a decimal number with an exponent.
//   - every computed entropy is stored in a float flow variable named by
//     the buffer ("content" for the packet payload, the sticky buffer's
//     name otherwise), whether or not the comparison holds; EVE logs the
//     flow's floats as metadata.entropy.

// floatCmp is a float comparison of Suricata's float grammar.
type floatCmp struct {
	op     byte // '=', '!', '<', 'l' (<=), '>', 'g' (>=), 'r' range, 'n' negated range
	a1, a2 float64
}

func (c floatCmp) match(v float64) bool {
	switch c.op {
	case '=':
		return v == c.a1
	case '!':
		return v != c.a1
	case '<':
		return v < c.a1
	case 'l':
		return v <= c.a1
	case '>':
		return v > c.a1
	case 'g':
		return v >= c.a1
	case 'r':
		return v > c.a1 && v < c.a2
	}
	return v <= c.a1 || v >= c.a2
}

// parseFloatValue reads a float at the start of s and returns the rest.
func parseFloatValue(s string) (float64, string, bool) {
	for _, w := range [...]struct {
		text string
		v    float64
	}{{"nan", math.NaN()}, {"+inf", math.Inf(1)}, {"inf", math.Inf(1)}, {"-inf", math.Inf(-1)}} {
		if len(s) >= len(w.text) && strings.EqualFold(s[:len(w.text)], w.text) {
			return w.v, s[len(w.text):], true
		}
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		if i >= len(s) || s[i] != '.' {
			return 0, s, false
		}
		i++
		if digits() == 0 {
			return 0, s, false
		}
	} else if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		digits()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			i = j
		}
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, s, false
	}
	return v, s[i:], true
}

// parseFloatCmp parses a whole float comparison (trailing spaces allowed).
func parseFloatCmp(s string) (floatCmp, error) {
	bad := fmt.Errorf("bad float comparison %q", s)
	end := func(c floatCmp, rest string) (floatCmp, error) {
		if strings.TrimRight(rest, " ") != "" {
			return c, bad
		}
		return c, nil
	}
	// Range: [!]a-b or a<>b, b > a.
	r := s
	neg := strings.HasPrefix(r, "!")
	if neg {
		r = r[1:]
	}
	if a1, rest, ok := parseFloatValue(r); ok {
		rest = strings.TrimLeft(rest, " ")
		sep := ""
		if strings.HasPrefix(rest, "-") {
			sep = "-"
		} else if strings.HasPrefix(rest, "<>") {
			sep = "<>"
		}
		if sep != "" {
			a2, rest, ok := parseFloatValue(strings.TrimLeft(rest[len(sep):], " "))
			if !ok || !(a2 > a1 && a2-a1 > math.SmallestNonzeroFloat64) {
				return floatCmp{}, bad
			}
			c := floatCmp{op: 'r', a1: a1, a2: a2}
			if neg {
				c.op = 'n'
			}
			return end(c, rest)
		}
	}
	for _, m := range [...]struct {
		text string
		op   byte
	}{{">=", 'g'}, {"<=", 'l'}, {">", '>'}, {"<", '<'}, {"!=", '!'}} {
		if strings.HasPrefix(s, m.text) {
			v, rest, ok := parseFloatValue(strings.TrimLeft(s[len(m.text):], " "))
			if !ok {
				return floatCmp{}, bad
			}
			return end(floatCmp{op: m.op, a1: v}, rest)
		}
	}
	e := strings.TrimLeft(strings.TrimPrefix(s, "="), " ")
	v, rest, ok := parseFloatValue(e)
	if !ok {
		return floatCmp{}, bad
	}
	return end(floatCmp{op: '=', a1: v}, rest)
}

// entropyItem is one entropy option in a buffer's list.
type entropyItem struct {
	offset, nbytes int
	cmp            floatCmp
	varName        string
}

func (e *entropyItem) relative() bool { return false }
func (e *entropyItem) retry() bool    { return false }

func (e *entropyItem) find(t *Thread, buf []byte, cursor, resume int) (int, int, bool) {
	if resume >= 0 || len(buf) == 0 {
		// Suricata does not inspect an empty buffer: no entropy is
		// computed or stored for it.
		return 0, 0, false
	}
	data := buf
	if e.offset > 0 {
		if e.offset > len(data) {
			return 0, 0, false
		}
		data = data[e.offset:]
	}
	if e.nbytes > 0 {
		if e.nbytes > len(data) {
			return 0, 0, false
		}
		data = data[:e.nbytes]
	}
	v := shannonEntropy(data)
	if t.flow != nil {
		t.flow.setFloat(e.varName, v)
	}
	if !e.cmp.match(v) {
		return 0, 0, false
	}
	return cursor, cursor, true
}

// shannonEntropy returns the entropy of data in bits per byte (0 for no
// data), summing over byte values in order as Suricata does, so that the
// logged value is the same to the last bit.
func shannonEntropy(data []byte) float64 {
	if len(data) == 0 {
		return 0
	}
	var freq [256]uint32
	for _, c := range data {
		freq[c]++
	}
	n := float64(len(data))
	h := 0.0
	for _, f := range freq {
		if f > 0 {
			p := float64(f) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// parseEntropyArgs parses the entropy value.
func parseEntropyArgs(args []string) (*entropyItem, error) {
	if len(args) < 1 || len(args) > 4 {
		return nil, errors.New("want 1 to 4 of bytes, offset and value")
	}
	e := &entropyItem{}
	var seen [3]bool
	for _, a := range args {
		name, val, _ := strings.Cut(strings.TrimSpace(a), " ")
		val = strings.TrimSpace(val)
		switch name {
		case "bytes":
			if seen[0] {
				return nil, errors.New("bytes already set")
			}
			n, err := strconv.ParseInt(val, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("invalid bytes value %q", val)
			}
			e.nbytes, seen[0] = int(n), true
		case "offset":
			if seen[1] {
				return nil, errors.New("offset already set")
			}
			n, err := strconv.ParseInt(val, 10, 32)
			if err != nil || n > 65535 || n < -65535 {
				return nil, fmt.Errorf("invalid offset value %q (-65535 to 65535)", val)
			}
			e.offset, seen[1] = int(n), true
		case "value":
			if seen[2] {
				return nil, errors.New("value already set")
			}
			c, err := parseFloatCmp(val)
			if err != nil {
				return nil, err
			}
			e.cmp, seen[2] = c, true
		default:
			return nil, fmt.Errorf("unknown entropy option %q", name)
		}
	}
	if !seen[2] {
		return nil, errors.New("entropy needs a value")
	}
	return e, nil
}

func checkEntropy(a []string) error {
	_, err := parseEntropyArgs(a)
	return err
}

func setupEntropy(b *sigBuilder, a *ruleparser.Args) error {
	e, err := parseEntropyArgs(a.Args)
	if err != nil {
		return errBadValue(err.Error())
	}
	e.varName = "content"
	if l := b.curList(); l != nil {
		switch {
		case l.buf == bufBase64:
			e.varName = "base64_data"
		case l.buf < bufid.NumIDs && l.buf != bufid.Packet:
			e.varName = bufid.Specs[l.buf].Name
		}
	}
	return b.add(e)
}
