package ruleparser

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// astOpts compares ASTs modulo positions and source text.
var astOpts = cmp.Options{
	cmpopts.IgnoreTypes(Pos{}),
	cmpopts.IgnoreFields(Rule{}, "Raw", "Lines"),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// roundTrip prints r, parses the text again and returns the diff (empty
// when the ASTs are equal).
func roundTrip(t testing.TB, r *Rule) (string, string) {
	t.Helper()
	text := r.String()
	r2, err := ParseRule(text, Options{Dialect: r.Dialect})
	if err != nil {
		return text, "reparse: " + err.Error()
	}
	// The cheap dump comparison first; go-cmp (slow over 45k rules) gives
	// the diff, and has the last word.
	if dump(r, false) == dump(r2, false) && r.Commented == r2.Commented {
		return text, ""
	}
	return text, cmp.Diff(r, r2, astOpts)
}

// TestRoundTripCorpus prints every rule of every corpus and parses it
// again: the ASTs must be equal, and printing is a fixed point.
func TestRoundTripCorpus(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			var n, bad int
			for _, path := range corpusFiles(t, c) {
				f, _ := ReadFile(path, Options{Dialect: c.dialect})
				for _, r := range f.Rules {
					n++
					if testing.Short() && n%10 != 0 {
						continue
					}
					if n%16 == 0 && !cmp.Equal(r, mustReparse(t, r), astOpts) {
						t.Errorf("%v: go-cmp sees a difference the dump does not", r.Pos)
					}
					text, diff := roundTrip(t, r)
					if diff != "" {
						bad++
						if bad <= 10 {
							t.Errorf("%v: round trip differs\noriginal: %s\nprinted:  %s\n%s", r.Pos, r.Raw, text, diff)
						}
						continue
					}
					r2, _ := ParseRule(text, Options{Dialect: r.Dialect})
					if again := r2.String(); again != text {
						bad++
						if bad <= 10 {
							t.Errorf("%v: printing is not stable:\n%s\n%s", r.Pos, text, again)
						}
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d rules failed the round trip", bad, n)
			}
			t.Logf("%d rules round-tripped", n)
		})
	}
}

func mustReparse(t testing.TB, r *Rule) *Rule {
	t.Helper()
	r2, err := ParseRule(r.String(), Options{Dialect: r.Dialect})
	if err != nil {
		t.Fatalf("%v: reparse: %v", r.Pos, err)
	}
	return r2
}
