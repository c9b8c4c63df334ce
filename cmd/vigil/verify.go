package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"vigil/detect"
	"vigil/detect/mpm"
	"vigil/engine/verify"
	"vigil/ruleparser"
	"vigil/rules"
)

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "vigil verify [-v] [--keep] DIR...  (suricata-verify layout: test.yaml, rules, pcap)", stderr)
	verbose := fs.Bool("v", false, "print the replay output of failing tests")
	keep := fs.Bool("keep", false, "keep each test's output directory")
	// -k was verify's name for --keep; everywhere else -k is checksums.
	oldKeep := fs.Bool("k", false, "deprecated: use --keep")
	run := fs.String("run", "", "only tests whose name contains this text")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if *oldKeep {
		fmt.Fprintln(stderr, "vigil verify: warning: -k is deprecated, use --keep (-k means checksums in replay and run)")
		*keep = true
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "vigil verify: give at least one test directory (or a directory of tests)")
		return 2
	}
	dirs, err := testDirs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "vigil verify: %v\n", err)
		return 2
	}
	var pass, fail, skip int
	for _, dir := range dirs {
		if *run != "" && !strings.Contains(filepath.Base(dir), *run) {
			continue
		}
		t, err := verify.Load(dir)
		if err != nil {
			fmt.Fprintf(stdout, "fail  %s: %v\n", filepath.Base(dir), err)
			fail++
			continue
		}
		out, err := os.MkdirTemp("", "vigil-verify-")
		if err != nil {
			fmt.Fprintf(stderr, "vigil verify: %v\n", err)
			return 2
		}
		var log bytes.Buffer
		res := verify.Run(t, out, func(t *verify.Test, logDir string) error {
			return runVerifyReplay(t, logDir, &log)
		})
		switch res.Status {
		case verify.Pass:
			pass++
			fmt.Fprintf(stdout, "pass  %s\n", res.Name)
		case verify.Fail:
			fail++
			fmt.Fprintf(stdout, "fail  %s: %s\n", res.Name, res.Reason)
			if *verbose {
				fmt.Fprintf(stdout, "      output in %s\n%s", out, indent(log.String()))
			}
		case verify.Skipped:
			skip++
			fmt.Fprintf(stdout, "skip  %s: %s\n", res.Name, res.Reason)
		}
		if !*keep && !(*verbose && res.Status == verify.Fail) {
			os.RemoveAll(out)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", pass, fail, skip)
	if fail > 0 {
		return 1
	}
	return 0
}

// runVerifyReplay runs `vigil replay` in-process for one test, with the
// test's arguments. An argument replay refuses skips the test: it names
// something Vigil does not support.
func runVerifyReplay(t *verify.Test, logDir string, log io.Writer) error {
	// A test may have no rules (it checks EVE records other than alerts).
	args := []string{"-r", t.Pcap, "-l", logDir, "--deterministic", "--workers", "1", "--allow-no-rules",
		// Scoring is Vigil's own: its crossing alerts would be extra alerts
		// to Suricata's tests.
		"--set", "vigil.scoring.enabled=no"}
	if t.Rules != "" {
		args = append(args, "-S", t.Rules)
	}
	if t.IPS {
		args = append(args, "--simulate-ips")
	}
	args = append(args, t.Args...)
	if t.Rules != "" {
		if why := unsupportedRules(t.Rules); why != "" {
			return fmt.Errorf("%w: %s", verify.ErrSkip, why)
		}
	}
	if cfg := filepath.Join(t.Dir, "suricata.yaml"); fileExists(cfg) {
		if why := unsupportedTestConfig(cfg); why != "" {
			return fmt.Errorf("%w: %s", verify.ErrSkip, why)
		}
		sets, err := alertOutputSets(cfg)
		if err != nil {
			return fmt.Errorf("%w: %v", verify.ErrSkip, err)
		}
		args = append(args, sets...)
		// Parser settings go to replay, which refuses (and so skips the
		// test for) those it does not support.
		al, err := appLayerSets(cfg)
		if err != nil {
			return fmt.Errorf("%w: %v", verify.ErrSkip, err)
		}
		args = append(args, al...)
	}
	var stderr bytes.Buffer
	rc := cmdReplay(args, io.Discard, io.MultiWriter(&stderr, log))
	switch rc {
	case 0:
		return nil
	case 2:
		return fmt.Errorf("%w: %s", verify.ErrSkip, firstLine(stderr.String()))
	}
	return fmt.Errorf("replay exited %d: %s", rc, firstLine(stderr.String()))
}

// unsupportedRules says which keywords of the test's rules Vigil cannot
// evaluate ("" when it can evaluate them all).
func unsupportedRules(path string) string {
	cfg, err := loadConfig("", nil, io.Discard)
	if err != nil {
		return ""
	}
	opts, err := loadOptions(cfg, []string{path}, ruleparser.DialectAuto, io.Discard)
	if err != nil {
		return ""
	}
	rs, _ := rules.Load(opts)
	if rs == nil {
		return ""
	}
	_, rep, err := detect.Compile(rs, detect.Options{Prefilter: mpm.Reference{}})
	if err != nil || len(rep.Skipped) == 0 {
		return ""
	}
	return "unsupported in rules: " + skippedText(rep.Skipped)
}

// unsupportedTestConfig says why a test's own suricata.yaml cannot be
// honoured ("" when it can). A config that only configures outputs is
// fine: the checks are about alert events, whose core fields Vigil always
// writes. App-layer settings are handed to replay (appLayerSets). Anything
// else (an included full config) changes the engine and is not emulated.
func unsupportedTestConfig(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "test's suricata.yaml: " + err.Error()
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		return "test's suricata.yaml: " + err.Error()
	}
	var other []string
	for k := range top {
		if k != "outputs" && k != "app-layer" { // app-layer: see appLayerSets
			other = append(other, k)
		}
	}
	if len(other) == 0 {
		return ""
	}
	sort.Strings(other)
	return "test's suricata.yaml sets " + strings.Join(other, ", ") + " (only outputs are honoured)"
}

// alertOutputSets turns the eve-log types list and the alert, tls, http
// and files options of an outputs-only suricata.yaml into --set
// arguments for replay (a list becomes one --set per element).
func alertOutputSets(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var top struct {
		Outputs []map[string]struct {
			Types []any `yaml:"types"`
		} `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("test's suricata.yaml: %w", err)
	}
	var sets []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(prefix+"."+k, x[k])
			}
		case bool:
			sets = append(sets, "--set", fmt.Sprintf("%s=%v", prefix, map[bool]string{true: "yes", false: "no"}[x]))
		case string:
			sets = append(sets, "--set", prefix+"="+x)
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s.%d", prefix, i), e)
			}
		}
	}
	for i, o := range top.Outputs {
		eve, ok := o["eve-log"]
		if !ok {
			continue
		}
		for j, t := range eve.Types {
			// A type is a name or a map of one name to its options. The
			// list itself says which records are written.
			switch t := t.(type) {
			case string:
				sets = append(sets, "--set", fmt.Sprintf("outputs.%d.eve-log.types.%d=%s", i, j, t))
			case map[string]any:
				for name, opts := range t {
					sets = append(sets, "--set", fmt.Sprintf("outputs.%d.eve-log.types.%d=%s", i, j, name))
					switch name {
					case "alert", "tls", "http", "files":
						walk(fmt.Sprintf("outputs.%d.eve-log.types.%d.%s", i, j, name), opts)
					}
				}
			}
		}
	}
	return sets, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("      " + l + "\n")
	}
	return b.String()
}

// testDirs expands the arguments: a directory with test.yaml is a test, a
// directory without one holds tests.
func testDirs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if fileExists(filepath.Join(a, "test.yaml")) {
			out = append(out, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if e.IsDir() && fileExists(filepath.Join(a, e.Name(), "test.yaml")) {
				out = append(out, filepath.Join(a, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
