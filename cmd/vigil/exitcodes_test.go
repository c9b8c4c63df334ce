package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

// vigilRun runs the command line in-process and returns the exit code and
// what it wrote.
func vigilRun(t *testing.T, args ...string) (rc int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc = dispatch(commands, "vigil", args, &out, &errb)
	return rc, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodRule = "alert tcp any any -> any any (msg:\"ok\"; content:\"a\"; sid:1;)\n"

// A capture with one Ethernet frame, so that replay gets past its inputs.
func testPcap(t *testing.T, link uint32) string {
	t.Helper()
	var b bytes.Buffer
	hdr := []any{uint32(0xa1b2c3d4), uint16(2), uint16(4), int32(0), uint32(0), uint32(65535), link}
	for _, v := range hdr {
		binary.Write(&b, binary.LittleEndian, v)
	}
	frame := make([]byte, 60)
	for _, v := range []any{uint32(1), uint32(0), uint32(len(frame)), uint32(len(frame))} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.Write(frame)
	return writeFile(t, t.TempDir(), "one.pcap", b.String())
}

// TestZeroRules: a run that would load no rules is refused (exit 2) unless
// asked for with -S /dev/null (an empty file) or --allow-no-rules.
func TestZeroRules(t *testing.T) {
	pcap := testPcap(t, 1)
	empty := t.TempDir()
	for _, tt := range []struct {
		args []string
		rc   int
		want string
	}{
		{[]string{"replay", "-r", pcap, "-S", "/nonexistent.rules"}, 2, "stat /nonexistent.rules: no such file"},
		{[]string{"replay", "-r", pcap}, 2, "no rules: give -S"},
		{[]string{"replay", "-r", pcap, "-S", empty}, 2, "no rules loaded from " + empty},
		{[]string{"replay", "-T", "-S", "/nonexistent.rules"}, 2, "no such file"},
		{[]string{"replay", "--load-only"}, 2, "no rules"},
		{[]string{"-T", "-S", empty}, 2, "no rules loaded"},
		{[]string{"run", "-T", "-S", empty}, 2, "no rules loaded"},
		{[]string{"run", "-i", "lo", "-S", "/nonexistent.rules"}, 2, "no such file"},
		{[]string{"replay", "-r", pcap, "-S", "/dev/null"}, 0, "rules: 0 loaded"},
		{[]string{"replay", "-r", pcap, "--allow-no-rules"}, 0, "rules: none (--allow-no-rules)"},
		{[]string{"replay", "-r", pcap, "-S", empty, "--allow-no-rules"}, 0, "rules: 0 loaded"},
	} {
		args := append(tt.args, "-l", t.TempDir())
		rc, _, stderr := vigilRun(t, args...)
		if rc != tt.rc || !strings.Contains(stderr, tt.want) {
			t.Errorf("vigil %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tt.args, " "), rc, stderr, tt.rc, tt.want)
		}
	}
}

// TestInvalidVariable: a bad rule variable stops start-up, named with its
// place, even when no rule uses it.
func TestInvalidVariable(t *testing.T) {
	dir := t.TempDir()
	rules := writeFile(t, dir, "r.rules", goodRule)
	cfg := writeFile(t, dir, "bad.yaml", "vars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/8,\"\n    EXTERNAL_NET: \"!$HOME_NET\"\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "-T", "-c", cfg, "-S", rules}, cfg + ":3:15: address variable $HOME_NET"},
		{[]string{"replay", "-T", "--set", "vars.address-groups.HOME_NET=garbage", "-S", rules},
			`--set vars.address-groups.HOME_NET: address variable $HOME_NET: bad address "garbage"`},
		{[]string{"run", "-i", "lo", "-c", cfg, "-S", rules}, cfg + ":3:15"},
		{[]string{"rules", "check", "-c", cfg, rules}, cfg + ":3:15"},
	} {
		rc, _, stderr := vigilRun(t, tt.args...)
		if rc != 2 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "EXTERNAL_NET") {
			t.Errorf("vigil %s: exit %d, stderr:\n%s\nwant exit 2 and %q (once)", strings.Join(tt.args, " "), rc, stderr, tt.want)
		}
	}
}

const badRules = "alert tcp any any -> any any (msg:\"bad pcre\"; pcre:\"/(unclosed/\"; sid:9001;)\n" +
	"alert tcp any any -> any any (msg:\"bad distance\"; content:\"a\"; content:\"b\"; distance:zz; sid:9002;)\n" +
	"alert http any any -> any any (msg:\"unsupported\"; app-layer-event:http.request_too_long; sid:9003;)\n" +
	goodRule

// TestCompileErrors: a rule that does not compile is an error (not a
// skipped rule) in rules check, -T and the load log; an unsupported
// keyword is counted apart and listed.
func TestCompileErrors(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "bad.rules", badRules)
	pcap := testPcap(t, 1)

	rc, stdout, stderr := vigilRun(t, "rules", "check", "--json", p)
	if rc != 1 {
		t.Errorf("rules check --json: exit %d, want 1; stderr %s", rc, stderr)
	}
	var doc struct {
		OK     bool
		Failed int
		Errors []struct {
			File, Class, Keyword string
			Line                 int
			Sid                  uint32
		}
		Unsupported []struct {
			File, Keyword string
			Line          int
			Sid           uint32
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OK || doc.Failed != 2 || len(doc.Errors) != 2 || len(doc.Unsupported) != 1 {
		t.Fatalf("ok %v failed %d errors %+v unsupported %+v", doc.OK, doc.Failed, doc.Errors, doc.Unsupported)
	}
	if e := doc.Errors[0]; e.File != p || e.Line != 1 || e.Sid != 9001 || e.Keyword != "pcre" || e.Class != "does not compile" {
		t.Errorf("error 0 = %+v", e)
	}
	if e := doc.Errors[1]; e.Line != 2 || e.Sid != 9002 {
		t.Errorf("error 1 = %+v", e)
	}
	if u := doc.Unsupported[0]; u.File != p || u.Line != 3 || u.Sid != 9003 || u.Keyword != "app-layer-event" {
		t.Errorf("unsupported = %+v", u)
	}

	rc, stdout, _ = vigilRun(t, "rules", "check", p)
	if rc != 1 || !strings.Contains(stdout, "2 enabled rules failed") || !strings.Contains(stdout, "1 unsupported") ||
		!strings.Contains(stdout, "unsupported: "+p+":3:") {
		t.Errorf("rules check: exit %d\n%s", rc, stdout)
	}
	for _, tt := range []struct {
		args []string
		rc   int
	}{
		{[]string{"replay", "-T", "-S", p}, 1},
		{[]string{"-T", "-S", p}, 1},
		{[]string{"replay", "-r", pcap, "-S", p, "--init-errors-fatal"}, 1},
		{[]string{"replay", "-r", pcap, "-S", p}, 0}, // reported, the rest runs
	} {
		rc, _, stderr := vigilRun(t, append(tt.args, "-l", t.TempDir())...)
		if rc != tt.rc || !strings.Contains(stderr, "rule error: "+p+":1:") || !strings.Contains(stderr, "sid 9002") ||
			!strings.Contains(stderr, "rules: 1 loaded, 2 failed, 1 unsupported (app-layer-event 1)") {
			t.Errorf("vigil %s: exit %d, want %d; stderr:\n%s", strings.Join(tt.args, " "), rc, tt.rc, stderr)
		}
	}
}

// TestDuplicateWarning: the higher rev wins, with a warning naming both
// places, in replay, -T and rules check.
func TestDuplicateWarning(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.rules", "alert tcp any any -> any any (msg:\"v1\"; content:\"a\"; sid:7; rev:1;)\n")
	b := writeFile(t, dir, "b.rules", "alert tcp any any -> any any (msg:\"v2\"; content:\"a\"; sid:7; rev:2;)\n")
	want := "duplicate signature 1:7: rev 2 at " + b + ":1:1 wins over rev 1 at " + a + ":1:1"
	for _, args := range [][]string{
		{"replay", "-r", testPcap(t, 1), "-S", a, "-S", b, "-l", t.TempDir()},
		{"-T", "-S", a, "-S", b},
		{"rules", "check", a, b},
	} {
		rc, stdout, stderr := vigilRun(t, args...)
		if rc != 0 || !strings.Contains(stdout+stderr, want) {
			t.Errorf("vigil %s: exit %d; output:\n%s%s\nwant %q", strings.Join(args, " "), rc, stdout, stderr, want)
		}
	}
}

// TestRuleDirRecursive: -S DIR loads the *.rules of subdirectories.
func TestRuleDirRecursive(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "top.rules", goodRule)
	writeFile(t, dir, "sub/deeper/more.rules", "alert udp any any -> any any (msg:\"deep\"; content:\"b\"; sid:2;)\n")
	rc, _, stderr := vigilRun(t, "-T", "-S", dir)
	if rc != 0 || !strings.Contains(stderr, "rules: 2 loaded") {
		t.Errorf("exit %d, stderr:\n%s", rc, stderr)
	}
}

// TestETSupplementAlerts: -S et-open includes supplement-2024-04, whose
// rules fire twice on the AgentTesla capture.
func TestETSupplementAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles ET Open")
	}
	et := testutil.SharedPath(t, "rules", "et-open")
	pcap := testutil.SharedPath(t, "pcaps", "malicious", "agenttesla-db9f075c.pcap")
	rc, _, stderr := vigilRun(t, "replay", "-r", pcap, "-S", et, "-l", t.TempDir())
	if rc != 0 || !strings.Contains(stderr, " 2 alerts") {
		t.Errorf("exit %d, stderr:\n%s", rc, tail(stderr, 600))
	}
}

// TestWorkersBounds: --workers outside 1..256 is a usage error (exit 2).
func TestWorkersBounds(t *testing.T) {
	pcap := testPcap(t, 1)
	for _, n := range []string{"0", "-3", "5000", "100000"} {
		for _, cmd := range [][]string{{"replay", "-r", pcap, "--allow-no-rules"}, {"run", "-i", "lo", "--allow-no-rules"}} {
			rc, _, stderr := vigilRun(t, append(cmd, "--workers", n, "-l", t.TempDir())...)
			if rc != 2 || !strings.Contains(stderr, "--workers "+n+": want 1 to 256") {
				t.Errorf("%s --workers %s: exit %d, stderr %q", cmd[0], n, rc, stderr)
			}
		}
	}
}

// TestUnsupportedLinkType: a capture of a link type Vigil cannot decode is
// refused before replay (exit 2), naming the type.
func TestUnsupportedLinkType(t *testing.T) {
	pcap := testPcap(t, 147)
	rc, _, stderr := vigilRun(t, "replay", "-r", pcap, "--allow-no-rules", "-l", t.TempDir())
	if rc != 2 || !strings.Contains(stderr, "link type 147 is not supported") {
		t.Errorf("exit %d, stderr %q", rc, stderr)
	}
}

// TestSuricataFlags: the flags that exist without a command, -vv, --pidfile
// and --dump-config.
func TestSuricataFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"-V"}, []string{"vigil ", "hyperscan ", "pcre2 10.", "libpcap "}},
		{[]string{"--version"}, []string{"pcre2 "}},
		{[]string{"version"}, []string{"vigil ", "hyperscan 5.", "pcre2 10.", "libpcap 1."}},
		{[]string{"--build-info"}, []string{"Libraries (linked, versions asked at run time):\n  hyperscan 5.", "\n  pcre2 10.", "\n  libpcap 1."}},
		{[]string{"--list-app-layer-protos"}, []string{"\nhttp\n", "\ntls\n", "\ndns\n"}},
		{[]string{"--list-keywords"}, []string{"\n- content\n", "\n- asn1\n", "\n- replace (parsed, not evaluated: Vigil is IDS-only here: payload rewriting is not implemented)\n", "\n- lua (not parsed: Lua scripting is not embedded)\n"}},
		{[]string{"--list-keywords=csv"}, []string{"name;supported;doc;reason\n", "\nasn1;yes;https://docs.suricata.io/en/latest/rules/payload-keywords.html#asn1;\n", "\nlua;no;https://docs.suricata.io/en/latest/rules/rule-lua-scripting.html;Lua scripting is not embedded\n"}},
		{[]string{"--list-keywords=all"}, []string{"\napp-layer-event:\n\tSupported: yes\n\tDocumentation: https://", "\tSupported: no, parsed; rules using it are skipped as unsupported: ", "\tSupported: no, not parsed; rules using it fail to load: "}},
		{[]string{"--list-keywords=dataset"}, []string{"dataset:\n\tSupported: no, not parsed; rules using it fail to load: datasets and reputation files are not loaded\n"}},
		{[]string{"--list-keywords", "http_uri"}, []string{"http.uri:\n\tAliases: http_uri\n"}},
		{[]string{"--dump-config", "--set", "vars.address-groups.HOME_NET=any"}, []string{"vars.address-groups.HOME_NET = any\n"}},
	} {
		rc, stdout, stderr := vigilRun(t, tt.args...)
		for _, w := range tt.want {
			if rc != 0 || !strings.Contains(stdout, w) {
				t.Errorf("vigil %s: exit %d, stdout lacks %q:\n%s%s", strings.Join(tt.args, " "), rc, w, stdout, stderr)
			}
		}
	}
	dir := t.TempDir()
	rules := writeFile(t, dir, "r.rules", goodRule+"alert http any any -> any any (msg:\"u\"; app-layer-event:http.request_too_long; sid:2;)\n")
	pid := filepath.Join(dir, "vigil.pid")
	var seen string
	rc, _, stderr := vigilRun(t, "replay", "-r", testPcap(t, 1), "-S", rules, "-vv", "--pidfile", pid, "-l", dir)
	if rc != 0 || !strings.Contains(stderr, "unsupported: "+rules+":2:") ||
		!strings.Contains(stderr, "rule file: "+rules+": suricata, 2 enabled, 0 commented out, 0 errors\n") {
		t.Errorf("-vv: exit %d, stderr:\n%s", rc, stderr)
	}
	// -v lists the unsupported rules, not the files; without it neither.
	for v, want := range map[string][2]bool{"-v": {true, false}, "": {false, false}} {
		args := []string{"replay", "-r", testPcap(t, 1), "-S", rules, "-l", dir}
		if v != "" {
			args = append(args, v)
		}
		rc, _, stderr := vigilRun(t, args...)
		if rc != 0 || strings.Contains(stderr, "unsupported: "+rules) != want[0] || strings.Contains(stderr, "rule file: ") != want[1] {
			t.Errorf("replay %q: exit %d, stderr:\n%s", v, rc, stderr)
		}
	}
	if _, err := os.Stat(pid); err == nil {
		seen = "left behind"
	}
	if seen != "" {
		t.Errorf("pidfile %s", seen)
	}
	// Written at start: a bad path fails before anything runs.
	if rc, _, stderr := vigilRun(t, "replay", "-r", testPcap(t, 1), "-S", rules, "--pidfile", "/nonexistent/x.pid"); rc != 2 ||
		!strings.Contains(stderr, "--pidfile") {
		t.Errorf("bad pidfile: exit %d, %q", rc, stderr)
	}
	// An unknown top-level config section is warned about.
	cfg := writeFile(t, dir, "c.yaml", "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\nfrobnicate: 1\n")
	if rc, _, stderr := vigilRun(t, "-T", "-c", cfg, "-S", rules); rc != 0 ||
		!strings.Contains(stderr, "warning: "+cfg+":5:1: frobnicate: unknown or unsupported setting (ignored)") {
		t.Errorf("unknown section: exit %d, %q", rc, stderr)
	}
}

// TestVerifyKeepFlag: --keep keeps the outputs; -k is the checksum mode
// as in replay and run (all or none), and the old `-k DIR` meaning keep
// is a usage error that says so.
func TestVerifyKeepFlag(t *testing.T) {
	dir := t.TempDir()
	if rc, _, stderr := vigilRun(t, "verify", "--keep", dir); rc != 0 && rc != 1 {
		t.Errorf("verify --keep: exit %d, stderr %q", rc, stderr)
	}
	if rc, _, stderr := vigilRun(t, "verify", "-k", dir); rc != 2 ||
		!strings.Contains(stderr, "-k is the checksum mode, all or none, as in replay and run (--keep keeps the outputs)") {
		t.Errorf("verify -k DIR: exit %d, stderr %q", rc, stderr)
	}
	if rc, _, stderr := vigilRun(t, "verify", "-k", "none", dir); rc != 0 && rc != 1 || stderr != "" && strings.Contains(stderr, "checksum mode") {
		t.Errorf("verify -k none: exit %d, stderr %q", rc, stderr)
	}
}

// TestConfigSyntaxError: a YAML error in -c stops every command (exit 2)
// with the file, the right line and the column.
func TestConfigSyntaxError(t *testing.T) {
	dir := t.TempDir()
	rules := writeFile(t, dir, "r.rules", goodRule)
	cfg := writeFile(t, dir, "tab.yaml", "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\n  \tX: any\n")
	want := cfg + ":5:3: tab character in indentation"
	for _, args := range [][]string{
		{"replay", "-r", testPcap(t, 1), "-c", cfg, "-S", rules, "-l", dir},
		{"-T", "-c", cfg, "-S", rules},
		{"run", "-i", "lo", "-c", cfg, "-S", rules, "-l", dir},
		{"rules", "check", "-c", cfg, rules},
	} {
		if rc, _, stderr := vigilRun(t, args...); rc != 2 || !strings.Contains(stderr, want) {
			t.Errorf("vigil %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(args, " "), rc, stderr, want)
		}
	}
}
