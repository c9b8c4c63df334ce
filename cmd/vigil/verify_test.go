package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"vigil/internal/testutil"
)

// minVerifyPass is the number of Suricata regression tests (../shared/verify)
// Vigil passes. It only goes up: raise it when detection improves; a change
// that makes a passing test fail is a regression this test catches.
const minVerifyPass = 177

// TestVerifyCorpus runs `vigil verify` over Suricata's regression tests.
func TestVerifyCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the verify corpus")
	}
	dir := filepath.Join(testutil.SharedDir(t), "verify")
	var out, errb bytes.Buffer
	cmdVerify([]string{dir}, &out, &errb)
	m := regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed, (\d+) skipped$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no summary line in:\n%s%s", out.String(), errb.String())
	}
	pass, _ := strconv.Atoi(m[1])
	t.Logf("verify: %s passed, %s failed, %s skipped", m[1], m[2], m[3])
	if pass < minVerifyPass {
		t.Errorf("%d tests pass, want at least %d:\n%s", pass, minVerifyPass, out.String())
	}
}
