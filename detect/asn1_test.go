package detect

import (
	"strings"
	"testing"

	"vigil/ruleparser"
)

// asn1Fires compiles one rule with asn1 options opts (after an optional
// content) and reports whether it alerts on payload.
func asn1Fires(t *testing.T, before, opts, payload string) bool {
	t.Helper()
	rule := `alert tcp any any -> any any (msg:"x"; ` + before + ` asn1:` + opts + `; sid:1;)`
	e, rep := compileDialect(t, ruleparser.DialectSuricata, rule)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded (skipped %v, errors %v): %s", rep.Skipped, rep.Errors, rule)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket(payload, true)
	p.HasStream = false
	return len(m.MatchPacket(p, nil)) > 0
}

type asn1Case struct {
	name, before, opts, payload string
	want                        bool
}

func runASN1(t *testing.T, cases []asn1Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := asn1Fires(t, tc.before, tc.opts, tc.payload); got != tc.want {
				t.Errorf("asn1:%s on %q: got %v, want %v", tc.opts, tc.payload, got, tc.want)
			}
		})
	}
}

func TestASN1BitstringOverflow(t *testing.T) {
	runASN1(t, []asn1Case{
		{"unused bits beyond the data", "", "bitstring_overflow", "\x03\x02\x09\xff", true},
		{"unused bits within the data", "", "bitstring_overflow", "\x03\x02\x07\x80", false},
		{"empty bit string", "", "bitstring_overflow", "\x03\x00", true},
		{"nested in a sequence", "", "bitstring_overflow", "\x30\x06\x02\x01\x01\x03\x01\x01", true},
		{"context tag is opaque", "", "bitstring_overflow", "\xa0\x03\x03\x01\x01", false},
		{"constructed bit string not checked", "", "bitstring_overflow", "\x23\x00", false},
		{"truncated element is not decoded", "", "bitstring_overflow", "\x03\x05\x09", false},
	})
}

func TestASN1DoubleOverflow(t *testing.T) {
	long := "\x09\x82\x01\x01\x01" + strings.Repeat("1", 256) // REAL, 257 bytes, decimal NR1
	runASN1(t, []asn1Case{
		{"long decimal real", "", "double_overflow", long, true},
		{"binary encoding", "", "double_overflow", "\x09\x82\x01\x01\x80" + strings.Repeat("1", 256), false},
		{"256 bytes is fine", "", "double_overflow", "\x09\x82\x01\x00\x01" + strings.Repeat("1", 255), false},
		{"other check only", "", "bitstring_overflow", long, false},
	})
}

func TestASN1OversizeLength(t *testing.T) {
	runASN1(t, []asn1Case{
		{"longer than the limit", "", "oversize_length 3", "\x04\x04abcd", true},
		{"at the limit", "", "oversize_length 4", "\x04\x04abcd", false},
		{"a child over the limit", "", "oversize_length 5", "\x30\x08\x04\x06abcdef", true},
		{"second top-level element", "", "oversize_length 3", "\x05\x00\x04\x04abcd", true},
		{"after a broken element", "", "oversize_length 3", "\x05\x01\x04\x04abcd", false},
		{"long-form length", "", "oversize_length 127", "\x04\x81\x80" + strings.Repeat("a", 128), true},
		{"indefinite sequence", "", "oversize_length 1", "\x30\x80\x04\x02ab\x00\x00", true},
	})
}

func TestASN1AbsoluteOffset(t *testing.T) {
	runASN1(t, []asn1Case{
		{"decodes from the offset", "", "bitstring_overflow, absolute_offset 3", "xyz\x03\x01\x09", true},
		{"not from the start", "", "bitstring_overflow, absolute_offset 0", "xyz\x03\x01\x09", false},
		{"offset past the end", "", "bitstring_overflow, absolute_offset 10", "\x03\x01\x09", false},
		{"ignores the previous match", `content:"zz";`, "bitstring_overflow absolute_offset 0", "\x03\x01\x09zz", true},
	})
}

func TestASN1RelativeOffset(t *testing.T) {
	runASN1(t, []asn1Case{
		{"after the content", `content:"AB";`, "bitstring_overflow,relative_offset 0", "xxAB\x03\x01\x09", true},
		{"skip bytes after the content", `content:"AB";`, "bitstring_overflow,relative_offset 2", "xxAB..\x03\x01\x09", true},
		{"negative", `content:"|09|";`, "bitstring_overflow,relative_offset -3", "xx\x03\x01\x09", true},
		{"before the buffer", `content:"xx";`, "bitstring_overflow,relative_offset -5", "xx\x03\x01\x09", false},
		{"wrong place", `content:"AB";`, "bitstring_overflow,relative_offset 1", "xxAB\x03\x01\x09", false},
		// The ET GPL NETBIOS rules' form.
		{"et form", `content:"NTLMSSP";`, "double_overflow, bitstring_overflow, relative_offset 2, oversize_length 2048",
			"NTLMSSP..\x04\x82\x10\x00" + strings.Repeat("a", 4096), true},
	})
}

func TestASN1ParseErrors(t *testing.T) {
	for _, opts := range []string{
		"", "bogus", "oversize_length", "oversize_length x", "oversize_length -1", "oversize_length 4294967296",
		"absolute_offset 65536", "absolute_offset -1", "relative_offset 65536", "relative_offset -65536",
	} {
		if _, err := parseASN1(strings.Split(opts, ",")); err == nil {
			t.Errorf("asn1:%s accepted", opts)
		}
	}
	it, err := parseASN1([]string{"bitstring_overflow double_overflow oversize_length 7", " relative_offset -2"})
	if err != nil {
		t.Fatal(err)
	}
	if !it.bitstring || !it.double || !it.hasOversize || it.oversize != 7 || !it.hasRel || it.rel != -2 || it.abs != -1 {
		t.Errorf("got %+v", *it)
	}
}
