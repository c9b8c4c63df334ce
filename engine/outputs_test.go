package engine

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output"
	"vigil/output/eve"
)

// TestReplayOutputs replays with several eve-log outputs at once, each with
// its own type filter and options: the everything-output equals the eve.json
// of a run with the default single output byte for byte, the filtered ones
// hold exactly their types, the payload option applies to its output only,
// and a Redis list (when redis-server is installed) holds eve.json line for
// line.
func TestReplayOutputs(t *testing.T) {
	root := testutil.ModuleRoot(t)
	demo := filepath.Join(root, "rules", "demo")
	eng := compileRules(t, []string{filepath.Join(demo, "demo.rules")}, false)
	pcap := filepath.Join(demo, "demo.pcap")
	base := Config{Workers: 2, Deterministic: true, Rules: eng}
	base.Decode.Checksum = decode.ChecksumNone

	_, refDir := replayTo(t, base, pcap)
	ref, err := os.ReadFile(filepath.Join(refDir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	open := func(name string) *output.FileSink {
		s, err := output.OpenFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cfg := base
	cfg.LogDir = dir
	cfg.EVE = DefaultEVE()
	cfg.EVE.Payload = true // the union: one output asks for payloads
	cfg.Outputs = []EVEOutput{
		{Name: "eve-log.0", Sink: open("all.json"), Types: output.AllTypes},
		{Name: "eve-log.1", Sink: open("alerts.json"), Types: output.TypeOf(eve.EventAlert), Payload: true},
		{Name: "eve-log.2", Sink: open("dns.json"), Types: output.TypeOf(eve.EventDNS) | output.TypeOf(eve.EventHTTP)},
	}
	var rdb *redis.Client
	if sock := startRedis(t); sock != "" {
		rs, err := output.OpenRedis(output.RedisOptions{Network: "unix", Addr: sock, Key: "eve", Mode: output.RedisRPush, BatchSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Outputs = append(cfg.Outputs, EVEOutput{Name: "eve-log.3", Sink: rs, Types: output.AllTypes})
		rdb = redis.NewClient(&redis.Options{Network: "unix", Addr: sock, Protocol: 2, DisableIdentity: true})
		defer rdb.Close()
	}
	sum, err := Replay(cfg, []string{pcap}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Dropped != 0 {
		t.Errorf("%d records dropped", sum.Dropped)
	}
	read := func(name string) []string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	all := read("all.json")
	if got := strings.Join(all, "\n") + "\n"; got != string(ref) {
		t.Fatalf("all.json (%d lines) differs from the single-output eve.json (%d lines)", len(all), bytes.Count(ref, []byte{'\n'}))
	}
	var wantAlerts, wantDNS int
	var wantApp []string
	for _, l := range all {
		switch {
		case strings.Contains(l, `"event_type":"alert"`):
			wantAlerts++
			if strings.Contains(l, `"stream":`) { // written with the payload fields
				t.Fatalf("all.json alert carries a payload; only alerts.json asked for it: %s", l)
			}
		case strings.Contains(l, `"event_type":"dns"`), strings.Contains(l, `"event_type":"http"`):
			wantDNS++
			wantApp = append(wantApp, l)
		}
	}
	alerts := read("alerts.json")
	if len(alerts) != wantAlerts || wantAlerts == 0 {
		t.Errorf("alerts.json has %d lines; want the %d alerts", len(alerts), wantAlerts)
	}
	for _, l := range alerts {
		if !strings.Contains(l, `"event_type":"alert"`) || !strings.Contains(l, `"stream":`) {
			t.Fatalf("alerts.json line is not an alert with payload: %s", l)
		}
	}
	if got := read("dns.json"); strings.Join(got, "\n") != strings.Join(wantApp, "\n") || wantDNS == 0 {
		t.Errorf("dns.json has %d lines; want the %d dns and http records of all.json in order", len(got), wantDNS)
	}
	if rdb != nil {
		got, err := rdb.LRange(context.Background(), "eve", 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(all, "\n") {
			t.Errorf("redis list holds %d records; want eve.json's %d lines, in order", len(got), len(all))
		}
	}
	t.Logf("%d records, %d alerts, %d dns/http", len(all), wantAlerts, wantDNS)
}

// startRedis starts redis-server on a unix socket in a temporary directory
// and returns the socket path, or "" (logged) when it is not installed.
func startRedis(t *testing.T) string {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Log("redis-server not installed: the redis output is not checked (scripts/deps.sh installs it)")
		return ""
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--save", "", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, Protocol: 2, DisableIdentity: true})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); c.Ping(context.Background()).Err() != nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not answer")
		}
	}
	return sock
}
