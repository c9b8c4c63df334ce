package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
)

// TestHandshakeAckWithData replays a TLS session whose handshake is
// completed by the client's first data packet (the bare ACK is missing,
// Suricata's bug 7264 capture): that packet is already flow:established,
// as in Suricata.
func TestHandshakeAckWithData(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "bug-7264-tcp-3whs-ack-data-tls-01", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("no capture: %v", err)
	}
	rules := filepath.Join(t.TempDir(), "test.rules")
	if err := os.WriteFile(rules, []byte("alert tcp any any -> any any (flow:established,to_server; flags:PA; dsize:>0; sid:1;)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ec := DefaultEVE()
	ec.StatsInterval = 0
	cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Rules: compileRules(t, []string{rules}, true),
		Decode: decode.Options{Checksum: decode.ChecksumNone}}
	var first float64
	for _, r := range eveLines(t, cfg, pcap) {
		if r["event_type"] == "alert" && first == 0 {
			first = r["pcap_cnt"].(float64)
		}
	}
	if first != 3 {
		t.Errorf("first established to_server data packet alerted at pcap_cnt %v, want 3 (the ACK with data completing the handshake)", first)
	}
}
