package rules_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect"
	"vigil/engine/config"
	"vigil/ruleparser"
	"vigil/rules"
)

func defaultVars() rules.Vars {
	c := config.Default()
	return rules.Vars{Address: c.Vars.AddressGroups, Port: c.Vars.PortGroups, Where: c.Vars.Where}
}

func TestLoad(t *testing.T) {
	set, rep := rules.Load(rules.LoadOptions{Paths: []string{"testdata/load"}, Vars: defaultVars(), Keywords: detect.Keywords()})

	var got []string
	for _, e := range rep.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		"testdata/load/a.rules:4:11: sid 3: undefined address variable $NOPE",
		`testdata/load/a.rules:5:56: sid 4: classtype: unknown classtype "nope"`,
		"testdata/load/a.rules:7:13: sid 6: undefined address variable $NOPE",
		"testdata/load/a.rules:8:1: sid: rule has no sid",
		`testdata/load/b.rules:3:48: msg: unexpected "sid:8" after closing quote (missing ';'?)`,
		`testdata/load/b.rules:4:60: msg: unexpected "sid:9" after closing quote (missing ';'?)`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}

	ids := func(rs []*rules.Rule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID())
		}
		return out
	}
	if d := cmp.Diff([]string{"1:1", "1:2", "1:7", "3:2", "1:10"}, ids(set.Rules())); d != "" {
		t.Errorf("active rules (-want +got):\n%s", d)
	}
	r, ok := set.Lookup(1, 1)
	if !ok {
		t.Fatal("1:1 not found")
	}
	if r.Msg != "one" || r.Rev != 2 || r.Classtype != "trojan-activity" || r.Priority != 1 ||
		r.Category != "A Network Trojan was detected" || r.Proto != "tcp" || r.Action != ruleparser.ActionAlert {
		t.Errorf("rule 1:1 = %+v", r)
	}
	if !r.Header.Src.Contains(netip.MustParseAddr("10.1.1.1")) || r.Header.Dst.Contains(netip.MustParseAddr("10.1.1.1")) ||
		!r.Header.DstPorts.Contains(80) || r.Header.DstPorts.Contains(81) || !r.Header.SrcPorts.IsAny() {
		t.Errorf("rule 1:1 header = src %s:%s dst %s:%s", r.Header.Src, r.Header.SrcPorts, r.Header.Dst, r.Header.DstPorts)
	}
	r2, _ := set.Lookup(1, 2)
	if r2.Priority != 1 || r2.Msg != "two" {
		t.Errorf("explicit priority must override classtype: %+v", r2)
	}
	r7, _ := set.Lookup(1, 7)
	if r7.Header.Src.Contains(netip.MustParseAddr("10.1.0.1")) || !r7.Header.Src.Contains(netip.MustParseAddr("10.2.0.1")) ||
		r7.Header.SrcPorts.Contains(443) || !r7.Header.SrcPorts.Contains(444) || r7.Header.Dir != ruleparser.DirBoth {
		t.Errorf("rule 1:7 header = %s %s", r7.Header.Src, r7.Header.SrcPorts)
	}
	r10, _ := set.Lookup(1, 10)
	if r10 == nil || r10.Msg != "multi line" {
		t.Errorf("continued rule: %+v", r10)
	}

	// Duplicates: both places named (the skipped one, then the winner);
	// the higher rev wins, the first on a tie.
	var dups []string
	for _, w := range rep.Warnings {
		if w.Kind == rules.WarnDuplicate {
			dups = append(dups, fmt.Sprintf("%s|%s|%d:%d", w.Pos, w.Other, w.Gid, w.Sid))
		}
	}
	wantDups := []string{
		"testdata/load/a.rules:9:1|testdata/load/a.rules:2:1|1:1",
		"testdata/load/b.rules:1:1|testdata/load/a.rules:3:1|1:2",
	}
	if d := cmp.Diff(wantDups, dups); d != "" {
		t.Errorf("duplicates (-want +got):\n%s", d)
	}
	if rep.Duplicates != 2 {
		t.Errorf("Duplicates = %d", rep.Duplicates)
	}
	if r, _ := set.Lookup(1, 2); r.Pos.File != "testdata/load/a.rules" {
		t.Errorf("1:2 is from %s, want the first of two rev 0 (a.rules)", r.Pos)
	}
	if r, _ := set.Lookup(1, 1); r.Rev != 2 || r.Msg != "one" {
		t.Errorf("1:1 is rev %d %q, want rev 2 (the first, higher) %q", r.Rev, r.Msg, "one")
	}

	// Error classes and commented-out rules.
	classes := map[error]int{}
	for i, e := range rep.Errors {
		for _, k := range []error{rules.ErrUndefinedVar, rules.ErrUnknownClasstype, rules.ErrNoSid, rules.ErrSyntax, rules.ErrBadValue} {
			if errors.Is(e, k) {
				classes[k]++
			}
		}
		line := e.Pos.Line
		wantCommented := (e.Pos.File == "testdata/load/a.rules" && line == 7) || (e.Pos.File == "testdata/load/b.rules" && line == 4)
		if rep.CommentedErr[i] != wantCommented {
			t.Errorf("%v: commented = %v, want %v", e, rep.CommentedErr[i], wantCommented)
		}
	}
	if d := cmp.Diff(map[error]int{rules.ErrUndefinedVar: 2, rules.ErrUnknownClasstype: 1, rules.ErrNoSid: 1, rules.ErrBadValue: 2}, classes,
		cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
		t.Errorf("error classes (-want +got):\n%s", d)
	}
	// Failed: sid 3, 4, no-sid, and the bad syntax in b.rules (enabled ones).
	if rep.Failed != 4 || rep.OK() {
		t.Errorf("Failed = %d, want 4", rep.Failed)
	}
	if rep.Total != 14 || rep.Enabled != 11 || rep.Commented != 3 {
		t.Errorf("total/enabled/commented = %d/%d/%d, want 14/11/3", rep.Total, rep.Enabled, rep.Commented)
	}
	if rep.Parsed != 12 {
		t.Errorf("Parsed = %d, want 12", rep.Parsed)
	}
	if rep.Loaded != 5 {
		t.Errorf("Loaded = %d, want 5", rep.Loaded)
	}
	if rep.Keywords["msg"] != 10 || rep.Keywords["sid"] != 9 || rep.Keywords["nocase"] != 1 || rep.Keywords["content"] != 1 {
		t.Errorf("keywords = %v", rep.Keywords)
	}
	// Unknown reference type: a warning, not an error.
	var refWarn int
	for _, w := range rep.Warnings {
		if w.Kind == rules.WarnUnknownReference {
			refWarn++
			if !strings.Contains(w.Msg, `"foo"`) {
				t.Errorf("reference warning: %v", w)
			}
		}
	}
	if refWarn != 1 {
		t.Errorf("%d unknown-reference warnings, want 1", refWarn)
	}
}

// TestDuplicateHighestRev: of two definitions of a gid:sid the higher rev
// wins wherever it comes, and takes the first one's place in load order.
func TestDuplicateHighestRev(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.rules", "alert tcp any any -> any any (msg:\"old\"; sid:7; rev:1;)\n"+
		"alert tcp any any -> any any (msg:\"other\"; sid:8;)\n")
	b := write("b.rules", "alert tcp any any -> any any (msg:\"new\"; sid:7; rev:2;)\n")
	set, rep := rules.Load(rules.LoadOptions{Paths: []string{a, b}, Vars: defaultVars(), Keywords: detect.Keywords()})
	r, ok := set.Lookup(1, 7)
	if !ok || r.Rev != 2 || r.Msg != "new" {
		t.Fatalf("1:7 = %+v, want rev 2 \"new\"", r)
	}
	if got := set.Rules()[0]; got != r {
		t.Errorf("first active rule is %s %q, want the winner in the loser's place", got.ID(), got.Msg)
	}
	if rep.Duplicates != 1 || len(rep.Warnings) != 1 {
		t.Fatalf("duplicates %d, warnings %v", rep.Duplicates, rep.Warnings)
	}
	w := rep.Warnings[0].String()
	for _, want := range []string{a + ":1:1", b + ":1:1", "rev 2", "rev 1"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q does not name %q", w, want)
		}
	}
}
