package detect

import (
	"net/netip"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// firesOn compiles one rule and reports whether it alerts on p.
func firesOn(t *testing.T, rule string, p *Packet) bool {
	t.Helper()
	e, rep := compileText(t, mpm.Reference{}, rule)
	if rep.Loaded != 1 {
		t.Fatalf("rule not loaded (skipped %v, errors %v): %s", rep.Skipped, rep.Errors, rule)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	return len(m.MatchPacket(p, nil)) > 0
}

func TestAppLayerProtocol(t *testing.T) {
	for _, tc := range []struct {
		name, opt, proto string
		want             bool
	}{
		{"match", "app-layer-protocol:http;", "http", true},
		{"http1 alias", "app-layer-protocol:http1;", "http", true},
		{"other", "app-layer-protocol:tls;", "http", false},
		{"negated other", "app-layer-protocol:!tls;", "http", true},
		{"negated same", "app-layer-protocol:!http1;", "http", false},
		// Docs: a negation never matches the "unknown" state.
		{"negated unknown", "app-layer-protocol:!http1;", "", false},
		{"negated failed", "app-layer-protocol:!http1;", "failed", true},
		{"final", "app-layer-protocol:http,final;", "http", true},
		{"final negated unknown", "app-layer-protocol:!http,final;", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tcpPacket("x", true)
			p.AppProto = protoOf(tc.proto)
			p.ProtoDetectDone = true
			if got := firesOn(t, "alert tcp any any -> any any ("+tc.opt+" sid:1;)", p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAppLayerProtocolModes: the modes pick a direction's own detection
// result or the protocol before a change; a rule of app-layer-protocol
// only is evaluated on the packet that ends detection of its direction.
func TestAppLayerProtocolModes(t *testing.T) {
	for _, tc := range []struct {
		name, opts   string
		toServer     bool
		ts, tc, orig string
		notDone      bool
		want         bool
	}{
		{"to_server", "app-layer-protocol:http1,to_server;", false, "http", "ssh", "", false, true},
		{"to_client", "app-layer-protocol:ssh,to_client;", true, "http", "ssh", "", false, true},
		{"to_client other", "app-layer-protocol:http,to_client;", true, "http", "ssh", "", false, false},
		{"direction", "app-layer-protocol:ssh,direction;", false, "http", "ssh", "", false, true},
		{"direction wrong side", "app-layer-protocol:ssh,direction;", true, "http", "ssh", "", false, false},
		{"either", "app-layer-protocol:ssh,either;", true, "http", "ssh", "", false, true},
		{"negated either", "app-layer-protocol:!ssh,either;", true, "http", "ssh", "", false, false},
		{"original", "app-layer-protocol:http1,original;", true, "http", "http", "http", false, true},
		{"original unchanged", "app-layer-protocol:http,original;", true, "http", "http", "", false, false},
		{"original unchanged negated", "app-layer-protocol:!tls,original;", true, "http", "http", "", false, false},
		{"undecided direction", "app-layer-protocol:ssh,to_client;", true, "http", "", "", false, false},
		{"pd-only needs the detection packet", "flow:to_client; app-layer-protocol:ssh,to_client;", false, "http", "ssh", "", true, false},
		{"not pd-only with content", "app-layer-protocol:ssh,to_client; content:\"x\";", true, "http", "ssh", "", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tcpPacket("x", tc.toServer)
			p.AppProto = bufid.ProtoHTTP
			p.AppProtoDir = [2]bufid.Proto{protoOf(tc.ts), protoOf(tc.tc)}
			p.AppProtoOrig = protoOf(tc.orig)
			p.ProtoDetectDone = !tc.notDone
			if got := firesOn(t, "alert tcp any any -> any any ("+tc.opts+" sid:1;)", p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFileDataBothDirections: on HTTP, file.data is the request body to
// the server and the response body to the client (Suricata 8,
// rules/file-keywords.html#file-data); http.response_body is to-client only.
func TestFileDataBothDirections(t *testing.T) {
	for _, tc := range []struct {
		name, rule string
		toServer   bool
		want       bool
	}{
		{"file.data to_server", `alert http any any -> any any (flow:to_server; file.data; content:"EICAR"; sid:1;)`, true, true},
		{"file_data to_client", `alert http any any -> any any (flow:to_client; file_data; content:"EICAR"; sid:1;)`, false, true},
		{"response_body to_server", `alert http any any -> any any (http.response_body; content:"EICAR"; sid:1;)`, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", tc.toServer)
			p.AppProto = bufid.ProtoHTTP
			tx := mapTx{bufid.FileData: {"xxEICARxx"}, bufid.HTTPResponseBody: {"xxEICARxx"}}
			if !tc.toServer {
				tx = mapTx{bufid.FileData: {"xxEICARxx"}, bufid.HTTPResponseBody: {"xxEICARxx"}}
			} else {
				delete(tx, bufid.HTTPResponseBody) // no response yet
			}
			got := len(m.MatchTx(p, tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRelativeAfterModifier: outside a sticky buffer a relative keyword
// continues the buffer of the last content or pcre, so isdataat and
// byte_extract after uricontent inspect the URI (UriTestSig27/30).
func TestRelativeAfterModifier(t *testing.T) {
	for _, tc := range []struct {
		name, rule, uri string
		want            bool
	}{
		{"isdataat backtracks in uri", `alert tcp any any -> any any (uricontent:"fix_this"; isdataat:!10,relative; sid:1;)`, "/we_need_to_fix_this_and_yes_fix_this_now", true},
		{"isdataat fails in uri", `alert tcp any any -> any any (uricontent:"fix_this"; isdataat:!10,relative; sid:1;)`, "/fix_this_and_more_data_here", false},
		{"byte_extract in uri", `alert tcp any any -> any any (uricontent:"this"; byte_extract:1,2,one,string,dec,relative; uricontent:"_b5ig"; offset:one; sid:1;)`, "/this_b5ig_string", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", true)
			p.AppProto = bufid.ProtoHTTP
			got := len(m.MatchTx(p, mapTx{bufid.HTTPURI: {tc.uri}}, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPassRule: a pass rule raises no alert, is evaluated before the
// other rules whatever the load order, and stops the inspection of the
// packet and of the rest of its flow (rules/intro.html#action).
func TestPassRule(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert udp any any -> any any (content:"EVIL"; sid:1;)
pass ip any any <> 2.2.2.2 any (sid:2;)
`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := &Packet{IPVer: 4, Proto: 17, Src: netip.MustParseAddr("2.2.2.3"), Dst: netip.MustParseAddr("2.2.2.2"),
		SrcPort: 1, DstPort: 514, Payload: []byte("EVIL"), HasFlow: true, ToServer: true, Flow: &FlowState{}}
	if got := sids(m.MatchPacket(p, nil)); len(got) != 0 {
		t.Errorf("passed packet alerted: %v", got)
	}
	if !p.Flow.Passed() {
		t.Error("flow not marked passed")
	}
	q := *p
	q.Dst = netip.MustParseAddr("9.9.9.9")
	q.Flow = &FlowState{}
	if got := sids(m.MatchPacket(&q, nil)); !equal(got, 1) {
		t.Errorf("other packet: %v, want [1]", got)
	}
}

// TestPacketStreamOnePass: a stream rule that sets a flowbit and a later
// packet rule that checks it, on the same packet, see each other: packet
// and stream rules run in one pass in rule order (flowbits-toggle-pre-9).
func TestPacketStreamOnePass(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (content:"HTTP"; flowbits:set,common; sid:11;)
alert tcp any any -> any any (flowbits:isset,common; dsize:5; sid:22;)
`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("HTTP/", false)
	p.HasStream = true
	if got := sids(m.MatchPacketStream(p, []byte("HTTP/"), nil)); !equal(got, 11, 22) {
		t.Errorf("one pass: %v, want [11 22]", got)
	}
	// Two separate passes (packet first) miss it.
	p.Flow = &FlowState{}
	got := sids(m.MatchPacket(p, nil))
	got = append(got, sids(m.MatchStream(p, []byte("HTTP/"), nil))...)
	if !equal(got, 11) {
		t.Errorf("separate passes: %v, want [11]", got)
	}
}

// TestHeaderBuffers: ipv4.hdr, tcp.hdr, ... inspect the raw header bytes
// the engine puts in Packet; a repeated sticky buffer continues its list,
// so relative keywords chain across the repetition (issue-3267-tcphdr).
func TestHeaderBuffers(t *testing.T) {
	ip := []byte{0x45, 0, 0, 40, 0xab, 0xcd, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	tcp := []byte{0x0b, 0x58, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0}
	for _, tc := range []struct {
		name, opts string
		want       bool
	}{
		{"ipv4.hdr", `ipv4.hdr; content:"|ab cd|"; offset:4; depth:2;`, true},
		{"ipv6.hdr on v4", `ipv6.hdr; content:"|45|";`, false},
		{"tcp.hdr", `tcp.hdr; content:"|00 50|"; offset:2; depth:2;`, true},
		{"udp.hdr on tcp", `udp.hdr; content:"|00 50|";`, false},
		{"tcp.hdr repeated", `tcp.hdr; content:"|00 50|"; offset:2; depth:2; tcp.hdr; content:"|50 18|"; distance:8; within:2;`, true},
		{"byte_extract across headers", `ipv4.hdr; byte_extract:1,9,proto; tcp.hdr; byte_test:1,=,proto,1,relative;`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tcpPacket("GET", true)
			p.IPHdr, p.L4Hdr = ip, tcp
			if got := firesOn(t, "alert tcp any any -> any any ("+tc.opts+" sid:1;)", p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIPOptsVLANMTU(t *testing.T) {
	v4 := tcpPacket("x", true)
	v4.IPOpts = IPOptRR | IPOptAny
	v4.VLANLayers = 2
	icmp := &Packet{IPVer: 6, Proto: 58, ICMPType: 2, Src: netip.MustParseAddr("::1"), Dst: netip.MustParseAddr("::2"),
		L4Hdr: []byte{2, 0, 0, 0, 0, 0, 0x04, 0x00}} // Packet Too Big, MTU 1024
	for _, tc := range []struct {
		name, rule string
		p          *Packet
		want       bool
	}{
		{"ipopts rr", `alert ip any any -> any any (ipopts:rr; sid:1;)`, v4, true},
		{"ipopts ts", `alert ip any any -> any any (ipopts:ts; sid:1;)`, v4, false},
		{"ipopts any", `alert ip any any -> any any (ipopts:any; sid:1;)`, v4, true},
		{"vlan.layers", `alert ip any any -> any any (vlan.layers:2; sid:1;)`, v4, true},
		{"vlan.layers >2", `alert ip any any -> any any (vlan.layers:>2; sid:1;)`, v4, false},
		{"icmpv6.mtu", `alert ipv6 any any -> any any (icmpv6.mtu:<1280; sid:1;)`, icmp, true},
		{"icmpv6.mtu exact", `alert ipv6 any any -> any any (icmpv6.mtu:1024; sid:1;)`, icmp, true},
		{"icmpv6.mtu not tcp", `alert ip any any -> any any (icmpv6.mtu:<1280; sid:1;)`, v4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firesOn(t, tc.rule, tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTxPerDirection: a rule whose buffers exist in both directions fires
// once per direction of a transaction; a rule with a one-direction buffer
// fires once per transaction.
func TestTxPerDirection(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert dns any any -> any any (dns.queries.rrname; content:"suricata.io"; sid:1;)
alert dns any any -> any any (dns.queries.rrname; content:"suricata.io"; dns.response.rrname; content:"nic"; sid:2;)
`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var st TxState
	up := &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: true, AppProto: bufid.ProtoDNS, Flow: &FlowState{}}
	down := *up
	down.ToServer = false
	req := mapTx{bufid.DNSQueriesRRName: {"suricata.io"}}
	resp := mapTx{bufid.DNSQueriesRRName: {"suricata.io"}, bufid.DNSResponseRRName: {"suricata.io", "a0.nic.io"}}
	if got := sids(m.MatchTx(up, req, 0, true, &st, nil)); !equal(got, 1) {
		t.Errorf("request: %v, want [1]", got)
	}
	if got := sids(m.MatchTx(&down, resp, 0, true, &st, nil)); !equal(got, 1, 2) {
		t.Errorf("response: %v, want [1 2]", got)
	}
	if got := sids(m.MatchTx(&down, resp, 0, true, &st, nil)); len(got) != 0 {
		t.Errorf("response again: %v", got)
	}
}

// TestBase64DataCompiles: a base64_data list (not a table buffer) must
// not trip the per-direction analysis.
func TestBase64DataCompiles(t *testing.T) {
	_, rep := compileText(t, mpm.Reference{}, `alert http any any -> any any (http.uri; content:"arg="; base64_decode:relative; base64_data; content:"x"; sid:1;)`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v", rep.Errors)
	}
}

func TestDNSOpcodeCertChainLen(t *testing.T) {
	for _, tc := range []struct {
		name, rule string
		toServer   bool
		tx         mapTx
		want       bool
	}{
		{"opcode", `alert dns any any -> any any (dns.opcode:4; sid:1;)`, true, mapTx{bufid.DNSOpcode: {"\x04"}}, true},
		{"opcode other", `alert dns any any -> any any (dns.opcode:4; sid:1;)`, true, mapTx{bufid.DNSOpcode: {"\x00"}}, false},
		{"opcode negated", `alert dns any any -> any any (dns.opcode:!0; sid:1;)`, true, mapTx{bufid.DNSOpcode: {"\x02"}}, true},
		{"chain 3", `alert tls any any -> any any (tls.cert_chain_len:3; sid:1;)`, false, mapTx{bufid.TLSCerts: {"a", "b", "c"}}, true},
		{"chain not 2", `alert tls any any -> any any (tls.cert_chain_len:!2; sid:1;)`, false, mapTx{bufid.TLSCerts: {"a", "b"}}, false},
		{"chain before certificates", `alert tls any any -> any any (tls.cert_chain_len:<4; sid:1;)`, false, mapTx{}, false},
		{"chain of the client not counted", `alert tls any any -> any any (tls.cert_chain_len:2; sid:1;)`, true, mapTx{bufid.TLSCerts: {"a", "b"}}, false},
		{"ssl_version one", `alert tcp any any -> any any (ssl_version:tls1.0; sid:1;)`, true, mapTx{bufid.SSLVersion: {"\x03\x01"}}, true},
		{"ssl_version list", `alert tcp any any -> any any (ssl_version:sslv3,tls1.2; sid:1;)`, true, mapTx{bufid.SSLVersion: {"\x03\x01"}}, false},
		{"ssl_version negated list", `alert tcp any any -> any any (ssl_version:!tls1.3,tls1.2; sid:1;)`, false, mapTx{bufid.SSLVersion: {"\x03\x01"}}, true},
		{"ssl_version negated hit", `alert tcp any any -> any any (ssl_version:!tls1.3,tls1.2; sid:1;)`, false, mapTx{bufid.SSLVersion: {"\x03\x03"}}, false},
		{"ssl_version before hello", `alert tcp any any -> any any (ssl_version:!sslv3; sid:1;)`, true, mapTx{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", tc.toServer)
			p.AppProto = bufid.ProtoDNS
			if tc.tx[bufid.TLSCerts] != nil || strings.Contains(tc.rule, "tls") {
				p.AppProto = bufid.ProtoTLS
			}
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAbsent: absent matches a missing buffer once the side is complete;
// absent:or_else also lets a present buffer through its keywords. A
// candidate waiting for the side to complete is evaluated when it does,
// even if no buffer changed.
func TestAbsent(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert http any any -> any any (flow:to_client; file.data; absent; http.stat_code; content:"500"; sid:1;)
alert http any any -> any any (flow:to_client; file.data; absent:or_else; content:!"abc"; sid:2;)
alert http any any -> any any (flow:to_client; file.data; absent; sid:3;)
`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("", false)
	p.AppProto = bufid.ProtoHTTP
	var st TxState
	noBody := mapTx{bufid.HTTPStatCode: {"500"}}
	if got := sids(m.MatchTx(p, noBody, 0, false, &st, nil)); len(got) != 0 {
		t.Errorf("in progress: %v, want none", got)
	}
	if got := sids(m.MatchTx(p, noBody, 0, true, &st, nil)); !equal(got, 1, 2, 3) {
		t.Errorf("complete: %v, want [1 2 3]", got)
	}
	withBody := mapTx{bufid.HTTPStatCode: {"500"}, bufid.FileData: {"xyz"}}
	if got := sids(m.MatchTx(p, withBody, 1, true, &TxState{}, nil)); !equal(got, 2) {
		t.Errorf("with body: %v, want [2]", got)
	}
}

// TestNoPayloadInspection: on a packet of an encrypted TLS or SSH flow
// (NoPayload) rules with payload content are not evaluated; header rules
// still are.
func TestNoPayloadInspection(t *testing.T) {
	rules := `alert tcp any any -> any any (msg:"content"; content:"secret"; sid:1;)
alert tcp any any -> any any (msg:"header"; flags:PA; sid:2;)
alert tcp any any -> any any (msg:"packet only"; flow:no_stream; content:"secret"; sid:3;)
`
	e, rep := compileText(t, mpm.Hyperscan{}, rules)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, noPayload := range []bool{false, true} {
		p := tcpPacket("a secret", true)
		p.TCPFlags = tcpPSH | tcpACK
		p.HasStream = true
		p.NoPayload = noPayload
		got := sids(m.MatchPacketStream(p, []byte("stream secret"), nil))
		want := []uint32{1, 2, 3}
		if noPayload {
			want = []uint32{2}
		}
		if !equal(got, want...) {
			t.Errorf("NoPayload %v: sids %v, want %v", noPayload, got, want)
		}
	}
}

// TestGrowingBodyScan: a growing body is prefiltered on what was added
// since the last scan, with a pattern's length of overlap; a body whose
// start changed is scanned again in full.
func TestGrowingBodyScan(t *testing.T) {
	e, rep := compileText(t, mpm.Hyperscan{}, `alert http any any -> any any (http.request_body; content:"malware"; sid:1;)
alert http any any -> any any (http.request_body; content:"zzzz"; sid:2;)`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("", true)
	p.AppProto = bufid.ProtoHTTP
	pad := strings.Repeat("a", 1000)
	var st TxState
	// Pattern across the old end of the scanned part.
	got := sids(m.MatchTx(p, mapTx{bufid.HTTPRequestBody: {pad + "mal"}}, 0, false, &st, nil))
	if len(got) != 0 {
		t.Fatalf("partial: %v", got)
	}
	got = sids(m.MatchTx(p, mapTx{bufid.HTTPRequestBody: {pad + "malware" + pad + pad}}, 0, false, &st, nil))
	if !equal(got, 1) {
		t.Errorf("pattern across the scanned end: %v, want [1]", got)
	}
	// A body whose start changed (raw, then decoded) is scanned in full.
	var st2 TxState
	m.MatchTx(p, mapTx{bufid.HTTPRequestBody: {"\x1f\x8b" + pad}}, 1, false, &st2, nil)
	got = sids(m.MatchTx(p, mapTx{bufid.HTTPRequestBody: {"zzzz" + pad + pad + pad}}, 1, true, &st2, nil))
	if !equal(got, 2) {
		t.Errorf("changed start: %v, want [2]", got)
	}
}

// TestMSSFragoffsetFlowAge: tcp.mss reads the MSS option, fragoffset the
// IPv4 offset field or the IPv6 Fragment header, flow.age the seconds
// since the flow's first packet; each in its uint forms.
func TestMSSFragoffsetFlowAge(t *testing.T) {
	syn := tcpPacket("", true)
	// TCP header with options: NOP, NOP, MSS 1460, end; data offset 6 words.
	syn.L4Hdr = []byte{0x0b, 0x58, 0, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0,
		2, 4, 0x05, 0xb4}
	nomss := tcpPacket("", true)
	nomss.L4Hdr = []byte{0x0b, 0x58, 0, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0,
		1, 1, 1, 0}
	frag4 := tcpPacket("", true)
	frag4.IPVer = 4
	frag4.IPHdr = []byte{0x45, 0, 0, 40, 0, 1, 0x20, 0xb9, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2} // MF, offset 185
	first4 := tcpPacket("", true)
	first4.IPVer = 4
	first4.IPHdr = []byte{0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2} // DF, offset 0
	frag6 := &Packet{IPVer: 6, Proto: 17, Src: netip.MustParseAddr("::1"), Dst: netip.MustParseAddr("::2")}
	frag6.IPHdr = append(make([]byte, 40), 17, 0, 0x05, 0xc9, 0, 0, 0, 1) // Fragment, offset 1480 bytes, M
	frag6.IPHdr[0], frag6.IPHdr[6] = 0x60, 44
	old := tcpPacket("", true)
	old.FlowStartNs, old.Ts = 1_000_500_000_000, 1_010_100_000_000 // 1000.5 s and 1010.1 s: age 10
	for _, tc := range []struct {
		name, rule string
		p          *Packet
		want       bool
	}{
		{"tcp.mss exact", `alert tcp any any -> any any (tcp.mss:1460; sid:1;)`, syn, true},
		{"tcp.mss <", `alert tcp any any -> any any (tcp.mss:<536; sid:1;)`, syn, false},
		{"tcp.mss >", `alert tcp any any -> any any (tcp.mss:>536; sid:1;)`, syn, true},
		{"tcp.mss range", `alert tcp any any -> any any (tcp.mss:1000-1500; sid:1;)`, syn, true},
		{"tcp.mss !", `alert tcp any any -> any any (tcp.mss:!1460; sid:1;)`, syn, false},
		{"tcp.mss <=", `alert tcp any any -> any any (tcp.mss:<=1460; sid:1;)`, syn, true},
		{"tcp.mss without option", `alert tcp any any -> any any (tcp.mss:>0; sid:1;)`, nomss, false},
		{"fragoffset", `alert ip any any -> any any (fragoffset:185; sid:1;)`, frag4, true},
		{"fragoffset 0", `alert ip any any -> any any (fragoffset:0; sid:1;)`, first4, true},
		{"fragoffset !0", `alert ip any any -> any any (fragoffset:!0; sid:1;)`, frag4, true},
		{"fragoffset !0 first", `alert ip any any -> any any (fragoffset:!0; sid:1;)`, first4, false},
		{"fragoffset <", `alert ip any any -> any any (fragoffset:<100; sid:1;)`, frag4, false},
		{"fragoffset >", `alert ip any any -> any any (fragoffset:>100; sid:1;)`, frag4, true},
		{"fragoffset ipv6", `alert ip any any -> any any (fragoffset:1480; sid:1;)`, frag6, true},
		{"flow.age exact", `alert tcp any any -> any any (flow.age:10; sid:1;)`, old, true},
		{"flow.age <", `alert tcp any any -> any any (flow.age:<10; sid:1;)`, old, false},
		{"flow.age >=", `alert tcp any any -> any any (flow.age:>=10; sid:1;)`, old, true},
		{"flow.age range", `alert tcp any any -> any any (flow.age:5-20; sid:1;)`, old, true},
		{"flow.age !", `alert tcp any any -> any any (flow.age:!10; sid:1;)`, old, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firesOn(t, tc.rule, tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDNSNameBuffers: Suricata 8's dns.query.name and dns.answer.name
// inspect each question and answer name, in both directions.
func TestDNSNameBuffers(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert dns any any -> any any (dns.query.name; content:"suricata.io"; sid:1;)
alert dns any any -> any any (dns.answer.name; content:"suricata.io"; sid:2;)
alert dns any any -> any any (dns.query.name; content:"nic.io"; sid:3;)
`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var st TxState
	up := &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: true, AppProto: bufid.ProtoDNS, Flow: &FlowState{}}
	down := *up
	down.ToServer = false
	req := mapTx{bufid.DNSQueriesRRName: {"suricata.io"}}
	resp := mapTx{bufid.DNSQueriesRRName: {"suricata.io"}, bufid.DNSAnswersRRName: {"suricata.io"}}
	if got := sids(m.MatchTx(up, req, 0, true, &st, nil)); !equal(got, 1) {
		t.Errorf("request: %v, want [1]", got)
	}
	if got := sids(m.MatchTx(&down, resp, 0, true, &st, nil)); !equal(got, 1, 2) {
		t.Errorf("response: %v, want [1 2]", got)
	}
}

// TestVLANID: vlan.id in its uint forms, on any layer or on one layer
// counted from the outermost (0, 1, 2) or the innermost (-1, -2, -3).
func TestVLANID(t *testing.T) {
	p := tcpPacket("x", true)
	p.VLANLayers, p.VLANIDs = 2, [3]uint16{100, 200}
	untagged := tcpPacket("x", true)
	for _, tc := range []struct {
		name, opts string
		p          *Packet
		want       bool
	}{
		{"any layer", `vlan.id:200;`, p, true},
		{"any layer none", `vlan.id:300;`, p, false},
		{"untagged", `vlan.id:>0;`, untagged, false},
		{"layer 0", `vlan.id:100,0;`, p, true},
		{"layer 1", `vlan.id:100,1;`, p, false},
		{"layer 2 absent", `vlan.id:>0,2;`, p, false},
		{"layer -1", `vlan.id:200,-1;`, p, true},
		{"layer -2", `vlan.id:100,-2;`, p, true},
		{"layer -3 absent", `vlan.id:>0,-3;`, p, false},
		{"greater", `vlan.id:>150,0;`, p, false},
		{"less", `vlan.id:<150;`, p, true},
		{"range", `vlan.id:150-250;`, p, true},
		{"not", `vlan.id:!100,0;`, p, false},
		{"ge", `vlan.id:>=200,1;`, p, true},
		{"hex", `vlan.id:0xC8,1;`, p, true},
		{"any", `vlan.id:200,any;`, p, true},
		{"all", `vlan.id:>100,all;`, p, false},
		{"all match", `vlan.id:>=100,all;`, p, true},
		{"all not", `vlan.id:!500,all;`, p, true},
		{"all untagged", `vlan.id:!500,all;`, untagged, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firesOn(t, "alert ip any any -> any any ("+tc.opts+" sid:1;)", tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if _, rep := compileText(t, mpm.Reference{}, `alert ip any any -> any any (vlan.id:1,3; sid:1;)`); rep.Loaded != 0 {
		t.Error("layer 3 accepted")
	}
}

// TestAlertStream: an alert says whether its rule matched the stream
// data (Alert.Stream) or the packet's payload, for EVE's "stream" and the
// payload it logs.
func TestAlertStream(t *testing.T) {
	e, rep := compileText(t, mpm.Hyperscan{}, `alert tcp-stream any any -> any any (content:"GOOD"; sid:1;)
alert tcp-pkt any any -> any any (content:"GOOD"; sid:2;)
alert tcp any any -> any any (flags:PA; sid:3;)`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("GOOD", true)
	p.TCPFlags = tcpPSH | tcpACK
	p.HasStream = true
	got := map[uint32]bool{}
	for _, a := range m.MatchPacketStream(p, []byte("VERYGOOD"), nil) {
		got[a.Sig.Rule.Sid] = a.Stream
	}
	want := map[uint32]bool{1: true, 2: false, 3: false}
	if len(got) != len(want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	for sid, s := range want {
		if got[sid] != s {
			t.Errorf("sid %d: Stream %v, want %v", sid, got[sid], s)
		}
	}
}

// TestBypassKeyword: a match of a rule with bypass marks its flow
// bypassed, whatever the rule's action (pass here); a rule without it
// does not.
func TestBypassKeyword(t *testing.T) {
	e, rep := compileText(t, mpm.Hyperscan{}, `pass tcp any any -> any any (content:"skip"; bypass; sid:1;)
alert tcp any any -> any any (content:"keep"; sid:2;)`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, c := range []struct {
		payload string
		want    bool
	}{{"keep this", false}, {"skip this", true}} {
		p := tcpPacket(c.payload, true)
		p.HasFlow, p.Flow = true, &FlowState{}
		m.MatchPacket(p, nil)
		if got := p.Flow.Bypassed(); got != c.want {
			t.Errorf("%q: Bypassed %v, want %v", c.payload, got, c.want)
		}
	}
}

// TestAlertKeyword: alert makes a pass rule alert as well as pass the
// flow; the later of alert and noalert wins.
func TestAlertKeyword(t *testing.T) {
	for _, c := range []struct {
		rule  string
		alert bool
	}{
		{`pass tcp any any -> any any (content:"x"; sid:1;)`, false},
		{`pass tcp any any -> any any (content:"x"; alert; sid:1;)`, true},
		{`alert tcp any any -> any any (content:"x"; alert; noalert; sid:1;)`, false},
		{`alert tcp any any -> any any (content:"x"; noalert; alert; sid:1;)`, true},
	} {
		e, rep := compileText(t, mpm.Hyperscan{}, c.rule)
		if rep.Loaded != 1 {
			t.Fatalf("%s: loaded %d: %v", c.rule, rep.Loaded, rep.Errors)
		}
		m, err := e.NewMatcher()
		if err != nil {
			t.Fatal(err)
		}
		p := tcpPacket("x", true)
		p.HasFlow, p.Flow = true, &FlowState{}
		if got := len(m.MatchPacket(p, nil)) == 1; got != c.alert {
			t.Errorf("%s: alerted %v, want %v", c.rule, got, c.alert)
		}
		m.Close()
	}
}

// TestAnchoredStreamRules: a stream rule whose payload content is anchored
// (depth, offset, startswith) or that tests stream_size also inspects the
// payload of a session's packets, as Suricata's packet-and-stream rules
// do: the stream data first, else the packet, one alert per packet. An
// unanchored stream rule sees only the stream data, and flow:only_stream
// keeps an anchored rule on the stream.
func TestAnchoredStreamRules(t *testing.T) {
	rules := `alert tcp any any -> any any (msg:"unanchored"; content:"GNUT"; sid:1;)
alert tcp any any -> any any (msg:"depth"; content:"GNUT"; depth:4; sid:2;)
alert tcp any any -> any any (msg:"offset"; content:"ELLA"; offset:4; sid:3;)
alert tcp any any -> any any (msg:"startswith"; content:"GNUT"; startswith; sid:4;)
alert tcp any any -> any any (msg:"stream_size"; content:"GNUT"; stream_size:client,>,1; sid:5;)
alert tcp any any -> any any (msg:"only stream"; flow:only_stream; content:"GNUT"; depth:4; sid:6;)
`
	e, rep := compileText(t, mpm.Hyperscan{}, rules)
	if rep.Loaded != 6 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		name    string
		payload string
		stream  string
		want    []uint32
	}{
		{"packet only", "GNUTELLA", "", []uint32{2, 3, 4, 5}},
		{"stream only", "", "GNUTELLA", []uint32{1, 2, 3, 4, 5, 6}},
		{"both", "GNUTELLA", "GNUTELLA", []uint32{1, 2, 3, 4, 5, 6}},
		{"stream not at its start", "GNUTELLA", "xxGNUTELLA", []uint32{1, 2, 3, 4, 5}},
	} {
		p := tcpPacket(tc.payload, true)
		p.TCPFlags = tcpPSH | tcpACK
		p.HasStream = true
		p.StreamClientBytes = 100
		got := sids(m.MatchPacketStream(p, []byte(tc.stream), nil))
		if !equal(got, tc.want...) {
			t.Errorf("%s: sids %v, want %v", tc.name, got, tc.want)
		}
	}
}
