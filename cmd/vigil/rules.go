package main

import (
	"encoding/json"
	"fmt"
	"io"

	"vigil/detect"
	"vigil/detect/mpm"
	"vigil/ruleparser"
	"vigil/rules"
)

// cmdRulesCheck is `vigil rules check`: load rules the way the engine would
// and report on them, like `suricata -T`. Exit codes: 0 when every enabled
// rule loads or is only unsupported, 1 when an enabled rule is rejected or
// does not compile (errors in commented-out rules are reported but do not
// fail), 2 for usage or configuration errors (an invalid variable too).
func cmdRulesCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules check",
		"vigil rules check [--json] [-c CONFIG] [--set key=value]... [--dialect D] PATH...", stderr)
	jsonOut := fs.Bool("json", false, "print one JSON object instead of text")
	cfgPath := fs.String("c", "", "YAML config laid out like suricata.yaml (default: built-in Suricata defaults)")
	var sets setFlag
	fs.Var(&sets, "set", "override a config key, Suricata-style: key=value (repeatable)")
	dialectName := fs.String("dialect", "auto", "rule dialect: auto (per file), suricata, snort2 or snort3")

	// Flags may come before or after the paths.
	var paths []string
	for {
		if rc := parseFlags(fs, args); rc >= 0 {
			return rc
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}

	dialect, ok := parseDialect(*dialectName)
	if !ok {
		fmt.Fprintf(stderr, "vigil rules check: unknown dialect %q (want auto, suricata, snort2 or snort3)\n", *dialectName)
		return 2
	}
	cfg, err := loadConfig(*cfgPath, sets, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vigil rules check: %v\n", err)
		return 2
	}
	paths = rulePaths(cfg, paths)
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "vigil rules check: no rules: give a rule file or directory, or a config with rule-files")
		fs.Usage()
		return 2
	}
	opts, err := loadOptions(cfg, paths, dialect, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vigil rules check: %v\n", err)
		return 2
	}

	vars := rules.Vars{Address: cfg.Vars.AddressGroups, Port: cfg.Vars.PortGroups, Where: cfg.Vars.Where}
	if err := vars.Check(); err != nil {
		fmt.Fprintf(stderr, "vigil rules check: invalid rule variable:\n%v\n", err)
		return 2
	}
	rs, rep := rules.Load(opts)
	// Loaded, failed and unsupported are what the detection engine would
	// decide: compile with the pure-Go prefilter, which is quick to build
	// and decides the same rules as Hyperscan. A rule that does not
	// compile (bad regex, bad value) is an error; one with a keyword
	// detection does not support is listed and counted apart.
	if rs != nil {
		eng, drep, err := detect.Compile(rs, detect.Options{Prefilter: mpm.Reference{}})
		if err != nil {
			fmt.Fprintf(stderr, "vigil rules check: compile rules: %v\n", err)
			return 1
		}
		eng.Close()
		failed, unsupported := compileErrors(drep)
		rep.AddCompileResult(drep.Loaded, failed, unsupported)
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "vigil rules check: %v\n", err)
			return 2
		}
	} else if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "vigil rules check: %v\n", err)
		return 2
	}
	if !rep.OK() {
		if !*jsonOut {
			fmt.Fprintf(stderr, "vigil rules check: %d enabled rules failed to load\n", rep.Failed)
		}
		return 1
	}
	return 0
}

func parseDialect(s string) (ruleparser.Dialect, bool) {
	for _, d := range []ruleparser.Dialect{ruleparser.DialectAuto, ruleparser.DialectSuricata,
		ruleparser.DialectSnort2, ruleparser.DialectSnort3} {
		if d.String() == s {
			return d, true
		}
	}
	return 0, false
}
