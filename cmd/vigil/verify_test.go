package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigil/internal/testutil"
)

// minVerifyPass is the number of Suricata regression tests (../shared/verify)
// Vigil passes. It only goes up: raise it when detection improves; a change
// that makes a passing test fail is a regression this test catches.
const minVerifyPass = 184

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
const minVerifyEVEPass = 536

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

// TestTestConfig checks the configuration a test's suricata.yaml becomes:
// its outputs, stats, logging and vars sections, the vars over the default
// variables; other sections are a reason to skip.
func TestTestConfig(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "suricata.yaml")
	yml := "%YAML 1.1\n---\nvars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/8]\"\nstats:\n  interval: 3\n" +
		"logging:\n  default-log-level: info\noutputs:\n  - eve-log:\n      types:\n        - dns:\n            version: 2\n"
	if err := os.WriteFile(src, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if why := unsupportedTestConfig(src); why != "" {
		t.Fatalf("unsupportedTestConfig = %q, want \"\"", why)
	}
	p, err := testConfig(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(p, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Vars.AddressGroups["HOME_NET"]; got != "[10.0.0.0/8]" {
		t.Errorf("HOME_NET = %q, want the test's", got)
	}
	if cfg.Vars.AddressGroups["EXTERNAL_NET"] == "" || cfg.Vars.PortGroups["HTTP_PORTS"] == "" {
		t.Errorf("default variables lost: %v %v", cfg.Vars.AddressGroups, cfg.Vars.PortGroups)
	}
	o := cfg.Outputs
	if !o.FromFile || o.StatsInterval != 3*time.Second || len(o.EVE) != 1 || o.EVE[0].Types[0].DNS.Version != 2 {
		t.Errorf("outputs %+v: want the test's eve-log, stats every 3s", o)
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0].Msg, "logging") {
		t.Errorf("warnings %v, want one about logging", o.Warnings)
	}
	if err := os.WriteFile(src, []byte("detect:\n  profile: low\noutputs: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if why := unsupportedTestConfig(src); !strings.Contains(why, "detect") {
		t.Errorf("unsupportedTestConfig = %q, want a reason naming detect", why)
	}
}

// TestInputErrorsOnly checks when vigil verify runs a test's checks after
// replay reported errors: input errors alone (a corrupt record ends the
// capture, as in Suricata), not a fatal replay error.
func TestInputErrorsOnly(t *testing.T) {
	for _, tc := range []struct {
		stderr string
		want   bool
	}{
		{"input error: x.pcap: offset 3695: record length 3925868813 exceeds the maximum 262144\nreplayed 18 packets\n", true},
		{"input error: x.pcap: bad\nvigil replay: open eve.json: permission denied\n", false},
		{"vigil replay: no rules\n", false},
		{"replayed 18 packets\n", false},
	} {
		if got := inputErrorsOnly(tc.stderr); got != tc.want {
			t.Errorf("%q: %v; want %v", tc.stderr, got, tc.want)
		}
	}
}
