package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestStatsRecords is issue 13's stats check on the malicious captures:
// a full stats record every stats interval of packet time (with the flow,
// tcp and app_layer counters, not only the decoder's), a stats.log table
// with each, every record valid against the schema, and counters that
// agree with the records: app_layer.flow.failed_tcp and failed_udp count
// the flow records with app_proto failed.
func TestStatsRecords(t *testing.T) {
	shared := testutil.SharedDir(t)
	files, _ := filepath.Glob(filepath.Join(shared, "pcaps", "malicious", "*.pcap*"))
	if len(files) == 0 {
		t.Skip("no captures in ../shared/pcaps/malicious")
	}
	for _, workers := range []int{1, 3} {
		eveCfg := DefaultEVE()
		eveCfg.StatsInterval = 8 * time.Second
		cfg := Config{Workers: workers, EVE: eveCfg, StatsLog: &StatsLogConfig{}}
		_, dir := replayTo(t, cfg, files...)
		data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		var stats []map[string]any
		failed := map[string]uint64{}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var r map[string]any
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			switch r["event_type"] {
			case "stats":
				stats = append(stats, r["stats"].(map[string]any))
				evetest.Validate(t, sc.Bytes())
			case "flow":
				if r["app_proto"] == "failed" {
					failed[strings.ToLower(r["proto"].(string))]++
				}
			}
		}
		if len(stats) < 3 {
			t.Fatalf("%d workers: %d stats records, want one per 8 s of packet time", workers, len(stats))
		}
		for i, s := range stats[:len(stats)-1] {
			for _, k := range []string{"flow", "tcp", "app_layer", "detect", "decoder"} {
				if _, ok := s[k]; !ok {
					t.Errorf("%d workers: periodic stats record %d lacks %q", workers, i, k)
				}
			}
		}
		last := stats[len(stats)-1]
		flows := last["app_layer"].(map[string]any)["flow"].(map[string]any)
		for _, tr := range []string{"tcp", "udp"} {
			if got := uint64(flows["failed_"+tr].(float64)); got != failed[tr] {
				t.Errorf("%d workers: app_layer.flow.failed_%s %d, flow records with app_proto failed over %s: %d",
					workers, tr, got, tr, failed[tr])
			}
		}
		log, err := os.ReadFile(filepath.Join(dir, "stats.log"))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(log, []byte("\nCounter ")); n != len(stats) {
			t.Errorf("%d workers: stats.log has %d tables, eve.json %d stats records", workers, n, len(stats))
		}
		t.Logf("%d workers: %d stats records; failed flows tcp %d udp %d", workers, len(stats), failed["tcp"], failed["udp"])
	}
}
