package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigil/detect"
	"vigil/rules/update"
	rversion "vigil/rules/version"
)

// Defaults of the rules update family, suricata-update's layout with
// vigil in place of suricata.
const (
	defaultStateDir = "/var/lib/vigil"
	defaultConfDir  = "/etc/vigil"
	defaultControl  = "/run/vigil/control.sock"
	mergedName      = "vigil.rules"
	// listLimit is how many gid:sids an update or rollback report lists
	// per kind of change.
	listLimit = 20
)

// parseInterleaved parses flags that may come before or after the
// positional arguments, which it returns; rc >= 0 means stop with it.
func parseInterleaved(fs *flag.FlagSet, args []string) (pos []string, rc int) {
	for {
		if rc := parseFlags(fs, args); rc >= 0 {
			return nil, rc
		}
		if fs.NArg() == 0 {
			return pos, -1
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// loadFlags are the flags that decide how a written ruleset is tested:
// the config its variables come from and how strict the load is.
type loadFlags struct {
	cfgPath *string
	sets    setFlag
	strict  *bool
}

func addLoadFlags(fs *flag.FlagSet) *loadFlags {
	lf := &loadFlags{}
	lf.cfgPath = fs.String("c", "", "config whose rule variables the test load uses (default: built-in Suricata defaults)")
	fs.Var(&lf.sets, "set", "override a config key for the test load: key=value (repeatable)")
	lf.strict = fs.Bool("strict", false, "fail when any rule has an error (default: only when the ruleset does not load or compile)")
	return lf
}

// tester returns the test WriteFileAtomic runs on the temporary file: the
// full load and compile of `vigil replay -T` (loadRules), failing on what
// stops `vigil run` (no rules, unreadable file, prefilter build), and with
// --strict on any rule error.
func (lf *loadFlags) tester(cmd string, w io.Writer) (func(string) error, error) {
	cfg, err := loadConfig(*lf.cfgPath, lf.sets, w)
	if err != nil {
		return nil, err
	}
	return func(tmp string) error {
		lr, rc := loadRules(cmd, cfg, []string{tmp}, ruleOptions{loadOnly: *lf.strict}, w)
		if rc >= 0 {
			return fmt.Errorf("test load failed (exit %d): nothing written", rc)
		}
		if lr.engine != nil {
			lr.engine.Close()
		}
		return nil
	}, nil
}

// writeCmd is what `rules update` and `rules rollback` share: the flags
// saying where and how a ruleset is written, the state lock, the tested
// atomic write with its report of changes, and the reload of the running
// sensor.
type writeCmd struct {
	name           string // "rules update"
	stdout, stderr io.Writer
	stateDir       *string
	outDir         *string
	reload         *bool
	control        *string
	lf             *loadFlags
}

// newWriteCmd adds the shared flags to fs; outDefault and outHelp
// describe -o.
func newWriteCmd(fs *flag.FlagSet, name, outDefault, outHelp string, stdout, stderr io.Writer) *writeCmd {
	c := &writeCmd{name: name, stdout: stdout, stderr: stderr}
	c.outDir = fs.String("o", outDefault, outHelp)
	c.reload = fs.Bool("reload", false, "after writing, ask the running vigil run to reload (over --control)")
	c.control = fs.String("control", defaultControl, "control socket of the running vigil run")
	c.lf = addLoadFlags(fs)
	return c
}

// fail reports an error as "vigil NAME: ..." and returns rc.
func (c *writeCmd) fail(rc int, format string, a ...any) int {
	fmt.Fprintf(c.stderr, "vigil "+c.name+": "+format+"\n", a...)
	return rc
}

// lock takes the state directory's lock; rc >= 0 means stop with it.
func (c *writeCmd) lock() (update.State, func(), int) {
	state := update.State{Dir: *c.stateDir}
	unlock, err := state.Lock()
	if err != nil {
		return state, nil, c.fail(1, "%v", err)
	}
	return state, unlock, -1
}

// tester is the test load of the written file (loadFlags.tester); rc >= 0
// means stop with it.
func (c *writeCmd) tester() (func(string) error, int) {
	test, err := c.lf.tester(c.name, c.stdout)
	if err != nil {
		return nil, c.fail(2, "%v", err)
	}
	return test, -1
}

// write writes data to out (old is out's current content, nil when
// absent) atomically once test passes, reports the changes, records the
// generation gen with record and, with --reload, reloads the sensor.
func (c *writeCmd) write(out string, old, data []byte, gen string, test func(string) error, record func() error) int {
	if err := update.WriteFileAtomic(out, data, test); err != nil {
		return c.fail(1, "%v", err)
	}
	writeChanges(c.stdout, update.Diff(old, data, detect.Keywords()), listLimit)
	if err := record(); err != nil {
		return c.fail(1, "wrote %s but could not record generation %s: %v", out, gen, err)
	}
	fmt.Fprintf(c.stdout, "wrote %s (generation %s)\n", out, gen)
	if *c.reload {
		return reloadSensor(c.name, *c.control, c.stdout, c.stderr)
	}
	return 0
}

// readOld reads the file a write replaces (nil when absent).
func readOld(out string) ([]byte, error) {
	old, err := os.ReadFile(out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return old, nil
}

// cmdRulesUpdate is `vigil rules update`: fetch sources, apply the conf
// files, test, write the merged rules atomically, report, and optionally
// tell a running sensor to reload. Exit codes: 0 written or nothing to
// do, 1 a source, the test load, the write or the reload failed (nothing
// is written when a source or the test fails), 2 usage or a conf file
// error.
func cmdRulesUpdate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules update",
		"vigil rules update [-o DIR] [--state-dir DIR] [--conf-dir DIR] [--enable-conf F] [--disable-conf F] "+
			"[--modify-conf F] [--drop-conf F] [--force] [--strict] [-c CONFIG] [--set k=v]... [--reload [--control PATH]] "+
			"[SOURCE...]\n\nSOURCE is a directory, a .tar.gz or .rules file, or an http(s) URL; without one, the sources of "+
			"the last update are used", stderr)
	wc := newWriteCmd(fs, "rules update", filepath.Join(defaultStateDir, "rules"), "directory to write "+mergedName+" to", stdout, stderr)
	wc.stateDir = fs.String("state-dir", defaultStateDir, "where downloads are cached and generations kept")
	stateDir, outDir := wc.stateDir, wc.outDir
	confDir := fs.String("conf-dir", defaultConfDir, "directory of enable.conf, disable.conf, modify.conf, drop.conf (each used when present)")
	confs := map[string]*string{}
	for _, k := range update.ConfKinds {
		confs[k] = fs.String(k+"-conf", "", k+".conf to use instead of the one in --conf-dir (must exist)")
	}
	force := fs.Bool("force", false, "download even when the cached copy is current (no If-None-Match / If-Modified-Since)")
	sources, rc := parseInterleaved(fs, args)
	if rc >= 0 {
		return rc
	}
	fail := wc.fail
	state, unlock, rc := wc.lock()
	if rc >= 0 {
		return rc
	}
	defer unlock()
	hist, err := state.History()
	if err != nil {
		return fail(1, "%v", err)
	}
	if len(sources) == 0 {
		if len(hist) == 0 {
			fs.Usage()
			return fail(2, "no source given and no earlier update under %s", *stateDir)
		}
		sources = hist[len(hist)-1].Sources
	}

	// Recorded in the generation for later runs: local paths absolute.
	for i, s := range sources {
		if !strings.Contains(s, "://") {
			if abs, err := filepath.Abs(s); err == nil {
				sources[i] = abs
			}
		}
	}
	if abs, err := filepath.Abs(*outDir); err == nil {
		*outDir = abs
	}

	paths, optional := map[string]string{}, map[string]bool{}
	for _, k := range update.ConfKinds {
		if *confs[k] != "" {
			paths[k] = *confs[k]
		} else if *confDir != "" {
			paths[k], optional[k] = filepath.Join(*confDir, k+".conf"), true
		}
	}
	confFiles, conf, err := update.ReadConf(paths, optional)
	if err != nil {
		return fail(2, "%v", err)
	}
	test, rc := wc.tester()
	if rc >= 0 {
		return rc
	}

	f := &update.Fetcher{StateDir: *stateDir, Force: *force}
	var fetched []*update.Fetched
	for _, s := range sources {
		src, err := f.Fetch(context.Background(), s)
		if err != nil {
			return fail(1, "%v; nothing written", err)
		}
		fmt.Fprintf(stdout, "source %s: %s, rule files: %d\n", s, src.Status, len(src.Files))
		fetched = append(fetched, src)
	}
	res := update.Merge(fetched, conf, confFiles)
	fmt.Fprintf(stdout, "merged: %d rules (%d enabled, %d disabled), %d duplicates (highest rev kept)\n",
		len(res.Rules), res.Enabled, res.Disabled, res.Duplicates)
	if len(confFiles) > 0 {
		var parts []string
		for _, c := range confFiles {
			parts = append(parts, fmt.Sprintf("%s.conf changed %d", c.Kind, res.Changed[c.Kind]))
		}
		fmt.Fprintf(stdout, "conf: %s\n", strings.Join(parts, ", "))
	}
	for _, u := range res.Unused {
		fmt.Fprintf(stderr, "warning: %s: matches no rule\n", u)
	}

	out := filepath.Join(*outDir, mergedName)
	old, err := readOld(out)
	if err != nil {
		return fail(1, "%v", err)
	}
	if old != nil && string(old) == string(res.Data) {
		fmt.Fprintf(stdout, "no change: %s is up to date (generation %s); nothing written\n", out, res.Gen)
		return 0
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fail(1, "%v", err)
	}
	g := update.Generation{Gen: res.Gen, Time: time.Now().UTC(), Output: out, Sources: sources}
	for _, c := range confFiles {
		g.Confs = append(g.Confs, c.Path)
	}
	return wc.write(out, old, res.Data, res.Gen, test, func() error { return state.Save(g, res, fetched, confFiles) })
}

// writeChanges prints a Changes as counts and gid:sid lists, each cut
// after limit ids when limit > 0 (`vigil rules diff` lists them all).
func writeChanges(w io.Writer, c rversion.Changes, limit int) {
	fmt.Fprintf(w, "changes: %d added, %d removed, %d modified\n", len(c.Added), len(c.Removed), len(c.Changed))
	for _, l := range []struct {
		name string
		ids  []rversion.RuleID
	}{{"added", c.Added}, {"removed", c.Removed}, {"modified", c.Changed}} {
		if len(l.ids) == 0 {
			continue
		}
		more := ""
		if ids := l.ids; limit > 0 && len(ids) > limit {
			l.ids, more = ids[:limit], fmt.Sprintf(" ... and %d more (vigil rules diff lists all)", len(ids)-limit)
		}
		s := make([]string, len(l.ids))
		for i, id := range l.ids {
			s[i] = id.String()
		}
		fmt.Fprintf(w, "  %s: %s%s\n", l.name, strings.Join(s, " "), more)
	}
}

// cmdRulesDiff is `vigil rules diff [GEN GEN]`: the rules added, removed
// and changed between two kept generations (default: the last two).
func cmdRulesDiff(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules diff", "vigil rules diff [--state-dir DIR] [FROM-GEN TO-GEN]", stderr)
	stateDir := fs.String("state-dir", defaultStateDir, "where generations are kept")
	gens, rc := parseInterleaved(fs, args)
	if rc >= 0 {
		return rc
	}
	state := update.State{Dir: *stateDir}
	var from, to update.Generation
	switch len(gens) {
	case 0:
		h, err := state.History()
		if err != nil {
			fmt.Fprintf(stderr, "vigil rules diff: %v\n", err)
			return 1
		}
		if len(h) < 2 {
			fmt.Fprintf(stderr, "vigil rules diff: %d generations kept under %s; need two\n", len(h), *stateDir)
			return 1
		}
		from, to = h[len(h)-2], h[len(h)-1]
	case 2:
		var err error
		if from, err = state.Resolve(gens[0]); err == nil {
			to, err = state.Resolve(gens[1])
		}
		if err != nil {
			fmt.Fprintf(stderr, "vigil rules diff: %v\n", err)
			return 1
		}
	default:
		fs.Usage()
		return 2
	}
	a, err := state.Rules(from.Gen)
	var b []byte
	if err == nil {
		b, err = state.Rules(to.Gen)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigil rules diff: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "diff %s..%s\n", from.Gen, to.Gen)
	writeChanges(stdout, update.Diff(a, b, detect.Keywords()), 0)
	return 0
}

// cmdRulesRollback is `vigil rules rollback [GEN]`: write a kept
// generation's rules back (default: the one before the current), tested
// and atomically like an update.
func cmdRulesRollback(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules rollback",
		"vigil rules rollback [--state-dir DIR] [-o DIR] [--strict] [-c CONFIG] [--set k=v]... [--reload [--control PATH]] [GEN]", stderr)
	wc := newWriteCmd(fs, "rules rollback", "", "directory to write "+mergedName+" to (default: where the generation was written)", stdout, stderr)
	wc.stateDir = fs.String("state-dir", defaultStateDir, "where generations are kept")
	stateDir, outDir := wc.stateDir, wc.outDir
	gens, rc := parseInterleaved(fs, args)
	if rc >= 0 {
		return rc
	}
	fail := wc.fail
	state, unlock, rc := wc.lock()
	if rc >= 0 {
		return rc
	}
	defer unlock()
	var g update.Generation
	switch len(gens) {
	case 0:
		h, err := state.History()
		if err != nil {
			return fail(1, "%v", err)
		}
		if len(h) < 2 {
			return fail(1, "%d generations kept under %s; nothing to roll back to", len(h), *stateDir)
		}
		g = h[len(h)-2]
	case 1:
		var err error
		if g, err = state.Resolve(gens[0]); err != nil {
			return fail(1, "%v", err)
		}
	default:
		fs.Usage()
		return 2
	}
	data, err := state.Rules(g.Gen)
	if err != nil {
		return fail(1, "%v", err)
	}
	out := g.Output
	if *outDir != "" {
		out = filepath.Join(*outDir, mergedName)
	}
	test, rc := wc.tester()
	if rc >= 0 {
		return rc
	}
	old, err := readOld(out)
	if err != nil {
		return fail(1, "%v", err)
	}
	g.Output = out
	return wc.write(out, old, data, g.Gen, test, func() error { return state.MakeCurrent(g) })
}

// reloadRequest is the control-socket command that makes a running
// `vigil run --control PATH` reload its rules and answer when done.
type reloadRequest struct {
	Cmd  string `json:"cmd"`
	Wait bool   `json:"wait"`
}

// reloadSensor sends {"cmd":"rules.reload","wait":true} as one line on the
// control socket and prints the one-line JSON answer. An answer with a
// non-empty "error" (or none at all) exits 1.
func reloadSensor(cmd, control string, stdout, stderr io.Writer) int {
	answer, err := callReload(control, 10*time.Minute)
	if err != nil {
		fmt.Fprintf(stderr, "vigil %s: reload: %v\n", cmd, err)
		return 1
	}
	fmt.Fprintf(stdout, "reload: %s\n", answer)
	var resp struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		fmt.Fprintf(stderr, "vigil %s: reload: bad answer: %v\n", cmd, err)
		return 1
	}
	if resp.Error != "" {
		fmt.Fprintf(stderr, "vigil %s: reload: %s\n", cmd, resp.Error)
		return 1
	}
	return 0
}

// callReload does the exchange; timeout bounds the wait for the answer (a
// reload of a large ruleset compiles for a while).
func callReload(control string, timeout time.Duration) ([]byte, error) {
	c, err := net.DialTimeout("unix", control, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if err := json.NewEncoder(c).Encode(reloadRequest{Cmd: "rules.reload", Wait: true}); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	sc := bufio.NewScanner(c)
	sc.Buffer(nil, 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("control socket: %w", err)
		}
		return nil, errors.New("control socket: no answer")
	}
	return append([]byte(nil), sc.Bytes()...), nil
}
