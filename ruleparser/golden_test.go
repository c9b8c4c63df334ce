package ruleparser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/ruleparser"
)

// TestGolden parses testdata/parse/*.rules and compares a dump of every
// rule (with positions) and its printed form to the .golden file next to
// it. UPDATE_GOLDEN=1 rewrites the golden files; review the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/parse/*.rules")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, errs := ruleparser.ParseFile(filepath.Base(path), src, ruleparser.Options{Keywords: keywords})
			var b strings.Builder
			b.WriteString("# dialect " + f.Dialect.String() + "\n")
			for _, e := range errs {
				b.WriteString("ERROR " + e.Error() + "\n")
			}
			for _, r := range f.Rules {
				b.WriteString("\n# " + r.String() + "\n")
				b.WriteString(ruleparser.Dump(r, true))
				b.WriteString("\n")
				if _, diff := roundTrip(t, r); diff != "" {
					t.Errorf("%v: round trip: %s", r.Pos, diff)
				}
			}
			got := b.String()
			golden := strings.TrimSuffix(path, ".rules") + ".golden"
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", golden, diff)
			}
		})
	}
}
