package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vigil/detect"
	"vigil/engine/config"
	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
	"vigil/rules"
)

// compileRules loads and compiles a rules file with the default variables
// (or HOME_NET/EXTERNAL_NET any when anyNet is set).
func compileRules(tb testing.TB, paths []string, anyNet bool) *detect.Engine {
	tb.Helper()
	c := config.Default()
	if anyNet {
		c.Set("vars.address-groups.HOME_NET", "any")
		c.Set("vars.address-groups.EXTERNAL_NET", "any")
	}
	opts := rules.LoadOptions{Paths: paths, Keywords: detect.Keywords(), Vars: rules.Vars{Address: c.Vars.AddressGroups, Port: c.Vars.PortGroups}}
	if cf := rules.SiblingFile(paths, "classification.config"); cf != "" {
		cl, err := rules.LoadClassifications(cf)
		if cl == nil {
			tb.Fatal(err)
		}
		opts.Classifications = cl
	}
	rs, rep := rules.Load(opts)
	if rs == nil {
		tb.Fatalf("load rules: %v", rep.Errors)
	}
	e, _, err := detect.Compile(rs, detect.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

func replayTo(tb testing.TB, cfg Config, files ...string) (*Summary, string) {
	tb.Helper()
	if cfg.LogDir == "" {
		cfg.LogDir = tb.TempDir()
	}
	if cfg.EVE == (EVEConfig{}) {
		cfg.EVE = DefaultEVE()
	}
	sum, err := Replay(cfg, files, nil)
	if err != nil {
		tb.Fatalf("replay: %v", err)
	}
	return sum, cfg.LogDir
}

func sortedLines(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	sort.Strings(lines)
	return lines
}

// TestReplayDemo replays the demo capture with the demo rules: the alerts
// (fast.log) must be the ones Suricata 7 raised on the same input
// (rules/demo/suricata-fast.log, kept as the expected result), and every
// EVE line must validate against Suricata's schema.
func TestReplayDemo(t *testing.T) {
	root := testutil.ModuleRoot(t)
	demo := filepath.Join(root, "rules", "demo")
	for _, workers := range []int{1, 2} {
		eng := compileRules(t, []string{filepath.Join(demo, "demo.rules")}, false)
		cfg := Config{Workers: workers, Rules: eng}
		cfg.Decode.Checksum = decode.ChecksumNone
		sum, dir := replayTo(t, cfg, filepath.Join(demo, "demo.pcap"))
		if sum.Packets != 30 || sum.Alerts != 7 {
			t.Errorf("workers=%d: %d packets, %d alerts; want 30 and 7", workers, sum.Packets, sum.Alerts)
		}
		got := sortedLines(t, filepath.Join(dir, "fast.log"))
		want := sortedLines(t, filepath.Join(demo, "suricata-fast.log"))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("workers=%d: fast.log differs from Suricata's:\ngot:\n%s\nwant:\n%s", workers, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		evetest.ValidateFile(t, filepath.Join(dir, "eve.json"))
	}
}

// TestReplayDeterministic replays real captures with 1, 2 and 3 workers
// in deterministic mode: eve.json must be byte-identical.
func TestReplayDeterministic(t *testing.T) {
	shared := testutil.SharedDir(t)
	files := []string{
		filepath.Join(shared, "pcaps", "malicious", "dvwa-sqlinjection.pcapng"),
		filepath.Join(shared, "pcaps", "bench", "zeek__http_bro.org.pcap"),
		filepath.Join(shared, "pcaps", "bench", "malcolm__DNS.pcap"),
		filepath.Join(shared, "pcaps", "bench", "zeek__ssh_ssh.pcap"),
	}
	demo := filepath.Join(testutil.ModuleRoot(t), "rules", "demo", "demo.rules")
	eng := compileRules(t, []string{demo}, true)
	var first []byte
	for _, workers := range []int{1, 2, 3} {
		_, dir := replayTo(t, Config{Workers: workers, Deterministic: true, Rules: eng}, files...)
		data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) == 0 {
			t.Fatal("empty eve.json")
		}
		if first == nil {
			first = data
			continue
		}
		if !bytes.Equal(first, data) {
			t.Errorf("eve.json with %d workers differs from 1 worker (%d vs %d bytes)", workers, len(data), len(first))
		}
	}
}

// TestReplaySharedSchema replays every capture of ../shared/pcaps and
// validates every EVE line against ../shared/eve/schema.json.
func TestReplaySharedSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("replays all shared captures")
	}
	shared := testutil.SharedDir(t)
	for _, sub := range []string{"malicious", "bench"} {
		files, _ := filepath.Glob(filepath.Join(shared, "pcaps", sub, "*.pcap*"))
		if len(files) == 0 {
			t.Fatalf("no captures in %s", sub)
		}
		sum, dir := replayTo(t, Config{Workers: 2}, files...)
		if sum.Packets == 0 {
			t.Errorf("%s: no packets", sub)
		}
		evetest.ValidateFile(t, filepath.Join(dir, "eve.json"))
		t.Logf("%s: %d files, %d packets, %d flows, %d input errors", sub, len(files), sum.Packets, sum.Flows, len(sum.Errors))
	}
}

// TestReplayTruncated cuts a capture short: the error names the file and
// offset, and the packets before it still count.
func TestReplayTruncated(t *testing.T) {
	src := filepath.Join(testutil.ModuleRoot(t), "rules", "demo", "demo.pcap")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, data[:len(data)-30], 0o644); err != nil {
		t.Fatal(err)
	}
	sum, dir := replayTo(t, Config{Workers: 1}, cut)
	if len(sum.Errors) != 1 {
		t.Fatalf("errors = %v, want one", sum.Errors)
	}
	msg := sum.Errors[0].Error()
	if !strings.Contains(msg, "cut.pcap") || !strings.Contains(msg, "offset") {
		t.Errorf("error %q does not name the file and offset", msg)
	}
	if sum.Packets != 29 {
		t.Errorf("packets = %d, want the 29 before the cut", sum.Packets)
	}
	if _, err := os.Stat(filepath.Join(dir, "eve.json")); errors.Is(err, os.ErrNotExist) {
		t.Error("no eve.json written")
	}
}
