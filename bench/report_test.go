package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"one", []float64{3}, 3},
		{"odd", []float64{5, 1, 3}, 3},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"outlier", []float64{1, 1, 100}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			if got := Median(in); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if diff := cmp.Diff(tt.in, in); diff != "" {
				t.Errorf("Median changed its input:\n%s", diff)
			}
		})
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func TestSummarize(t *testing.T) {
	samples := []Sample{
		{WallSec: 2, UserSec: 1, SysSec: 0.5, MaxRSSKiB: 2048, Alerts: 10, PhaseSec: 1},
		{WallSec: 4, UserSec: 3, SysSec: 0.5, MaxRSSKiB: 4096, Alerts: 10, PhaseSec: 2},
		{WallSec: 3, UserSec: 2, SysSec: 0.5, MaxRSSKiB: 1024, Alerts: 12},
		{WallSec: 0.1, Err: "exit 1"}, // failed runs do not count
	}
	got := Summarize(samples, 125_000_000) // 1000 Mbit
	want := Summary{Runs: 3, WallSec: 3, UserSec: 2, SysSec: 0.5, CPUSec: 2.5, MaxRSSMiB: 2, Alerts: 10,
		PhaseSec: 1.5, Mbps: 1000.0 / 3, MbpsPerCPU: 400, PhaseMbps: 1000 / 1.5}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
	if got := Summarize([]Sample{{Err: "x"}}, 1); got.Runs != 0 || got.Mbps != 0 {
		t.Errorf("all failed: %+v, want zero summary", got)
	}
}

func TestExcludeLoad(t *testing.T) {
	rows := []Row{
		{Name: "load", Load: true, Rules: true,
			Vigil:    &Result{Summary: Summary{Runs: 1, WallSec: 2, CPUSec: 1}},
			Suricata: &Result{Summary: Summary{Runs: 1, WallSec: 10, CPUSec: 8}}},
		{Name: "rules",
			Rules:    true,
			Vigil:    &Result{Summary: Summary{Runs: 1, WallSec: 4, CPUSec: 3}},
			Suricata: &Result{Summary: Summary{Runs: 1, WallSec: 9, CPUSec: 8}}},
		{Name: "none",
			Vigil:    &Result{Summary: Summary{Runs: 1, WallSec: 1, CPUSec: 1}},
			Suricata: &Result{Summary: Summary{Runs: 1, WallSec: 1, CPUSec: 1}}},
	}
	ExcludeLoad(rows, 125_000_000)
	if got := rows[1].Vigil.Summary.NetMbps; got != 500 {
		t.Errorf("vigil NetMbps = %v, want 500", got)
	}
	if got := rows[1].Vigil.Summary.NetMbpsPerCPU; got != 500 {
		t.Errorf("vigil NetMbpsPerCPU = %v, want 500", got)
	}
	// Faster than its own load row: not a meaningful figure, left out.
	if got := rows[1].Suricata.Summary.NetMbps; got != 0 {
		t.Errorf("suricata NetMbps = %v, want 0", got)
	}
	// 8.5 s of CPU against 8 s of load: 6% left, under minNetShare.
	rows[1].Suricata.Summary.CPUSec = 8.5
	ExcludeLoad(rows, 125_000_000)
	if got := rows[1].Suricata.Summary.NetMbpsPerCPU; got != 0 {
		t.Errorf("suricata NetMbpsPerCPU = %v with 6%% of the time left, want 0", got)
	}
	rows[1].Suricata.Summary.CPUSec = 10
	ExcludeLoad(rows, 125_000_000)
	if got := rows[1].Suricata.Summary.NetMbpsPerCPU; got != 500 {
		t.Errorf("suricata NetMbpsPerCPU = %v, want 500", got)
	}
	if got := rows[2].Vigil.Summary.NetMbps; got != 0 {
		t.Errorf("row without rules got NetMbps %v, want 0", got)
	}
}

func TestWriteTable(t *testing.T) {
	rows := []Row{
		{Name: "load", Load: true, Rules: true,
			Vigil:    &Result{Engine: EngineVigil, Summary: Summary{Runs: 3, WallSec: 1, UserSec: 1, SysSec: 0.5, MaxRSSMiB: 300}},
			Suricata: &Result{Engine: EngineSuricata, Summary: Summary{Runs: 3, WallSec: 4, UserSec: 2, SysSec: 0.25, MaxRSSMiB: 150}}},
		{Name: "replay", Workers: 1,
			Vigil:    &Result{Engine: EngineVigil, Summary: Summary{Runs: 3, WallSec: 2, UserSec: 2, Alerts: 5, Mbps: 200, MbpsPerCPU: 100, PhaseMbps: 250}},
			Suricata: &Result{Engine: EngineSuricata, Summary: Summary{Runs: 3, WallSec: 1, UserSec: 1, Alerts: 5, Mbps: 400, MbpsPerCPU: 400}}},
		{Name: "skipped", Workers: 2,
			Vigil:    &Result{Engine: EngineVigil, Skipped: "vigil replay not available (exit 3: not built | yet)"},
			Suricata: &Result{Engine: EngineSuricata, Samples: []Sample{{Err: "exit 1: boom"}}}},
	}
	var b strings.Builder
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := `| row | engine | runs | wall s | user s | sys s | max RSS MiB | alerts | Mbit/s | Mbit/s per CPU-s | packet-phase Mbit/s | Mbit/s excl. load | Mbit/s per CPU-s excl. load |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| load | vigil | 3 | 1.00 | 1.00 | 0.50 | 300 | 0 |  |  |  |  |  |
| load | suricata | 3 | 4.00 | 2.00 | 0.25 | 150 | 0 |  |  |  |  |  |
| load | Vigil/Suricata | | 0.25x | 0.50x | 2.00x | 2.00x |  |  |  |  |  |  |
| replay | vigil | 3 | 2.00 | 2.00 | 0.00 | 0 | 5 | 200.0 | 100.0 | 250.0 |  |  |
| replay | suricata | 3 | 1.00 | 1.00 | 0.00 | 0 | 5 | 400.0 | 400.0 |  |  |  |
| replay | Vigil/Suricata | | 2.00x | 2.00x |  |  | 1.00x | 0.50x | 0.25x |  |  |  |
| skipped | vigil | 0 | n/a: vigil replay not available (exit 3: not built / yet) | | | | | | | | | |
| skipped | suricata | 0 | n/a: failed: exit 1: boom | | | | | | | | | |
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestWriteAgreementTable(t *testing.T) {
	var b strings.Builder
	err := WriteAgreementTable(&b, []Agreement{
		{Capture: "a.pcap", Both: 1, OnlyVigil: 1, Jaccard: 0.5, VigilAlerts: 2, SuricataAlerts: 1},
		{Capture: "b.pcap", Err: "vigil exit 2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"| a.pcap | 1 | 1 | 0 | 0.500 | 2 | 1 |",
		"| b.pcap | n/a: vigil exit 2 | | | | | |",
		"| **overall** | 1 | 1 | 0 | 0.500 | 2 | 1 |",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("table lacks %q:\n%s", line, b.String())
		}
	}
}
