package rules_test

import (
	"path/filepath"
	"testing"
	"time"

	"vigil/detect"
	"vigil/internal/testutil"

	"vigil/rules"
)

// TestCorpora checks the shared rule corpora. The enabled/commented counts
// come from shared/rules/SOURCES.md (counted by an independent tool) and the
// 31 duplicates between ET's main set and its 2024 supplement are the ones
// Suricata reports.
func TestCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("corpora are large")
	}
	et := testutil.SharedPath(t, "rules", "et-open")
	tests := []struct {
		name               string
		paths              []string
		enabled, commented int
		duplicates         int
	}{
		// A directory is loaded with its subdirectories: the main set, the
		// 2024 supplement and iprep (956 enabled).
		{"et-open", []string{et}, 14044 + 5885 + 4983 + 956, -1, 31},
		// A file reached twice (the supplement again) is loaded once.
		{"et-open+supplement", []string{et, filepath.Join(et, "supplement-2024-04")}, 14044 + 5885 + 4983 + 956, -1, 31},
		{"et-supplement", []string{filepath.Join(et, "supplement-2024-04")}, 5885 + 4983, 294 + 761, 0},
		{"et-iprep", []string{filepath.Join(et, "iprep")}, 956, -1, 0},
		{"snort2", []string{testutil.SharedPath(t, "rules", "snort2-community")}, 561, 3452, 0},
		{"snort3", []string{testutil.SharedPath(t, "rules", "snort3-community")}, 4017, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := rules.LoadOptions{Paths: tt.paths, Vars: defaultVars(), Keywords: detect.Keywords()}
			if f := rules.SiblingFile(tt.paths, "classification.config"); f != "" {
				c, err := rules.LoadClassifications(f)
				if err != nil {
					t.Fatal(err)
				}
				opts.Classifications = c
			}
			start := time.Now()
			set, rep := rules.Load(opts)
			el := time.Since(start)
			t.Logf("%s: total %d enabled %d commented %d parsed %d failed %d errors %d warnings %d (duplicates %d) loaded %d in %v",
				tt.name, rep.Total, rep.Enabled, rep.Commented, rep.Parsed, rep.Failed, len(rep.Errors),
				len(rep.Warnings), rep.Duplicates, rep.Loaded, el)
			for i, e := range rep.Errors {
				if i < 20 && !rep.CommentedErr[i] {
					t.Logf("  %v", e)
				}
			}
			if rep.Enabled != tt.enabled {
				t.Errorf("enabled = %d, want %d", rep.Enabled, tt.enabled)
			}
			if tt.commented >= 0 && rep.Commented != tt.commented {
				t.Errorf("commented = %d, want %d", rep.Commented, tt.commented)
			}
			if rep.Duplicates != tt.duplicates {
				t.Errorf("duplicates = %d, want %d", rep.Duplicates, tt.duplicates)
			}
			if rep.Failed != 0 {
				t.Errorf("%d enabled rules failed to load", rep.Failed)
			}
			if set.Len() != rep.Enabled-rep.Failed-rep.Duplicates {
				t.Errorf("active rules = %d, want enabled-failed-duplicates = %d", set.Len(), rep.Enabled-rep.Failed-rep.Duplicates)
			}
		})
	}
}
