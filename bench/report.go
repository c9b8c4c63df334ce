package bench

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Engine names used in results.
const (
	EngineVigil    = "vigil"
	EngineSuricata = "suricata"
)

// Sample is one measured run of one engine.
type Sample struct {
	WallSec   float64 `json:"wall_s"`
	UserSec   float64 `json:"user_s"`
	SysSec    float64 `json:"sys_s"`
	MaxRSSKiB int64   `json:"max_rss_kib"`
	Alerts    int     `json:"alerts"`
	// PhaseSec is the packet phase (engine started to all packets
	// processed) when the engine's log gives it; 0 when unknown.
	PhaseSec float64 `json:"packet_phase_s,omitempty"`
	ExitCode int     `json:"exit_code"`
	Err      string  `json:"error,omitempty"`
	// EVELines and FileLines are the lines written per EVE event type
	// and per output file (all-outputs rows only).
	EVELines  map[string]int64 `json:"eve_lines_by_type,omitempty"`
	FileLines map[string]int64 `json:"lines_by_file,omitempty"`
}

// SampleFrom converts a Usage into a Sample.
func SampleFrom(u Usage) Sample {
	return Sample{
		WallSec:   u.Wall.Seconds(),
		UserSec:   u.User.Seconds(),
		SysSec:    u.Sys.Seconds(),
		MaxRSSKiB: u.MaxRSSKiB,
		ExitCode:  u.ExitCode,
	}
}

// Summary holds the medians of a result's successful samples and the rates
// derived from them. Rates are zero when the row moves no packets.
type Summary struct {
	Runs       int     `json:"runs"` // successful samples
	WallSec    float64 `json:"wall_s"`
	UserSec    float64 `json:"user_s"`
	SysSec     float64 `json:"sys_s"`
	CPUSec     float64 `json:"cpu_s"` // median of user+sys per run
	MaxRSSMiB  float64 `json:"max_rss_mib"`
	Alerts     float64 `json:"alerts"`
	PhaseSec   float64 `json:"packet_phase_s,omitempty"`
	Mbps       float64 `json:"mbit_s,omitempty"`           // bytes*8/1e6 / median wall
	MbpsPerCPU float64 `json:"mbit_s_per_cpu_s,omitempty"` // bytes*8/1e6 / median CPU seconds
	PhaseMbps  float64 `json:"packet_phase_mbit_s,omitempty"`
	// NetMbps and NetMbpsPerCPU subtract the same engine's median load row
	// (wall and CPU) from rows with rules: an engine-neutral estimate of
	// the packet phase. Zero when not computed.
	NetMbps       float64 `json:"mbit_s_load_excluded,omitempty"`
	NetMbpsPerCPU float64 `json:"mbit_s_per_cpu_s_load_excluded,omitempty"`
	// EVELines and FileLines are the medians of the samples' line counts
	// (all-outputs rows).
	EVELines  map[string]float64 `json:"eve_lines_by_type,omitempty"`
	FileLines map[string]float64 `json:"lines_by_file,omitempty"`
}

// Result is one engine's runs of one row.
type Result struct {
	Engine  string   `json:"engine"`
	Samples []Sample `json:"samples"`
	Summary Summary  `json:"median"`
	// Skipped says why the engine was not run for this row.
	Skipped string `json:"skipped,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Row is one benchmark configuration measured on both engines.
type Row struct {
	Name    string `json:"name"`
	Load    bool   `json:"load_only"` // rule load and compile only, no packets
	Rules   bool   `json:"rules"`
	Workers int    `json:"workers,omitempty"`
	// AllOutputs runs with the packaged suricata.yaml's outputs (both
	// engines read the same file; see AllOutputsConfig).
	AllOutputs bool    `json:"all_outputs,omitempty"`
	Vigil      *Result `json:"vigil"`
	Suricata   *Result `json:"suricata"`
}

// Machine describes where the numbers were measured.
type Machine struct {
	CPU      string `json:"cpu"`
	Cores    int    `json:"cores"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Suricata string `json:"suricata,omitempty"`
	Vigil    string `json:"vigil,omitempty"`
	Load     string `json:"loadavg_at_start,omitempty"`
}

// Report is the whole output of one vigil-bench invocation.
type Report struct {
	Started   time.Time    `json:"started"`
	Finished  time.Time    `json:"finished"`
	Machine   Machine      `json:"machine"`
	Input     *Input       `json:"input,omitempty"`
	Rules     []string     `json:"rules"`
	RuleCount int          `json:"rule_lines,omitempty"`
	Runs      int          `json:"runs"`
	Rows      []Row        `json:"rows,omitempty"`
	Agreement []Agreement  `json:"agreement,omitempty"`
	Live      []LiveSample `json:"live,omitempty"`
	Notes     []string     `json:"notes,omitempty"`
}

// Median returns the median of xs (the mean of the middle two for an even
// count) without changing xs; NaN for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Mbps returns the throughput of bytes over sec seconds in Mbit/s (10^6 bits),
// 0 when sec is not positive.
func Mbps(bytes int64, sec float64) float64 {
	if sec <= 0 || bytes <= 0 {
		return 0
	}
	return float64(bytes) * 8 / 1e6 / sec
}

// Summarize computes the medians of the successful samples; bytes is the
// input's packet bytes (0 for load-only rows).
func Summarize(samples []Sample, bytes int64) Summary {
	var wall, user, sys, cpu, rss, alerts, phase []float64
	var eve, files []map[string]int64
	for _, s := range samples {
		if s.Err != "" {
			continue
		}
		if s.FileLines != nil {
			eve, files = append(eve, s.EVELines), append(files, s.FileLines)
		}
		wall = append(wall, s.WallSec)
		user = append(user, s.UserSec)
		sys = append(sys, s.SysSec)
		cpu = append(cpu, s.UserSec+s.SysSec)
		rss = append(rss, float64(s.MaxRSSKiB)/1024)
		alerts = append(alerts, float64(s.Alerts))
		if s.PhaseSec > 0 {
			phase = append(phase, s.PhaseSec)
		}
	}
	sum := Summary{Runs: len(wall)}
	if sum.Runs == 0 {
		return sum
	}
	sum.WallSec, sum.UserSec, sum.SysSec, sum.CPUSec = Median(wall), Median(user), Median(sys), Median(cpu)
	sum.MaxRSSMiB, sum.Alerts = Median(rss), Median(alerts)
	sum.EVELines, sum.FileLines = medianCounts(eve), medianCounts(files)
	sum.Mbps = Mbps(bytes, sum.WallSec)
	sum.MbpsPerCPU = Mbps(bytes, sum.CPUSec)
	if len(phase) > 0 {
		sum.PhaseSec = Median(phase)
		sum.PhaseMbps = Mbps(bytes, sum.PhaseSec)
	}
	return sum
}

// column is one numeric column of the table.
type column struct {
	head string
	val  func(Summary) float64
	prec int
	rate bool // a throughput: blank for load-only rows
}

// minNetShare is the least share of a row's time that must remain after
// subtracting the load row for a load-excluded rate to be reported.
const minNetShare = 0.2

func netMbps(bytes int64, total, load float64) float64 {
	if total-load < minNetShare*total {
		return 0
	}
	return Mbps(bytes, total-load)
}

var columns = []column{
	{"wall s", func(s Summary) float64 { return s.WallSec }, 2, false},
	{"user s", func(s Summary) float64 { return s.UserSec }, 2, false},
	{"sys s", func(s Summary) float64 { return s.SysSec }, 2, false},
	{"max RSS MiB", func(s Summary) float64 { return s.MaxRSSMiB }, 0, false},
	{"alerts", func(s Summary) float64 { return s.Alerts }, 0, false},
	{"Mbit/s", func(s Summary) float64 { return s.Mbps }, 1, true},
	{"Mbit/s per CPU-s", func(s Summary) float64 { return s.MbpsPerCPU }, 1, true},
	{"packet-phase Mbit/s", func(s Summary) float64 { return s.PhaseMbps }, 1, true},
	{"Mbit/s excl. load", func(s Summary) float64 { return s.NetMbps }, 1, true},
	{"Mbit/s per CPU-s excl. load", func(s Summary) float64 { return s.NetMbpsPerCPU }, 1, true},
}

// ExcludeLoad fills NetMbps and NetMbpsPerCPU of every row with rules from
// the first load row of the same engine.
//
// The difference of two noisy times is noisier still: when what remains after
// subtracting the load is under minNetShare of the row's time (a small input,
// or a load row that ran slower), the figure is left at zero rather than
// printed as an absurd rate.
func ExcludeLoad(rows []Row, bytes int64) {
	var load *Row
	for i := range rows {
		if rows[i].Load {
			load = &rows[i]
			break
		}
	}
	if load == nil {
		return
	}
	for i := range rows {
		r := &rows[i]
		if r.Load || !r.Rules {
			continue
		}
		for _, p := range [][2]*Result{{r.Vigil, load.Vigil}, {r.Suricata, load.Suricata}} {
			res, l := p[0], p[1]
			if res == nil || l == nil || res.Summary.Runs == 0 || l.Summary.Runs == 0 {
				continue
			}
			res.Summary.NetMbps = netMbps(bytes, res.Summary.WallSec, l.Summary.WallSec)
			res.Summary.NetMbpsPerCPU = netMbps(bytes, res.Summary.CPUSec, l.Summary.CPUSec)
		}
	}
}

// WriteTable writes the rows as a Markdown table: per row one line per engine
// (medians) and one "Vigil/Suricata" line with the ratio of each column.
func WriteTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| row | engine | runs |")
	for _, c := range columns {
		b.WriteString(" " + c.head + " |")
	}
	b.WriteString("\n|---|---|---:|")
	for range columns {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		for _, res := range []*Result{r.Vigil, r.Suricata} {
			if res == nil {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s |", r.Name, res.Engine)
			if res.Skipped != "" || res.Summary.Runs == 0 {
				why := res.Skipped
				if why == "" {
					why = "all runs failed"
					for _, s := range res.Samples {
						if s.Err != "" {
							why = "failed: " + s.Err
							break
						}
					}
				}
				fmt.Fprintf(&b, " 0 | n/a: %s |%s\n", oneLine(why), strings.Repeat(" |", len(columns)-1))
				continue
			}
			fmt.Fprintf(&b, " %d |", res.Summary.Runs)
			for _, c := range columns {
				b.WriteString(" " + cell(c, r, c.val(res.Summary)) + " |")
			}
			b.WriteString("\n")
		}
		if r.Vigil != nil && r.Suricata != nil && r.Vigil.Summary.Runs > 0 && r.Suricata.Summary.Runs > 0 {
			fmt.Fprintf(&b, "| %s | Vigil/Suricata | |", r.Name)
			for _, c := range columns {
				b.WriteString(" " + ratioCell(c, r, c.val(r.Vigil.Summary), c.val(r.Suricata.Summary)) + " |")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(c column, r Row, v float64) string {
	if (c.rate && r.Load) || (c.rate && v == 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', c.prec, 64)
}

func ratioCell(c column, r Row, v, s float64) string {
	if (c.rate && r.Load) || s == 0 || v == 0 && c.rate {
		return ""
	}
	return strconv.FormatFloat(v/s, 'f', 2, 64) + "x"
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// WriteAgreementTable writes per-capture agreement rows and the overall row
// as a Markdown table.
func WriteAgreementTable(w io.Writer, rows []Agreement) error {
	var b strings.Builder
	b.WriteString("| capture | both | only Vigil | only Suricata | Jaccard | Vigil alerts | Suricata alerts |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	all := append(append([]Agreement(nil), rows...), Overall(rows))
	for _, a := range all {
		name := a.Capture
		if a.Capture == "overall" {
			name = "**overall**"
		}
		if a.Err != "" && a.Capture != "overall" {
			fmt.Fprintf(&b, "| %s | n/a: %s | | | | | |\n", name, oneLine(a.Err))
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.3f | %d | %d |\n",
			name, a.Both, a.OnlyVigil, a.OnlySuricata, a.Jaccard, a.VigilAlerts, a.SuricataAlerts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// DescribeMachine reads the CPU model, core count, kernel and Go version.
func DescribeMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return m
}
