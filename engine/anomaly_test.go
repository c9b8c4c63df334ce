package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestProtocolMismatchAnomaly replays an HTTP request answered by an SSH
// banner (Suricata's output-eve-anomaly-02 capture): the flow is http and
// one applayer anomaly APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS (layer
// proto_detect) is written.
func TestProtocolMismatchAnomaly(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "output-eve-anomaly-02", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("capture not available: %v", err)
	}
	_, dir := replayTo(t, Config{Workers: 1}, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		evetest.Validate(t, []byte(line))
		if strings.Contains(line, `"event_type":"anomaly"`) {
			want := `"anomaly":{"app_proto":"http","type":"applayer","event":"APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS","layer":"proto_detect"}`
			if !strings.Contains(line, want) {
				t.Errorf("anomaly %s\nwant %s", line, want)
			}
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d anomaly records, want 1", n)
	}
}
