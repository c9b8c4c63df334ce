package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigil/bench"
)

func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	rep := &bench.Report{
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Machine: bench.Machine{CPU: "Test CPU", Cores: 2},
		Rules:   []string{"rules"},
		Runs:    1,
		Rows: []bench.Row{{Name: "replay", Workers: 1,
			Vigil:    &bench.Result{Engine: bench.EngineVigil, Summary: bench.Summary{Runs: 1, WallSec: 1, Mbps: 100}},
			Suricata: &bench.Result{Engine: bench.EngineSuricata, Summary: bench.Summary{Runs: 1, WallSec: 2, Mbps: 50}}}},
		Agreement: []bench.Agreement{{Capture: "a.pcap", Both: 1, Jaccard: 1}},
		Live: []bench.LiveSample{{Load: "tcpreplay --topspeed", Engine: bench.EngineVigil, SentMbps: 900,
			KernelPackets: 100, KernelDrops: 1, CPUSec: 2, Alerts: 3}},
		Notes: []string{"a note"},
	}
	var out strings.Builder
	if err := writeReport(rep, dir, &out); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "latest.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Test CPU, 2 cores", "| replay | Vigil/Suricata | | 0.50x |", "| a.pcap | 1 | 0 | 0 | 1.000 |", "- a note\n",
		"| tcpreplay --topspeed | vigil | 900 | 100 | 1 | 1.00 | 2.00 | 3 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("latest.md lacks %q:\n%s", want, md)
		}
	}
	if !strings.HasPrefix(out.String(), string(md)) {
		t.Error("stdout does not start with the Markdown report")
	}
	b, err := os.ReadFile(filepath.Join(dir, "20260102T030405Z.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back bench.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 1 || back.Rows[0].Suricata.Summary.Mbps != 50 {
		t.Errorf("JSON round trip lost the rows: %+v", back.Rows)
	}
}

func TestSnapshot(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "vigil")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p1, err := snapshot(bin, filepath.Join(dir, "snap"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho rebuilt\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p2, err := snapshot(bin, filepath.Join(dir, "snap"))
	if err != nil {
		t.Fatal(err)
	}
	if p1 == p2 {
		t.Errorf("a rebuilt binary got the same snapshot %s", p1)
	}
	if _, err := os.Stat(p1); !os.IsNotExist(err) {
		t.Errorf("older snapshot %s kept (err %v), want it removed", p1, err)
	}
	if b, _ := os.ReadFile(p2); string(b) != "#!/bin/sh\necho rebuilt\n" {
		t.Errorf("snapshot holds %q, want the rebuilt binary", b)
	}
	if fi, err := os.Stat(p2); err != nil || fi.Mode()&0o100 == 0 {
		t.Errorf("snapshot %s not executable: %v", p2, err)
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-runs", "0"}, {"-workers", "1,x"}, {"-nope"}, {"-rows", "et-open,everything"}} {
		if rc := run(args, io.Discard, io.Discard); rc != 2 {
			t.Errorf("run(%q) = %d, want 2", args, rc)
		}
	}
}

// TestLiveFlags: bad live flags are usage errors (exit 2) before anything
// runs, and the live helper checks its arguments.
func TestLiveFlags(t *testing.T) {
	for _, args := range [][]string{{"-live-rates", "fast"}, {"-live-only", "-no-live"}, {"live-helper"},
		{"live-helper", "upload", "10.0.0.1:1", "x"}} {
		var out, errOut strings.Builder
		if rc := run(args, &out, &errOut); rc != 2 {
			t.Errorf("run %q = %d, want 2 (stderr %q)", args, rc, errOut.String())
		}
	}
}

func TestRowSelect(t *testing.T) {
	sel, err := rowSelect("all-outputs, load")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row  bench.Row
		want bool
	}{
		{bench.Row{Load: true, Rules: true}, true},
		{bench.Row{Rules: true, Workers: 1}, false},
		{bench.Row{Workers: 2}, false},
		{bench.Row{Rules: true, Workers: 1, AllOutputs: true}, true},
	} {
		if got := sel(tc.row); got != tc.want {
			t.Errorf("select %+v = %v; want %v", tc.row, got, tc.want)
		}
	}
}
