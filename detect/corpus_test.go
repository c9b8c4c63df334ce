package detect

import (
	"path/filepath"
	"testing"

	"vigil/detect/mpm"
	"vigil/engine/config"
	"vigil/internal/testutil"
	"vigil/rules"
)

// TestCompileCorpora compiles every shared rule set (with the pure-Go
// prefilter, which decides the same rules as Hyperscan) and checks the
// share of enabled rules loaded with full semantics: at least 99% of each
// set. A rule that stops loading, or
// a keyword that panics, fails here first.
func TestCompileCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles all shared rule sets")
	}
	shared := testutil.SharedDir(t)
	c := config.Default()
	vars := rules.Vars{Address: c.Vars.AddressGroups, Port: c.Vars.PortGroups}
	for _, tc := range []struct {
		name string
		dirs []string
		min  float64
	}{
		{"et-open", []string{"et-open"}, 1},
		{"et-open supplement", []string{"et-open/supplement-2024-04"}, 1},
		{"et-open iprep", []string{"et-open/iprep"}, 1},
		{"snort2-community", []string{"snort2-community"}, 0.99},
		{"snort3-community", []string{"snort3-community"}, 0.99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			for _, d := range tc.dirs {
				paths = append(paths, filepath.Join(shared, "rules", d))
			}
			rs, rep := rules.Load(rules.LoadOptions{Paths: paths, Vars: vars, Keywords: Keywords()})
			if rs == nil {
				t.Fatalf("load: %v", rep.Errors)
			}
			e, crep, err := Compile(rs, Options{Prefilter: mpm.Reference{}})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			ratio := float64(crep.Loaded) / float64(rs.Len())
			t.Logf("%d of %d rules loaded (%.2f%%), skipped by keyword: %v", crep.Loaded, rs.Len(), 100*ratio, crep.Skipped)
			if ratio < tc.min {
				t.Errorf("loaded %.2f%% of the rules, want at least %.0f%%", 100*ratio, 100*tc.min)
			}
		})
	}
}
