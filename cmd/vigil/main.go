// Command vigil is the one Vigil binary: a network intrusion detection engine
// that reads Suricata and Snort rules, inspects live or replayed traffic and
// writes Suricata-compatible EVE-JSON.
//
// The command tree and flag names follow Suricata's where Suricata has them
// (-r, -S, -l, -c, -k, -i, -f, --set), so that an operator's muscle memory
// and existing scripts carry over.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one node of the command tree. run receives the arguments after
// the command's own name and returns the process exit code.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
	sub     []command
}

// commands is the whole command tree; main dispatches through it.
var commands = []command{
	{name: "replay", summary: "replay pcap/pcapng files through the pipeline", run: cmdReplay},
	{name: "run", summary: "capture live traffic with AF_PACKET", run: cmdRun},
	{name: "rules", summary: "work with rule files", sub: []command{
		{name: "check", summary: "parse and validate rules, like suricata -T", run: cmdRulesCheck},
		{name: "reload", summary: "reload the rules of a running vigil run (--control)", run: cmdRulesReload},
		{name: "update", summary: "fetch sources, apply enable/disable/modify/drop.conf, test and write vigil.rules", run: cmdRulesUpdate},
		{name: "diff", summary: "rules added, removed and changed between two kept generations", run: cmdRulesDiff},
		{name: "rollback", summary: "write a kept generation's rules back", run: cmdRulesRollback},
	}},
	{name: "verdicts", summary: "list or lift the blocks of a running vigil run (--control)", run: cmdVerdicts},
	{name: "verify", summary: "run suricata-verify style tests", run: cmdVerify},
	{name: "version", summary: "print version and build information", run: cmdVersion},
}

func main() {
	os.Exit(dispatch(commands, "vigil", os.Args[1:], os.Stdout, os.Stderr))
}

// topFlags are Suricata's flags that work without a command. -T and
// --dump-config take replay's flags (-S, -c, --set ...).
var topFlags = []struct {
	names   []string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}{
	{[]string{"-V", "--version"}, "print the version and linked library versions (as 'vigil version')",
		func(_ []string, stdout, stderr io.Writer) int { return cmdVersion(nil, stdout, stderr) }},
	{[]string{"--build-info"}, "print build information: Go, linked Hyperscan, PCRE2 and libpcap versions",
		func(_ []string, stdout, _ io.Writer) int { return cmdBuildInfo(stdout) }},
	{[]string{"--list-app-layer-protos"}, "list the application-layer protocols Vigil parses",
		func(_ []string, stdout, _ io.Writer) int { return cmdListAppLayerProtos(stdout) }},
	{[]string{"--list-keywords"}, "list the rule keywords, their documentation and whether Vigil evaluates them (--list-keywords[=all|csv|NAME])",
		cmdListKeywords},
	{[]string{"-T"}, "load and compile the rules and exit, 1 on any rule error (= vigil replay -T ...)",
		func(args []string, stdout, stderr io.Writer) int {
			return cmdReplay(append([]string{"-T"}, args...), stdout, stderr)
		}},
	{[]string{"--dump-config"}, "print the configuration after -c and --set and exit (= vigil replay --dump-config ...)",
		func(args []string, stdout, stderr io.Writer) int {
			return cmdReplay(append([]string{"--dump-config"}, args...), stdout, stderr)
		}},
}

// dispatch finds the command named by args[0] in tree and runs it.
func dispatch(tree []command, prefix string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(tree, prefix, stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if prefix == "vigil" {
		for _, f := range topFlags {
			for _, n := range f.names {
				if args[0] == n || args[0] == "-"+n {
					return f.run(args[1:], stdout, stderr)
				}
				// --flag=value passes value as the first argument.
				if v, ok := strings.CutPrefix(args[0], n+"="); ok && strings.HasPrefix(n, "--") {
					return f.run(append([]string{v}, args[1:]...), stdout, stderr)
				}
			}
		}
	}
	for _, c := range tree {
		if c.name != args[0] {
			continue
		}
		if c.sub != nil {
			return dispatch(c.sub, prefix+" "+c.name, args[1:], stdout, stderr)
		}
		return c.run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n", prefix, args[0])
	usage(tree, prefix, stderr)
	return 2
}

func usage(tree []command, prefix string, w io.Writer) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", prefix)
	for _, c := range tree {
		name := c.name
		if c.sub != nil {
			var subs []string
			for _, s := range c.sub {
				subs = append(subs, s.name)
			}
			name += " " + strings.Join(subs, "|")
		}
		fmt.Fprintf(w, "  %-14s %s\n", name, c.summary)
	}
	if prefix == "vigil" {
		fmt.Fprintf(w, "\nflags (Suricata's, without a command):\n")
		for _, f := range topFlags {
			fmt.Fprintf(w, "  %-24s %s\n", strings.Join(f.names, ", "), f.summary)
		}
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for a command's flags.\n", prefix)
}
