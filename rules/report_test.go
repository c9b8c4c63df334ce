package rules_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect"
	"vigil/ruleparser"

	"vigil/rules"
)

// noContent is a Checker that cannot run content matches.
type noContent struct{}

func (noContent) Check(o ruleparser.Option) error {
	if o.Keyword() == "content" || o.Keyword() == "classtype" {
		return errors.New("not supported")
	}
	return nil
}

var _ rules.Checker = noContent{}

func TestKeywordsChecker(t *testing.T) {
	set, rep := rules.Load(rules.LoadOptions{Paths: []string{"testdata/load"}, Vars: defaultVars(), Keywords: detect.Keywords(), Checker: noContent{}})
	// 1:1 has content and classtype, 1:2 has classtype: both skipped.
	want := map[string]int{"content": 1, "classtype": 2}
	if d := cmp.Diff(want, rep.Skipped); d != "" {
		t.Errorf("Skipped (-want +got):\n%s", d)
	}
	if rep.SkippedRules != 2 || rep.Loaded != 3 || set.Len() != 3 {
		t.Errorf("SkippedRules %d Loaded %d Len %d; want 2 3 3", rep.SkippedRules, rep.Loaded, set.Len())
	}
}

// TestReportJSON pins the JSON field names that tools rely on.
func TestReportJSON(t *testing.T) {
	_, rep := rules.Load(rules.LoadOptions{Paths: []string{"testdata/load"}, Vars: defaultVars(), Keywords: detect.Keywords()})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	wantKeys := []string{"commented", "duplicates", "duration_ms", "enabled", "errors", "failed", "files",
		"keywords", "loaded", "ok", "parsed", "skipped", "skipped_rules", "total", "unsupported", "warnings"}
	if d := cmp.Diff(wantKeys, keys); d != "" {
		t.Errorf("top-level keys (-want +got):\n%s", d)
	}
	var doc struct {
		Total, Enabled, Parsed, Commented int
		Errors                            []map[string]any
		Keywords                          map[string]int
		Files                             []map[string]any
		Warnings                          []map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Total != rep.Total || doc.Enabled != rep.Enabled || doc.Parsed != rep.Parsed || doc.Commented != rep.Commented {
		t.Errorf("counts differ: %+v", doc)
	}
	if len(doc.Errors) != len(rep.Errors) || len(doc.Errors) == 0 {
		t.Fatalf("%d errors in JSON, %d in report", len(doc.Errors), len(rep.Errors))
	}
	for _, k := range []string{"file", "line", "col", "sid", "keyword", "message", "class", "commented"} {
		if _, ok := doc.Errors[0][k]; !ok {
			t.Errorf("error object has no %q: %v", k, doc.Errors[0])
		}
	}
	for _, k := range []string{"file", "dialect", "lines", "total", "enabled", "commented", "parsed", "errors"} {
		if _, ok := doc.Files[0][k]; !ok {
			t.Errorf("file object has no %q: %v", k, doc.Files[0])
		}
	}
	for _, k := range []string{"file", "line", "col", "gid", "sid", "kind", "message"} {
		if _, ok := doc.Warnings[0][k]; !ok {
			t.Errorf("warning object has no %q: %v", k, doc.Warnings[0])
		}
	}
	if doc.Keywords["msg"] == 0 {
		t.Errorf("keywords: %v", doc.Keywords)
	}
}

func TestReportText(t *testing.T) {
	_, rep := rules.Load(rules.LoadOptions{Paths: []string{"testdata/load"}, Vars: defaultVars(), Keywords: detect.Keywords()})
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"error: testdata/load/a.rules:4:",
		"(commented-out rule)",
		"warning: testdata/load/b.rules:1:1: sid 2: duplicate signature 1:2: rev 0 at testdata/load/a.rules:3:1 wins over rev 0 at testdata/load/b.rules:1:1, which is skipped",
		"testdata/load/a.rules",
		"rules: 14 total, 11 enabled, 3 commented-out, 12 parsed; 4 enabled rules failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadMissingPath(t *testing.T) {
	_, rep := rules.Load(rules.LoadOptions{Paths: []string{"testdata/nope"}, Keywords: detect.Keywords()})
	if rep.OK() || len(rep.Errors) != 1 || !errors.Is(rep.Errors[0], rules.ErrRead) {
		t.Errorf("missing path: ok %v errors %v", rep.OK(), rep.Errors)
	}
}
