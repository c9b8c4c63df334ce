package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
)

// TestRuleBypass replays one UDP flow of 66 packets (Suricata's
// detect-bypass-udp capture) with a rule using bypass that matches its
// third packet: from then on the flow's packets are counted but not
// inspected (a rule matching every packet alerts on the first three
// only; dsize keeps it from being IP-only, which would run on each
// direction's first packet alone), and the flow record's state is "bypassed", as Suricata's local
// bypass does.
func TestRuleBypass(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "detect-bypass-udp", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("no capture: %v", err)
	}
	rules := filepath.Join(t.TempDir(), "test.rules")
	if err := os.WriteFile(rules, []byte(`alert udp 192.168.0.2 4500 -> any any (content:"|00 00 00 00|"; offset:0; depth:4; content:"|2e|"; offset:20; depth:1; bypass; sid:1;)
alert udp any any -> any any (msg:"every packet"; dsize:>0; sid:2;)
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ec := DefaultEVE()
	ec.StatsInterval = 0
	cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Rules: compileRules(t, []string{rules}, true),
		Decode: decode.Options{Checksum: decode.ChecksumNone}}
	alerts := map[float64]int{}
	var state string
	var pkts float64
	for _, r := range eveLines(t, cfg, pcap) {
		switch r["event_type"] {
		case "alert":
			alerts[r["alert"].(map[string]any)["signature_id"].(float64)]++
		case "flow":
			f := r["flow"].(map[string]any)
			state, _ = f["state"].(string)
			pkts = f["pkts_toserver"].(float64) + f["pkts_toclient"].(float64)
		}
	}
	if alerts[1] != 1 || alerts[2] != 3 {
		t.Errorf("alerts by sid %v, want sid 1 once and sid 2 on the first 3 packets", alerts)
	}
	if state != "bypassed" || pkts != 66 {
		t.Errorf("flow state %q with %v packets, want bypassed with 66", state, pkts)
	}
}
