package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect/mpm"
	"vigil/rules"
)

func TestPCRECaptureSpecs(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (pcre:"/^(\w+) (\w+) (\w+)/, flow:a, pkt:b,alert:c"; sid:1;)
alert tcp any any -> any any (pcre:"/(?P<flow_ua>\w+)-(?P<pkt_http_x>\d)(?P<alert_n>\d)(?P<other_q>z)?/"; sid:2;)
alert tcp any any -> any any (pcre:"/(\w+)=(\w+)/, pkt:key,pkt:value"; sid:3;)
`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	want := map[uint32][]pcreCap{
		1: {{capFlow, "a", 1}, {capPkt, "b", 2}, {capAlert, "c", 3}},
		2: {{capFlow, "ua", 1}, {capPkt, "http_x", 2}, {capAlert, "n", 3}},
		3: {{capPktKey, "", 1}},
	}
	for _, s := range e.Sigs() {
		var got []pcreCap
		for _, l := range s.lists {
			for _, it := range l.items {
				if p, ok := it.(*pcreItem); ok {
					got = p.caps
				}
			}
		}
		w := want[s.Rule.Sid]
		if len(got) != len(w) {
			t.Errorf("sid %d: caps %+v, want %+v", s.Rule.Sid, got, w)
			continue
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("sid %d: caps %+v, want %+v", s.Rule.Sid, got, w)
			}
		}
	}
	for _, bad := range []string{
		`pcre:"/(a)/, flow:x,flow:y";`,     // more names than groups
		`pcre:"/(a)(b)/, pkt:key,flow:y";`, // key without value
		`pcre:"/(a)(b)/, pkt:value";`,      // value without key
	} {
		text := `alert tcp any any -> any any (` + bad + ` sid:9;)`
		if loaded := compileCount(t, text); loaded != 0 {
			t.Errorf("%s compiled", bad)
		}
	}
}

// compileCount returns how many rules of text load and compile.
func compileCount(t *testing.T, text string) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, _ := rules.Load(rules.LoadOptions{Paths: []string{path}, Vars: testVars(), Keywords: Keywords()})
	if rs == nil {
		return 0
	}
	e, rep, err := Compile(rs, Options{Prefilter: mpm.Reference{}})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	return rep.Loaded
}

func TestPCRECaptureStore(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (content:"UA "; pcre:"/UA ([a-z]+)\/(\d)/, flow:ua, pkt:ver"; sid:1;)
alert tcp any any -> any any (content:"UA "; pcre:"/^UA (?P<alert_ua>[a-z]+)/"; sid:2;)
alert tcp any any -> any any (content:"UA "; pcre:"/UA (?P<flow_never>[a-z]+)/"; content:"absent"; sid:3;)
alert tcp any any -> any any (flowvar:ua,"moz"; sid:4;)
alert tcp any any -> any any (pktvar:ver,"5"; sid:5;)
alert tcp any any -> any any (content:"k="; pcre:"/(\w)=(\w+)/, pkt:key,pkt:value"; sid:6;)
`)
	if rep.Loaded != 6 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	p := tcpPacket("UA mozilla/5 k=v", true)
	got := m.MatchPacket(p, nil)
	// sid 4 runs after sid 1 stored ua in the flow; sid 5 sees the packet
	// variable sid 1 stored on this packet.
	if s := sids(got); !equal(s, 1, 2, 4, 5, 6) {
		t.Fatalf("alerts %v, want [1 2 4 5 6]", s)
	}
	if v := p.Flow.Vars(); len(v) != 1 || v[0].Name != "ua" || string(v[0].Value) != "mozilla" {
		t.Errorf("flow vars %+v", v)
	}
	if v := p.PktVars; len(v) != 2 || v[0].Name != "ver" || string(v[0].Value) != "5" || v[1].Name != "k" || string(v[1].Value) != "v" {
		t.Errorf("packet vars %+v", v)
	}
	if c := got[1].Context; len(c) != 1 || c[0].Name != "ua" || string(c[0].Value) != "mozilla" {
		t.Errorf("alert context %+v", c)
	}
	if got[0].Context != nil {
		t.Errorf("sid 1 has context %+v", got[0].Context)
	}
	// A rule that did not match stores nothing (sid 3).
	for _, v := range p.Flow.Vars() {
		if v.Name == "never" {
			t.Error("non-matching rule stored its capture")
		}
	}
	// A later match replaces the flow variable; the packet variables
	// belong to their packet.
	p2 := tcpPacket("UA curl/7", true)
	p2.Flow = p.Flow
	if s := sids(m.MatchPacket(p2, nil)); !equal(s, 1, 2) {
		t.Errorf("second packet alerts %v, want [1 2]", s)
	}
	if v := p.Flow.Vars(); len(v) != 1 || string(v[0].Value) != "curl" {
		t.Errorf("flow vars after replace %+v", v)
	}
}

func TestFlowvarPktvarParse(t *testing.T) {
	for _, tc := range []struct {
		in, name, content, err string
	}{
		{in: `ua,"Mozilla"`, name: "ua", content: "Mozilla"},
		{in: `ua,Moz`, name: "ua", content: "Moz"},
		{in: `a,b,"|41 42|"`, name: "a,b", content: "AB"},
		{in: `ua`, err: "want name"},
		{in: `,"x"`, err: "1 to 63"},
		{in: `ua,"` + strings.Repeat("x", 64) + `"`, err: "1 to 63"},
	} {
		name, content, err := parseVarTest(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || name != tc.name || string(content) != tc.content {
			t.Errorf("%s: got %q %q %v", tc.in, name, content, err)
		}
	}
}
