package detect

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
	"vigil/rules"
)

// compileDialect is compileText with the dialect forced.
func compileDialect(t testing.TB, d ruleparser.Dialect, text string) (*Engine, *Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Vars: testVars(), Dialect: d, Keywords: Keywords()})
	if rs == nil || !rep.OK() {
		t.Fatalf("load: %+v", rep)
	}
	e, crep, err := Compile(rs, Options{Prefilter: mpm.Reference{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, crep
}

// txFires compiles one rule in dialect d and reports whether it alerts on
// transaction tx seen with a packet of app-layer protocol proto (over its
// transport) and direction.
func txFires(t *testing.T, d ruleparser.Dialect, rule, proto string, toServer bool, tx mapTx) bool {
	t.Helper()
	e, rep := compileDialect(t, d, rule)
	if rep.Loaded != 1 {
		t.Fatalf("rule not loaded (skipped %v, errors %v): %s", rep.Skipped, rep.Errors, rule)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("", toServer)
	p.AppProto = protoOf(proto)
	if tr := transportOf[p.AppProto]; tr != 0 {
		p.Proto = tr // a UDP protocol's packet (dhcp, ntp)
	}
	return len(m.MatchTx(p, tx, 0, true, &TxState{}, nil)) > 0
}

// notLoaded checks that a rule is skipped as unsupported or rejected.
func notLoaded(t *testing.T, d ruleparser.Dialect, rule string) {
	t.Helper()
	_, rep := compileDialect(t, d, rule)
	if rep.Loaded != 0 {
		t.Errorf("loaded: %s", rule)
	}
}

func TestSSLState(t *testing.T) {
	sur, s3, s2 := ruleparser.DialectSuricata, ruleparser.DialectSnort3, ruleparser.DialectSnort2
	// Byte 0 Suricata's state (last message), byte 1 Snort's (all).
	flight := mapTx{bufid.SSLState: {"\x08\x0a"}} // ServerHello, Certificate, ServerKeyExchange
	hello := mapTx{bufid.SSLState: {"\x01\x01"}}
	none := mapTx{bufid.SSLState: {"\x00\x00"}}
	for _, tc := range []struct {
		name string
		d    ruleparser.Dialect
		opt  string
		tx   mapTx
		want bool
	}{
		{"suricata client_hello", sur, "ssl_state:client_hello;", hello, true},
		{"suricata server_hello not last", sur, "ssl_state:server_hello;", flight, false},
		{"suricata server_keyx last", sur, "ssl_state:server_keyx;", flight, true},
		{"suricata or list", sur, "ssl_state:client_hello,server_keyx;", flight, true},
		{"suricata bar list", sur, "ssl_state:client_hello|server_keyx;", flight, true},
		{"suricata negated", sur, "ssl_state:!client_hello;", flight, true},
		{"suricata negated same", sur, "ssl_state:!client_hello;", hello, false},
		{"suricata negated no state", sur, "ssl_state:!client_hello;", none, true},
		{"suricata unknown never", sur, "ssl_state:unknown;", hello, false},
		{"suricata !unknown always", sur, "ssl_state:!unknown;", none, true},
		{"snort3 server_hello in flight", s3, "ssl_state:server_hello;", flight, true},
		{"snort3 client_hello not in flight", s3, "ssl_state:client_hello;", flight, false},
		{"snort3 negated", s3, "ssl_state:!server_keyx;", flight, false},
		{"snort2 server_hello", s2, "ssl_state:server_hello;", flight, true},
		{"no tls state", sur, "ssl_state:client_hello;", mapTx{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert tcp any any -> any any (msg:"x"; ` + tc.opt + ` sid:1;)`
			if got := txFires(t, tc.d, rule, "tls", false, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	notLoaded(t, s3, `alert tcp any any -> any any (msg:"x"; ssl_state:unknown; sid:1;)`)
	notLoaded(t, s3, `alert tcp any any -> any any (msg:"x"; ssl_state:client_hello,!unknown; sid:1;)`)
	notLoaded(t, sur, `alert http any any -> any any (msg:"x"; ssl_state:client_hello; sid:1;)`)
}

func TestTLSVersionKeyword(t *testing.T) {
	sur := ruleparser.DialectSuricata
	v12 := mapTx{bufid.SSLVersion: {"\x03\x03"}}
	draft := mapTx{bufid.SSLVersion: {"\x7f\x1c"}}
	for _, tc := range []struct {
		name, opt string
		tx        mapTx
		want      bool
	}{
		{"1.2", "tls.version:1.2;", v12, true},
		{"1.3 other", "tls.version:1.3;", v12, false},
		{"quoted", `tls.version:"1.2";`, v12, true},
		{"hex", "tls.version:0x0303;", v12, true},
		{"draft is 1.3", "tls.version:1.3;", draft, true},
		{"raw draft", "tls.version:0x7f1c;", draft, true},
		{"raw is exact", "tls.version:0x0304;", draft, false},
		{"no version", "tls.version:1.2;", mapTx{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert tls any any -> any any (msg:"x"; ` + tc.opt + ` sid:1;)`
			if got := txFires(t, sur, rule, "tls", false, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	notLoaded(t, sur, `alert tls any any -> any any (msg:"x"; tls.version:2.0; sid:1;)`)
	notLoaded(t, sur, `alert tls any any -> any any (msg:"x"; tls.version:0x30; sid:1;)`)
}

func TestSIPSnortKeywords(t *testing.T) {
	s3 := ruleparser.DialectSnort3
	invite := mapTx{bufid.SIPSnortMethod: {"INVITE"}, bufid.SIPHeader: {"INVITE sip:a@b SIP/2.0\r\nUser-Agent: () { :; }\r\n\r\n"}}
	notFound := mapTx{bufid.SIPSnortStatCode: {"404"}, bufid.SIPHeader: {"SIP/2.0 404 Not Found\r\n\r\n"}}
	ringing := mapTx{bufid.SIPSnortStatCode: {"180"}}
	for _, tc := range []struct {
		name, opt string
		tx        mapTx
		want      bool
	}{
		{"method", "sip_method:invite;", invite, true},
		{"method list", "sip_method:cancel,INVITE;", invite, true},
		{"method other", "sip_method:options;", invite, false},
		{"method negated", "sip_method:!options;", invite, true},
		{"method negated same", "sip_method:!invite;", invite, false},
		{"method on a response", "sip_method:!invite;", notFound, false},
		{"stat_code class", "sip_stat_code:4;", notFound, true},
		{"stat_code exact", "sip_stat_code:180;", ringing, true},
		{"stat_code list", "sip_stat_code:200,404;", notFound, true},
		{"stat_code other", "sip_stat_code:1;", notFound, false},
		{"stat_code on a request", "sip_stat_code:1;", invite, false},
		{"header", `sip_header; content:"() {";`, invite, true},
		{"header start line", `sip_header; content:"INVITE sip:",depth 11;`, invite, true},
		{"header absent", `sip_header; content:"() {";`, ringing, false},
		{"header negated", `sip_header; content:!"() {";`, notFound, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert tcp any any -> any any ( msg:"x"; ` + tc.opt + ` sid:1; )`
			if got := txFires(t, s3, rule, "sip", true, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, rule := range []string{
		`alert udp any any -> any any ( msg:"x"; sip_stat_code:42; sid:1; )`,
		`alert udp any any -> any any ( msg:"x"; sip_stat_code:1000; sid:1; )`,
		`alert udp any any -> any any ( msg:"x"; sip_method:!invite,bye; sid:1; )`,
		`alert http any any -> any any ( msg:"x"; sip_method:invite; sid:1; )`,
	} {
		notLoaded(t, s3, rule)
	}
}

func TestFragbits(t *testing.T) {
	sur, s3, s2 := ruleparser.DialectSuricata, ruleparser.DialectSnort3, ruleparser.DialectSnort2
	for _, tc := range []struct {
		name string
		d    ruleparser.Dialect
		opt  string
		ver  uint8
		bits uint8
		want bool
	}{
		{"exact D", sur, "fragbits:D;", 4, fragDF, true},
		{"exact D with R", sur, "fragbits:D;", 4, fragDF | fragRB, false},
		{"any", sur, "fragbits:*DR;", 4, fragRB, true},
		{"any none", sur, "fragbits:*DR;", 4, 0, false},
		{"suricata plus needs another bit", sur, "fragbits:D+;", 4, fragDF, false},
		{"suricata plus", sur, "fragbits:+D;", 4, fragDF | fragRB, true},
		{"suricata not all", sur, "fragbits:!DR;", 4, fragDF, true},
		{"suricata not all set", sur, "fragbits:!DR;", 4, fragDF | fragRB, false},
		{"suricata !M", sur, "fragbits:!M;", 4, 0, true},
		{"suricata IPv6", sur, "fragbits:!D;", 6, 0, false},
		{"snort2 plus", s2, "fragbits:D+;", 4, fragDF, true},
		{"snort3 plus is any", s3, "fragbits:DR+;", 4, fragRB, true},
		{"snort3 plus none", s3, "fragbits:DR+;", 4, 0, false},
		{"snort not is none", s3, "fragbits:!DMR;", 4, fragDF, false},
		{"snort not none set", s3, "fragbits:!DMR;", 4, 0, true},
		{"snort IPv6", s3, "fragbits:!DMR;", 6, 0, true},
		// M is set on fragments, which rules for ip see (Packet.Fragment).
		{"snort3 M+ on a first fragment (sid 272)", s3, "fragbits:M+;", 4, fragMF, true},
		{"snort3 M+ on a datagram", s3, "fragbits:M+;", 4, 0, false},
		{"suricata exact M", sur, "fragbits:M;", 4, fragMF, true},
		{"suricata exact M with D", sur, "fragbits:M;", 4, fragMF | fragDF, false},
		{"suricata any of MD", sur, "fragbits:*MD;", 4, fragMF, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileDialect(t, tc.d, `alert ip any any -> any any (msg:"x"; `+tc.opt+` sid:1;)`)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", true)
			p.IPVer, p.FragBits = tc.ver, tc.bits
			if got := len(m.MatchPacket(p, nil)) > 0; got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRawData(t *testing.T) {
	e, rep := compileDialect(t, ruleparser.DialectSnort3,
		`alert tcp any any -> any 23 ( msg:"x"; flow:to_server,established; raw_data; content:"|FF F3 FF F3|",fast_pattern,nocase; sid:1; )`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("\xff\xf3\xff\xf3\xff\xf3", true)
	p.DstPort, p.HasStream = 23, false
	if len(m.MatchPacket(p, nil)) != 1 {
		t.Error("raw_data content did not match the payload")
	}
	p.Payload = []byte("\xff\xf3\xff\xf4")
	if len(m.MatchPacket(p, nil)) != 0 {
		t.Error("raw_data content matched another payload")
	}
}

func TestDceIfaceSnort3(t *testing.T) {
	s3 := ruleparser.DialectSnort3
	// Interface 4b324fc8-1670-01d3-1278-5a47bf6ee188 version 3, bound
	// with the first-fragment flag.
	rec := "\x4b\x32\x4f\xc8\x16\x70\x01\xd3\x12\x78\x5a\x47\xbf\x6e\xe1\x88\x03\x00\x01"
	tx := mapTx{bufid.DCERPCIface: {rec}}
	for _, tc := range []struct {
		name, opt string
		want      bool
	}{
		{"uuid", "dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188;", true},
		{"other uuid", "dce_iface:uuid 3919286a-b10c-11d0-9ba8-00c04fd92ef5;", false},
		{"version equal", "dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188, version 3;", true},
		{"version greater", "dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188, version >3;", false},
		{"version interval", "dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188, version 1<=>3, any_frag;", true},
		{"version exclusive", "dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188, version 1<>3;", false},
		{"any_frag first", "dce_iface:any_frag, uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188;", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert tcp any any -> any any ( msg:"x"; flow:to_server,established; ` + tc.opt + ` sid:1; )`
			if got := txFires(t, s3, rule, "dcerpc", true, tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, rule := range []string{
		`alert tcp any any -> any 135 ( msg:"x"; dce_iface:uuid 4b324fc8-1670-01d3-1278-5a47bf6ee188, version >x; sid:1; )`,
		`alert tcp any any -> any 135 ( msg:"x"; dce_iface:uuid 4b324fc8-1670-01d3-1278; sid:1; )`,
		`alert tcp any any -> any 135 ( msg:"x"; dce_iface:version 1; sid:1; )`,
	} {
		notLoaded(t, s3, rule)
	}
}

// TestSnortServiceMapped: service:kerberos names Vigil's krb5, so a rule
// without ports is evaluated (by its ports, all of them); an unknown
// service without ports stays unsupported.
func TestSnortServiceMapped(t *testing.T) {
	s3 := ruleparser.DialectSnort3
	e, rep := compileDialect(t, s3, `alert tcp any any -> any any ( msg:"x"; flow:to_server,established; content:"User32LogonProcesss",fast_pattern,nocase; service:kerberos; sid:1; )`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("..user32logonprocesss..", true)
	p.HasStream, p.DstPort = false, 88
	if len(m.MatchPacket(p, nil)) != 1 {
		t.Error("no alert")
	}
	notLoaded(t, s3, `alert tcp any any -> any any ( msg:"x"; content:"x"; service:telnet; sid:1; )`)
}

// TestRangeInclusive: Snort 3's A<=>B includes its bounds.
func TestRangeInclusive(t *testing.T) {
	e, rep := compileDialect(t, ruleparser.DialectSnort3, `alert tcp any any -> any any ( msg:"x"; content:"AB"; bufferlen:2<=>3; sid:1; )`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for payload, want := range map[string]bool{"AB": true, "ABC": true, "ABCD": false} {
		p := tcpPacket(payload, true)
		p.HasStream = false
		if got := len(m.MatchPacket(p, nil)) > 0; got != want {
			t.Errorf("%q: got %v, want %v", payload, got, want)
		}
	}
}

func TestBERHeader(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		typ    uint32
		hdr    int
		length uint32
		ok     bool
	}{
		{"short", "\x30\x03abc", 0x30, 2, 3, true},
		{"long length", "\x04\x82\x01\x00", 0x04, 4, 256, true},
		{"long length zero padded", "\x04\x86\x00\x00\x00\x00\x01\x02", 0x04, 8, 0x102, true},
		{"long length five bytes", "\x04\x85\x01\x00\x00\x00\x00", 0, 0, 0, false},
		{"indefinite", "\x30\x80", 0, 0, 0, false},
		{"long tag", "\x1f\x81\x01\x00", 0x81, 4, 0, true},
		{"long tag padded", "\x1f\x80\x05\x00", 5, 4, 0, true},
		{"truncated", "\x30", 0, 0, 0, false},
		{"length bytes missing", "\x04\x82\x01", 0, 0, 0, false},
	} {
		typ, hdr, length, ok := berHeader([]byte(tc.in), 0)
		if ok != tc.ok || ok && (typ != tc.typ || hdr != tc.hdr || length != tc.length) {
			t.Errorf("%s: got %#x %d %d %v", tc.name, typ, hdr, length, ok)
		}
	}
}

func TestBERKeywords(t *testing.T) {
	rule := `alert tcp any any -> any any ( msg:"x"; content:"|06 03 55 1D 1E|"; ber_skip:0x01,optional; ber_data:0x04; ber_data:0x30; content:"|A1|",within 1; sid:1; )`
	e, rep := compileDialect(t, ruleparser.DialectSnort3, rule)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	oid := "\x06\x03\x55\x1d\x1e"
	for _, tc := range []struct {
		name, payload string
		want          bool
	}{
		{"with critical", oid + "\x01\x01\xff\x04\x05\x30\x03\xa1\x01\x00", true},
		{"without critical", oid + "\x04\x05\x30\x03\xa1\x01\x00", true},
		{"wrong type", oid + "\x02\x01\x00\x04\x05\x30\x03\xa1\x01\x00", false},
		{"skip past the end", oid + "\x01\x09\xff\x04\x05\x30\x03\xa1\x01\x00", false},
		{"inner type differs", oid + "\x04\x05\x31\x03\xa1\x01\x00", false},
	} {
		p := tcpPacket("xx"+tc.payload, true)
		p.HasStream = false
		if got := len(m.MatchPacket(p, nil)) > 0; got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	notLoaded(t, ruleparser.DialectSnort3, `alert tcp any any -> any any ( msg:"x"; ber_data:256; sid:1; )`)
}

// TestValueBufferReinspected: ssl_state keeps its length while its flags
// change; a transaction is inspected again when they do.
func TestValueBufferReinspected(t *testing.T) {
	e, rep := compileDialect(t, ruleparser.DialectSnort3, `alert tcp any any -> any any ( msg:"x"; flow:to_server; ssl_state:client_keyx; sid:1; )`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("", true)
	p.AppProto = bufid.ProtoTLS
	st := &TxState{}
	if n := len(m.MatchTx(p, mapTx{bufid.SSLState: {"\x01\x01"}}, 0, false, st, nil)); n != 0 {
		t.Fatalf("client hello: %d alerts", n)
	}
	if n := len(m.MatchTx(p, mapTx{bufid.SSLState: {"\x04\x04"}}, 0, false, st, nil)); n != 1 {
		t.Errorf("client key exchange: %d alerts, want 1", n)
	}
}
