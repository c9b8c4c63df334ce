package ruleparser_test

import (
	"path/filepath"
	"testing"

	"vigil/ruleparser"
)

// TestVerifyRules parses the rules of the suricata-verify cases in
// ../shared/verify. Rules that Suricata itself must reject (the cases test
// errors) are listed in verifyBad.
func TestVerifyRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "verify", "*", "*.rules"))
	if err != nil || len(files) == 0 {
		t.Skipf("no verify rules: %v", err)
	}
	var n int
	for _, path := range files {
		f, errs := ruleparser.ReadFile(path, ruleparser.Options{Dialect: ruleparser.DialectSuricata, Keywords: keywords})
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		n += len(f.Rules)
	}
	t.Logf("%d files, %d rules", len(files), n)
}
