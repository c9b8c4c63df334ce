// Command vigil-bench measures Vigil beside Suricata on the same captures and
// rules: rule load and compile time, replay throughput without rules and
// with all of ET Open on 1 and 2 workers, with all of ET Open and every
// output of the packaged suricata.yaml (EVE lines per type), live capture of the bench input
// sent with tcpreplay through a veth pair (and of the large-upload load),
// and alert agreement on the malicious captures. `make bench` runs it from
// the repository root.
//
// Usage:
//
//	vigil-bench [-size MB] [-runs N] [-quick] [-agree-only] [-no-agree] [-supplement] [-rows load,no-rules,et-open,all-outputs] ...
//	vigil-bench -live-only [-size MB] [-live-rates 200,500,top] [-live-upload 10s]
//
// It prints a Markdown table and writes bench/results/<time>.json and
// bench/results/latest.md.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vigil/bench"
)

type options struct {
	sizeMB      int64
	runs        int
	out         string
	rules       string
	supplement  bool
	vigil       string
	suricata    string
	suricataCfg string
	installer   string
	pcaps       string
	malicious   string
	work        string
	workers     string
	quick       bool
	agreeOnly   bool
	noAgree     bool
	agreeMax    int
	timeout     time.Duration
	liveRates   string
	liveUpload  time.Duration
	liveLimit   time.Duration
	liveOnly    bool
	noLive      bool
	rows        string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "live-helper" {
		return liveHelper(args[1:], stdout, stderr)
	}
	var o options
	fs := flag.NewFlagSet("vigil-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Int64Var(&o.sizeMB, "size", 500, "benchmark input size in MiB (captures repeated up to it)")
	fs.IntVar(&o.runs, "runs", 3, "runs per engine and row (medians are reported)")
	fs.StringVar(&o.out, "out", "bench/results", "directory for <time>.json and latest.md")
	fs.StringVar(&o.rules, "rules", "../shared/rules/et-open", "rule directory (its *.rules, classification.config, reference.config)")
	fs.BoolVar(&o.supplement, "supplement", false, "also load RULES/supplement-2024-04/*.rules (as the reference alerts were made)")
	fs.StringVar(&o.vigil, "vigil", "bin/vigil", "vigil binary")
	fs.StringVar(&o.suricata, "suricata", "suricata", "suricata binary")
	fs.StringVar(&o.suricataCfg, "suricata-yaml", "/etc/suricata/suricata.yaml", "packaged suricata.yaml to derive the benchmark config from")
	fs.StringVar(&o.installer, "install-suricata", "../shared/tools/install-suricata.sh", "script that installs Suricata 7 when it is absent (needs root)")
	fs.StringVar(&o.pcaps, "pcaps", "../shared/pcaps/bench", "captures the input is built from")
	fs.StringVar(&o.malicious, "malicious", "../shared/pcaps/malicious", "captures for alert agreement")
	fs.StringVar(&o.work, "work", "/var/tmp/vigil-bench", "work directory outside the repository (input cache, rules, run logs)")
	fs.StringVar(&o.workers, "workers", "1,2", "worker counts of the replay rows")
	fs.BoolVar(&o.quick, "quick", false, "smoke run: -size 20 -runs 1 -agree-max 3 unless given")
	fs.BoolVar(&o.agreeOnly, "agree-only", false, "run only the alert agreement")
	fs.BoolVar(&o.noAgree, "no-agree", false, "skip the alert agreement")
	fs.IntVar(&o.agreeMax, "agree-max", 0, "compare at most this many malicious captures (0: all)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "limit per engine process")
	fs.StringVar(&o.liveRates, "live-rates", "200,500,top", "tcpreplay rates of the live rows, Mbit/s or top (--topspeed); none for no tcpreplay rows")
	fs.DurationVar(&o.liveUpload, "live-upload", 10*time.Second, "duration of the live upload load (0: none)")
	fs.DurationVar(&o.liveLimit, "live-limit", time.Minute, "longest tcpreplay run (--duration)")
	fs.BoolVar(&o.liveOnly, "live-only", false, "run only the live rows")
	fs.BoolVar(&o.noLive, "no-live", false, "skip the live rows")
	fs.StringVar(&o.rows, "rows", "load,no-rules,et-open,all-outputs", "replay rows to run, comma-separated: load, no-rules, et-open, all-outputs (the packaged suricata.yaml's outputs, both engines)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["size"] {
			o.sizeMB = 20
		}
		if !set["runs"] {
			o.runs = 1
		}
		if !set["agree-max"] {
			o.agreeMax = 3
		}
		if !set["live-rates"] {
			o.liveRates = "top"
		}
		if !set["live-upload"] {
			o.liveUpload = 5 * time.Second
		}
	}
	loads, err := bench.ParseLiveRates(o.liveRates)
	if err != nil {
		fmt.Fprintf(stderr, "vigil-bench: %v\n", err)
		return 2
	}
	if o.liveUpload > 0 {
		loads = append(loads, bench.LiveLoad{Upload: o.liveUpload})
	}
	if o.liveOnly && o.noLive {
		fmt.Fprintln(stderr, "vigil-bench: -live-only and -no-live exclude each other")
		return 2
	}
	if o.runs < 1 || o.sizeMB < 1 {
		fmt.Fprintln(stderr, "vigil-bench: -runs and -size must be at least 1")
		return 2
	}
	sel, err := rowSelect(o.rows)
	if err != nil {
		fmt.Fprintf(stderr, "vigil-bench: %v\n", err)
		return 2
	}
	var workers []int
	for _, s := range strings.Split(o.workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "vigil-bench: bad -workers %q\n", o.workers)
			return 2
		}
		workers = append(workers, n)
	}
	// Runs happen in per-run directories: make the binaries' paths absolute.
	if strings.ContainsRune(o.vigil, '/') {
		if abs, err := filepath.Abs(o.vigil); err == nil {
			o.vigil = abs
		}
	}
	if abs, err := filepath.Abs(o.work); err == nil {
		o.work = abs
	}
	if strings.ContainsRune(o.suricata, '/') {
		if abs, err := filepath.Abs(o.suricata); err == nil {
			o.suricata = abs
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.noLive {
		loads = nil
	}
	if err := bench1(ctx, o, workers, loads, sel, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "vigil-bench: %v\n", err)
		return 1
	}
	return 0
}

// rowSelect returns the row filter of -rows.
func rowSelect(list string) (func(bench.Row) bool, error) {
	kinds := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		switch k {
		case "load", "no-rules", "et-open", "all-outputs":
			kinds[k] = true
		case "":
		default:
			return nil, fmt.Errorf("bad -rows kind %q: want load, no-rules, et-open or all-outputs", k)
		}
	}
	return func(r bench.Row) bool {
		switch {
		case r.Load:
			return kinds["load"]
		case r.AllOutputs:
			return kinds["all-outputs"]
		case r.Rules:
			return kinds["et-open"]
		}
		return kinds["no-rules"]
	}, nil
}

func bench1(ctx context.Context, o options, workers []int, loads []bench.LiveLoad, sel func(bench.Row) bool, stdout, stderr io.Writer) error {
	rep := bench.Report{Started: time.Now().UTC(), Machine: bench.DescribeMachine(), Runs: o.runs}
	note := func(format string, a ...any) {
		s := fmt.Sprintf(format, a...)
		rep.Notes = append(rep.Notes, s)
		fmt.Fprintln(stderr, "note: "+s)
	}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}

	// Rules: one concatenated file for both engines.
	dirs := []string{o.rules}
	if o.supplement {
		dirs = append(dirs, filepath.Join(o.rules, "supplement-2024-04"))
	}
	rf, err := bench.PrepareRules(dirs, o.work)
	if err != nil {
		return err
	}
	rep.Rules, rep.RuleCount = dirs, rf.Rules
	fmt.Fprintf(stderr, "rules: %d files, %d enabled rule lines -> %s\n", rf.Files, rf.Rules, rf.All)

	r := &bench.Runner{Runs: o.runs, Workers: workers, WorkDir: o.work, Timeout: o.timeout, Progress: stderr, Select: sel}
	if sel(bench.Row{AllOutputs: true}) {
		cfg := filepath.Join(o.work, "suricata-all-outputs.yaml")
		if err := bench.WriteAllOutputsConfig(o.suricataCfg, cfg); err != nil {
			note("all-outputs row left out: %v", err)
		} else {
			r.AllOutputsConfig = cfg
		}
	}

	// Suricata: present, or installed, or left out with the reason.
	sbin, sver, err := findSuricata(o, stderr)
	if err != nil {
		r.SuricataSkip = err.Error()
		note("Suricata figures missing: %v", err)
	} else {
		rep.Machine.Suricata = sver
		cfg := filepath.Join(o.work, "suricata.yaml")
		if err := bench.WriteSuricataConfig(o.suricataCfg, cfg); err != nil {
			r.SuricataSkip = err.Error()
			note("Suricata figures missing: %v", err)
		} else {
			r.Suricata = &bench.Suricata{Bin: sbin, Config: cfg, RuleFile: rf.All, Empty: rf.Empty, LoadPcap: rf.LoadPcap,
				ClassFile: rf.ClassFile, RefFile: rf.RefFile, CPUs: runtime.NumCPU()}
		}
	}

	// Vigil: the binary, and whether replay works (probed on a tiny pcap).
	r.Vigil = &bench.Vigil{Bin: o.vigil, RuleFile: rf.All, Empty: rf.Empty}
	if _, err := os.Stat(o.vigil); err != nil {
		r.VigilMissing = true
		r.VigilSkip = fmt.Sprintf("%s not found (run `make build`)", o.vigil)
		note("Vigil figures missing: %s", r.VigilSkip)
	} else {
		// Run a copy: bin/vigil may be rebuilt while the benchmark runs.
		snap, err := snapshot(o.vigil, filepath.Join(o.work, "bin"))
		if err != nil {
			return err
		}
		r.Vigil.Bin = snap
		rep.Machine.Vigil = bench.VigilVersion(snap)
	}

	sources, err := bench.ListCaptures(o.pcaps)
	if err != nil {
		return err
	}
	if !r.VigilMissing {
		tiny, err := bench.BuildInput(bench.InputOptions{Sources: sources[:1], SizeBytes: 64 << 10, Dir: o.work})
		if err != nil {
			return err
		}
		if why := r.Vigil.Probe(ctx, tiny.Path, o.work); why != "" {
			r.VigilSkip = why
			note("%s: Vigil's replay rows and agreement are left out", why)
		}
	}

	var in bench.Input
	if !o.agreeOnly {
		fmt.Fprintf(stderr, "input: building %d MiB from %d captures in %s (cached by size and sources)\n", o.sizeMB, len(sources), o.work)
		in, err = bench.BuildInput(bench.InputOptions{Sources: sources, SizeBytes: o.sizeMB << 20, Dir: o.work})
		if err != nil {
			return err
		}
		rep.Input = &in
		fmt.Fprintf(stderr, "input: %s: %d packets, %d bytes, %.2f rounds of the sources\n", in.Path, in.Packets, in.Bytes, in.Rounds)
		if len(in.Truncated) > 0 {
			note("sources cut short inside a record (kept up to the cut): %s", strings.Join(in.Truncated, ", "))
		}
		if in.Skipped > 0 {
			note("%d packets of non-Ethernet link types were left out of the input", in.Skipped)
		}
		if !o.liveOnly {
			rep.Rows = r.RunRows(ctx, in)
		}
		for _, row := range rep.Rows {
			for _, res := range []*bench.Result{row.Vigil, row.Suricata} {
				if res.Note != "" && res.Skipped == "" {
					note("%s, %s: %s", row.Name, res.Engine, res.Note)
				}
			}
		}
		if len(loads) > 0 && ctx.Err() == nil {
			live, err := runLive(ctx, o, r, in, loads, stderr)
			if err != nil {
				note("%v", err)
			}
			rep.Live = live
		}
	}
	if !o.noAgree && !o.liveOnly && ctx.Err() == nil {
		caps, err := bench.ListCaptures(o.malicious)
		if err != nil {
			return err
		}
		if o.agreeMax > 0 && len(caps) > o.agreeMax {
			caps = caps[:o.agreeMax]
		}
		ag, err := r.RunAgreement(ctx, caps)
		if err != nil {
			note("alert agreement not measured: %v", err)
		}
		rep.Agreement = ag
	}
	rep.Finished = time.Now().UTC()
	return writeReport(&rep, o.out, stdout)
}

// runLive runs the live rows: it creates the namespaces, runs every load
// with each engine and removes the namespaces. It returns an error, and
// no rows, when the live rows cannot run here.
func runLive(ctx context.Context, o options, r *bench.Runner, in bench.Input, loads []bench.LiveLoad, stderr io.Writer) ([]bench.LiveSample, error) {
	if why := bench.LiveCheck(); why != "" {
		return nil, errors.New(why)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("live rows skipped: %w", err)
	}
	n, err := bench.NewLiveNet()
	if err != nil {
		return nil, fmt.Errorf("live rows skipped: %w", err)
	}
	defer func() {
		if err := n.Close(); err != nil {
			fmt.Fprintf(stderr, "vigil-bench: %v\n", err)
		}
	}()
	fmt.Fprintf(stderr, "live: %s -> %s (namespaces %s, %s), %d loads\n", n.IfB, n.IfA, n.NSB, n.NSA, len(loads))
	l := &bench.Live{Net: n, Input: in.Path, Limit: o.liveLimit, Helper: []string{self, "live-helper"},
		WorkDir: o.work, Timeout: 5 * time.Minute, Progress: stderr,
		VigilSkip: r.VigilSkip, SuricataSkip: r.SuricataSkip}
	if !r.VigilMissing {
		l.Vigil = r.Vigil
	}
	if r.Suricata != nil {
		l.Suricata = r.Suricata
	}
	return l.Run(ctx, loads), nil
}

// liveHelper is `vigil-bench live-helper sink ADDR` (a TCP discard server,
// until killed) and `vigil-bench live-helper upload ADDR SECONDS` (prints
// the bytes sent): both ends of the live upload load, run by the bench
// inside its namespaces.
func liveHelper(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 2 && args[0] == "sink":
		if err := bench.UploadSink(args[1]); err != nil {
			fmt.Fprintf(stderr, "vigil-bench live-helper: %v\n", err)
			return 1
		}
		return 0
	case len(args) == 3 && args[0] == "upload":
		secs, err := strconv.Atoi(args[2])
		if err != nil || secs < 1 {
			fmt.Fprintf(stderr, "vigil-bench live-helper: bad seconds %q\n", args[2])
			return 2
		}
		n, err := bench.Upload(args[1], time.Duration(secs)*time.Second)
		if err != nil {
			fmt.Fprintf(stderr, "vigil-bench live-helper: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, n)
		return 0
	}
	fmt.Fprintln(stderr, "usage: vigil-bench live-helper sink ADDR | upload ADDR SECONDS")
	return 2
}

// findSuricata returns the binary and version of Suricata 7 or later,
// installing it with the shared script when absent and running as root.
func findSuricata(o options, stderr io.Writer) (bin, version string, err error) {
	check := func() (string, string, error) {
		p, err := exec.LookPath(o.suricata)
		if err != nil {
			return "", "", fmt.Errorf("%w: %s not on PATH", bench.ErrNoSuricata, o.suricata)
		}
		v, major, err := bench.SuricataVersion(p)
		if err != nil {
			return "", "", fmt.Errorf("%w: %v", bench.ErrNoSuricata, err)
		}
		if major < 7 {
			return "", "", fmt.Errorf("%w: found %s", bench.ErrNoSuricata, v)
		}
		return p, v, nil
	}
	bin, version, err = check()
	if err == nil {
		return bin, version, nil
	}
	if os.Geteuid() != 0 {
		return "", "", fmt.Errorf("%v; not root, so %s cannot install it", err, o.installer)
	}
	fmt.Fprintf(stderr, "suricata: %v; running %s\n", err, o.installer)
	cmd := exec.Command(o.installer)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if ierr := cmd.Run(); ierr != nil {
		return "", "", fmt.Errorf("%v; %s failed: %v", err, o.installer, ierr)
	}
	return check()
}

func writeReport(rep *bench.Report, outDir string, stdout io.Writer) error {
	var md strings.Builder
	fmt.Fprintf(&md, "# vigil-bench %s\n\n", rep.Started.Format(time.RFC3339))
	m := rep.Machine
	fmt.Fprintf(&md, "Machine: %s, %d cores, Linux %s, %s, Suricata %s, %s; load average at start %s.\n\n",
		m.CPU, m.Cores, m.Kernel, m.Go, orNA(m.Suricata), orNA(m.Vigil), m.Load)
	if in := rep.Input; in != nil {
		fmt.Fprintf(&md, "Input: %s (%d packets, %.1f MB of packet bytes, %d captures, %.2f rounds of %d sources). ",
			in.Path, in.Packets, float64(in.Bytes)/1e6, in.Captures, in.Rounds, in.Sources)
	}
	fmt.Fprintf(&md, "Rules: %s (%d enabled rule lines). Medians of %d runs per engine, engines alternating.\n\n",
		strings.Join(rep.Rules, " + "), rep.RuleCount, rep.Runs)
	if len(rep.Rows) > 0 {
		if err := bench.WriteTable(&md, rep.Rows); err != nil {
			return err
		}
		md.WriteString("\n")
		if err := bench.WriteOutputsTable(&md, rep.Rows); err != nil {
			return err
		}
	}
	if len(rep.Live) > 0 {
		fmt.Fprintf(&md, "Live: the input sent with tcpreplay through a veth pair between two namespaces (and the upload load of TestLiveLoad), "+
			"engines in turn on the far end with %d workers (vigil run; suricata --af-packet, cluster_flow); CPU over the traffic window plus 1 s:\n\n", bench.LiveWorkers)
		if err := bench.WriteLiveTable(&md, rep.Live); err != nil {
			return err
		}
		md.WriteString("\n")
	}
	if len(rep.Agreement) > 0 {
		md.WriteString("Alert agreement on the malicious captures, (signature_id, 5-tuple flow) pairs:\n\n")
		if err := bench.WriteAgreementTable(&md, rep.Agreement); err != nil {
			return err
		}
		md.WriteString("\n")
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&md, "- %s\n", n)
	}
	if _, err := io.WriteString(stdout, md.String()); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	name := filepath.Join(outDir, rep.Started.Format("20060102T150405Z")+".json")
	if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "latest.md"), []byte(md.String()), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	fmt.Fprintf(stdout, "\nresults: %s, %s\n", name, filepath.Join(outDir, "latest.md"))
	return nil
}

// snapshot copies the executable bin into dir under a name derived from its
// content and returns the copy's path.
func snapshot(bin, dir string) (string, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", bin, err)
	}
	sum := sha256.Sum256(b)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("snapshot %s: %w", bin, err)
	}
	p := filepath.Join(dir, filepath.Base(bin)+"-"+hex.EncodeToString(sum[:6]))
	// Older snapshots are of no further use: keep only this one.
	if old, err := filepath.Glob(filepath.Join(dir, filepath.Base(bin)+"-*")); err == nil {
		for _, o := range old {
			if o != p {
				os.Remove(o)
			}
		}
	}
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if err := os.WriteFile(p+".tmp", b, 0o755); err != nil {
		return "", fmt.Errorf("snapshot %s: %w", bin, err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		return "", fmt.Errorf("snapshot %s: %w", bin, err)
	}
	return p, nil
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}
