package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"vigil/detect"
	"vigil/engine/config"
	"vigil/ruleparser"
	"vigil/rules"
	rversion "vigil/rules/version"
)

// loadConfig reads the config (or Suricata's defaults) and applies --set
// overrides in order. Unknown top-level sections are warned about on warn.
func loadConfig(path string, sets []string, warn io.Writer) (*config.Config, error) {
	cfg := config.Default()
	if path != "" {
		c, err := config.Load(path)
		if err != nil {
			return nil, err
		}
		cfg = c
		for _, w := range cfg.Warnings() {
			fmt.Fprintf(warn, "warning: %v\n", w)
		}
	}
	for _, kv := range sets {
		k, v, err := config.ParseOverride(kv)
		if err == nil {
			err = cfg.Set(k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// rulePaths returns the -S paths, or the config's rule-files.
func rulePaths(cfg *config.Config, given []string) []string {
	if len(given) > 0 {
		return given
	}
	var paths []string
	for _, f := range cfg.RuleFiles {
		if !filepath.IsAbs(f) && cfg.DefaultRulePath != "" {
			f = filepath.Join(cfg.DefaultRulePath, f)
		}
		paths = append(paths, f)
	}
	return paths
}

// loadOptions builds the rules loader's options from the config:
// variables, classification and reference files (from the config, else
// the files beside the first rule path, else built-in tables). Problems
// with those files that do not stop loading are written to warn.
func loadOptions(cfg *config.Config, paths []string, dialect ruleparser.Dialect, warn io.Writer) (rules.LoadOptions, error) {
	opts := rules.LoadOptions{
		Paths:    paths,
		Dialect:  dialect,
		Keywords: detect.Keywords(),
		Vars: rules.Vars{
			Address: cfg.Vars.AddressGroups,
			Port:    cfg.Vars.PortGroups,
			Where:   cfg.Vars.Where,
		},
	}
	classFile := cfg.ClassificationFile
	if classFile == "" {
		classFile = rules.SiblingFile(paths, "classification.config")
	}
	if classFile != "" {
		c, err := rules.LoadClassifications(classFile)
		if c == nil {
			return opts, err
		}
		if err != nil { // bad lines are skipped, as Suricata does
			fmt.Fprintf(warn, "warning: %v\n", err)
		}
		opts.Classifications = c
	}
	refFile := cfg.ReferenceConfigFile
	if refFile == "" {
		refFile = rules.SiblingFile(paths, "reference.config")
	}
	if refFile != "" {
		r, err := rules.LoadReferences(refFile)
		if r == nil {
			return opts, err
		}
		if err != nil {
			fmt.Fprintf(warn, "warning: %v\n", err)
		}
		opts.References = r
	}
	return opts, nil
}

// ruleOptions are the flags that decide how strict loading is.
type ruleOptions struct {
	// allowNoRules accepts a run without rules; an empty rule file given
	// with -S (-S /dev/null) asks for the same.
	allowNoRules bool
	// initErrorsFatal makes any rule error fatal (Suricata's
	// --init-errors-fatal); loadOnly (-T) fails on any too.
	initErrorsFatal bool
	loadOnly        bool
	verbose         int
}

// loadedRules is the outcome of loadRules.
type loadedRules struct {
	engine   *detect.Engine // nil when no rules were asked for
	refs     *rules.References
	report   *rules.Report
	compiled bool
	// generation and prints identify the ruleset for reloads
	// (rules/version).
	generation string
	prints     rversion.Prints
	// failed and skipped count the rules left out: with an error, for an
	// unsupported keyword (stats.detect.engines).
	failed, skipped int
}

// loadRules loads, checks and compiles the rules of cfg (or -S paths) for
// replay, run and -T, writing errors, duplicate warnings and the summary
// line to w. It returns an exit code >= 0 when the program must stop: 2
// when there are no rules (unless asked for), a rule path cannot be read
// or a rule variable is invalid; 1 when a rule has an error and
// --init-errors-fatal or -T is given, or the prefilter cannot be built.
// The caller closes the engine.
func loadRules(cmd string, cfg *config.Config, given []string, ro ruleOptions, w io.Writer) (*loadedRules, int) {
	fail := func(rc int, format string, a ...any) (*loadedRules, int) {
		fmt.Fprintf(w, "vigil %s: "+format+"\n", append([]any{cmd}, a...)...)
		return nil, rc
	}
	paths := rulePaths(cfg, given)
	if len(paths) == 0 {
		if ro.allowNoRules {
			fmt.Fprintln(w, "rules: none (--allow-no-rules)")
			return &loadedRules{}, -1
		}
		return fail(2, "no rules: give -S FILE|DIR or rule-files in the config (-S /dev/null or --allow-no-rules to run without rules)")
	}
	vars := rules.Vars{Address: cfg.Vars.AddressGroups, Port: cfg.Vars.PortGroups, Where: cfg.Vars.Where}
	if err := vars.Check(); err != nil {
		return fail(2, "invalid rule variable:\n%v", err)
	}
	t0 := time.Now()
	opts, err := loadOptions(cfg, paths, ruleparser.DialectAuto, w)
	if err != nil {
		return fail(2, "%v", err)
	}
	rs, rep := rules.Load(opts)
	for _, e := range rep.Errors {
		if errors.Is(e, rules.ErrRead) && e.Pos.File == "" {
			return fail(2, "%s", e.Msg)
		}
		if errors.Is(e, rules.ErrRead) {
			return fail(2, "%v", e)
		}
	}
	ruleErrs := 0
	for i, e := range rep.Errors {
		if !rep.CommentedErr[i] {
			fmt.Fprintf(w, "rule error: %v\n", e)
			ruleErrs++
		}
	}
	for _, wn := range rep.Warnings {
		if wn.Kind == rules.WarnDuplicate || ro.verbose > 0 {
			fmt.Fprintf(w, "warning: %v\n", wn)
		}
	}
	gen, err := ruleGeneration(cfg, paths)
	if err != nil {
		return fail(2, "%v", err)
	}
	prints := rversion.PrintsOf(rs)
	t1 := time.Now()
	refs := rs.References()
	// rs is not used after Compile, so the parsed ruleset can be freed
	// before the prefilter databases are built (detect.Compile).
	eng, drep, err := detect.Compile(rs, detect.Options{})
	if err != nil {
		return fail(1, "compile rules: %v", err)
	}
	failed, unsupported := compileErrors(drep)
	rep.AddCompileResult(drep.Loaded, failed, unsupported)
	for _, e := range failed {
		fmt.Fprintf(w, "rule error: %v\n", e)
	}
	if ro.verbose > 0 {
		for _, e := range rep.Unsupported {
			fmt.Fprintf(w, "unsupported: %v\n", e)
		}
	}
	if ro.verbose > 1 {
		for _, f := range rep.Files {
			fmt.Fprintf(w, "rule file: %s: %s, %d enabled, %d commented out, %d errors\n",
				f.File, f.Dialect, f.Enabled, f.Commented, f.Errors-f.CommentedErrors)
		}
	}
	ruleErrs += len(failed)
	fmt.Fprintf(w, "rules: %d loaded, %d failed, %d unsupported (%s), %d duplicates; parsed in %s, compiled in %s\n",
		drep.Loaded, ruleErrs, len(unsupported), skippedText(rep.Skipped), rep.Duplicates,
		t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
	lr := &loadedRules{engine: eng, refs: refs, report: rep, compiled: true, generation: gen, prints: prints,
		failed: ruleErrs, skipped: len(unsupported)}
	if ruleErrs > 0 && (ro.initErrorsFatal || ro.loadOnly) {
		eng.Close()
		flag := "--init-errors-fatal"
		if !ro.initErrorsFatal {
			flag = "-T"
		}
		return fail(1, "%d rule errors (%s makes any rule error fatal)", ruleErrs, flag)
	}
	if drep.Loaded == 0 && !ro.allowNoRules && !emptyFiles(paths) {
		eng.Close()
		return fail(2, "no rules loaded from %s (-S /dev/null or --allow-no-rules to run without rules)", strings.Join(paths, ", "))
	}
	return lr, -1
}

// emptyFiles reports whether every path is an empty file or /dev/null: an
// explicit request for no rules.
func emptyFiles(paths []string) bool {
	for _, p := range paths {
		if p == os.DevNull {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
			return false
		}
	}
	return true
}

// compileErrors splits what detect.Compile refused into rules that fail
// to compile (a bad regular expression or value: errors) and rules that
// use a keyword detection does not support (skipped and counted).
func compileErrors(drep *detect.Report) (failed, unsupported []*rules.Error) {
	for _, err := range drep.Errors {
		e := &rules.Error{Kind: rules.ErrCompile, Msg: err.Error()}
		// Compile wraps each error as "sid N: ...".
		if rest, ok := strings.CutPrefix(err.Error(), "sid "); ok {
			if n, _, ok := strings.Cut(rest, ":"); ok {
				if sid, perr := strconv.ParseUint(n, 10, 32); perr == nil {
					e.Sid = uint32(sid)
				}
			}
		}
		var ke *detect.KeywordError
		if errors.As(err, &ke) {
			e.Pos, e.Keyword, e.Msg = ke.Pos, ke.Keyword, strings.TrimPrefix(ke.Err.Error(), ke.Keyword+": ")
		}
		if errors.Is(err, detect.ErrUnsupported) {
			unsupported = append(unsupported, e)
		} else {
			failed = append(failed, e)
		}
	}
	return failed, unsupported
}
