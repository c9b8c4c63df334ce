package rules_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect"
	"vigil/internal/testutil"

	"vigil/rules"
)

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.rules", "a.rules", "c.txt", "classification.config"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Subdirectories are walked (ET's supplement-2024-04); a directory
	// named like a rule file is not a rule file; a file reached twice is
	// listed once.
	for _, d := range []string{"sub.rules", "sub/deeper"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"sub/z.rules", "sub/deeper/y.rules", "sub/deeper/x.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := filepath.Join(dir, "c.txt")
	got, err := rules.ExpandPaths([]string{extra, filepath.Join(dir, "sub", "z.rules"), dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{extra, filepath.Join(dir, "sub", "z.rules"), filepath.Join(dir, "a.rules"), filepath.Join(dir, "b.rules"),
		filepath.Join(dir, "sub", "deeper", "y.rules")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ExpandPaths (-want +got):\n%s", d)
	}
	if _, err := rules.ExpandPaths([]string{filepath.Join(dir, "nope")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing path: %v", err)
	}

	if got, want := rules.SiblingFile([]string{dir}, "classification.config"), filepath.Join(dir, "classification.config"); got != want {
		t.Errorf("SiblingFile(dir) = %q, want %q", got, want)
	}
	if got, want := rules.SiblingFile([]string{filepath.Join(dir, "a.rules")}, "classification.config"), filepath.Join(dir, "classification.config"); got != want {
		t.Errorf("SiblingFile(file) = %q, want %q", got, want)
	}
	if got := rules.SiblingFile([]string{dir}, "reference.config"); got != "" {
		t.Errorf("SiblingFile(missing) = %q", got)
	}
	if got := rules.SiblingFile(nil, "reference.config"); got != "" {
		t.Errorf("SiblingFile(nil) = %q", got)
	}
}

// BenchmarkLoad measures rule load time (parse + validate) of the Snort 3
// community rules; run with -benchtime=1x on a shared machine.
func BenchmarkLoad(b *testing.B) {
	dir := testutil.SharedPath(b, "rules", "snort3-community")
	vars := defaultVars()
	b.ReportAllocs()
	for b.Loop() {
		set, rep := rules.Load(rules.LoadOptions{Paths: []string{dir}, Vars: vars, Keywords: detect.Keywords()})
		if !rep.OK() || set.Len() == 0 {
			b.Fatalf("load failed: %d failed", rep.Failed)
		}
	}
}
