package ruleparser_test

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect"
	"vigil/ruleparser"
)

// TestGrammarEBNF pins the participle grammar to testdata/grammar.ebnf.
func TestGrammarEBNF(t *testing.T) {
	got := ruleparser.Grammar() + "\n"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile("testdata/grammar.ebnf", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/grammar.ebnf")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("grammar changed (-want +got):\n%s", diff)
	}
}

func TestParseRuleAPI(t *testing.T) {
	r, err := ruleparser.ParseRule(`alert tcp any any -> any 80 (msg:"hello \"x\""; gid:3; sid:7; rev:2; priority:1;)`, ruleparser.Options{Keywords: keywords})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sid() != 7 || r.Rev() != 2 || r.Gid() != 3 || r.Priority() != 1 || r.Msg() != `hello "x"` {
		t.Errorf("helpers: sid %d rev %d gid %d prio %d msg %q", r.Sid(), r.Rev(), r.Gid(), r.Priority(), r.Msg())
	}
	if r.Dialect != ruleparser.DialectSuricata || r.Action != ruleparser.ActionAlert || r.Dir != ruleparser.DirTo {
		t.Errorf("dialect %v action %v dir %v", r.Dialect, r.Action, r.Dir)
	}
	r2, err := ruleparser.ParseRule(`alert tcp any any -> any any (sid:1;)`, ruleparser.Options{Keywords: keywords})
	if err != nil || r2.Gid() != 1 || r2.Msg() != "" {
		t.Errorf("defaults: %v gid %d", err, r2.Gid())
	}
	for _, bad := range []string{"", "# just a comment", "alert tcp any any -> any any (sid:1;)\nalert tcp any any -> any any (sid:2;)", "alert tcp any any -> any any (sid:1; bogus;)"} {
		r, err := ruleparser.ParseRule(bad, ruleparser.Options{Keywords: keywords})
		if (r == nil) == (err == nil) {
			t.Errorf("ParseRule(%q): rule %v, err %v: want exactly one", bad, r, err)
		}
		var e *ruleparser.Error
		if !errors.As(err, &e) {
			t.Errorf("ParseRule(%q): error %T is not *Error", bad, err)
		}
	}
}

func TestExprs(t *testing.T) {
	tests := []struct {
		src, dst, dport string
		want            string
	}{
		{"any", "any", "any", "any any -> any any"},
		{"[1.2.3.4,!5.6.7.8/32]", "$HOME_NET", "[80,!81,1024:]", "[1.2.3.4,!5.6.7.8/32] any -> $HOME_NET [80,!81,1024:]"},
		{"fe80::1", "[::/0,!::1]", ":1023", "fe80::1 any -> [::/0,!::1] :1023"},
	}
	for _, tt := range tests {
		r, err := ruleparser.ParseRule("alert ip "+tt.src+" any -> "+tt.dst+" "+tt.dport+" (sid:1;)", ruleparser.Options{Keywords: keywords})
		if err != nil {
			t.Fatal(err)
		}
		got := r.Src.String() + " " + r.SrcPorts.String() + " -> " + r.Dst.String() + " " + r.DstPorts.String()
		if got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	r, _ := ruleparser.ParseRule("alert ip [10.0.0.0/8,!$X] any -> any [1:2] (sid:1;)", ruleparser.Options{Keywords: keywords})
	g := r.Src.(*ruleparser.Group)
	if p := g.Items[0].(*ruleparser.CIDR).Prefix; p != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("prefix %v", p)
	}
	if v := g.Items[1].(*ruleparser.Negated).X.(*ruleparser.Var); v.Name != "X" || v.Pos.Col != 23 {
		t.Errorf("var %+v, want X at col 23", v)
	}
	if rg := r.DstPorts.(*ruleparser.Group).Items[0].(*ruleparser.Range); rg.Lo != 1 || rg.Hi != 2 {
		t.Errorf("range %+v", rg)
	}
}

func TestUintCmp(t *testing.T) {
	tests := []struct {
		in      string
		want    ruleparser.UintCmp
		match   []uint64
		nomatch []uint64
	}{
		{"5", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 5}, []uint64{5}, []uint64{4, 6}},
		{"=5", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 5}, []uint64{5}, []uint64{4}},
		{"!5", ruleparser.UintCmp{Op: ruleparser.CmpNe, A: 5}, []uint64{4}, []uint64{5}},
		{"!=5", ruleparser.UintCmp{Op: ruleparser.CmpNe, A: 5}, []uint64{6}, []uint64{5}},
		{"<5", ruleparser.UintCmp{Op: ruleparser.CmpLt, A: 5}, []uint64{4}, []uint64{5}},
		{"> 5", ruleparser.UintCmp{Op: ruleparser.CmpGt, A: 5}, []uint64{6}, []uint64{5}},
		{"<=5", ruleparser.UintCmp{Op: ruleparser.CmpLe, A: 5}, []uint64{5}, []uint64{6}},
		{">=5", ruleparser.UintCmp{Op: ruleparser.CmpGe, A: 5}, []uint64{5}, []uint64{4}},
		{"1-5", ruleparser.UintCmp{Op: ruleparser.CmpRange, A: 1, B: 5, Dash: true}, []uint64{2, 4}, []uint64{1, 5}},
		{"1<>5", ruleparser.UintCmp{Op: ruleparser.CmpRange, A: 1, B: 5}, []uint64{3}, []uint64{5}},
		{"!1-5", ruleparser.UintCmp{Op: ruleparser.CmpNotRange, A: 1, B: 5, Dash: true}, []uint64{1, 5}, []uint64{3}},
		{"1<=>5", ruleparser.UintCmp{Op: ruleparser.CmpRangeIncl, A: 1, B: 5}, []uint64{1, 5}, []uint64{6}},
		{"0x10", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 16}, []uint64{16}, nil},
	}
	for _, tt := range tests {
		got, err := ruleparser.ParseUintCmp(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.in, got, tt.want)
		}
		for _, v := range tt.match {
			if !got.Match(v) {
				t.Errorf("%q should match %d", tt.in, v)
			}
		}
		for _, v := range tt.nomatch {
			if got.Match(v) {
				t.Errorf("%q should not match %d", tt.in, v)
			}
		}
		again, err := ruleparser.ParseUintCmp(got.String())
		if err != nil || again != got {
			t.Errorf("%q: String %q reparses as %+v, %v", tt.in, got.String(), again, err)
		}
	}
	for _, bad := range []string{"", "<", "5-1", "a", "1<>1", ">-1", "99999999999999999999"} {
		if _, err := ruleparser.ParseUintCmp(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestDetectDialect(t *testing.T) {
	tests := []struct {
		src  string
		want ruleparser.Dialect
	}{
		{`alert tcp any any -> any any (msg:"x"; sid:1;)`, ruleparser.DialectSuricata},
		{`alert tcp any any -> any any (msg:"x"; metadata:policy balanced-ips drop, service http; sid:1;)`, ruleparser.DialectSnort2},
		{`alert http (msg:"x"; service:http; sid:1;)`, ruleparser.DialectSnort3},
		{`alert tcp any any -> any any (msg:"service: not an option"; sid:1;)`, ruleparser.DialectSuricata},
	}
	for _, tt := range tests {
		if got := ruleparser.DetectDialect([]byte(tt.src)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.src, got, tt.want)
		}
	}
}

// TestDialectDecides checks keywords whose syntax depends on the dialect.
func TestDialectDecides(t *testing.T) {
	const comma = `alert tcp any any -> any any (content:"a",nocase; sid:1;)`
	if _, err := ruleparser.ParseRule(comma, ruleparser.Options{Dialect: ruleparser.DialectSuricata, Keywords: keywords}); err == nil {
		t.Error("Suricata accepted Snort 3 content modifiers")
	}
	r, err := ruleparser.ParseRule(comma, ruleparser.Options{Dialect: ruleparser.DialectSnort3, Keywords: keywords})
	if err != nil || !r.Options[0].(*ruleparser.Content).Nocase {
		t.Errorf("Snort 3 content modifiers: %v", err)
	}
	// http_uri after a content is a modifier in Suricata, a sticky buffer in Snort 3.
	const legacy = `alert tcp any any -> any any (content:"a"; http_uri; content:"b"; sid:1;)`
	r, _ = ruleparser.ParseRule(legacy, ruleparser.Options{Dialect: ruleparser.DialectSuricata, Keywords: keywords})
	if c := r.Options[0].(*ruleparser.Content); c.LegacyBuffer != "http.uri" || len(r.Options) != 3 {
		t.Errorf("suricata: %+v", r.Options)
	}
	r, _ = ruleparser.ParseRule(legacy, ruleparser.Options{Dialect: ruleparser.DialectSnort3, Keywords: keywords})
	if b, ok := r.Options[1].(*ruleparser.Buffer); !ok || b.Kind != ruleparser.Sticky || len(r.Options) != 4 {
		t.Errorf("snort3: %+v", r.Options)
	}
	// Snort-only keywords are unknown to Suricata.
	_, err = ruleparser.ParseRule(`alert tcp any any -> any any (service:http; sid:1;)`, ruleparser.Options{Dialect: ruleparser.DialectSuricata, Keywords: keywords})
	if !errors.Is(err, ruleparser.ErrUnknownKeyword) || !strings.Contains(err.Error(), "service: unknown keyword in the suricata dialect (it is snort3 only)") {
		t.Errorf("service in Suricata: %v", err)
	}
	// stream_size argument order differs.
	if _, err := ruleparser.ParseRule(`alert tcp any any -> any any (stream_size:server,<,6; sid:1;)`, ruleparser.Options{Dialect: ruleparser.DialectSnort3, Keywords: keywords}); err == nil {
		t.Error("Snort 3 accepted Suricata stream_size")
	}
}

// TestContentDecoding covers escapes and hex in patterns.
func TestContentDecoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"abc"`, "abc"},
		{`"a|20 41|b"`, "a Ab"},
		{`"|0d0a|"`, "\r\n"},
		{`"a\"b\;c\\d\:e"`, `a"b;c\d:e`},
		{`!"x"`, "x"},
	}
	for _, tt := range tests {
		r, err := ruleparser.ParseRule(`alert tcp any any -> any any (content:`+tt.in+`; sid:1;)`, ruleparser.Options{Keywords: keywords})
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := string(r.Options[0].(*ruleparser.Content).Pattern); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// keywords is the table the tests parse with: the detection engine's, the
// only one.
var keywords = detect.Keywords()
