package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// verifyEVELines replays the capture of a verify-eve case with one worker and
// returns its EVE lines, each checked against the schema.
func verifyEVELines(t *testing.T, name, file string) []string {
	t.Helper()
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", name, file)
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("capture not available: %v", err)
	}
	_, dir := replayTo(t, Config{Workers: 1}, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, l := range lines {
		evetest.Validate(t, []byte(l))
	}
	return lines
}

// TestSessionCloseLogsTx checks that a transaction still open when its
// TCP session closes (an SMTP session ended by QUIT) is logged with the
// packet that closed the session, as Suricata does at EOF, not at flow
// end without a packet.
func TestSessionCloseLogsTx(t *testing.T) {
	n := 0
	for _, l := range verifyEVELines(t, "smtp-long-command", "input.pcap") {
		if !strings.Contains(l, `"event_type":"smtp"`) {
			continue
		}
		n++
		if !strings.Contains(l, `"pcap_cnt":25,`) {
			t.Errorf("smtp record not logged with the closing packet 25: %.200s", l)
		}
	}
	if n != 1 {
		t.Errorf("%d smtp records; want 1", n)
	}
}

// TestDirectionProtoLogged checks app_proto_tc: a TLS hello answered by
// an SMTP banner on port 465 is a tls flow whose server side is smtp.
func TestDirectionProtoLogged(t *testing.T) {
	for _, l := range verifyEVELines(t, "smtp-tls-protodetect", "input.pcap") {
		if strings.Contains(l, `"event_type":"flow"`) {
			if !strings.Contains(l, `"app_proto":"tls","app_proto_tc":"smtp"`) {
				t.Errorf("flow record %.300s\nwant app_proto tls, app_proto_tc smtp", l)
			}
			return
		}
	}
	t.Error("no flow record")
}
