package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

func writeRules(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "test.rules")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRulesCheckExitCodes(t *testing.T) {
	good := "alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:\"ok\"; sid:1;)\n" +
		"# alert tcp any any -> any any (msg:\"broken but commented\" sid:2;)\n"
	bad := good + "alert tcp any any -> any any (msg:\"broken\" sid:3;)\n"
	custom := "alert tcp $MY_NET any -> any any (msg:\"custom var\"; sid:4;)\n"
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"good", []string{writeRules(t, good)}, 0},
		{"good json", []string{"--json", writeRules(t, good)}, 0},
		{"flags after path", []string{writeRules(t, good), "--json"}, 0},
		{"bad", []string{writeRules(t, bad)}, 1},
		{"undefined var", []string{writeRules(t, custom)}, 1},
		{"var via --set", []string{"--set", "vars.address-groups.MY_NET=[10.0.0.0/8]", writeRules(t, custom)}, 0},
		{"no paths", nil, 2},
		{"bad flag", []string{"--nope"}, 2},
		{"bad dialect", []string{"--dialect", "x", writeRules(t, good)}, 2},
		{"missing config", []string{"-c", "/nonexistent/suricata.yaml", writeRules(t, good)}, 2},
		{"bad set", []string{"--set", "vars.port-groups.X.Y=1", writeRules(t, good)}, 2},
		{"empty config has no vars", []string{"-c", "/dev/null", writeRules(t, good)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := cmdRulesCheck(tt.args, &out, &errb); got != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, out.String(), errb.String())
			}
		})
	}
}

func TestRulesCheckJSON(t *testing.T) {
	p := writeRules(t, "alert tcp any any -> any any (msg:\"x\"; content:\"a\"; sid:1;)\n"+
		"alert tcp $NOPE any -> any any (msg:\"y\"; sid:2;)\n")
	var out, errb bytes.Buffer
	if rc := cmdRulesCheck([]string{"--json", p}, &out, &errb); rc != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", rc, errb.String())
	}
	var doc struct {
		Total, Enabled, Parsed int
		Errors                 []struct {
			File, Keyword, Message string
			Line, Col              int
			Sid                    uint32
		}
		Keywords map[string]int
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	if doc.Total != 2 || doc.Enabled != 2 || doc.Parsed != 2 || doc.Keywords["content"] != 1 {
		t.Errorf("doc = %+v", doc)
	}
	if len(doc.Errors) != 1 || doc.Errors[0].File != p || doc.Errors[0].Line != 2 || doc.Errors[0].Sid != 2 ||
		!strings.Contains(doc.Errors[0].Message, "$NOPE") {
		t.Errorf("errors = %+v", doc.Errors)
	}
}

// TestRulesCheckCorpora runs `vigil rules check --json` on the shared
// corpora and holds their counts: loaded is a floor, failed rules, errors
// (commented-out rules included) and each unsupported keyword are
// ceilings, duplicates exact (ET's 2024 supplement repeats 31 sids of the
// main set; Suricata reports the same 31). A keyword that stops working or
// a parser regression shows here as a count; a gap closed lowers a ceiling.
func TestRulesCheckCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("large corpora")
	}
	for _, tt := range []struct {
		name                    string
		dir                     string
		enabled, loaded, failed int
		errors, duplicates      int
		unsupported             map[string]int
	}{
		// The directory tree: main set, supplement-2024-04 and iprep.
		{"et-open", "et-open", 25868, 25837, 0, 0, 31, nil},
		{"snort2", "snort2-community", 561, 561, 0, 0, 0, nil},
		// sunrpc and irc have no parser, DCERPC over UDP is not parsed,
		// fragbits M on fragments and Snort 3's http_param are not
		// evaluated.
		{"snort3", "snort3-community", 4017, 4003, 0, 0, 0,
			map[string]int{"dce_iface": 5, "fragbits": 1, "http_param": 1, "service": 7}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := testutil.SharedPath(t, "rules", tt.dir)
			var out, errb bytes.Buffer
			rc := cmdRulesCheck([]string{"--json", dir}, &out, &errb)
			var doc struct {
				OK                                  bool
				Enabled, Loaded, Failed, Duplicates int
				Errors                              []json.RawMessage
				Unsupported                         []struct{ Keyword string }
				Skipped                             map[string]int
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("exit %d: %v; stderr:\n%s", rc, err, errb.String())
			}
			t.Logf("enabled %d loaded %d failed %d errors %d duplicates %d unsupported %v",
				doc.Enabled, doc.Loaded, doc.Failed, len(doc.Errors), doc.Duplicates, doc.Skipped)
			if rc != 0 || !doc.OK {
				t.Errorf("exit %d, ok %v", rc, doc.OK)
			}
			if doc.Enabled != tt.enabled || doc.Duplicates != tt.duplicates {
				t.Errorf("enabled %d duplicates %d, want %d and %d", doc.Enabled, doc.Duplicates, tt.enabled, tt.duplicates)
			}
			if doc.Loaded < tt.loaded || doc.Failed > tt.failed || len(doc.Errors) > tt.errors {
				t.Errorf("loaded %d (floor %d), failed %d (ceiling %d), errors %d (ceiling %d)",
					doc.Loaded, tt.loaded, doc.Failed, tt.failed, len(doc.Errors), tt.errors)
			}
			for k, n := range doc.Skipped {
				if n > tt.unsupported[k] {
					t.Errorf("%d rules unsupported for %s, ceiling %d", n, k, tt.unsupported[k])
				}
			}
			if len(doc.Unsupported) != doc.Enabled-doc.Duplicates-doc.Failed-doc.Loaded {
				t.Errorf("%d unsupported rules listed, counts say %d", len(doc.Unsupported), doc.Enabled-doc.Duplicates-doc.Failed-doc.Loaded)
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
