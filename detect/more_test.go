package detect

import (
	"net/netip"
	"testing"

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
			p.AppProto = tc.proto
			if got := firesOn(t, "alert tcp any any -> any any ("+tc.opt+" sid:1;)", p); got != tc.want {
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
			p.AppProto = "http"
			tx := mapTx{BufFileData: {"xxEICARxx"}, BufHTTPResponseBody: {"xxEICARxx"}}
			if !tc.toServer {
				tx = mapTx{BufFileData: {"xxEICARxx"}, BufHTTPResponseBody: {"xxEICARxx"}}
			} else {
				delete(tx, BufHTTPResponseBody) // no response yet
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
			p.AppProto = "http"
			got := len(m.MatchTx(p, mapTx{BufHTTPURI: {tc.uri}}, 0, true, &TxState{}, nil)) > 0
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
