package ruleparser_test

import (
	"slices"
	"strings"
	"testing"

	"vigil/ruleparser"
)

// TestPCRECaptureNames checks the capture variable list after the flags
// of a pcre, and that it prints back.
func TestPCRECaptureNames(t *testing.T) {
	for _, tc := range []struct {
		value   string
		pattern string
		flags   string
		caps    []string
	}{
		{`"/(a)(b)/R"`, `(a)(b)`, "R", nil},
		{`"/^(.*)\/(\d+)/VG, flow:key,flow:value"`, `^(.*)\/(\d+)`, "VG", []string{"flow:key", "flow:value"}},
		{`"/^([a-z]+)(x)(y)/,alert:user_agent, flow:ubuntu, pkt:firefox"`, `^([a-z]+)(x)(y)`, "", []string{"alert:user_agent", "flow:ubuntu", "pkt:firefox"}},
		{`"/(a)\/(b)/, flow:ua/ubuntu/repo,pkt:x"`, `(a)\/(b)`, "", []string{"flow:ua/ubuntu/repo", "pkt:x"}},
		// No separator before the name: part of the regex.
		{`"/pkt:(a)/i"`, `pkt:(a)`, "i", nil},
	} {
		t.Run(tc.value, func(t *testing.T) {
			text := `alert tcp any any -> any any (pcre:` + tc.value + `; sid:1;)`
			r, err := ruleparser.ParseRule(text, ruleparser.Options{Keywords: keywords})
			if err != nil {
				t.Fatal(err)
			}
			p := r.Options[0].(*ruleparser.PCRE)
			if p.Pattern != tc.pattern || p.Flags != tc.flags || !slices.Equal(p.Captures, tc.caps) {
				t.Errorf("got pattern %q flags %q captures %q", p.Pattern, p.Flags, p.Captures)
			}
			r2, err := ruleparser.ParseRule(r.String(), ruleparser.Options{Keywords: keywords})
			if err != nil {
				t.Fatalf("reparse %q: %v", r.String(), err)
			}
			if p2 := r2.Options[0].(*ruleparser.PCRE); !slices.Equal(p2.Captures, tc.caps) || p2.Pattern != tc.pattern {
				t.Errorf("printed %q reparses to %q %q", r.String(), p2.Pattern, p2.Captures)
			}
			if tc.caps != nil && !strings.Contains(r.String(), tc.caps[0]) {
				t.Errorf("printed %q", r.String())
			}
		})
	}
}
