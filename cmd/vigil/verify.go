package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"vigil/detect"
	"vigil/detect/mpm"
	"vigil/engine/config"
	"vigil/engine/verify"
	"vigil/ruleparser"
	"vigil/rules"
)

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "vigil verify [-v] [--keep] [-k all|none] DIR...  (suricata-verify layout: test.yaml, rules, pcap)", stderr)
	verbose := fs.Bool("v", false, "print the replay output of failing tests")
	keep := fs.Bool("keep", false, "keep each test's output directory")
	// -k is checksums, as in replay and run (it once meant --keep here).
	check := fs.String("k", "", "checksum checks for every test, overriding the test's own args: all or none (as replay's -k)")
	run := fs.String("run", "", "only tests whose name contains this text")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if *check != "" && *check != "all" && *check != "none" {
		fmt.Fprintf(stderr, "vigil verify: -k %q: -k is the checksum mode, all or none, as in replay and run (--keep keeps the outputs)\n", *check)
		return 2
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
			if *check != "" {
				t.Args = append(t.Args, "-k", *check) // after the test's own -k: it wins
			}
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
		"--set", "vigil.scoring.enabled=no",
		// Suricata's stats interval is wall-clock time, which a test's
		// capture replays in well under: one stats record, at the end.
		"--final-stats-only"}
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
		merged, err := testConfig(cfg, logDir)
		if err != nil {
			return fmt.Errorf("%w: %v", verify.ErrSkip, err)
		}
		args = append(args, "-c", merged)
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
	case 1:
		if inputErrorsOnly(stderr.String()) {
			// A corrupt record ends the capture, as in Suricata, which
			// logs the error and writes what it read: the checks run.
			return nil
		}
	case 2:
		return fmt.Errorf("%w: %s", verify.ErrSkip, firstLine(stderr.String()))
	}
	return fmt.Errorf("replay exited %d: %s", rc, firstLine(stderr.String()))
}

// inputErrorsOnly reports whether replay's stderr shows input errors (a
// truncated or corrupt capture) and no fatal error.
func inputErrorsOnly(stderr string) bool {
	return strings.Contains(stderr, "input error: ") && !strings.Contains(stderr, "vigil replay: ")
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
	// A rule skipped for an unmet requires is what Suricata does too.
	delete(rep.Skipped, "requires")
	if err != nil || len(rep.Skipped) == 0 {
		return ""
	}
	return "unsupported in rules: " + skippedText(rep.Skipped)
}

// testSections are the top-level keys of a test's suricata.yaml that
// replay reads from a configuration file (testConfig); app-layer is
// handed over as --set keys (appLayerSets).
var testSections = []string{"outputs", "stats", "logging", "vars"}

// unsupportedTestConfig says why a test's own suricata.yaml cannot be
// honoured ("" when it can): a section other than testSections and
// app-layer (an included full config) changes the engine and is not
// emulated.
func unsupportedTestConfig(path string) string {
	top, err := readTestConfig(path)
	if err != nil {
		return err.Error()
	}
	var other []string
	for k := range top {
		if k == "include" && includedConfig(path) != "" {
			continue // a base config file of the test's own (includedConfig)
		}
		if k != "app-layer" && !slices.Contains(testSections, k) {
			other = append(other, k)
		}
	}
	if len(other) == 0 {
		return ""
	}
	sort.Strings(other)
	return "test's suricata.yaml sets " + strings.Join(other, ", ") + " (only " + strings.Join(testSections, ", ") + " and app-layer are honoured)"
}

func readTestConfig(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("test's suricata.yaml: %w", err)
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("test's suricata.yaml: %w", err)
	}
	return top, nil
}

// testConfig writes the configuration replay runs a test with to dir and
// returns its path: the test's testSections, as Suricata reads them, over
// Vigil's defaults. The test's vars add to the default variables (a test
// setting HOME_NET keeps EXTERNAL_NET), which its rules may use.
func testConfig(path, dir string) (string, error) {
	top, err := readTestConfig(path)
	if err != nil {
		return "", err
	}
	base := map[string]any{}
	if inc := includedConfig(path); inc != "" {
		if base, err = includedBase(inc); err != nil {
			return "", err
		}
	}
	def := config.Default().Vars
	vars := map[string]any{}
	for _, g := range []struct {
		key string
		m   map[string]string
	}{{"address-groups", def.AddressGroups}, {"port-groups", def.PortGroups}} {
		m := map[string]any{}
		for k, v := range g.m {
			m[k] = v
		}
		if bv, ok := base["vars"].(map[string]any); ok {
			if bg, ok := bv[g.key].(map[string]any); ok {
				for k, v := range bg {
					m[k] = v
				}
			}
		}
		if tv, ok := top["vars"].(map[string]any); ok {
			if tg, ok := tv[g.key].(map[string]any); ok {
				for k, v := range tg {
					m[k] = v
				}
			}
		}
		vars[g.key] = m
	}
	out := map[string]any{"vars": vars}
	for _, k := range testSections {
		if v, ok := top[k]; ok && k != "vars" {
			out[k] = v
		}
	}
	for k, v := range base {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	data, err := yaml.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("test's suricata.yaml: %w", err)
	}
	p := filepath.Join(dir, "vigil-test-config.yaml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// includedConfig returns the path of the file a test's suricata.yaml
// includes ("include: FILE", a file of the test's directory), or "".
func includedConfig(path string) string {
	top, err := readTestConfig(path)
	if err != nil {
		return ""
	}
	name, ok := top["include"].(string)
	if !ok || name == "" || filepath.IsAbs(name) || strings.Contains(name, "..") {
		return ""
	}
	inc := filepath.Join(filepath.Dir(path), name)
	if !fileExists(inc) {
		return ""
	}
	return inc
}

// includedBase reads the stock suricata.yaml a test includes as the base
// of its run's config: without its outputs, which the test's own file
// replaces, and without its classification and reference files, paths
// into Suricata's source tree that give way to Vigil's.
func includedBase(inc string) (map[string]any, error) {
	data, err := os.ReadFile(inc)
	if err != nil {
		return nil, err
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("included config %s: %w", inc, err)
	}
	for _, k := range []string{"outputs", "classification-file", "reference-config-file", "include"} {
		delete(top, k)
	}
	return top, nil
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
