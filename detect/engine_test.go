package detect

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/engine/config"
	"vigil/rules"
)

// mapTx is a transaction view backed by a map, for tests.
type mapTx map[Buf][]string

func (t mapTx) Buffer(b Buf, i int) ([]byte, bool) {
	v := t[b]
	if i >= len(v) {
		return nil, false
	}
	return []byte(v[i]), true
}

func compileText(t testing.TB, m mpm.Matcher, text string) (*Engine, *Report) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Vars: testVars(), Keywords: Keywords()})
	if rs == nil || !rep.OK() {
		t.Fatalf("load: %+v", rep)
	}
	e, crep, err := Compile(rs, Options{Prefilter: m})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, crep
}

func sids(as []Alert) []uint32 {
	var out []uint32
	for _, a := range as {
		out = append(out, a.Sig.Rule.Sid)
	}
	return out
}

func tcpPacket(payload string, toServer bool) *Packet {
	p := &Packet{IPVer: 4, Proto: 6, Src: netip.MustParseAddr("10.0.0.5"), Dst: netip.MustParseAddr("203.0.113.10"),
		SrcPort: 49152, DstPort: 80, TTL: 64, TCPFlags: tcpACK | tcpPSH, Payload: []byte(payload),
		HasFlow: true, ToServer: toServer, Established: true, Flow: &FlowState{}}
	if !toServer {
		p.Src, p.Dst = p.Dst, p.Src
		p.SrcPort, p.DstPort = p.DstPort, p.SrcPort
	}
	return p
}

const engineRules = `
alert tcp any any -> any 80 (msg:"payload"; flow:established,to_server; content:"GET"; depth:3; content:"/admin"; distance:0; sid:1;)
alert tcp any any -> any any (msg:"flowbit setter"; content:"login"; flowbits:set,seen.login; flowbits:noalert; sid:2;)
alert tcp any any -> any any (msg:"flowbit checker"; content:"secret"; flowbits:isset,seen.login; sid:3;)
alert http any any -> any any (msg:"uri"; flow:to_server; http.uri; content:"/admin"; startswith; sid:4;)
alert http any any -> any any (msg:"ua nocase"; http.user_agent; content:"curl"; nocase; sid:5;)
alert http any any -> any any (msg:"legacy modifiers"; content:"POST"; http_method; content:"pass="; http_client_body; sid:6;)
alert tcp any any -> any any (msg:"dsize only"; dsize:>1000; sid:7;)
alert dns any any -> any any (msg:"dns dotprefix"; dns.query; dotprefix; content:".evil.test"; endswith; sid:8;)
alert tcp any any -> any 80 (msg:"negated"; content:"GET"; content:!"Host"; sid:9;)
alert http any any -> any any (msg:"pcre U"; pcre:"/^\/admin\/[a-z]+$/U"; sid:10;)
alert tcp any any -> any 80 (msg:"pcre relative"; content:"GET"; pcre:"/^\s+\/admin/R"; sid:11;)
`

func TestEngineMatch(t *testing.T) {
	for _, m := range []struct {
		name string
		mpm  mpm.Matcher
	}{{"hyperscan", mpm.Hyperscan{}}, {"reference", mpm.Reference{}}} {
		t.Run(m.name, func(t *testing.T) {
			e, rep := compileText(t, m.mpm, engineRules)
			if rep.Loaded != 11 {
				t.Fatalf("loaded %d, skipped %v: %v", rep.Loaded, rep.Skipped, rep.Errors)
			}
			mt, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer mt.Close()

			p := tcpPacket("GET /admin HTTP/1.1\r\nHost: x\r\n\r\n", true)
			if got := sids(mt.MatchPacket(p, nil)); !equal(got, 1, 11) {
				t.Errorf("packet sids = %v, want [1 11]", got)
			}
			p = tcpPacket("GET /x HTTP/1.0\r\n\r\n", true)
			if got := sids(mt.MatchPacket(p, nil)); !equal(got, 9) {
				t.Errorf("negated: sids = %v, want [9]", got)
			}
			// Flowbits: the checker needs the setter first; the setter is
			// silent.
			fs := &FlowState{}
			p = tcpPacket("secret", true)
			p.Flow = fs
			if got := sids(mt.MatchPacket(p, nil)); len(got) != 0 {
				t.Errorf("before login: %v", got)
			}
			p.Payload = []byte("login")
			if got := sids(mt.MatchPacket(p, nil)); len(got) != 0 {
				t.Errorf("setter alerted: %v", got)
			}
			p.Payload = []byte("secret")
			if got := sids(mt.MatchPacket(p, nil)); !equal(got, 3) {
				t.Errorf("after login: %v, want [3]", got)
			}

			p = tcpPacket("", true)
			p.AppProto = bufid.ProtoHTTP
			tx := mapTx{bufid.HTTPURI: {"/admin/x"}, bufid.HTTPUserAgent: {"CURL/8"}, bufid.HTTPMethod: {"POST"}, bufid.HTTPRequestBody: {"user=a&pass=b"}}
			var st TxState
			if got := sids(mt.MatchTx(p, tx, 0, true, &st, nil)); !equal(got, 4, 5, 6, 10) {
				t.Errorf("tx sids = %v, want [4 5 6 10]", got)
			}
			if got := sids(mt.MatchTx(p, tx, 0, true, &st, nil)); len(got) != 0 {
				t.Errorf("second inspection of the same tx alerted again: %v", got)
			}

			p = &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: true, AppProto: bufid.ProtoDNS, Flow: &FlowState{}}
			for _, q := range []struct {
				name string
				want bool
			}{{"a.evil.test", true}, {"evil.test", true}, {"notevil.test", false}} {
				got := mt.MatchTx(p, mapTx{bufid.DNSQuery: {"x.example", q.name}}, 1, true, &TxState{}, nil)
				if (len(got) == 1) != q.want {
					t.Errorf("dns %q: %v, want match %v", q.name, sids(got), q.want)
				}
			}
		})
	}
}

func equal(got []uint32, want ...uint32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func testVars() rules.Vars {
	c := config.Default()
	return rules.Vars{Address: c.Vars.AddressGroups, Port: c.Vars.PortGroups}
}

// protoOf is the protocol of an app_proto name in test tables: "" is
// ProtoUnknown (undecided), "failed" ProtoFailed.
func protoOf(name string) bufid.Proto {
	switch name {
	case "":
		return bufid.ProtoUnknown
	case "failed":
		return bufid.ProtoFailed
	}
	p, ok := bufid.LookupRuleProto(name)
	if !ok {
		panic("protoOf: unknown protocol " + name)
	}
	return p
}

// TestUsesBuffer checks that the engine knows which buffers its rules
// inspect, and nothing else: MatchTx only measures the others.
func TestUsesBuffer(t *testing.T) {
	e, _ := compileText(t, mpm.Hyperscan{}, `alert http any any -> any any (msg:"u"; http.uri; content:"/x"; http.header; content:"a"; sid:1;)
alert http any any -> any any (msg:"s"; http.stat_code; content:"200"; sid:2;)
`)
	for b, want := range map[Buf]bool{
		bufid.HTTPURI: true, bufid.HTTPHeader: true, bufid.HTTPStatCode: true,
		bufid.HTTPRequestHeader: false, bufid.HTTPHost: false, bufid.HTTPStart: false,
	} {
		if got := e.UsesBuffer(b); got != want {
			t.Errorf("UsesBuffer(%v) = %v; want %v", b, got, want)
		}
	}
}

// TestEngineCloseFreesAll: Close drops the signatures and groups with the
// databases, so that an *Engine kept by its owner after a reload replaced
// it (a run's startup engine) holds no memory; closing again is harmless.
func TestEngineCloseFreesAll(t *testing.T) {
	e, _ := compileText(t, mpm.Hyperscan{}, `alert tcp any any -> any any (msg:"x"; content:"abc"; sid:1;)`)
	if len(e.Sigs()) != 1 || e.pkt[6] == nil {
		t.Fatalf("compiled engine: %d sigs, tcp group %v", len(e.Sigs()), e.pkt[6])
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if e.Sigs() != nil || e.pkt[6] != nil || e.stream != nil || e.dbs != nil {
		t.Errorf("closed engine still holds its signatures or groups")
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
