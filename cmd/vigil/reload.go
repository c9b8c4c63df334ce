package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"vigil/detect"
	"vigil/engine"
	"vigil/engine/config"
	"vigil/rules"
	rversion "vigil/rules/version"
)

// Rule reloads from the command line's side: vigil.reload.* settings, the
// Build function handed to the engine (the startup loader, loadRules,
// run again with a fresh read of the config), the ruleset's inputs for its
// generation, and the triggers of `vigil run`: SIGUSR2 (run.go), the
// control socket (control.go) and the file watch (watchRules).

// reloadKeys are the vigil.reload.* settings (YAML or --set):
//   - watch: yes watches the rule directories and the config (default no)
//   - debounce: quiet time after the last change before reloading (2s)
//   - min-ratio: refuse a set with fewer enabled rules than this fraction
//     of the running one's (0.9; 0 turns the gate off)
//   - max-memory: cap on resident memory in bytes (suffixes K, M, G) that
//     a reload must stay under (0: no cap): see engine.ReloadConfig
//   - at-packet, rules: replay hook, reload from rule path rules at packet
//     at-packet (pcap_cnt)
var reloadKeys = []string{"watch", "debounce", "min-ratio", "max-memory", "at-packet", "rules"}

// reloadOptions are the decoded vigil.reload.* settings.
type reloadOptions struct {
	watch     bool
	debounce  time.Duration
	minRatio  float64
	maxMemory uint64
	atPacket  uint64
	rules     string
}

// checkReloadKey is the --set check of vigil.reload.* keys (values are
// read from the config tree by parseReloadOptions).
func checkReloadKey(_ *engine.Config, key, _ string) error {
	if !slices.Contains(reloadKeys, strings.TrimPrefix(key, "vigil.reload.")) {
		return fmt.Errorf("unknown reload setting: want one of %s", strings.Join(reloadKeys, ", "))
	}
	return nil
}

func parseReloadOptions(cfg *config.Config) (reloadOptions, error) {
	o := reloadOptions{debounce: 2 * time.Second, minRatio: engine.DefaultMinRatio}
	for _, k := range reloadKeys {
		v, ok := cfg.Lookup("vigil.reload." + k)
		if !ok {
			continue
		}
		var err error
		switch k {
		case "watch":
			o.watch, err = yesNo(v)
		case "debounce":
			o.debounce, err = time.ParseDuration(v)
			if err == nil && o.debounce < 0 {
				err = errors.New("want a duration >= 0")
			}
		case "min-ratio":
			o.minRatio, err = strconv.ParseFloat(v, 64)
			if err == nil && (o.minRatio < 0 || o.minRatio > 1) {
				err = errors.New("want a number from 0 to 1")
			}
			if err == nil && o.minRatio == 0 {
				o.minRatio = -1 // off (engine: 0 is the default)
			}
		case "max-memory":
			o.maxMemory, err = parseBytes(v)
		case "at-packet":
			o.atPacket, err = strconv.ParseUint(v, 10, 64)
		case "rules":
			o.rules = v
		}
		if err != nil {
			return o, fmt.Errorf("vigil.reload.%s: %v", k, err)
		}
	}
	if (o.atPacket != 0) != (o.rules != "") {
		return o, errors.New("vigil.reload.at-packet and vigil.reload.rules go together")
	}
	return o, nil
}

// parseBytes parses a byte count with an optional K, M or G suffix
// (powers of 1024).
func parseBytes(v string) (uint64, error) {
	mul := uint64(1)
	switch {
	case strings.HasSuffix(v, "K"), strings.HasSuffix(v, "k"):
		mul = 1 << 10
	case strings.HasSuffix(v, "M"), strings.HasSuffix(v, "m"):
		mul = 1 << 20
	case strings.HasSuffix(v, "G"), strings.HasSuffix(v, "g"):
		mul = 1 << 30
	}
	if mul > 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want a byte count (suffix K, M or G), got %q", v)
	}
	return n * mul, nil
}

// ruleGeneration returns the generation of a ruleset built from cfg and
// paths: a hash of everything it depends on, the rule files, the rule
// variables and the classification, reference and threshold files (read
// one at a time, never held together).
func ruleGeneration(cfg *config.Config, paths []string) (string, error) {
	files, err := rules.ExpandPaths(paths)
	if err != nil {
		return "", err
	}
	for _, f := range []string{classificationFile(cfg, paths), referenceFile(cfg, paths), cfg.ThresholdFile} {
		if f != "" {
			files = append(files, f)
		}
	}
	var vars strings.Builder
	for _, g := range []struct {
		kind string
		m    map[string]string
	}{{"address", cfg.Vars.AddressGroups}, {"port", cfg.Vars.PortGroups}} {
		names := make([]string, 0, len(g.m))
		for n := range g.m {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&vars, "%s %s=%s\n", g.kind, n, g.m[n])
		}
	}
	return rversion.GenerationOfFiles(files, rversion.Input{Name: "vars", Data: []byte(vars.String())})
}

// classificationFile and referenceFile are the files loadOptions reads.
func classificationFile(cfg *config.Config, paths []string) string {
	if cfg.ClassificationFile != "" {
		return cfg.ClassificationFile
	}
	return rules.SiblingFile(paths, "classification.config")
}

func referenceFile(cfg *config.Config, paths []string) string {
	if cfg.ReferenceConfigFile != "" {
		return cfg.ReferenceConfigFile
	}
	return rules.SiblingFile(paths, "reference.config")
}

// reloadSource is what a reload re-reads: the config file, the --set
// overrides and the -S paths of the command line.
type reloadSource struct {
	config string
	sets   []string
	given  []string
	ro     ruleOptions
}

// build loads and compiles the rules again as at startup. given, when
// set, replaces the -S paths (the replay hook's vigil.reload.rules).
func (s reloadSource) build(given []string) (*engine.Ruleset, error) {
	var out bytes.Buffer
	cfg, err := loadConfig(s.config, s.sets, &out)
	if err != nil {
		return nil, err
	}
	if given == nil {
		given = s.given
	}
	ro := s.ro
	ro.loadOnly = false
	lr, rc := loadRules("reload", cfg, given, ro, &out)
	errs := ruleErrorLines(out.Bytes())
	if rc >= 0 {
		msg := strings.TrimSpace(out.String())
		if i := strings.LastIndex(msg, "vigil reload: "); i >= 0 {
			msg = strings.TrimPrefix(msg[i:], "vigil reload: ")
		}
		return &engine.Ruleset{Errors: errs}, errors.New(msg)
	}
	rs := &engine.Ruleset{Engine: lr.engine, References: lr.refs, Generation: lr.generation, Prints: lr.prints, Errors: errs,
		Failed: lr.failed, Skipped: lr.skipped}
	if cfg.ThresholdFile != "" {
		tc, err := detect.LoadThresholdConfig(cfg.ThresholdFile)
		if err != nil {
			if lr.engine != nil {
				lr.engine.Close()
			}
			return rs, err
		}
		rs.Thresholds = tc
	}
	return rs, nil
}

// ruleErrorLines are the "rule error:" lines of loadRules' output.
func ruleErrorLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "rule error: "); ok {
			out = append(out, rest)
		}
	}
	return out
}

// setupReload configures ec's reloads from cfg: the startup ruleset's
// identity, the gates and the Build function. It returns the decoded
// options (watch, debounce) for the caller's triggers.
func setupReload(ec *engine.Config, cfg *config.Config, lr *loadedRules, src reloadSource) (reloadOptions, error) {
	o, err := parseReloadOptions(cfg)
	if err != nil {
		return o, err
	}
	ec.Reload = engine.ReloadConfig{Generation: lr.generation, Prints: lr.prints, Failed: lr.failed, Skipped: lr.skipped,
		MinRatio: o.minRatio, MaxMemory: o.maxMemory, AtPacket: o.atPacket}
	var given []string
	if o.rules != "" {
		given = []string{o.rules}
	}
	ec.Reload.Build = func() (*engine.Ruleset, error) { return src.build(given) }
	return o, nil
}

// watchRules reloads, through reload, after changes to the rule paths, the
// config and the files beside the rules, once nothing changed for
// debounce: editors save by rename and update tools write in several
// steps, so directories are watched and a burst of events makes one
// reload. It returns when stop is closed.
func watchRules(stop <-chan struct{}, cfg *config.Config, src reloadSource, debounce time.Duration,
	reload func() <-chan engine.ReloadResult, log *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch rules: %w", err)
	}
	defer w.Close()
	paths := rulePaths(cfg, src.given)
	names := map[string]bool{} // files watched through their directory
	dirs := map[string]bool{}  // rule directories: any *.rules file
	addDir := func(d string) error {
		if err := w.Add(d); err != nil {
			return fmt.Errorf("watch %s: %w", d, err)
		}
		return nil
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("watch rules: %w", err)
		}
		if !fi.IsDir() {
			names[filepath.Clean(p)] = true
			continue
		}
		err = filepath.WalkDir(p, func(d string, e os.DirEntry, err error) error {
			if err == nil && e.IsDir() {
				dirs[filepath.Clean(d)] = true
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("watch rules: %w", err)
		}
	}
	for _, f := range []string{src.config, classificationFile(cfg, paths), referenceFile(cfg, paths), cfg.ThresholdFile} {
		if f != "" {
			names[filepath.Clean(f)] = true
		}
	}
	watched := map[string]bool{}
	for d := range dirs {
		watched[d] = true
	}
	for f := range names {
		watched[filepath.Dir(f)] = true
	}
	for d := range watched {
		if err := addDir(d); err != nil {
			return err
		}
	}
	relevant := func(ev fsnotify.Event) bool {
		name := filepath.Clean(ev.Name)
		if names[name] {
			return true
		}
		if !dirs[filepath.Dir(name)] {
			return false
		}
		if fi, err := os.Stat(name); err == nil && fi.IsDir() && ev.Has(fsnotify.Create) {
			// A new subdirectory of a rule directory: watch it too.
			dirs[name] = true
			addDir(name)
			return true
		}
		return strings.HasSuffix(name, ".rules")
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-stop:
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod || !relevant(ev) {
				continue
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Warn("rule watch", "component", "reload", "err", err)
		case <-timer.C:
			log.Info("rule files changed: reloading", "component", "reload")
			go logReload(reload(), log, "watch")
		}
	}
}

// logReload logs a reload's result once it is known.
func logReload(ch <-chan engine.ReloadResult, log *slog.Logger, trigger string) {
	res := <-ch
	attrs := []any{"component", "reload", "trigger", trigger, "result", res.Result, "generation", res.Generation,
		"previous", res.Previous, "rules", res.Rules, "added", len(res.Added), "removed", len(res.Removed),
		"changed", len(res.Changed), "rule_errors", len(res.Errors), "ms", res.DurationMs}
	if res.Reason != "" {
		attrs = append(attrs, "reason", res.Reason)
	}
	if res.Result == engine.ReloadPublished || res.Result == engine.ReloadUnchanged {
		log.Info("rule reload", attrs...)
	} else {
		log.Warn("rule reload", attrs...)
	}
}

// cmdRulesReload is `vigil rules reload [--wait] --control PATH`: asks a
// running `vigil run --control PATH` to reload its rules. With --wait it
// prints the result and the diff as JSON and exits 1 unless the new rules
// were published (or nothing changed).
func cmdRulesReload(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules reload", "vigil rules reload --control PATH [--wait]", stderr)
	control := fs.String("control", "", "control socket of the running vigil run (--control PATH)")
	wait := fs.Bool("wait", false, "wait for the reload to end and print its result")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if *control == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "vigil rules reload: give --control PATH and no arguments")
		return 2
	}
	var resp controlResponse
	if err := callControl(*control, controlRequest{Cmd: "rules.reload", Wait: *wait}, &resp); err != nil {
		fmt.Fprintf(stderr, "vigil rules reload: %v\n", err)
		return 1
	}
	b, _ := json.MarshalIndent(resp.Reload, "", "  ")
	fmt.Fprintf(stdout, "%s\n", b)
	if r := resp.Reload; r != nil && r.Result != engine.ReloadPublished && r.Result != engine.ReloadUnchanged && r.Result != "queued" {
		return 1
	}
	return 0
}
