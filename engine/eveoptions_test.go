package engine

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vigil/internal/testutil"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// eveLines replays the capture with cfg and returns eve.json's records,
// each validated against the schema.
func eveLines(t *testing.T, cfg Config, pcap string) []map[string]any {
	t.Helper()
	_, dir := replayTo(t, cfg, pcap)
	f, err := os.Open(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		evetest.Validate(t, sc.Bytes())
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestEVEDNSAndFlowOptions replays one UDP flow of three DNS queries (A,
// AAAA, MX) and their answers under each eve-log option that changes the
// records: the dns version, requests/responses and types, community-id
// with its seed, and the stats record's derived counters.
func TestEVEDNSAndFlowOptions(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "dns-udp-eve-log-aaaa-only--dns-v2", "dns-udp-google.com-a-aaaa-mx.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("no capture: %v", err)
	}
	aaaa, _ := eve.ParseDNSTypes([]string{"aaaa"})
	for _, c := range []struct {
		name string
		set  func(*EVEConfig)
		// want counts dns records by dns.type; srcPort53 counts those
		// written from the server.
		want      map[string]int
		srcPort53 int
		community string // community_id of the dns records ("" none)
	}{
		{"default", func(*EVEConfig) {}, map[string]int{"request": 3, "response": 3}, 3, ""},
		{"no requests", func(c *EVEConfig) { c.DNSLog.NoRequests = true }, map[string]int{"response": 3}, 3, ""},
		{"v2", func(c *EVEConfig) { c.DNSLog.Version = 2 }, map[string]int{"query": 3, "answer": 3}, 0, ""},
		{"v2 aaaa", func(c *EVEConfig) { c.DNSLog.Version, c.DNSLog.Types = 2, aaaa }, map[string]int{"query": 1, "answer": 1}, 0, ""},
		{"community-id", func(c *EVEConfig) { c.CommunityID, c.CommunityIDSeed = CommunityIDAll, 1 },
			map[string]int{"request": 3, "response": 3}, 3, "1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ec := DefaultEVE()
			ec.StatsInterval = 0
			c.set(&ec)
			got := map[string]int{}
			from53 := 0
			var stats map[string]any
			for _, r := range eveLines(t, Config{Workers: 1, Deterministic: true, EVE: ec}, pcap) {
				switch r["event_type"] {
				case "dns":
					d := r["dns"].(map[string]any)
					got[d["type"].(string)]++
					if r["src_port"].(float64) == 53 {
						from53++
					}
					cid, _ := r["community_id"].(string)
					if len(cid) < len(c.community) || cid[:len(c.community)] != c.community || (c.community == "" && cid != "") {
						t.Errorf("dns record community_id %q, want prefix %q", cid, c.community)
					}
				case "flow":
					// One query and its answer per flow.
					if n := r["flow"].(map[string]any)["tx_cnt"]; n != 1.0 {
						t.Errorf("flow.tx_cnt %v, want 1", n)
					}
					_, has := r["community_id"]
					if want := ec.CommunityID != CommunityIDOff; has != want {
						t.Errorf("flow record community_id present %v, want %v", has, want)
					}
				case "stats":
					stats = r["stats"].(map[string]any)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("dns records %v, want %v", got, c.want)
			}
			for k, n := range c.want {
				if got[k] != n {
					t.Errorf("dns records %v, want %v", got, c.want)
				}
			}
			if from53 != c.srcPort53 {
				t.Errorf("%d dns records from port 53, want %d", from53, c.srcPort53)
			}
			dec, _ := stats["decoder"].(map[string]any)
			if dec["max_pkt_size"] == nil || dec["max_pkt_size"].(float64) < dec["avg_pkt_size"].(float64) {
				t.Errorf("decoder stats %v: want max_pkt_size >= avg_pkt_size", dec)
			}
			errs, _ := stats["app_layer"].(map[string]any)["error"].(map[string]any)
			if p, ok := errs["dns_udp"].(map[string]any)["parser"]; !ok || p.(float64) != 0 {
				t.Errorf("app_layer.error.dns_udp.parser = %v, want 0", p)
			}
		})
	}
}

// TestEVEEthernet checks the ether object: a flow record lists every MAC
// address of each side in the order first seen; packet records carry their
// frame's addresses, transaction records in the flow's direction; nothing
// without the option.
func TestEVEEthernet(t *testing.T) {
	shared := testutil.SharedDir(t)
	multi := filepath.Join(shared, "verify-eve", "mac-eve-multiple", "multi_mac.pcap")
	http := filepath.Join(shared, "verify-eve", "bug-5486", "154.pcap")
	for _, f := range []string{multi, http} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no capture: %v", err)
		}
	}
	ec := DefaultEVE()
	ec.StatsInterval = 0
	ec.Ethernet = true
	var flows []any
	for _, r := range eveLines(t, Config{Workers: 1, Deterministic: true, EVE: ec}, multi) {
		if r["event_type"] == "flow" {
			flows = append(flows, r["ether"])
		}
	}
	want := `[{"dest_macs":["00:00:0c:01:01:14","00:00:0c:01:01:12"],"src_macs":["00:00:0c:01:01:13","00:00:0c:01:01:11"]}]`
	if got, _ := json.Marshal(flows); string(got) != want {
		t.Errorf("flow ether %s, want %s", got, want)
	}
	var https []string
	for _, r := range eveLines(t, Config{Workers: 1, Deterministic: true, EVE: ec}, http) {
		if r["event_type"] == "http" {
			b, _ := json.Marshal(r["ether"])
			https = append(https, string(b))
		}
	}
	if len(https) == 0 || https[0] != `{"dest_mac":"20:e5:2a:b6:93:f1","src_mac":"00:08:02:1c:47:ae"}` {
		t.Errorf("http records' ether %v, want the client's address as src_mac", https)
	}
	ec.Ethernet = false
	for _, r := range eveLines(t, Config{Workers: 1, Deterministic: true, EVE: ec}, multi) {
		if _, ok := r["ether"]; ok {
			t.Errorf("%v record has ether without the option", r["event_type"])
		}
	}
}
