package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEFlags fails when a flag --help shows is missing from the
// README's per-command flag table (or a top-level flag from the usage).
func TestREADMEFlags(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("README: %v", err)
	}
	readme := string(data)
	row := func(cmd string) string {
		m := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(cmd) + "`[^|]*\\|(.*)$").FindStringSubmatch(readme)
		if m == nil {
			t.Fatalf("README has no flag-table row for %q", cmd)
		}
		return m[1]
	}
	flagRe := regexp.MustCompile(`(?m)^  (-[a-zA-Z0-9-]+)`)
	for _, cmd := range [][]string{{"replay"}, {"run"}, {"rules", "check"}, {"rules", "update"}, {"rules", "diff"}, {"rules", "rollback"}, {"verify"}} {
		var out, errb bytes.Buffer
		dispatch(commands, "vigil", append(cmd, "--help"), &out, &errb)
		r := row("vigil " + strings.Join(cmd, " "))
		flags := flagRe.FindAllStringSubmatch(errb.String(), -1)
		if len(flags) == 0 {
			t.Fatalf("no flags in vigil %s --help:\n%s", strings.Join(cmd, " "), errb.String())
		}
		for _, f := range flags {
			name := strings.TrimLeft(f[1], "-")
			if !strings.Contains(r, "`-"+name+"`") && !strings.Contains(r, "`--"+name+"`") &&
				!strings.Contains(r, "`-"+name+"/") && !strings.Contains(r, "`--"+name+"/") && !strings.Contains(r, "/-"+name+"`") &&
				!strings.Contains(r, "/--"+name+"`") {
				t.Errorf("README row for vigil %s lacks %s", strings.Join(cmd, " "), f[1])
			}
		}
	}
	top := row("vigil")
	for _, f := range topFlags {
		for _, n := range f.names {
			if !strings.Contains(top, n) {
				t.Errorf("README row for vigil (no command) lacks %s", n)
			}
		}
	}
}
