package ruleparser_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigil/ruleparser"
)

// sharedDir finds ../shared next to the module root, or skips.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("../shared not found: no go.mod above the test directory")
		}
		dir = parent
	}
	s := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(s, "rules")); err != nil {
		tb.Skipf("../shared not found: %v", err)
	}
	return s
}

// corpus is one rule corpus of ../shared/rules.
type corpus struct {
	name    string
	globs   []string
	dialect ruleparser.Dialect
}

var corpora = []corpus{
	{"et-main", []string{"rules/et-open/*.rules"}, ruleparser.DialectAuto},
	{"et-supplement", []string{"rules/et-open/supplement-2024-04/*.rules"}, ruleparser.DialectAuto},
	{"et-iprep", []string{"rules/et-open/iprep/*.rules"}, ruleparser.DialectAuto},
	{"snort2", []string{"rules/snort2-community/community.rules"}, ruleparser.DialectAuto},
	{"snort3", []string{"rules/snort3-community/snort3-community.rules"}, ruleparser.DialectAuto},
}

func corpusFiles(tb testing.TB, c corpus) []string {
	tb.Helper()
	shared := sharedDir(tb)
	var files []string
	for _, g := range c.globs {
		m, err := filepath.Glob(filepath.Join(shared, g))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Fatalf("corpus %s: no files", c.name)
	}
	return files
}

// TestCorpus parses every rule of the shared corpora (enabled and
// commented-out): zero errors are allowed, and the detected dialect must
// match the corpus.
func TestCorpus(t *testing.T) {
	want := map[string]ruleparser.Dialect{"et-main": ruleparser.DialectSuricata, "et-supplement": ruleparser.DialectSuricata,
		"et-iprep": ruleparser.DialectSuricata, "snort2": ruleparser.DialectSnort2, "snort3": ruleparser.DialectSnort3}
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			var st ruleparser.Stats
			var parsed int
			start := time.Now()
			for _, path := range corpusFiles(t, c) {
				f, errs := ruleparser.ReadFile(path, ruleparser.Options{Dialect: c.dialect, Keywords: keywords})
				if f.Dialect != want[c.name] {
					t.Errorf("%s: dialect %s, want %s", path, f.Dialect, want[c.name])
				}
				for i, e := range errs {
					if i < 20 {
						t.Errorf("%v", e)
					}
				}
				st.Lines += f.Stats.Lines
				st.Enabled += f.Stats.Enabled
				st.Commented += f.Stats.Commented
				st.Errors += f.Stats.Errors
				parsed += len(f.Rules)
			}
			el := time.Since(start)
			t.Logf("%-14s lines=%d rules=%d enabled=%d commented=%d parsed=%d errors=%d time=%v (%.0f rules/s)",
				c.name, st.Lines, st.Enabled+st.Commented, st.Enabled, st.Commented, parsed, st.Errors, el.Round(time.Millisecond),
				float64(parsed)/el.Seconds())
			if parsed == 0 {
				t.Error("no rules parsed")
			}
		})
	}
}
