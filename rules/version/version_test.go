package version

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect"
	"vigil/rules"
)

func load(t *testing.T, text string) *rules.RuleSet {
	t.Helper()
	f := filepath.Join(t.TempDir(), "x.rules")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{f}, Keywords: detect.Keywords()})
	if len(rep.Errors) > 0 {
		t.Fatalf("load: %v", rep.Errors)
	}
	return rs
}

func TestDiff(t *testing.T) {
	old := load(t, `alert tcp any any -> any 80 (msg:"a"; content:"x"; sid:1; rev:1;)
alert tcp any any -> any 80 (msg:"b"; content:"y"; sid:2; rev:1;)
alert tcp any any -> any 80 (msg:"c"; content:"z"; sid:3; rev:1;)
`)
	// sid 1: whitespace only; sid 2: a different content; sid 3 removed;
	// sid 4 added.
	new := load(t, `alert   tcp any any -> any 80 (msg:"a";   content:"x";sid:1; rev:1;)
alert tcp any any -> any 80 (msg:"b"; content:"w"; sid:2; rev:1;)
alert tcp any any -> any 80 (msg:"d"; content:"q"; sid:4; rev:1;)
`)
	got := Diff(old, new)
	want := Changes{Added: []RuleID{{1, 4}}, Removed: []RuleID{{1, 3}}, Changed: []RuleID{{1, 2}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Diff (-want +got):\n%s", d)
	}
	if !Diff(old, old).Empty() {
		t.Error("a ruleset differs from itself")
	}
}

func TestGeneration(t *testing.T) {
	a := []Input{{"a.rules", []byte("x")}, {"vars", []byte("HOME_NET=1")}}
	b := []Input{{"vars", []byte("HOME_NET=1")}, {"a.rules", []byte("x")}}
	if Generation(a) != Generation(b) {
		t.Error("generation depends on input order")
	}
	// Moving a byte from one input's name into its data must change it.
	c := []Input{{"a.rule", []byte("sx")}, {"vars", []byte("HOME_NET=1")}}
	if Generation(a) == Generation(c) {
		t.Error("length prefixes missing: shifted bytes hash the same")
	}
	d := []Input{{"a.rules", []byte("y")}, {"vars", []byte("HOME_NET=1")}}
	if Generation(a) == Generation(d) {
		t.Error("a changed file keeps the generation")
	}
	if g := Generation(a); len(g) != 16 {
		t.Errorf("generation %q: want 16 hex digits", g)
	}
}

// TestGenerationOfFiles: reading the files one at a time names the same
// generation as reading them all first, and a missing file is an error.
func TestGenerationOfFiles(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, n := range []string{"b.rules", "a.rules", "c.config"} {
		f := filepath.Join(dir, n)
		if err := os.WriteFile(f, []byte("text of "+n), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	vars := Input{"vars", []byte("address HOME_NET=any\n")}
	in, err := ReadFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	want := Generation(append(in, vars))
	got, err := GenerationOfFiles(files, vars)
	if err != nil || got != want {
		t.Errorf("GenerationOfFiles = %q, %v; want %q", got, err, want)
	}
	if g, _ := GenerationOfFiles(files[:2], vars); g == want {
		t.Error("a file left out keeps the generation")
	}
	if _, err := GenerationOfFiles(append(files, filepath.Join(dir, "missing.rules"))); err == nil {
		t.Error("a missing file is not an error")
	}
}
