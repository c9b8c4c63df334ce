package score

import (
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigil/detect"
	"vigil/detect/mpm"
	"vigil/rules"
)

func compile(t *testing.T, text string) *detect.Engine {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Keywords: detect.Keywords()})
	if rs == nil || !rep.OK() {
		t.Fatalf("load: %+v", rep)
	}
	e, _, err := detect.Compile(rs, detect.Options{Prefilter: mpm.Reference{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestPoints(t *testing.T) {
	e := compile(t, `
alert tcp any any -> any any (msg:"crit high"; content:"a"; metadata: signature_severity Critical, confidence High; sid:1;)
alert tcp any any -> any any (msg:"major, no confidence"; content:"a"; metadata: signature_severity Major; sid:2;)
alert tcp any any -> any any (msg:"minor low"; content:"a"; metadata: signature_severity Minor, confidence Low; sid:3;)
alert tcp any any -> any any (msg:"info medium"; content:"a"; metadata: signature_severity Informational, confidence Medium; sid:4;)
alert tcp any any -> any any (msg:"prio 1"; content:"a"; priority:1; sid:5;)
alert tcp any any -> any any (msg:"prio 2 high"; content:"a"; priority:2; metadata: confidence High; sid:6;)
alert tcp any any -> any any (msg:"prio 4 low"; content:"a"; priority:4; metadata: confidence Low; sid:7;)
alert tcp any any -> any any (msg:"no metadata: priority 3"; content:"a"; sid:8;)
alert tcp any any -> any any (msg:"own score"; content:"a"; metadata: signature_severity Critical, vigil_score 7; sid:9;)
alert tcp any any -> any any (msg:"masked by file"; content:"a"; metadata: signature_severity Critical; sid:10;)
alert tcp any any -> any any (msg:"file beats vigil_score"; content:"a"; metadata: vigil_score 7; sid:11;)
alert tcp any any -> any any (msg:"bad vigil_score"; content:"a"; metadata: signature_severity Major, confidence High, vigil_score lots; sid:12;)
alert tcp any any -> any any (msg:"unknown severity"; content:"a"; priority:2; metadata: signature_severity Unknown, confidence High; sid:13;)
alert tcp any any -> any any (msg:"target src"; content:"a"; target:src_ip; sid:14;)
`)
	ov, err := ParseOverrides("ov", strings.NewReader("1:10 0\n1:11 42 # local\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, errs := NewPoints(e.Sigs(), ov)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "sid 12: metadata vigil_score") {
		t.Errorf("errors: %v; want one about sid 12's vigil_score", errs)
	}
	want := map[uint32]uint32{1: 50, 2: 18, 3: 3, 4: 1, 5: 18, 6: 10, 7: 1, 8: 1, 9: 7, 10: 0, 11: 42, 12: 30, 13: 10, 14: 1}
	for _, s := range e.Sigs() {
		got, id := p.Of(s.Num)
		if id.SID != s.Rule.Sid {
			t.Errorf("sig %d: id %v", s.Num, id)
		}
		if got != want[s.Rule.Sid] {
			t.Errorf("sid %d (%s): %d points, want %d", s.Rule.Sid, s.Rule.Msg, got, want[s.Rule.Sid])
		}
		if p.VictimIsSrc(s.Num) != (s.Rule.Sid == 14) {
			t.Errorf("sid %d: VictimIsSrc = %v", s.Rule.Sid, p.VictimIsSrc(s.Num))
		}
	}
}

func TestParseOverridesErrors(t *testing.T) {
	_, err := ParseOverrides("local.score", strings.NewReader(
		"# ok\n1:2 10\n  1-2 10\n1:3 many\n1:4\n1:2 5\n1:5 10001\n"))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`local.score:3:3: bad rule "1-2": want gid:sid`,
		`local.score:4:5: bad points "many": want 0 to 10000`,
		`local.score:5:1: want "gid:sid points", got 1 fields`,
		`local.score:6:1: 1:2 given again (first on line 2)`,
		`local.score:7:5: bad points "10001": want 0 to 10000`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestFlowCap(t *testing.T) {
	var f Flow
	hl := int64(10 * time.Minute)
	id := RuleID{1, 1, 1}
	var got []uint32
	for _, ts := range []int64{0, 1, 2, 3} {
		got = append(got, f.Add(0, id, 30, ts*1e9, hl))
	}
	// Another rule is capped on its own.
	got = append(got, f.Add(1, RuleID{1, 2, 1}, 10, 4e9, hl))
	// A new half-life window opens the cap again.
	got = append(got, f.Add(0, id, 30, hl, hl), f.Add(0, id, 30, hl+1, hl), f.Add(0, id, 30, hl+2, hl))
	want := []uint32{30, 30, 0, 0, 10, 30, 30, 0}
	if !slicesEqual(got, want) {
		t.Errorf("added %v, want %v", got, want)
	}
	c := f.Contributors()
	if len(c) != 2 || c[0].Rule.SID != 1 || c[0].Points != 120 || c[1].Points != 10 {
		t.Errorf("contributors %+v", c)
	}
	f.Reset()
	if len(f.Contributors()) != 0 {
		t.Error("Reset kept contributors")
	}
}

func slicesEqual(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFlowRearm(t *testing.T) {
	var f Flow
	steps := []struct {
		score uint32
		want  bool
	}{{50, false}, {120, true}, {200, false}, {61, false}, {130, false}, {59, false}, {120, true}}
	for i, s := range steps {
		if got := f.Check(s.score, 120); got != s.want {
			t.Errorf("step %d score %d: crossed %v, want %v", i, s.score, got, s.want)
		}
	}
	if f.Check(1000, 0) {
		t.Error("threshold 0 crossed")
	}
}

func TestHostDecayAndRearm(t *testing.T) {
	hl := int64(10 * time.Minute)
	h := NewHosts(10, hl)
	a := netip.MustParseAddr("192.0.2.1")
	id := RuleID{1, 1, 1}
	if _, c := h.Add(ScopeAttacker, a, 0, id, 100, Evidence{}, 150); c {
		t.Fatal("100 < 150 crossed")
	}
	// One half-life later 100 has become 50.
	if got := h.Score(ScopeAttacker, a, hl); math.Abs(got-50) > 1e-9 {
		t.Errorf("score after one half-life = %v, want 50", got)
	}
	// 50 + 100 = 150 crosses.
	e, c := h.Add(ScopeAttacker, a, hl, id, 100, Evidence{TCPHandshake: true}, 150)
	if !c || math.Abs(e.score-150) > 1e-9 || !e.evidence.TCPHandshake {
		t.Fatalf("crossed %v score %v evidence %+v", c, e.score, e.evidence)
	}
	// Still above half the threshold (75): no second crossing.
	if _, c := h.Add(ScopeAttacker, a, 2*hl, id, 100, Evidence{}, 150); c {
		t.Error("crossed again without re-arming")
	}
	// After a 20-minute gap the 175 has decayed to 43.75 < 75: re-armed,
	// and 43.75+110 crosses again.
	if _, c := h.Add(ScopeAttacker, a, 4*hl, id, 110, Evidence{}, 150); !c {
		t.Errorf("no crossing after re-arming; score %v", h.Score(ScopeAttacker, a, 4*hl))
	}
	// Scopes are separate.
	if got := h.Score(ScopeVictim, a, 4*hl); got != 0 {
		t.Errorf("victim score %v", got)
	}
}

func TestHostEviction(t *testing.T) {
	h := NewHosts(2, int64(time.Minute))
	id := RuleID{1, 1, 1}
	a1, a2, a3 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	h.Add(ScopeAttacker, a1, 0, id, 10, Evidence{}, 0)
	h.Add(ScopeAttacker, a2, 1, id, 10, Evidence{}, 0)
	h.Add(ScopeAttacker, a1, 2, id, 10, Evidence{}, 0) // a1 is now the most recent
	h.Add(ScopeAttacker, a3, 3, id, 10, Evidence{}, 0) // evicts a2
	if h.Len() != 2 || h.Evictions != 1 {
		t.Fatalf("len %d evictions %d", h.Len(), h.Evictions)
	}
	if h.Score(ScopeAttacker, a2, 3) != 0 || h.Score(ScopeAttacker, a1, 3) == 0 || h.Score(ScopeAttacker, a3, 3) == 0 {
		t.Error("evicted the wrong host")
	}
}

func TestHostContributorsCapped(t *testing.T) {
	h := NewHosts(4, int64(time.Hour))
	a := netip.MustParseAddr("10.0.0.1")
	var e *hostEntry
	for sid := uint32(1); sid <= maxHostContributors+2; sid++ {
		e, _ = h.Add(ScopeVictim, a, 0, RuleID{1, sid, 1}, float64(sid), Evidence{}, 0)
	}
	c := e.contributors()
	if len(c) != maxHostContributors || c[0].Rule.SID != maxHostContributors+2 || c[len(c)-1].Rule.SID != 3 {
		t.Errorf("contributors %+v", c)
	}
}

// TestStageOrder checks that replay processes events in packet order
// whatever order the feeds posted them in, and splits inbound from
// outbound by HOME_NET.
func TestStageOrder(t *testing.T) {
	home, err := rules.Vars{Address: map[string]string{"HOME_NET": "10.0.0.0/8"}}.AddressVar("HOME_NET")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cfg := Config{Enabled: true, Attacker: 25, Victim: 1000, Outbound: 20}
	s := NewStage(Options{Config: cfg, HomeNet: home, Emit: func(c *Crossing, v string) {
		got = append(got, c.Scope.String()+" "+c.Addr.String()+" "+v)
	}})
	f1, f2 := s.NewFeed(), s.NewFeed()
	ext, in := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("10.0.0.1")
	ev := func(ts int64, att, vic netip.Addr, pts uint32) *Event {
		return &Event{Kind: EventPoints, Ts: ts, PcapCnt: uint64(ts), Rule: RuleID{1, uint32(ts), 1}, Points: pts, Attacker: att, Victim: vic}
	}
	f2.Post(ev(3, ext, in, 10))
	f1.Post(ev(1, ext, in, 10))
	f1.Post(ev(2, in, ext, 10)) // outbound
	f2.Post(ev(4, in, ext, 10)) // outbound: 20 crosses
	f1.Post(ev(5, ext, in, 10)) // attacker: 30 crosses
	s.Drain()
	want := []string{"outbound 10.0.0.1 none", "attacker 192.0.2.1 none"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q", got, want)
	}
	c := s.Counters()
	if c.Crossings[ScopeOutbound] != 1 || c.Crossings[ScopeAttacker] != 1 || c.Crossings[ScopeVictim] != 0 {
		t.Errorf("counters %+v", c)
	}
}
