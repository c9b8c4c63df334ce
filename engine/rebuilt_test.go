package engine

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"vigil/internal/testutil"
)

// TestDefragRebuiltFrame replays IP fragments behind a link header
// (Suricata's bug 6887 captures: PPP and raw IPv6 link types): the
// reassembled packet an alert logs is the frame rebuilt behind the link
// header of the fragment that completed it, with the capture's link type,
// as Suricata logs it.
func TestDefragRebuiltFrame(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "verify-eve")
	for _, c := range []struct {
		name, pcap string
		linkType   float64
		prefix     []byte // the frame's first bytes
	}{
		{"ppp ipv4", "bug-6887-defrag-ppp-ipv4-tcp-syn/frag-ppp-ip-tcp-syn.pcap", 9, []byte{0x21, 0x45}},
		{"raw ipv6", "bug-6887-defrag-ipv6-tcp/frag-ip-tcp.pcap", 229, []byte{0x60}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcap := filepath.Join(dir, c.pcap)
			if _, err := os.Stat(pcap); err != nil {
				t.Skipf("no capture: %v", err)
			}
			rules := filepath.Join(t.TempDir(), "test.rules")
			if err := os.WriteFile(rules, []byte("alert tcp any any -> any any (sid:1;)\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			ec := DefaultEVE()
			ec.StatsInterval = 0
			ec.Packet = true
			cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Rules: compileRules(t, []string{rules}, true)}
			n := 0
			for _, r := range eveLines(t, cfg, pcap) {
				if r["event_type"] != "alert" {
					continue
				}
				n++
				pkt, err := base64.StdEncoding.DecodeString(r["packet"].(string))
				if err != nil {
					t.Fatal(err)
				}
				info := r["packet_info"].(map[string]any)
				if info["linktype"] != c.linkType || len(pkt) < len(c.prefix) || string(pkt[:len(c.prefix)]) != string(c.prefix) {
					t.Errorf("packet % x... linktype %v, want % x... linktype %v", pkt[:min(len(pkt), 4)], info["linktype"], c.prefix, c.linkType)
				}
			}
			if n != 1 {
				t.Errorf("%d alerts, want 1 (on the reassembled packet)", n)
			}
		})
	}
}
