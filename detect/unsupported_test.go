package detect

import (
	"strings"
	"testing"

	"vigil/ruleparser"
)

// TestUnsupportedTable: every table entry that parses without a compile
// step has a reason; every reason belongs to such an entry or to a name
// the table does not know (no stale reasons for keywords that now work).
func TestUnsupportedTable(t *testing.T) {
	for i := range table {
		e := &table[i]
		_, listed := unsupported[e.Name]
		switch {
		case e.compile == nil && e.Parse != nil && !listed:
			t.Errorf("%s has no compile step and no reason in unsupported", e.Name)
		case (e.compile != nil || e.Parse == nil) && listed:
			t.Errorf("%s is evaluated but listed in unsupported", e.Name)
		}
	}
	for name, why := range unsupported {
		if why == "" {
			t.Errorf("%s: empty reason", name)
		}
		if e, ok := Keywords().byName[name]; ok && e.Name != name {
			t.Errorf("%s is an alias of %s: list the canonical name", name, e.Name)
		}
	}
	if r := UnsupportedReason("replace"); r != whyNoRewrite {
		t.Errorf("UnsupportedReason(replace) = %q", r)
	}
	if r := UnsupportedReason("content"); r != "" {
		t.Errorf("UnsupportedReason(content) = %q", r)
	}
	seen := map[string]bool{}
	for _, k := range Keywords().List() {
		if seen[k.Name] {
			t.Errorf("%s listed twice", k.Name)
		}
		seen[k.Name] = true
		if !k.Supported && k.Reason == "" || k.Doc == "" {
			t.Errorf("%+v: unsupported without reason, or no doc URL", k)
		}
	}
	if !seen["lua"] || !seen["content"] {
		t.Errorf("list lacks lua (not parsed) or content")
	}
}

// TestUnparsedKeywordError: a rule using a Suricata 8 keyword Vigil does not
// parse fails with the reason; a made-up keyword with the plain error.
func TestUnparsedKeywordError(t *testing.T) {
	for rule, want := range map[string]string{
		`alert tcp any any -> any any (msg:"x"; lua:script.lua; sid:1;)`: "unknown keyword (a Suricata keyword Vigil does not parse: " + whyNoScript + ")",
		`alert tcp any any -> any any (msg:"x"; frobnicate; sid:1;)`:     "unknown keyword",
	} {
		_, errs := ruleparser.ParseFile("t.rules", []byte(rule+"\n"), ruleparser.Options{Keywords: Keywords()})
		if len(errs) != 1 || !strings.HasSuffix(errs[0].Error(), want) {
			t.Errorf("%s: errors %v, want one ending %q", rule, errs, want)
		}
	}
}
