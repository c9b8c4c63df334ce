package ruleparser_test

import (
	"strings"
	"testing"

	"vigil/ruleparser"
)

// TestXbitsNoalert checks the name-less xbits:noalert form and that it
// prints back as written.
func TestXbitsNoalert(t *testing.T) {
	const text = `alert tcp any any -> any any (xbits:set,a,track ip_pair,expire 5; xbits:noalert; sid:1;)`
	r, err := ruleparser.ParseRule(text, ruleparser.Options{Keywords: keywords})
	if err != nil {
		t.Fatal(err)
	}
	x, ok := r.Options[1].(*ruleparser.Xbits)
	if !ok || x.Cmd != "noalert" || x.Name != "" {
		t.Fatalf("option 1 = %#v, want xbits noalert", r.Options[1])
	}
	if got := r.String(); !strings.Contains(got, "xbits:noalert;") || !strings.Contains(got, "xbits:set,a,track ip_pair,expire 5;") {
		t.Errorf("printed %q", got)
	}
	if _, err := ruleparser.ParseRule(`alert tcp any any -> any any (xbits:set; sid:1;)`, ruleparser.Options{Keywords: keywords}); err == nil {
		t.Error("xbits:set without a name parsed")
	}
}
