package ruleparser_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/ruleparser"
)

// astOpts compares ASTs modulo positions and source text.
var astOpts = cmp.Options{
	cmpopts.IgnoreTypes(ruleparser.Pos{}),
	cmpopts.IgnoreFields(ruleparser.Rule{}, "Raw", "Lines"),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// roundTrip prints r, parses the text again and returns the diff (empty
// when the ASTs are equal).
func roundTrip(t testing.TB, r *ruleparser.Rule) (string, string) {
	t.Helper()
	text := r.String()
	r2, err := ruleparser.ParseRule(text, ruleparser.Options{Dialect: r.Dialect, Keywords: keywords})
	if err != nil {
		return text, "reparse: " + err.Error()
	}
	// The cheap dump comparison first; go-cmp (slow over 45k rules) gives
	// the diff, and has the last word.
	if ruleparser.Dump(r, false) == ruleparser.Dump(r2, false) && r.Commented == r2.Commented {
		return text, ""
	}
	return text, cmp.Diff(r, r2, astOpts)
}

// TestRoundTripCorpus prints every rule of every corpus and parses the
// printed file again: the ASTs must be equal rule by rule (dump equality
// for all, go-cmp for every 16th), and printing is a fixed point.
func TestRoundTripCorpus(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(c.name, "et-") {
				t.Skip("large ET corpus skipped in -short mode")
			}
			var n, bad int
			for _, path := range corpusFiles(t, c) {
				f, _ := ruleparser.ReadFile(path, ruleparser.Options{Dialect: c.dialect, Keywords: keywords})
				var b strings.Builder
				for _, r := range f.Rules {
					b.WriteString(r.String())
					b.WriteByte('\n')
				}
				printed := b.String()
				f2, errs := ruleparser.ParseFile("printed", []byte(printed), ruleparser.Options{Dialect: f.Dialect, Keywords: keywords})
				for i, e := range errs {
					if i < 10 {
						t.Errorf("%s: printed rule does not parse: %v", path, e)
					}
				}
				if len(f2.Rules) != len(f.Rules) {
					t.Fatalf("%s: %d rules, %d after printing", path, len(f.Rules), len(f2.Rules))
				}
				var again strings.Builder
				for i, r := range f.Rules {
					n++
					r2 := f2.Rules[i]
					again.WriteString(r2.String())
					again.WriteByte('\n')
					if ruleparser.Dump(r, false) == ruleparser.Dump(r2, false) && r.Commented == r2.Commented && (n%16 != 0 || cmp.Equal(r, r2, astOpts)) {
						continue
					}
					bad++
					if bad <= 10 {
						t.Errorf("%v: round trip differs\noriginal: %s\nprinted:  %s\n%s", r.Pos, r.Raw, r.String(), cmp.Diff(r, r2, astOpts))
					}
				}
				if again.String() != printed {
					t.Errorf("%s: printing is not a fixed point", path)
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d rules failed the round trip", bad, n)
			}
			t.Logf("%d rules round-tripped", n)
		})
	}
}
