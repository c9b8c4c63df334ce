package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect"
	"vigil/engine/config"
	"vigil/engine/decode"
	"vigil/engine/score"
	"vigil/internal/testutil"
	"vigil/output/evetest"
	"vigil/rules"
)

// udpFrame is an Ethernet/IPv4/UDP frame (checksums left zero: the test
// replays with checksum validation off).
func udpFrame(src, dst string, sport, dport uint16, payload string) []byte {
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	b := make([]byte, 14, 14+28+len(payload))
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := make([]byte, 20)
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(28+len(payload)))
	copy(ip[12:], s[:])
	copy(ip[16:], d[:])
	udp := make([]byte, 8)
	binary.BigEndian.PutUint16(udp[0:], sport)
	binary.BigEndian.PutUint16(udp[2:], dport)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	b = append(append(append(b, ip...), udp...), payload...)
	return b
}

type scorePkt struct {
	sec          int64 // seconds after t0
	src, dst     string
	sport, dport uint16
	payload      string
}

// writeScorePcap writes pkts as a classic pcap (microsecond times).
func writeScorePcap(t *testing.T, path string, pkts []scorePkt) {
	t.Helper()
	const t0 = 1700000000
	var b []byte
	for _, v := range []uint32{0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for i, p := range pkts {
		f := udpFrame(p.src, p.dst, p.sport, p.dport, p.payload)
		b = binary.LittleEndian.AppendUint32(b, uint32(t0+p.sec))
		b = binary.LittleEndian.AppendUint32(b, uint32(i)) // µs: keeps packet times distinct
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The scenario of TestScoringReplay. Addresses: A, B, C, D attack from
// outside HOME_NET (default RFC 1918); V is the victim; H is a HOME_NET
// host attacking outside (outbound).
const (
	scA, scB, scC, scD = "203.0.113.5", "198.51.100.7", "192.0.2.50", "192.0.2.60"
	scV, scH, scE      = "10.0.0.10", "10.0.0.20", "192.0.2.99"
)

var scorePkts = []scorePkt{
	// A: one flow, answered (UDP both ways). exploit 30+30, the third is
	// over the rule's cap (2x per flow and half-life); shell 50 makes the
	// attacker score 110 (crossing, threshold 100); bump adds 50 through a
	// rule's flowint: flow score 160 crosses 120; probe then matches on
	// vigil.score > 100.
	{0, scA, scV, 40000, 5000, "exploit"},
	{1, scV, scA, 5000, 40000, "reply"},
	{2, scA, scV, 40000, 5000, "exploit"},
	{3, scA, scV, 40000, 5000, "exploit"},
	{4, scA, scV, 40000, 5000, "shell"},
	{5, scA, scV, 40000, 5000, "bump"},
	{6, scA, scV, 40000, 5000, "probe"},
	// B: suppressed (sid 3) and masked (sid 4) matches add nothing;
	// thinned ones (sid 7: one alert logged) add 30 each, capped at 60
	// per flow: two flows make 120, a crossing.
	{10, scB, scV, 41000, 5000, "noise"},
	{11, scB, scV, 41000, 5000, "noise"},
	{12, scB, scV, 41000, 5000, "masked"},
	{13, scB, scV, 41000, 5000, "masked"},
	{14, scB, scV, 41000, 5000, "masked"},
	{15, scB, scV, 41000, 5000, "thin"},
	{16, scB, scV, 41000, 5000, "thin"},
	{17, scB, scV, 41001, 5000, "thin"},
	{18, scB, scV, 41001, 5000, "thin"},
	// C: 90 points, then a 20-minute gap (two half-lives): 22.5 left,
	// +30 is 52.5, no crossing.
	{100, scC, scV, 42000, 5000, "exploit"},
	{101, scC, scV, 42000, 5000, "exploit"},
	{102, scC, scV, 42001, 5000, "exploit"},
	{1302, scC, scV, 42002, 5000, "exploit"},
	// D: the same without the gap crosses at 120.
	{200, scD, scV, 43000, 5000, "exploit"},
	{201, scD, scV, 43000, 5000, "exploit"},
	{202, scD, scV, 43001, 5000, "exploit"},
	{203, scD, scV, 43002, 5000, "exploit"},
	// H: outbound, 30+30 crosses 60.
	{300, scH, scE, 44000, 5000, "exploit"},
	{300, scH, scE, 44001, 5000, "exploit"}, // same second: no decay between
}

func scoringConfig(t *testing.T, dir string, workers int) Config {
	t.Helper()
	eng := compileRules(t, []string{filepath.Join("testdata", "scoring", "score.rules")}, false)
	tc, err := detect.LoadThresholdConfig(filepath.Join("testdata", "scoring", "threshold.config"))
	if err != nil {
		t.Fatal(err)
	}
	ov, err := score.LoadOverrides(filepath.Join("testdata", "scoring", "score.overrides"))
	if err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	home, err := rules.Vars{Address: c.Vars.AddressGroups}.AddressVar("HOME_NET")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Scoring
	cfg := Config{Workers: workers, Deterministic: true, Rules: eng, Thresholds: tc, ScoreOverrides: ov, HomeNet: home,
		LogDir: dir, Scoring: score.Config{Enabled: s.Enabled, FlowThreshold: s.FlowThreshold, Attacker: s.Attacker,
			Victim: s.Victim, Outbound: s.Outbound, HalfLife: s.HalfLife, MaxHosts: s.MaxHosts}}
	cfg.Decode.Checksum = decode.ChecksumNone
	return cfg
}

// TestScoringReplay replays a small generated capture and checks the
// crossing records against a reviewed golden file, the flow score in the
// flow records, and that 1 and 4 workers write byte-identical output.
func TestScoringReplay(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "score.pcap")
	writeScorePcap(t, pcap, scorePkts)
	var first []byte
	for _, workers := range []int{1, 4} {
		sum, dir := replayTo(t, scoringConfig(t, t.TempDir(), workers), pcap)
		data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		evetest.ValidateFile(t, filepath.Join(dir, "eve.json"))
		if first != nil {
			if !bytes.Equal(first, data) {
				t.Errorf("eve.json with %d workers differs from 1 worker", workers)
			}
			continue
		}
		first = data
		var golden []byte
		sids := map[uint32]int{}
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var ev struct {
				EventType string `json:"event_type"`
				Alert     struct {
					SID      uint32 `json:"signature_id"`
					Category string `json:"category"`
				} `json:"alert"`
				Metadata struct {
					Flowints map[string]uint32 `json:"flowints"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatal(err)
			}
			switch {
			case ev.EventType == "alert" && ev.Alert.Category == score.Category:
				golden = append(append(golden, line...), '\n')
			case ev.EventType == "alert":
				sids[ev.Alert.SID]++
			case ev.EventType == "flow" && len(ev.Metadata.Flowints) > 0:
				golden = append(append(golden, line...), '\n')
			}
		}
		// The rules' own alerts: suppress removes sid 3's, the limit thins
		// sid 7's to one, the mask keeps sid 4 alerting.
		want := map[uint32]int{1: 13, 2: 1, 4: 3, 6: 1, 7: 1}
		for sid, n := range want {
			if sids[sid] != n {
				t.Errorf("sid %d: %d alerts, want %d (all: %v)", sid, sids[sid], n, sids)
			}
		}
		if sids[3] != 0 || sids[5] != 0 {
			t.Errorf("suppressed or noalert rules alerted: %v", sids)
		}
		crossings := map[string]uint64{}
		for _, c := range sum.Stats {
			if strings.HasPrefix(c.Name, "vigil.score.crossings.") {
				crossings[strings.TrimPrefix(c.Name, "vigil.score.crossings.")] = c.Value
			}
		}
		if w := map[string]uint64{"flow": 1, "attacker": 3, "victim": 1, "outbound": 1}; !mapsEqual(crossings, w) {
			t.Errorf("crossings %v, want %v", crossings, w)
		}
		checkScoreGolden(t, filepath.Join("testdata", "scoring", "crossings.eve.golden"), golden)
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func checkScoreGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (UPDATE_GOLDEN=1 creates it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (UPDATE_GOLDEN=1 rewrites it after review)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestScoringShared replays each capture of ../shared/pcaps/malicious
// with all of ET Open (main and supplement, HOME_NET and EXTERNAL_NET any,
// as the reference alerts were made): every EVE line must validate, the
// crossings of 1 and 4 workers must be identical, and the crossings with
// their contributors are logged per capture (go test -v).
func TestScoringShared(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles all of ET Open")
	}
	shared := testutil.SharedDir(t)
	et := filepath.Join(shared, "rules", "et-open")
	paths, _ := filepath.Glob(filepath.Join(et, "emerging-*.rules"))
	sup, _ := filepath.Glob(filepath.Join(et, "supplement-2024-04", "*.rules"))
	if len(paths) == 0 || len(sup) == 0 {
		t.Skip("ET Open rules not found in ../shared/rules/et-open")
	}
	eng := compileRules(t, append(paths, sup...), true)
	files, _ := filepath.Glob(filepath.Join(shared, "pcaps", "malicious", "*.pcap*"))
	if len(files) == 0 {
		t.Skip("no captures in ../shared/pcaps/malicious")
	}
	c := config.Default()
	total := 0
	for _, f := range files {
		var first []byte
		for _, workers := range []int{1, 4} {
			s := c.Scoring
			cfg := Config{Workers: workers, Deterministic: true, Rules: eng, LogDir: t.TempDir(),
				Scoring: score.Config{Enabled: true, FlowThreshold: s.FlowThreshold, Attacker: s.Attacker,
					Victim: s.Victim, Outbound: s.Outbound, HalfLife: s.HalfLife, MaxHosts: s.MaxHosts}}
			cfg.Decode.Checksum = decode.ChecksumNone
			_, dir := replayTo(t, cfg, f)
			data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
			if err != nil {
				t.Fatal(err)
			}
			// Only the crossings are compared: on two of these captures
			// flow records differ between 1 and 4 workers with scoring off
			// too (an IPv6 flow timing out differently), which is not
			// scoring's to fix.
			var crossings []byte
			for _, line := range bytes.SplitAfter(data, []byte("\n")) {
				if bytes.Contains(line, []byte(score.Category)) {
					crossings = append(crossings, line...)
				}
			}
			if first != nil {
				if !bytes.Equal(first, crossings) {
					t.Errorf("%s: crossings with 4 workers differ from 1 worker", filepath.Base(f))
				}
				continue
			}
			first = crossings
			evetest.ValidateFile(t, filepath.Join(dir, "eve.json"))
			var rows []string
			for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
				if !bytes.Contains(line, []byte(score.Category)) {
					continue
				}
				var ev struct {
					Alert struct {
						Context struct {
							Vigil struct {
								Scope, Key       string
								Score, Threshold float64
								Contributors     []struct {
									SID    uint32  `json:"signature_id"`
									Points float64 `json:"points"`
								}
							} `json:"vigil"`
						} `json:"context"`
					} `json:"alert"`
				}
				if err := json.Unmarshal(line, &ev); err != nil {
					t.Fatal(err)
				}
				v := ev.Alert.Context.Vigil
				var cs []string
				for _, k := range v.Contributors {
					cs = append(cs, fmt.Sprintf("%d:%g", k.SID, k.Points))
				}
				rows = append(rows, fmt.Sprintf("%s %s %g/%g [%s]", v.Scope, v.Key, v.Score, v.Threshold, strings.Join(cs, " ")))
			}
			total += len(rows)
			t.Logf("%s: %d crossings", filepath.Base(f), len(rows))
			for _, r := range rows {
				t.Logf("    %s", r)
			}
		}
	}
	t.Logf("%d captures, %d crossings", len(files), total)
}
