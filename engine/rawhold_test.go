package engine

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

// TestIssue15MissedAlerts replays the two captures on which Vigil missed
// an ET alert Suricata raises (with HOME_NET any):
//   - sid 2014906, an FTP command to an FTP server on port 8884: FTP is
//     detected from the client's commands on any port;
//   - sid 2014475, stream content "\r\n\r\n" + the class file magic, which
//     spans the segment ending an HTTP response's headers and the first
//     body segment: raw stream bytes of a transaction side in progress
//     are inspected together when the side completes (rawReady).
func TestIssue15MissedAlerts(t *testing.T) {
	shared := testutil.SharedDir(t)
	for _, tc := range []struct {
		pcap  string
		rules []string // rule texts from the shared ET set, by sid
		want  string
	}{
		{"honeynet-fc1-attack-trace.pcap", []string{"2014906"}, "2014906"},
		{"log4shell-cve-2021-44228-user-agent.pcap", []string{"2019401", "2014475"}, "2014475"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.rules")
			if err := os.WriteFile(path, []byte(etRules(t, shared, tc.rules...)), 0o644); err != nil {
				t.Fatal(err)
			}
			eng := compileRules(t, []string{path}, true)
			_, dir := replayTo(t, Config{Workers: 1, Rules: eng}, filepath.Join(shared, "pcaps", "malicious", tc.pcap))
			data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `"signature_id":`+tc.want+`,`) {
				t.Errorf("no alert for sid %s on %s", tc.want, tc.pcap)
			}
		})
	}
}

// etRules returns the enabled ET Open rules (main and supplement) with the
// given sids.
func etRules(t *testing.T, shared string, sids ...string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(shared, "rules", "et-open", "*.rules"))
	more, _ := filepath.Glob(filepath.Join(shared, "rules", "et-open", "*", "*.rules"))
	var out strings.Builder
	found := 0
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, sid := range sids {
				if regexp.MustCompile(`[ ;(]sid:` + sid + `;`).MatchString(line) {
					out.WriteString(line + "\n")
					found++
				}
			}
		}
	}
	if found < len(sids) {
		t.Skipf("ET rules %v not all found under %s", sids, shared)
	}
	return out.String()
}
