package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Vigil runs bin/vigil. LoadOnly and Replay say which commands the binary
// has (see ProbeVigil).
type Vigil struct {
	Bin      string
	RuleFile string // the same concatenated file Suricata reads, beside classification.config
	Empty    string
	LoadOnly bool // `vigil replay --load-only` exists
}

func (v *Vigil) sets() []string {
	var args []string
	for _, kv := range AnyNets {
		args = append(args, "--set", kv)
	}
	return args
}

// LoadArgs loads and compiles all rules and exits. Without `replay
// --load-only` it falls back to `vigil rules check`, which compiles with the
// pure-Go prefilter instead of Hyperscan; note says so.
func (v *Vigil) LoadArgs(logDir string) (args []string, note string) {
	if v.LoadOnly {
		args = append([]string{"replay", "--load-only", "-S", v.RuleFile, "-l", logDir, "-k", "none"}, v.sets()...)
		return args, ""
	}
	args = append([]string{"rules", "check"}, v.sets()...)
	return append(args, v.RuleFile), "vigil replay --load-only not available: measured `vigil rules check` (load + compile with the pure-Go prefilter, not Hyperscan)"
}

// ReplayArgs replays input with all rules or none on workers workers.
func (v *Vigil) ReplayArgs(input, logDir string, rules bool, workers int) []string {
	rf := v.Empty
	if rules {
		rf = v.RuleFile
	}
	args := []string{"replay", "-r", input, "-S", rf, "-l", logDir, "-k", "none", "--workers", strconv.Itoa(workers)}
	return append(args, v.sets()...)
}

// reVigilReplayed matches the summary line of `vigil replay`:
// "replayed 35 packets (0.0 MB) from 1 files in 0.00s (44 Mbit/s, ...)".
var reVigilReplayed = regexp.MustCompile(`(?m)^replayed (\d+) packets .* in ([0-9.]+)s\b`)

// VigilPhase returns the packet phase Vigil reports in its summary line and
// the packets it replayed, or zeros when the output has no such line.
func VigilPhase(output string) (sec float64, packets int64) {
	m := reVigilReplayed.FindAllStringSubmatch(output, -1)
	if m == nil {
		return 0, 0
	}
	last := m[len(m)-1]
	packets, _ = strconv.ParseInt(last[1], 10, 64)
	sec, _ = strconv.ParseFloat(last[2], 64)
	return sec, packets
}

// VigilVersion returns the first line of `vigil version`.
func VigilVersion(bin string) string {
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		return ""
	}
	l, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return l
}

// ProbeVigil checks that bin exists, whether `replay --load-only` exists, and
// whether `vigil replay` works, by replaying tiny (a small pcap) without
// rules. It returns "" when replay works, or why it does not.
func (v *Vigil) Probe(ctx context.Context, tiny, workDir string) (replayErr string) {
	if _, err := os.Stat(v.Bin); err != nil {
		return fmt.Sprintf("%s not found (run `make build`)", v.Bin)
	}
	help, _ := exec.CommandContext(ctx, v.Bin, "replay", "--help").CombinedOutput()
	v.LoadOnly = strings.Contains(string(help), "load-only")
	dir := filepath.Join(workDir, "probe-vigil")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	pctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	u, err := Measure(pctx, dir, v.Bin, v.ReplayArgs(tiny, dir, false, 1)...)
	if err != nil {
		return err.Error()
	}
	if u.ExitCode != 0 {
		last := u.Output
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		return fmt.Sprintf("vigil replay not available (exit %d: %s)", u.ExitCode, last)
	}
	return ""
}
