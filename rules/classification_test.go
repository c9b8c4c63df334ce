package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseClassifications(t *testing.T) {
	src := `# comment
config classification: not-suspicious,Not Suspicious Traffic,3

config classification: bad-unknown,Potentially Bad Traffic, 2
  config classification: trojan-activity,A Network Trojan was detected, 1
config classification: bad line without commas
config classification: x,y,notanumber
classification: missing-config,x,1
config classification: Bad-Unknown,Redefined,4
`
	c, err := ParseClassifications("c.config", strings.NewReader(src))
	if c == nil {
		t.Fatal("nil table")
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("err = %v, want an ErrorList", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
		if !errors.Is(e, ErrConfigFile) {
			t.Errorf("%v is not ErrConfigFile", e)
		}
	}
	want := []string{
		`c.config:6:1: classification: want name,description,priority, got "bad line without commas"`,
		`c.config:7:1: classification: bad name or priority in "x,y,notanumber"`,
		`c.config:8:1: want "config classification: ...", got "classification: missing-config,x,1"`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	tr, ok := c.Lookup("trojan-activity")
	if !ok || tr.Priority != 1 || tr.Description != "A Network Trojan was detected" || tr.Pos.Line != 5 || tr.Pos.Col != 3 {
		t.Errorf("trojan-activity = %+v, %v", tr, ok)
	}
	bu, ok := c.Lookup("BAD-UNKNOWN")
	if !ok || bu.Priority != 4 || bu.Description != "Redefined" {
		t.Errorf("bad-unknown = %+v (want the later definition)", bu)
	}
	if n := len(c.All()); n != 3 {
		t.Errorf("len(All) = %d, want 3", n)
	}
}

func TestDefaultTables(t *testing.T) {
	c := DefaultClassifications()
	for name, prio := range map[string]int{"trojan-activity": 1, "bad-unknown": 2, "not-suspicious": 3, "tcp-connection": 4, "command-and-control": 1} {
		if x, ok := c.Lookup(name); !ok || x.Priority != prio {
			t.Errorf("%s: %+v, %v; want priority %d", name, x, ok, prio)
		}
	}
	r := DefaultReferences()
	for _, typ := range []string{"cve", "url", "bugtraq", "McAfee", "arachNIDS", "md5", "nessus", "secunia", "bid"} {
		if _, ok := r.Lookup(typ); !ok {
			t.Errorf("reference type %s missing", typ)
		}
	}
}

func TestParseReferences(t *testing.T) {
	src := "config reference: cve       https://cve.mitre.org/cgi-bin/cvename.cgi?name=\n" +
		"config reference: bid\thttps://www.securityfocus.com/bid/\n" +
		"config reference: nourl\n" +
		"# config reference: x y\n"
	r, err := ParseReferences("r.config", strings.NewReader(src))
	if err == nil || err.Error() != `r.config:3:1: reference: want type and url, got "nourl"` {
		t.Errorf("err = %v", err)
	}
	if u, ok := r.Lookup("CVE"); !ok || u != "https://cve.mitre.org/cgi-bin/cvename.cgi?name=" {
		t.Errorf("cve = %q %v", u, ok)
	}
	if u, ok := r.Lookup("bid"); !ok || u != "https://www.securityfocus.com/bid/" {
		t.Errorf("bid = %q %v", u, ok)
	}
	if r.Len() != 2 {
		t.Errorf("Len = %d", r.Len())
	}
}

func FuzzParseClassifications(f *testing.F) {
	f.Add(defaultClassification)
	f.Add(defaultReference)
	f.Add("config classification: a,b,1\nconfig classification: ,,\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseClassifications("f", strings.NewReader(src))
		if c == nil {
			t.Fatalf("nil table, err %v", err)
		}
		for _, x := range c.All() {
			if y, ok := c.Lookup(x.Name); !ok || y != x {
				t.Fatalf("All() entry %q not found by Lookup", x.Name)
			}
		}
		r, _ := ParseReferences("f", strings.NewReader(src))
		if r == nil {
			t.Fatal("nil references")
		}
	})
}
