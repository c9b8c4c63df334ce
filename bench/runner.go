package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// RuleFiles are the rules both engines read: one concatenated file (Suricata's
// -S takes a single file) with classification.config and reference.config
// copied beside it, where Vigil looks for them.
type RuleFiles struct {
	All       string `json:"all"`
	Empty     string `json:"empty"`
	LoadPcap  string `json:"load_pcap"` // an Ethernet pcap with one frame no rule inspects
	ClassFile string `json:"classification"`
	RefFile   string `json:"reference"`
	Files     int    `json:"files"`
	Rules     int    `json:"enabled_rule_lines"` // lines that start with alert/drop/pass/reject
}

// PrepareRules concatenates the *.rules files of dirs (in order, each sorted
// by name) into workDir/rules-<hash>/all.rules. classification.config and
// reference.config come from the first directory.
func PrepareRules(dirs []string, workDir string) (RuleFiles, error) {
	var files []string
	for _, d := range dirs {
		m, err := filepath.Glob(filepath.Join(d, "*.rules"))
		if err != nil {
			return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
		}
		if len(m) == 0 {
			return RuleFiles{}, fmt.Errorf("prepare rules: no .rules files in %s", d)
		}
		sort.Strings(m)
		files = append(files, m...)
	}
	var all bytes.Buffer
	rf := RuleFiles{Files: len(files)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
		}
		all.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			all.WriteByte('\n')
		}
	}
	for _, l := range strings.Split(all.String(), "\n") {
		for _, a := range []string{"alert ", "drop ", "pass ", "reject "} {
			if strings.HasPrefix(l, a) {
				rf.Rules++
				break
			}
		}
	}
	class, err := os.ReadFile(filepath.Join(dirs[0], "classification.config"))
	if err != nil {
		return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
	}
	ref, err := os.ReadFile(filepath.Join(dirs[0], "reference.config"))
	if err != nil {
		return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
	}
	sum := sha256.Sum256(append(append(all.Bytes(), class...), ref...))
	dir := filepath.Join(workDir, "rules-"+hex.EncodeToString(sum[:])[:12])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
	}
	rf.All = filepath.Join(dir, "all.rules")
	rf.Empty = filepath.Join(dir, "empty", "none.rules")
	rf.LoadPcap = filepath.Join(dir, "empty", "one.pcap")
	rf.ClassFile = filepath.Join(dir, "classification.config")
	rf.RefFile = filepath.Join(dir, "reference.config")
	if err := os.MkdirAll(filepath.Dir(rf.Empty), 0o755); err != nil {
		return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
	}
	// Suricata's pcap reader gives up on a file without packets, so the
	// load row replays one broadcast frame of the local experimental
	// EtherType 0x88b5, which no decoder or rule looks into.
	var pcapHdr bytes.Buffer
	pw, err := NewPcapWriter(&pcapHdr, LinkEthernet, 262144)
	if err == nil {
		frame := make([]byte, 60)
		copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5})
		err = pw.Write(DefaultStart.UnixNano(), uint32(len(frame)), frame)
	}
	if err == nil {
		err = pw.Flush()
	}
	if err != nil {
		return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
	}
	for p, b := range map[string][]byte{rf.LoadPcap: pcapHdr.Bytes(), rf.All: all.Bytes(), rf.ClassFile: class, rf.RefFile: ref, rf.Empty: nil,
		filepath.Join(filepath.Dir(rf.Empty), "classification.config"): class,
		filepath.Join(filepath.Dir(rf.Empty), "reference.config"):      ref} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return RuleFiles{}, fmt.Errorf("prepare rules: %w", err)
		}
	}
	return rf, nil
}

// Runner measures both engines. A nil Suricata or Vigil, or a non-empty
// *Skip, leaves that engine out with the reason in every row.
type Runner struct {
	Suricata     *Suricata
	SuricataSkip string
	Vigil        *Vigil
	VigilSkip    string // replay unavailable; the load row still runs when the binary exists
	VigilMissing bool   // no binary at all
	Runs         int
	Workers      []int
	WorkDir      string
	Timeout      time.Duration // per process
	Progress     io.Writer
	// AllOutputsConfig is the configuration of the all-outputs row
	// (WriteAllOutputsConfig); empty leaves the row out.
	AllOutputsConfig string
	// Select keeps the rows it returns true for (nil: every row).
	Select func(Row) bool
}

// rowSpecs returns the benchmark rows in the order they are printed.
func (r *Runner) rowSpecs() []Row {
	rows := []Row{{Name: "load+compile ET Open", Load: true, Rules: true}}
	for _, rules := range []bool{false, true} {
		for _, w := range r.Workers {
			name := "replay, no rules"
			if rules {
				name = "replay, ET Open"
			}
			unit := "workers"
			if w == 1 {
				unit = "worker"
			}
			rows = append(rows, Row{Name: fmt.Sprintf("%s, %d %s", name, w, unit), Rules: rules, Workers: w})
		}
	}
	if r.AllOutputsConfig != "" {
		rows = append(rows, Row{Name: "replay, ET Open, all outputs, 1 worker", Rules: true, Workers: 1, AllOutputs: true})
	}
	if r.Select == nil {
		return rows
	}
	var out []Row
	for _, row := range rows {
		if r.Select(row) {
			out = append(out, row)
		}
	}
	return out
}

// RunRows runs every row Runs times per engine, alternating the engines (and
// which goes first) so that drift in machine load hits both alike.
func (r *Runner) RunRows(ctx context.Context, in Input) []Row {
	rows := r.rowSpecs()
	for i := range rows {
		rows[i].Vigil = &Result{Engine: EngineVigil}
		rows[i].Suricata = &Result{Engine: EngineSuricata}
		if r.VigilMissing || (r.VigilSkip != "" && !rows[i].Load) {
			rows[i].Vigil.Skipped = r.VigilSkip
		}
		if r.Suricata == nil || r.SuricataSkip != "" {
			rows[i].Suricata.Skipped = r.SuricataSkip
		}
	}
runs:
	for run := 0; run < r.Runs; run++ {
		for i := range rows {
			order := []*Result{rows[i].Vigil, rows[i].Suricata}
			if run%2 == 1 {
				order[0], order[1] = order[1], order[0]
			}
			for _, res := range order {
				if res.Skipped != "" {
					continue
				}
				if ctx.Err() != nil {
					break runs // interrupted: report what was measured
				}
				s, note := r.runOne(ctx, res.Engine, rows[i], in)
				res.Samples = append(res.Samples, s)
				if note != "" {
					res.Note = note
				}
				r.progress(rows[i].Name, res.Engine, run, s)
			}
		}
	}
	for i := range rows {
		var bytes int64
		if !rows[i].Load {
			bytes = in.Bytes
		}
		for _, res := range []*Result{rows[i].Vigil, rows[i].Suricata} {
			res.Summary = Summarize(res.Samples, bytes)
		}
	}
	ExcludeLoad(rows, in.Bytes)
	return rows
}

func (r *Runner) progress(row, engine string, run int, s Sample) {
	if r.Progress == nil {
		return
	}
	status := fmt.Sprintf("wall %.2fs cpu %.2fs rss %d MiB alerts %d", s.WallSec, s.UserSec+s.SysSec, s.MaxRSSKiB>>10, s.Alerts)
	if s.Err != "" {
		status = "FAILED: " + s.Err
	}
	fmt.Fprintf(r.Progress, "  run %d  %-32s %-8s %s\n", run+1, row, engine, status)
}

// runOne runs one engine once in a fresh log directory, removed afterwards
// unless the run failed.
func (r *Runner) runOne(ctx context.Context, engine string, row Row, in Input) (Sample, string) {
	dir, err := os.MkdirTemp(r.WorkDir, "run-"+engine+"-")
	if err != nil {
		return Sample{Err: err.Error()}, ""
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	var bin, note string
	var args []string
	okCodes := map[int]bool{0: true}
	switch {
	case engine == EngineVigil && row.Load:
		bin = r.Vigil.Bin
		args, note = r.Vigil.LoadArgs(dir)
		// rules check and --load-only (like suricata -T) exit 1 when some
		// rules were rejected; the load line still says what loaded.
		okCodes[1] = true
	case engine == EngineVigil:
		bin, args = r.Vigil.Bin, r.Vigil.ReplayArgs(in.Path, dir, row.Rules, row.Workers)
		if row.AllOutputs {
			args = append(args, r.Vigil.allOutputsArgs(r.AllOutputsConfig)...)
		}
	case row.Load:
		bin, args = r.Suricata.Bin, r.Suricata.LoadArgs(dir)
	default:
		s := *r.Suricata
		if row.AllOutputs {
			s.Config = r.AllOutputsConfig
		}
		bin, args = s.Bin, s.ReplayArgs(in.Path, dir, row.Rules, row.Workers)
	}
	u, err := Measure(ctx, dir, bin, args...)
	s := SampleFrom(u)
	switch {
	case err != nil:
		s.Err = err.Error()
	case !okCodes[u.ExitCode]:
		s.Err = fmt.Sprintf("exit %d: %s", u.ExitCode, lastLine(u.Output))
	case u.ExitCode != 0 && !strings.Contains(u.Output, "loaded"):
		// rules check exits 1 for rejected rules, but then reports what
		// it loaded; anything else is a failure.
		s.Err = fmt.Sprintf("exit %d: %s", u.ExitCode, lastLine(u.Output))
	}
	if engine == EngineSuricata {
		l, lerr := ParseSuricataLogFile(filepath.Join(dir, "suricata.log"))
		if lerr == nil {
			if !row.Load {
				s.PhaseSec = l.Phase().Seconds()
				note = "threads " + l.Threads
				if l.Packets != in.Packets && s.Err == "" {
					note += fmt.Sprintf("; read %d packets of %d", l.Packets, in.Packets)
				}
			} else {
				note = fmt.Sprintf("%d rules loaded, %d failed; load measured as a replay of a one-frame pcap", l.RulesLoaded, l.RulesFailed)
				if l.RulesLoaded == 0 && s.Err == "" {
					s.Err = fmt.Sprintf("no rules loaded: %s", strings.Join(l.Errors, "; "))
				}
			}
		}
	}
	if engine == EngineVigil && !row.Load {
		sec, pkts := VigilPhase(u.Output)
		s.PhaseSec = sec
		if pkts > 0 && pkts != in.Packets && s.Err == "" {
			note = fmt.Sprintf("vigil replayed %d packets of %d", pkts, in.Packets)
		}
	}
	if !row.Load && s.Err == "" {
		n, err := CountAlertsFile(filepath.Join(dir, "eve.json"))
		if err != nil {
			s.Err = err.Error()
		}
		s.Alerts = n
	}
	if row.AllOutputs && s.Err == "" {
		eve, files, err := CountOutputs(dir)
		if err != nil {
			s.Err = err.Error()
		}
		s.EVELines, s.FileLines = eve, files
	}
	if s.Err == "" {
		os.RemoveAll(dir)
	} else {
		s.Err += " (logs kept in " + dir + ")"
	}
	return s, note
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// RunAgreement replays each capture through both engines with all rules and
// compares the (signature, flow) alert sets. Suricata reads all captures in
// one unix-socket process; Vigil replays them one process each, 1 worker.
func (r *Runner) RunAgreement(ctx context.Context, captures []string) ([]Agreement, error) {
	if r.Suricata == nil || r.SuricataSkip != "" {
		return nil, fmt.Errorf("agreement needs suricata: %s", r.SuricataSkip)
	}
	if r.VigilMissing || r.VigilSkip != "" {
		return nil, fmt.Errorf("agreement needs vigil replay: %s", r.VigilSkip)
	}
	base, err := os.MkdirTemp(r.WorkDir, "agree-")
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	var sdirs, vdirs []string
	for i := range captures {
		sd := filepath.Join(base, fmt.Sprintf("%02d-suricata", i))
		vd := filepath.Join(base, fmt.Sprintf("%02d-vigil", i))
		for _, d := range []string{sd, vd} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return nil, fmt.Errorf("agreement: %w", err)
			}
		}
		sdirs, vdirs = append(sdirs, sd), append(vdirs, vd)
	}
	if r.Progress != nil {
		fmt.Fprintf(r.Progress, "agreement: suricata on %d captures (unix-socket mode, rules loaded once)\n", len(captures))
	}
	sctx, cancel := context.WithTimeout(ctx, r.Timeout)
	err = r.Suricata.RunCaptures(sctx, captures, sdirs, base)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("agreement: %w (files in %s)", err, base)
	}
	out := make([]Agreement, len(captures))
	failed := false
	for i, c := range captures {
		name := filepath.Base(c)
		if r.Progress != nil {
			fmt.Fprintf(r.Progress, "agreement: vigil on %s\n", name)
		}
		vctx, cancel := context.WithTimeout(ctx, r.Timeout)
		u, err := Measure(vctx, vdirs[i], r.Vigil.Bin,
			// Scoring alerts are Vigil's own (Suricata has no such
			// rules): they are left out of the comparison by turning
			// scoring off, as `vigil verify` does.
			append([]string{"replay", "-r", c, "-S", r.Vigil.RuleFile, "-l", vdirs[i], "-k", "none", "--workers", "1",
				"--set", "vigil.scoring.enabled=no"}, r.Vigil.sets()...)...)
		cancel()
		if err == nil && u.ExitCode != 0 {
			err = fmt.Errorf("vigil exit %d: %s", u.ExitCode, lastLine(u.Output))
		}
		var vs, ss AlertSet
		if err == nil {
			vs, _, err = ReadAlertsFile(filepath.Join(vdirs[i], "eve.json"))
		}
		if err == nil {
			ss, _, err = ReadAlertsFile(filepath.Join(sdirs[i], "eve.json"))
		}
		if err != nil {
			out[i] = Agreement{Capture: name, Err: err.Error()}
			failed = true
			continue
		}
		out[i] = Compare(name, vs, ss)
	}
	if !failed {
		os.RemoveAll(base)
	}
	return out, nil
}
