package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestReplayXFF replays Suricata's X-Forwarded-For capture (request
// header "X-Forwarded-For: 10.2.2.2, 10.3.3.3", the alert on the response
// body) with xff set by -c and by --set, in each mode and deployment: the
// alert's addresses and alert.xff follow, and every line is schema-valid.
func TestReplayXFF(t *testing.T) {
	dir := testutil.SharedPath(t, "verify", "http-xff-eve-reverse-overwrite")
	const rule = `alert http any any -> any any (msg:"TEST RULE"; content:"uid"; http_server_body; sid:1; rev:1;)`
	tmp := t.TempDir()
	rules := filepath.Join(tmp, "test.rules")
	if err := os.WriteFile(rules, []byte(rule+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		yaml string   // -c file ("" = none)
		sets []string // --set
		// wantSrc, wantDest, wantXFF are the alert's src_ip, dest_ip and
		// alert.xff ("" = absent).
		wantSrc, wantDest, wantXFF string
	}{
		{name: "off", wantSrc: "82.165.177.154", wantDest: "10.16.1.11"},
		{name: "config reverse overwrite", yaml: `outputs:
  - eve-log:
      types:
        - alert:
            xff: {enabled: yes, mode: overwrite, deployment: reverse}
`, wantSrc: "82.165.177.154", wantDest: "10.3.3.3"},
		{name: "config eve-log forward extra-data", yaml: `outputs:
  - eve-log:
      xff: {enabled: yes, mode: extra-data, deployment: forward}
      types: [alert, http]
`, wantSrc: "82.165.177.154", wantDest: "10.16.1.11", wantXFF: "10.2.2.2"},
		{name: "config other header", yaml: `outputs:
  - eve-log:
      types:
        - alert:
            xff: {enabled: yes, mode: extra-data, header: X-Real-IP}
`, wantSrc: "82.165.177.154", wantDest: "10.16.1.11"},
		{name: "set reverse extra-data", sets: []string{"alert.xff.enabled=yes", "alert.xff.mode=extra-data", "alert.xff.deployment=reverse"},
			wantSrc: "82.165.177.154", wantDest: "10.16.1.11", wantXFF: "10.3.3.3"},
		{name: "set forward overwrite", sets: []string{"alert.xff.mode=overwrite", "alert.xff.enabled=yes", "alert.xff.deployment=forward"},
			wantSrc: "82.165.177.154", wantDest: "10.2.2.2"},
	} {
		logDir := filepath.Join(tmp, strings.ReplaceAll(c.name, " ", "-"))
		args := []string{"replay", "-S", rules, "-r", filepath.Join(dir, "test.pcap"), "-l", logDir, "-k", "none", "--deterministic"}
		if c.yaml != "" {
			cpath := logDir + ".yaml"
			vars := "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\n"
			if err := os.WriteFile(cpath, []byte(vars+c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-c", cpath)
		}
		for _, s := range c.sets {
			args = append(args, "--set", "outputs.1.eve-log.types.0."+s)
		}
		var stdout, stderr bytes.Buffer
		if rc := dispatch(commands, "vigil", args, &stdout, &stderr); rc != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, rc, stderr.String())
		}
		data, err := os.ReadFile(filepath.Join(logDir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		evetest.ValidateLines(t, c.name, data)
		alerts := 0
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var r struct {
				Type  string `json:"event_type"`
				Src   string `json:"src_ip"`
				Dest  string `json:"dest_ip"`
				Alert struct {
					XFF string `json:"xff"`
				} `json:"alert"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if r.Type != "alert" {
				continue
			}
			alerts++
			if r.Src != c.wantSrc || r.Dest != c.wantDest || r.Alert.XFF != c.wantXFF {
				t.Errorf("%s: src_ip %q dest_ip %q alert.xff %q, want %q %q %q", c.name, r.Src, r.Dest, r.Alert.XFF,
					c.wantSrc, c.wantDest, c.wantXFF)
			}
		}
		if alerts != 1 {
			t.Errorf("%s: %d alerts, want 1", c.name, alerts)
		}
	}
}
