package detect

import (
	"net/netip"
	"strings"
	"testing"

	"vigil/ruleparser"
	"vigil/rules"
)

func TestThresholder(t *testing.T) {
	src := netip.MustParseAddr("10.0.0.1")
	other := netip.MustParseAddr("10.0.0.2")
	dst := netip.MustParseAddr("192.0.2.1")
	tests := []struct {
		name string
		spec thresholdSpec
		// each step: seconds since start, source; want alert
		steps []struct {
			sec  int64
			src  netip.Addr
			want bool
		}
	}{
		{"limit 2 per 60s", thresholdSpec{typ: thrLimit, track: trackSrc, count: 2, seconds: 60}, []struct {
			sec  int64
			src  netip.Addr
			want bool
		}{{0, src, true}, {1, src, true}, {2, src, false}, {3, other, true}, {61, src, true}, {62, src, true}, {63, src, false}}},
		{"threshold every 3rd", thresholdSpec{typ: thrThreshold, track: trackRule, count: 3, seconds: 60}, []struct {
			sec  int64
			src  netip.Addr
			want bool
		}{{0, src, false}, {1, other, false}, {2, src, true}, {3, src, false}, {4, src, false}, {5, src, true}}},
		{"both once per window", thresholdSpec{typ: thrBoth, track: trackSrc, count: 2, seconds: 10}, []struct {
			sec  int64
			src  netip.Addr
			want bool
		}{{0, src, false}, {1, src, true}, {2, src, false}, {3, src, false}, {11, src, false}, {12, src, true}}},
		{"detection_filter after 2", thresholdSpec{typ: thrDetection, track: trackSrc, count: 2, seconds: 60}, []struct {
			sec  int64
			src  netip.Addr
			want bool
		}{{0, src, false}, {1, src, false}, {2, src, true}, {3, src, true}, {70, src, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec
			s := &Sig{Num: 0, Rule: &rules.Rule{Gid: 1, Sid: 1}}
			if spec.typ == thrDetection {
				s.detFilter = &spec
			} else {
				s.threshold = &spec
			}
			th := NewThresholder(nil)
			for i, st := range tt.steps {
				got := th.Allow(s, AlertContext{Src: st.src, Dst: dst, TsNs: st.sec * 1e9})
				if got != st.want {
					t.Errorf("step %d (t=%ds): alert = %v, want %v", i, st.sec, got, st.want)
				}
			}
		})
	}
}

func TestThresholdConfig(t *testing.T) {
	cfg, err := ParseThresholdConfig("threshold.config", strings.NewReader(`
# comment
suppress gen_id 1, sig_id 10
suppress gen_id 1, sig_id 11, track by_src, ip 10.0.0.0/8
threshold gen_id 1, sig_id 12, type limit, track by_rule, count 1, seconds 60
`))
	if err != nil {
		t.Fatal(err)
	}
	th := NewThresholder(cfg)
	sig := func(sid uint32) *Sig { return &Sig{Num: int(sid), Rule: &rules.Rule{Gid: 1, Sid: sid}} }
	in := AlertContext{Src: netip.MustParseAddr("10.1.1.1"), Dst: netip.MustParseAddr("192.0.2.1")}
	out := AlertContext{Src: netip.MustParseAddr("192.0.2.9"), Dst: netip.MustParseAddr("192.0.2.1")}
	if th.Allow(sig(10), out) {
		t.Error("sid 10 is suppressed for all traffic")
	}
	if th.Allow(sig(11), in) || !th.Allow(sig(11), out) {
		t.Error("sid 11 is suppressed only for sources in 10/8")
	}
	if !th.Allow(sig(12), in) || th.Allow(sig(12), out) {
		t.Error("sid 12 alerts once per 60s by rule")
	}
	if !th.Allow(sig(13), in) {
		t.Error("sid 13 has no threshold")
	}

	_, err = ParseThresholdConfig("t.config", strings.NewReader("\n  threshold gen_id 1, sig_id 2, type nope, track by_src, count 1, seconds 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "t.config:2:3: ") {
		t.Errorf("error = %v, want it at t.config:2:3", err)
	}
}

// TestThresholdBackoff: backoff alerts on match count, count*multiplier,
// count*multiplier^2, ... of each flow, with no time window.
func TestThresholdBackoff(t *testing.T) {
	s := &Sig{Num: 0, Rule: &rules.Rule{Sid: 1}, threshold: &thresholdSpec{typ: thrBackoff, track: trackFlow, count: 3, mult: 2}}
	th := NewThresholder(nil)
	var got []int
	for i := 1; i <= 30; i++ {
		if th.Allow(s, AlertContext{FlowID: 7, TsNs: int64(i) * 1e12}) {
			got = append(got, i)
		}
	}
	if want := []int{3, 6, 12, 24}; len(got) != len(want) || got[0] != 3 || got[1] != 6 || got[2] != 12 || got[3] != 24 {
		t.Errorf("alerting matches %v; want %v", got, want)
	}
	// Another flow counts on its own.
	if th.Allow(s, AlertContext{FlowID: 8}) || th.Allow(s, AlertContext{FlowID: 8}) || !th.Allow(s, AlertContext{FlowID: 8}) {
		t.Error("second flow: third match should be the first alert")
	}
	if _, err := thresholdFrom(&ruleparser.Threshold{Type: "backoff", Track: "by_src", Count: 1, Multiplier: 2}, false); err == nil {
		t.Error("backoff by_src accepted")
	}
}

// TestThresholderCheck tells thinning (thresholds: the match still
// happened) from suppression (suppress, detection_filter: as if it had
// not), which scoring relies on.
func TestThresholderCheck(t *testing.T) {
	cfg, err := ParseThresholdConfig("threshold.config", strings.NewReader(`
suppress gen_id 1, sig_id 10
threshold gen_id 1, sig_id 12, type limit, track by_rule, count 1, seconds 60
`))
	if err != nil {
		t.Fatal(err)
	}
	th := NewThresholder(cfg)
	sig := func(sid uint32) *Sig { return &Sig{Num: int(sid), Rule: &rules.Rule{Gid: 1, Sid: sid}} }
	df := sig(14)
	df.detFilter = &thresholdSpec{typ: thrDetection, track: trackSrc, count: 1, seconds: 60}
	ac := AlertContext{Src: netip.MustParseAddr("10.1.1.1"), Dst: netip.MustParseAddr("192.0.2.1")}
	steps := []struct {
		s    *Sig
		want Decision
	}{
		{sig(10), Suppressed},
		{sig(12), Logged},
		{sig(12), Thinned},
		{sig(13), Logged},
		{df, Suppressed}, // first match: detection_filter count 1 not exceeded
		{df, Logged},
	}
	for i, st := range steps {
		if got := th.Check(st.s, ac); got != st.want {
			t.Errorf("step %d sid %d: got %v, want %v", i, st.s.Rule.Sid, got, st.want)
		}
	}
}
