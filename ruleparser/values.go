package ruleparser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Value grammars shared by several keywords. Errors returned here are
// plain (or *valueErr with an offset into the value); parse.go adds the
// position, sid and keyword.

// unquote parses a complete quoted value `"..."` (leading/trailing space
// already trimmed). It resolves \" \; \\ and \: and keeps other backslash
// pairs as written. It returns the text and the offset just after the
// closing quote.
func unquote(v string) (string, int, error) {
	if v == "" || v[0] != '"' {
		return "", 0, errAt(0, "expected a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\\':
			if i+1 >= len(v) {
				return "", 0, errAt(i, "dangling '\\' in quoted string")
			}
			n := v[i+1]
			if n == '"' || n == ';' || n == '\\' || n == ':' {
				b.WriteByte(n)
			} else {
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			i++
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errAt(0, "unterminated quoted string")
}

// quotedOnly unquotes v and rejects anything after the closing quote.
func quotedOnly(v string) (string, error) {
	s, end, err := unquote(v)
	if err != nil {
		return "", err
	}
	if rest := strings.TrimSpace(v[end:]); rest != "" {
		return "", errAt(len(v)-len(strings.TrimLeft(v[end:], " \t")), "unexpected %q after closing quote (missing ';'?)", snippet(rest))
	}
	return s, nil
}

// escapeQuoted is the inverse of unquote for printing.
func escapeQuoted(s string) string {
	if !strings.ContainsAny(s, "\"\\;") {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', ';', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// findClosingQuote returns the index of the unescaped '"' closing the
// string that opens at v[0].
func findClosingQuote(v string) int {
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// DecodeContentString decodes text in content syntax (|hex| segments and
// backslash escapes), the value of keywords such as flowvar that take a
// content string.
func DecodeContentString(s string) ([]byte, error) { return decodePattern(s, 0) }

// decodePattern decodes content text (between the quotes): |hex| segments
// and backslash escapes. base is the offset of pat inside the option value,
// for error positions.
func decodePattern(pat string, base int) ([]byte, error) {
	out := make([]byte, 0, len(pat))
	hex := false
	hexStart := 0
	hi := -1
	hiOff := 0
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if hex {
			switch {
			case c == '|':
				if hi >= 0 {
					return nil, errAt(base+hiOff, "bad hex: odd number of digits in |...| segment")
				}
				hex = false
			case c == ' ' || c == '\t':
			case unhex(c) >= 0:
				if hi < 0 {
					hi, hiOff = unhex(c), i
				} else {
					out = append(out, byte(hi<<4|unhex(c)))
					hi = -1
				}
			default:
				return nil, errAt(base+i, "bad hex: character %q in |...| segment", c)
			}
			continue
		}
		switch c {
		case '|':
			hex, hexStart = true, i
		case '\\':
			if i+1 >= len(pat) {
				return nil, errAt(base+i, "dangling '\\' in content")
			}
			i++
			out = append(out, pat[i])
		default:
			out = append(out, c)
		}
	}
	if hex {
		return nil, errAt(base+hexStart, "bad hex: unterminated |...| segment")
	}
	return out, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// splitArgs splits a comma-separated value and trims each element.
func splitArgs(v string) []string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// parseInt parses a decimal or 0x-hex integer.
func parseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := false
	t := s
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	base := 10
	if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		base, t = 16, t[2:]
	}
	n, err := strconv.ParseUint(t, base, 63)
	if err != nil || t == "" {
		return 0, fmt.Errorf("bad number %q", s)
	}
	if neg {
		return -int64(n), nil
	}
	return int64(n), nil
}

func parseUint32(s string) (uint32, error) {
	n, err := parseInt(s)
	if err != nil || n < 0 || n > 1<<32-1 {
		return 0, fmt.Errorf("bad number %q (want 0..4294967295)", strings.TrimSpace(s))
	}
	return uint32(n), nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || (i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'))) {
			return false
		}
	}
	return true
}

// parseNumOrVar parses a number or a byte_extract/byte_math variable name.
func parseNumOrVar(s string) (NumOrVar, error) {
	s = strings.TrimSpace(s)
	if n, err := parseInt(s); err == nil {
		return NumOrVar{Num: n}, nil
	}
	if isIdent(s) {
		return NumOrVar{Var: s}, nil
	}
	return NumOrVar{}, fmt.Errorf("bad number or variable %q", s)
}

// String returns the canonical text of the NumOrVar.
func (v NumOrVar) String() string {
	if v.Var != "" {
		return v.Var
	}
	return strconv.FormatInt(v.Num, 10)
}

// parseUintCmp parses the shared integer comparison grammar:
// N, =N, !N, !=N, <N, >N, <=N, >=N, A-B, A<>B, !A-B.
func parseUintCmp(v string) (UintCmp, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return UintCmp{}, errors.New("missing value")
	}
	num := func(t string) (uint64, error) {
		t = strings.TrimSpace(t)
		base := 10
		if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
			base, t = 16, t[2:]
		}
		n, err := strconv.ParseUint(t, base, 64)
		if err != nil {
			return 0, fmt.Errorf("bad number %q in %q", t, s)
		}
		return n, nil
	}
	var c UintCmp
	rest := s
	switch {
	case strings.HasPrefix(s, "<="):
		c.Op, rest = CmpLe, s[2:]
	case strings.HasPrefix(s, ">="):
		c.Op, rest = CmpGe, s[2:]
	case strings.HasPrefix(s, "!="):
		c.Op, rest = CmpNe, s[2:]
	case strings.HasPrefix(s, "<"):
		c.Op, rest = CmpLt, s[1:]
	case strings.HasPrefix(s, ">"):
		c.Op, rest = CmpGt, s[1:]
	case strings.HasPrefix(s, "="):
		c.Op, rest = CmpEq, s[1:]
	case strings.HasPrefix(s, "!"):
		c.Op, rest = CmpNe, s[1:]
	}
	if c.Op == 0 {
		if i := strings.Index(rest, "<=>"); i > 0 {
			a, err := num(rest[:i])
			if err != nil {
				return c, err
			}
			b, err := num(rest[i+3:])
			if err != nil {
				return c, err
			}
			if a > b {
				return c, fmt.Errorf("bad range %q: low end above high end", s)
			}
			return UintCmp{Op: CmpRangeIncl, A: a, B: b}, nil
		}
	}
	if c.Op == 0 || c.Op == CmpNe {
		if i := strings.Index(rest, "<>"); i > 0 {
			a, err := num(rest[:i])
			if err != nil {
				return c, err
			}
			b, err := num(rest[i+2:])
			if err != nil {
				return c, err
			}
			return rangeCmp(c.Op == CmpNe, a, b, false, s)
		}
		if i := strings.IndexByte(rest, '-'); i > 0 {
			a, err := num(rest[:i])
			if err != nil {
				return c, err
			}
			b, err := num(rest[i+1:])
			if err != nil {
				return c, err
			}
			return rangeCmp(c.Op == CmpNe, a, b, true, s)
		}
	}
	if c.Op == 0 {
		c.Op = CmpEq
	}
	n, err := num(rest)
	if err != nil {
		return c, err
	}
	c.A = n
	return c, nil
}

func rangeCmp(neg bool, a, b uint64, dash bool, s string) (UintCmp, error) {
	if a >= b {
		return UintCmp{}, fmt.Errorf("bad range %q: low end must be below high end", s)
	}
	op := CmpRange
	if neg {
		op = CmpNotRange
	}
	return UintCmp{Op: op, A: a, B: b, Dash: dash}, nil
}

// String returns the canonical text of the UintCmp.
func (c UintCmp) String() string {
	a := strconv.FormatUint(c.A, 10)
	b := strconv.FormatUint(c.B, 10)
	sep := "<>"
	if c.Dash {
		sep = "-"
	}
	switch c.Op {
	case CmpEq:
		return a
	case CmpNe:
		return "!" + a
	case CmpRange:
		return a + sep + b
	case CmpNotRange:
		return "!" + a + sep + b
	case CmpRangeIncl:
		return a + "<=>" + b
	}
	return c.Op.String() + a
}

// Match reports whether v satisfies the comparison.
func (c UintCmp) Match(v uint64) bool {
	switch c.Op {
	case CmpEq:
		return v == c.A
	case CmpNe:
		return v != c.A
	case CmpLt:
		return v < c.A
	case CmpGt:
		return v > c.A
	case CmpLe:
		return v <= c.A
	case CmpGe:
		return v >= c.A
	case CmpRange:
		return v > c.A && v < c.B
	case CmpNotRange:
		return !(v > c.A && v < c.B)
	case CmpRangeIncl:
		return v >= c.A && v <= c.B
	}
	return false
}

func pcreFlagIndex(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return 26 + int(c-'A')
	}
	return -1
}

// oneOf returns an error unless s is in set.
func oneOf(what, s string, set ...string) error {
	for _, x := range set {
		if s == x {
			return nil
		}
	}
	return fmt.Errorf("bad %s %q (want one of %s)", what, s, strings.Join(set, ", "))
}
