package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"vigil/internal/testutil"
)

// TestReplayConfigOutputs: a suricata.yaml with two eve-logs (everything to
// a file, alerts to Redis through a unix socket, in each of Suricata's list
// and stream modes) replays the demo capture; Redis holds the file's alert
// lines, line for line, and a setting Vigil cannot honour is a positioned
// warning.
func TestReplayConfigOutputs(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed (scripts/deps.sh installs it)")
	}
	root := testutil.ModuleRoot(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	srv := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--save", "", "--dir", dir)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, Protocol: 2, DisableIdentity: true})
	defer rdb.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(ctx).Err() != nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not answer")
		}
	}
	vars, err := os.ReadFile(filepath.Join(root, "engine", "config", "defaults.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"list", "stream"} {
		cfg := string(vars) + `
outputs:
  - eve-log:
      filename: all.json
      types: [alert, http, dns, tls, ssh, flow, anomaly]
  - eve-log:
      filetype: redis
      redis:
        server: ` + sock + `
        mode: ` + mode + `
        key: alerts-` + mode + `
        pipelining:
          enabled: yes
          batch-size: 3
      types:
        - alert:
            http-body: yes
`
		cpath := filepath.Join(dir, mode+".yaml")
		if err := os.WriteFile(cpath, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		logDir := filepath.Join(dir, mode)
		var stdout, stderr bytes.Buffer
		rc := dispatch(commands, "vigil", []string{"replay", "-c", cpath, "-S", filepath.Join(root, "rules", "demo", "demo.rules"),
			"-r", filepath.Join(root, "rules", "demo", "demo.pcap"), "-l", logDir, "-k", "none", "--deterministic"}, &stdout, &stderr)
		if rc != 0 {
			t.Fatalf("%s: exit %d: %s", mode, rc, stderr.String())
		}
		if !strings.Contains(stderr.String(), cpath+":") || !strings.Contains(stderr.String(), "outputs.1.eve-log.types.0.alert.http-body: not supported") {
			t.Errorf("%s: no positioned http-body warning in:\n%s", mode, stderr.String())
		}
		data, err := os.ReadFile(filepath.Join(logDir, "all.json"))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if strings.Contains(l, `"event_type":"alert"`) {
				want = append(want, l)
			}
		}
		var got []string
		if mode == "list" {
			got, err = rdb.LRange(ctx, "alerts-list", 0, -1).Result()
			slices.Reverse(got) // lpush: newest first
		} else {
			xs, xerr := rdb.XRange(ctx, "alerts-stream", "-", "+").Result()
			err = xerr
			for _, x := range xs {
				got = append(got, x.Values["eve"].(string))
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: redis holds %d records; want all.json's %d alerts line for line", mode, len(got), len(want))
		}
	}
}

// TestConfigAlertReferences: `-c` honours the file's outputs section down
// to an alert option (metadata: rule: reference: yes puts the rule's
// references in alert records); without it alerts carry none.
func TestConfigAlertReferences(t *testing.T) {
	pcap := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	dir := t.TempDir()
	rules := writeFile(t, dir, "r.rules", `alert ip any any -> any any (msg:"any ip"; reference:url,example.com/x; sid:1;)`+"\n")
	vars := "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\n"
	withRefs := writeFile(t, dir, "refs.yaml", vars+`outputs:
  - eve-log:
      filename: eve.json
      types:
        - alert:
            metadata:
              rule:
                reference: yes
`)
	without := writeFile(t, dir, "plain.yaml", vars)
	for _, tt := range []struct {
		cfg  string
		want bool
	}{{withRefs, true}, {without, false}} {
		out := t.TempDir()
		if rc, _, stderr := vigilRun(t, "replay", "-r", pcap, "-c", tt.cfg, "-S", rules, "-l", out); rc != 0 {
			t.Fatalf("-c %s: exit %d: %s", tt.cfg, rc, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"event_type":"alert"`) {
			t.Fatalf("-c %s: no alerts", tt.cfg)
		}
		if got := strings.Contains(string(data), `"references":[`); got != tt.want {
			t.Errorf("-c %s: references in alerts %v, want %v", tt.cfg, got, tt.want)
		}
	}
}

// TestConfigDHCPExtended: eve-log's dhcp extended, from `-c` and from
// --set. The default form logs requests and acks without option details;
// extended logs every message with lease times and parameters.
func TestConfigDHCPExtended(t *testing.T) {
	pcap := testutil.SharedPath(t, "pcaps", "bench", "malcolm__DHCP.pcap")
	dir := t.TempDir()
	cfg := func(ext string) string {
		return writeFile(t, dir, "dhcp-"+ext+".yaml", "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\n"+`outputs:
  - eve-log:
      filename: eve.json
      types:
        - dhcp:
            extended: `+ext+"\n")
	}
	count := func(args ...string) (records, leases int) {
		out := t.TempDir()
		args = append([]string{"replay", "-r", pcap, "--allow-no-rules", "-k", "none", "-l", out}, args...)
		if rc, _, stderr := vigilRun(t, args...); rc != 0 {
			t.Fatalf("%v: exit %d: %s", args, rc, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, `"event_type":"dhcp"`) {
				records++
				if strings.Contains(l, `"lease_time":`) {
					leases++
				}
			}
		}
		return records, leases
	}
	plain, plainLeases := count("-c", cfg("no"))
	ext, extLeases := count("-c", cfg("yes"))
	set, setLeases := count("--set", "outputs.0.eve-log.types.dhcp.extended=yes")
	t.Logf("dhcp records: default %d (%d with lease_time), extended %d (%d), --set %d (%d)", plain, plainLeases, ext, extLeases, set, setLeases)
	if plain == 0 || plainLeases != 0 {
		t.Errorf("extended: no gave %d dhcp records, %d with lease_time; want some, none with option details", plain, plainLeases)
	}
	if ext <= plain || extLeases == 0 {
		t.Errorf("extended: yes gave %d dhcp records (%d with lease_time); want more than the default's %d, with lease times", ext, extLeases, plain)
	}
	if set != ext || setLeases != extLeases {
		t.Errorf("--set ...dhcp.extended=yes gave %d/%d; want what -c gives, %d/%d", set, setLeases, ext, extLeases)
	}
}
