package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// multiFlag is a repeatable string flag (-r a -r b, -S x -S y, --set k=v ...).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// setFlag is --set key=value, validated at parse time so that a typo is
// reported with the flag rather than later.
type setFlag []string

func (s *setFlag) String() string { return strings.Join(*s, ",") }
func (s *setFlag) Set(v string) error {
	k, _, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	*s = append(*s, v)
	return nil
}

// newFlagSet makes a FlagSet that prints its usage to w with a synopsis line.
func newFlagSet(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "usage: %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps the outcome to an exit code: -1 means go on.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(expandShort(args)); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	return -1
}

// countFlag is a flag that counts its occurrences (-v -v; -vv is expanded
// by expandShort).
type countFlag int

func (c *countFlag) String() string   { return strconv.Itoa(int(*c)) }
func (c *countFlag) IsBoolFlag() bool { return true }
func (c *countFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	if b {
		*c++
	} else {
		*c = 0
	}
	return nil
}

// expandShort turns Suricata's stacked -vv and -vvv into repeated -v, which
// the flag package understands.
func expandShort(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if len(a) > 2 && strings.Trim(a, "v") == "-" {
			for range len(a) - 1 {
				out = append(out, "-v")
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// maxWorkers bounds --workers: more workers than this cannot help on any
// machine Vigil runs on and each costs flow tables and scratch memory.
const maxWorkers = 256

// commonFlags are shared by replay and run: rules, config and logging.
type commonFlags struct {
	rules      multiFlag
	config     string
	logDir     string
	sets       setFlag
	workers    int
	check      string
	ro         ruleOptions
	pidfile    string
	dumpConfig bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.Var(&c.rules, "S", "rule file or directory (repeatable; a directory gives the *.rules files of its whole tree); replaces rules from the config")
	fs.StringVar(&c.config, "c", "", "YAML config laid out like suricata.yaml")
	fs.StringVar(&c.logDir, "l", ".", "log directory: eve.json, fast.log and stats go here")
	fs.Var(&c.sets, "set", "override a config key, Suricata-style: key=value (repeatable)")
	fs.IntVar(&c.workers, "workers", 0, fmt.Sprintf("worker goroutines, 1 to %d (default: number of CPUs)", maxWorkers))
	fs.StringVar(&c.check, "k", "all", "checksum checks: all or none (as Suricata's -k)")
	fs.BoolVar(&c.ro.loadOnly, "T", false, "load and compile the rules, then exit: 1 on any rule error (like suricata -T)")
	fs.BoolVar(&c.ro.loadOnly, "load-only", false, "same as -T")
	fs.BoolVar(&c.ro.allowNoRules, "allow-no-rules", false, "run without rules instead of refusing (as does -S /dev/null)")
	fs.BoolVar(&c.ro.initErrorsFatal, "init-errors-fatal", false, "exit 1 when any rule fails to load (Suricata's flag)")
	fs.Var((*countFlag)(&c.ro.verbose), "v", "verbose: list unsupported rules and every warning; -vv also one line per rule file and debug logs")
	fs.StringVar(&c.pidfile, "pidfile", "", "write the process id to FILE at start, remove it at exit")
	fs.BoolVar(&c.dumpConfig, "dump-config", false, "print the configuration (after -c and --set) as key = value lines and exit")
}

// validate checks the flags shared by replay and run; fs tells which were
// given (--workers 0 is refused, its absence means one per CPU).
func (c *commonFlags) validate(fs *flag.FlagSet) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "workers" })
	if given && (c.workers < 1 || c.workers > maxWorkers) {
		return fmt.Errorf("--workers %d: want 1 to %d", c.workers, maxWorkers)
	}
	return nil
}

// writePidfile writes the process id to path; the returned function
// removes it.
func writePidfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("--pidfile: %w", err)
	}
	return func() { os.Remove(path) }, nil
}
