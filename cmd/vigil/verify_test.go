package main

import (
	"bytes"
	"os"
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

// minVerifyEVEPass is the number of Suricata's EVE record tests
// (../shared/verify-eve) Vigil passes; it only goes up. The whole corpus
// runs in about 15 seconds on 2 cores.
const minVerifyEVEPass = 402

// TestVerifyEVECorpus runs `vigil verify` over Suricata's EVE record tests.
func TestVerifyEVECorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the verify-eve corpus")
	}
	dir := filepath.Join(testutil.SharedDir(t), "verify-eve")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no verify-eve corpus: %v", err)
	}
	var out, errb bytes.Buffer
	cmdVerify([]string{dir}, &out, &errb)
	m := regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed, (\d+) skipped$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no summary line in:\n%s%s", out.String(), errb.String())
	}
	pass, _ := strconv.Atoi(m[1])
	t.Logf("verify-eve: %s passed, %s failed, %s skipped", m[1], m[2], m[3])
	if pass < minVerifyEVEPass {
		t.Errorf("%d tests pass, want at least %d:\n%s", pass, minVerifyEVEPass, out.String())
	}
}
