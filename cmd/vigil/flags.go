package main

import (
	"flag"
	"fmt"
	"io"
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
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	return -1
}

// commonFlags are shared by replay and run: rules, config and logging.
type commonFlags struct {
	rules   multiFlag
	config  string
	logDir  string
	sets    setFlag
	workers int
	check   string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.Var(&c.rules, "S", "rule file or directory (repeatable); replaces rules from the config")
	fs.StringVar(&c.config, "c", "", "YAML config laid out like suricata.yaml")
	fs.StringVar(&c.logDir, "l", ".", "log directory: eve.json, fast.log and stats go here")
	fs.Var(&c.sets, "set", "override a config key, Suricata-style: key=value (repeatable)")
	fs.IntVar(&c.workers, "workers", 0, "worker goroutines (default: number of CPUs)")
	fs.StringVar(&c.check, "k", "all", "checksum checks: all or none (as Suricata's -k)")
}
