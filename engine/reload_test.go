package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect"
	"vigil/engine/decode"
	"vigil/output/evetest"
	"vigil/rules"
	"vigil/rules/version"
)

// reloadPkts are 8 UDP flows of 5 datagrams, interleaved: each flow sends
// SETBIT, three PINGs and CHECK, so packets 1-8 set the flowbit, 9-32 are
// pings and 33-40 check the bit.
func reloadPkts() []scorePkt {
	words := []string{"SETBIT", "PING", "PING", "PING", "CHECK"}
	var pkts []scorePkt
	for _, w := range words {
		for k := range 8 {
			pkts = append(pkts, scorePkt{src: fmt.Sprintf("10.1.0.%d", k+1), dst: "10.2.0.1", sport: uint16(1000 + k), dport: 5000, payload: w})
		}
	}
	return pkts
}

// buildRuleset loads and compiles path as a reload would.
func buildRuleset(path string) (*Ruleset, error) {
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Keywords: detect.Keywords()})
	var errs []string
	for _, e := range rep.Errors {
		errs = append(errs, e.Error())
	}
	in, err := version.ReadFiles([]string{path})
	if err != nil {
		return nil, err
	}
	eng, drep, err := detect.Compile(rs, detect.Options{})
	if err != nil {
		return nil, err
	}
	skipped := 0
	for _, err := range drep.Errors {
		if errors.Is(err, detect.ErrUnsupported) {
			skipped++
		} else {
			errs = append(errs, err.Error())
		}
	}
	return &Ruleset{Engine: eng, References: rs.References(), Generation: version.Generation(in),
		Prints: version.PrintsOf(rs), Errors: errs, Skipped: skipped}, nil
}

type reloadAlert struct {
	EventType string `json:"event_type"`
	PcapCnt   uint64 `json:"pcap_cnt"`
	Alert     struct {
		SID uint32 `json:"signature_id"`
	} `json:"alert"`
	Engine struct {
		Module  string `json:"module"`
		Message string `json:"message"`
		Error   string `json:"error"`
	} `json:"engine"`
}

func readReloadEVE(t *testing.T, path string) []reloadAlert {
	t.Helper()
	evetest.ValidateFile(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []reloadAlert
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r reloadAlert
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func reloadConfig(t *testing.T, workers int, second string) Config {
	t.Helper()
	first, err := buildRuleset(filepath.Join("testdata", "reload", "a.rules"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Engine.Close() })
	cfg := Config{Workers: workers, Deterministic: true, Rules: first.Engine, References: first.References, LogDir: t.TempDir()}
	cfg.Reload = ReloadConfig{Generation: first.Generation, Prints: first.Prints, AtPacket: 21,
		Build: func() (*Ruleset, error) { return buildRuleset(second) }}
	cfg.Decode.Checksum = decode.ChecksumNone
	return cfg
}

// TestReloadReplayAtPacket swaps ruleset A for B at packet 21: alerts
// before it come from A and after it from B, the flowbit A's rule set
// before the swap is honoured by B's rule after it, and the output is the
// same for 1 and 4 workers.
func TestReloadReplayAtPacket(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "reload.pcap")
	writeScorePcap(t, pcap, reloadPkts())
	var first []byte
	for _, workers := range []int{1, 4} {
		cfg := reloadConfig(t, workers, filepath.Join("testdata", "reload", "b.rules"))
		sum, dir := replayTo(t, cfg, pcap)
		eveData, err := os.ReadFile(filepath.Join(dir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = eveData
		} else if !bytes.Equal(first, eveData) {
			t.Errorf("eve.json with %d workers differs from 1 worker", workers)
		}
		count := map[uint32]int{}
		engines := 0
		for _, r := range readReloadEVE(t, filepath.Join(dir, "eve.json")) {
			switch r.EventType {
			case "alert":
				count[r.Alert.SID]++
				switch r.Alert.SID {
				case 10:
					if r.PcapCnt >= 21 {
						t.Errorf("%d workers: ruleset A's sid 10 alerted at packet %d, after the swap", workers, r.PcapCnt)
					}
				case 20, 30:
					if r.PcapCnt < 21 {
						t.Errorf("%d workers: ruleset B's sid %d alerted at packet %d, before the swap", workers, r.Alert.SID, r.PcapCnt)
					}
				}
			case "engine":
				if r.Engine.Module == "rules" {
					engines++
				}
			}
		}
		want := map[uint32]int{10: 12, 20: 12, 30: 8}
		for sid, n := range want {
			if count[sid] != n {
				t.Errorf("%d workers: sid %d alerted %d times, want %d (all %v)", workers, sid, count[sid], n, count)
			}
		}
		if engines != 1 {
			t.Errorf("%d workers: %d engine records of module rules, want 1", workers, engines)
		}
		if v, _ := sum.Counter("vigil.reload.published"); v != 1 {
			t.Errorf("%d workers: vigil.reload.published = %d, want 1", workers, v)
		}
		log, err := os.ReadFile(filepath.Join(dir, "rules-reload.json"))
		if err != nil {
			t.Fatal(err)
		}
		var res ReloadResult
		if err := json.Unmarshal(log, &res); err != nil {
			t.Fatalf("rules-reload.json: %v", err)
		}
		if res.Result != ReloadPublished || res.Generation == "" || res.Previous == "" || res.Generation == res.Previous {
			t.Errorf("%d workers: reload %+v: want published with two generations", workers, res)
		}
		if fmt.Sprint(res.Added, res.Removed, res.Changed) != "[1:20 1:30] [1:10] []" {
			t.Errorf("%d workers: diff added %v removed %v changed %v", workers, res.Added, res.Removed, res.Changed)
		}
	}
}

// TestReloadRefusedKeepsRules: a truncated ruleset (one rule of two: under
// the 0.9 ratio) is refused, the old rules keep alerting, and an engine
// record says why.
func TestReloadRefusedKeepsRules(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "reload.pcap")
	writeScorePcap(t, pcap, reloadPkts())
	truncated := filepath.Join(dir, "trunc.rules")
	a, err := os.ReadFile(filepath.Join("testdata", "reload", "a.rules"))
	if err != nil {
		t.Fatal(err)
	}
	// Cut in the middle of the last rule.
	if err := os.WriteFile(truncated, a[:bytes.LastIndex(a, []byte("content"))], 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := reloadConfig(t, 2, truncated)
	sum, out := replayTo(t, cfg, pcap)
	count := map[uint32]int{}
	var reason string
	for _, r := range readReloadEVE(t, filepath.Join(out, "eve.json")) {
		if r.EventType == "alert" {
			count[r.Alert.SID]++
		}
		if r.EventType == "engine" && r.Engine.Module == "rules" {
			reason = r.Engine.Error
		}
	}
	if count[10] != 24 {
		t.Errorf("old rule alerted %d times, want 24 (all %v)", count[10], count)
	}
	if reason == "" {
		t.Error("no engine record with the reason of the refusal")
	}
	if v, _ := sum.Counter("vigil.reload.refused"); v != 1 {
		t.Errorf("vigil.reload.refused = %d, want 1", v)
	}
}

// statsEngines is stats.detect.engines of a stats record.
type statsEngines struct {
	EventType string `json:"event_type"`
	Stats     struct {
		Detect struct {
			Engines []struct {
				ID           int    `json:"id"`
				LastReload   string `json:"last_reload"`
				RulesLoaded  int    `json:"rules_loaded"`
				RulesFailed  int    `json:"rules_failed"`
				RulesSkipped int    `json:"rules_skipped"`
			} `json:"engines"`
		} `json:"detect"`
	} `json:"stats"`
}

// TestReloadStatsEngines: the stats record's detect.engines carries the
// running ruleset's counts and load time, the startup ruleset's (loaded at
// the first packet of a replay) and, after a reload, the new one's (loaded
// at the packet of the reload: 21), whose rule with an error and rule with
// an unsupported keyword are counted as failed and skipped; the engine
// record says the same.
func TestReloadStatsEngines(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "reload.pcap")
	writeScorePcap(t, pcap, reloadPkts())
	b, err := os.ReadFile(filepath.Join("testdata", "reload", "b.rules"))
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "b-more.rules")
	b = append(b, `alert udp any any -> any 5000 (msg:"broken"; content:; sid:40; rev:1;)
alert ip any any -> any any (msg:"unsupported"; content:"x"; replace:"y"; sid:41; rev:1;)
`...)
	if err := os.WriteFile(second, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, at, engine string
		loaded, failed   int
		skipped          int
	}{
		{"startup", "2023-11-14T22:13:20.000000+0000", "", 2, 0, 0},
		{"reload", "2023-11-14T22:13:20.000020+0000", "1 rule errors, 1 skipped", 3, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := reloadConfig(t, 2, second)
			cfg.EVE = DefaultEVE()
			cfg.EVE.Stats = true
			cfg.Reload.MinRatio = -1
			if c.name == "startup" {
				cfg.Reload.AtPacket = 0
			}
			_, out := replayTo(t, cfg, pcap)
			data, err := os.ReadFile(filepath.Join(out, "eve.json"))
			if err != nil {
				t.Fatal(err)
			}
			evetest.ValidateFile(t, filepath.Join(out, "eve.json"))
			var last statsEngines
			stats, msg := 0, ""
			for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
				var r statsEngines
				if err := json.Unmarshal(line, &r); err != nil {
					t.Fatal(err)
				}
				if r.EventType == "stats" {
					last, stats = r, stats+1
				}
				if r.EventType == "engine" {
					msg = string(line)
				}
			}
			if stats == 0 {
				t.Fatal("no stats record")
			}
			e := last.Stats.Detect.Engines
			if len(e) != 1 || e[0].ID != 0 || e[0].LastReload != c.at || e[0].RulesLoaded != c.loaded ||
				e[0].RulesFailed != c.failed || e[0].RulesSkipped != c.skipped {
				t.Errorf("detect.engines = %+v, want one engine loaded at %s with %d loaded, %d failed, %d skipped",
					e, c.at, c.loaded, c.failed, c.skipped)
			}
			if c.engine != "" && !bytes.Contains([]byte(msg), []byte(c.engine)) {
				t.Errorf("engine record %s does not say %q", msg, c.engine)
			}
		})
	}
}
