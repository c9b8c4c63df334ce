package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name → content under a temporary directory and
// returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestInclude(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.yaml": "%YAML 1.1\n---\ninclude: sub/base.yaml\ndefault-log-dir: /main\nvars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/8]\"\n",
		// Nested includes are relative to the including file.
		"sub/base.yaml": "%YAML 1.1\n---\ninclude:\n  - more.yaml\ndefault-log-dir: /base\nvars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: \"!$HOME_NET\"\n",
		"sub/more.yaml": "default-rule-path: /rules\nrule-files: [a.rules]\n",
	})
	c, err := Load(filepath.Join(dir, "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultLogDir != "/main" || c.DefaultRulePath != "/rules" || len(c.RuleFiles) != 1 {
		t.Errorf("log dir %q, rule path %q, files %v", c.DefaultLogDir, c.DefaultRulePath, c.RuleFiles)
	}
	// Mappings merge key by key; the including file's later keys win.
	if c.Vars.AddressGroups["HOME_NET"] != "[10.0.0.0/8]" || c.Vars.AddressGroups["EXTERNAL_NET"] != "!$HOME_NET" {
		t.Errorf("vars %v", c.Vars.AddressGroups)
	}
	if w := c.Vars.Where["address-groups.EXTERNAL_NET"]; !strings.HasSuffix(w, filepath.Join("sub", "base.yaml")+":9:19") {
		t.Errorf("EXTERNAL_NET defined at %s", w)
	}
	if w := c.Vars.Where["address-groups.HOME_NET"]; !strings.HasSuffix(w, "main.yaml:7:15") {
		t.Errorf("HOME_NET defined at %s", w)
	}
}

// TestIncludeBeforeOverride: the file's own keys after the include
// override the included ones, as in Suricata's "include a full config,
// then change the outputs" test files.
func TestIncludeOverride(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.yaml": "default-log-dir: /first\ninclude: inc.yaml\n",
		"inc.yaml":  "default-log-dir: /inc\n",
	})
	c, err := Load(filepath.Join(dir, "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultLogDir != "/inc" {
		t.Errorf("log dir %q: an include after a key overrides it", c.DefaultLogDir)
	}
}

func TestIncludeTag(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.yaml": "vars: !include vars.yaml\n",
		"vars.yaml": "address-groups:\n  HOME_NET: \"[192.168.0.0/16]\"\n",
	})
	c, err := Load(filepath.Join(dir, "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Vars.AddressGroups["HOME_NET"] != "[192.168.0.0/16]" {
		t.Errorf("vars %v", c.Vars.AddressGroups)
	}
}

func TestIncludeErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string // suffix of the error's file:line:col and message start
	}{
		{"missing", map[string]string{"main.yaml": "vars: {}\ninclude: nope.yaml\n"},
			"main.yaml:2:10: include nope.yaml: open"},
		{"bad value", map[string]string{"main.yaml": "include:\n  a: b\n"},
			"main.yaml:2:3: include: want a file name or a list of file names"},
		{"cycle", map[string]string{"main.yaml": "include: a.yaml\n", "a.yaml": "include: main.yaml\n"},
			"more than 16 nested includes (a cycle?)"},
		{"error in included file", map[string]string{"main.yaml": "include: a.yaml\n", "a.yaml": "\nvars: 3\n"},
			"a.yaml:2:7: vars: want a mapping"},
		{"syntax error in included file", map[string]string{"main.yaml": "include: a.yaml\n", "a.yaml": "a: [\n"},
			"main.yaml:1:10: included here: "},
	} {
		dir := writeFiles(t, c.files)
		_, err := Load(filepath.Join(dir, "main.yaml"))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s: not a config error", c.name)
		}
	}
}
