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

func TestRulesCheckET(t *testing.T) {
	if testing.Short() {
		t.Skip("large corpus")
	}
	et := testutil.SharedPath(t, "rules", "et-open")
	var out, errb bytes.Buffer
	rc := cmdRulesCheck([]string{et}, &out, &errb)
	if rc != 0 {
		t.Errorf("exit %d on ET Open; stderr:\n%s", rc, errb.String())
	}
	// The directory tree: main set, supplement-2024-04 and iprep.
	if !strings.Contains(out.String(), "25868 enabled") || !strings.Contains(out.String(), "31 duplicates") {
		t.Errorf("summary lacks the enabled count:\n%s", tail(out.String(), 400))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
