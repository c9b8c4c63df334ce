package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScoring(t *testing.T) {
	if d := cmp.Diff(DefaultScoring(), Default().Scoring); d != "" {
		t.Errorf("built-in config (-want +got):\n%s", d)
	}
	c, err := Parse("s.yaml", []byte(`
vigil:
  scoring:
    enabled: no
    half-life: 5m
    overrides: /etc/vigil/score.overrides
    flow:
      threshold: 80
    host:
      attacker-threshold: 90.5
      max-hosts: 10
`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultScoring()
	want.Enabled, want.HalfLife, want.Overrides, want.FlowThreshold, want.Attacker, want.MaxHosts =
		false, 5*time.Minute, "/etc/vigil/score.overrides", 80, 90.5, 10
	if d := cmp.Diff(want, c.Scoring); d != "" {
		t.Errorf("from YAML (-want +got):\n%s", d)
	}
	// --set goes through the same decoding.
	for _, kv := range []string{"vigil.scoring.enabled=yes", "vigil.scoring.host.victim-threshold=400", "vigil.scoring.half-life=60"} {
		k, v, _ := ParseOverride(kv)
		if err := c.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	want.Enabled, want.Victim, want.HalfLife = true, 400, time.Minute
	if d := cmp.Diff(want, c.Scoring); d != "" {
		t.Errorf("after --set (-want +got):\n%s", d)
	}
}

func TestScoringErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"vigil:\n  scoring:\n    enabled: maybe\n", `s.yaml:3:14: vigil.scoring.enabled: want yes or no, got "maybe"`},
		{"vigil:\n  scoring:\n    flow:\n      threshold: -1\n", `s.yaml:4:18: vigil.scoring.flow.threshold: want a whole number`},
		{"vigil:\n  scoring:\n    half-life: soon\n", `s.yaml:3:16: vigil.scoring.half-life: want a duration`},
		{"vigil:\n  scoring:\n    host:\n      attacker-treshold: 5\n", `s.yaml:4:26: vigil.scoring.host.attacker-treshold: unknown scoring setting`},
		{"vigil:\n  scoring: [1]\n", `s.yaml:2:12: vigil.scoring: want a mapping`},
	}
	for _, tt := range tests {
		_, err := Parse("s.yaml", []byte(tt.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %s...", tt.yaml, err, tt.want)
		}
	}
	c := Default()
	err := c.Set("vigil.scoring.host.outbound-threshold", "lots")
	if err == nil || !strings.HasPrefix(err.Error(), "--set vigil.scoring.host.outbound-threshold: vigil.scoring.host.outbound-threshold: want a number") {
		t.Errorf("--set: got %v", err)
	}
}
