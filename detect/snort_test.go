package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestSnortServiceAndBufferlen(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any 8080 (msg:"service http"; http_uri; content:"/admin"; service:http; sid:1;)
alert tcp any any -> any 80 (msg:"unknown service, ports apply"; content:"x"; service:telnet; sid:2;)
alert tcp any any -> any any (msg:"unknown service, no ports"; content:"x"; service:telnet; sid:3;)
alert tcp any any -> any any (msg:"bufferlen"; content:"AB"; bufferlen:<5; sid:4;)
alert tcp any any -> any any (msg:"bufferlen relative"; content:"CD"; bufferlen:2,relative; sid:5;)
`)
	if rep.Loaded != 4 || rep.Skipped["service"] != 1 {
		t.Fatalf("loaded %d skipped %v, want 4 and service 1", rep.Loaded, rep.Skipped)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// An HTTP flow on port 80: the rule for port 8080 applies through its
	// service.
	p := tcpPacket("", true)
	p.AppProto = bufid.ProtoHTTP
	if got := sids(m.MatchTx(p, mapTx{bufid.HTTPURI: {"/admin"}}, 0, true, &TxState{}, nil)); !equal(got, 1) {
		t.Errorf("service http: %v, want [1]", got)
	}
	p = tcpPacket("AB", true)
	p.HasStream = false
	if got := sids(m.MatchPacket(p, nil)); !equal(got, 4) {
		t.Errorf("bufferlen: %v, want [4]", got)
	}
	// Port 80 with an unidentified service: sid 2 applies by its ports.
	p.Payload = []byte("xxCDzz")
	if got := sids(m.MatchPacket(p, nil)); !equal(got, 2, 5) {
		t.Errorf("bufferlen relative: %v, want [2 5]", got)
	}
}

// TestSnortServiceFlows checks where a service rule applies: on flows of
// one of its services whatever the ports, not on flows identified as
// another protocol, and by its header's ports on flows of no identified
// service; irc and sunrpc are services only Snort names
// (Packet.Service).
func TestSnortServiceFlows(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (msg:"irc"; content:"JOIN #"; service:irc; sid:1;)
alert udp any any -> any any (msg:"sunrpc"; content:"|00 01 86 E4|"; service:sunrpc; sid:2;)
alert tcp any any -> any 8080 (msg:"http on 8080"; content:"GET"; service:http; sid:3;)
`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d skipped %v, want 3", rep.Loaded, rep.Skipped)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		name    string
		payload string
		udp     bool
		app     bufid.Proto
		service bufid.Proto
		want    []uint32
	}{
		{"irc flow", "JOIN #x\r\n", false, bufid.ProtoFailed, bufid.ProtoIRC, []uint32{1}},
		{"unidentified flow: ports decide", "JOIN #x\r\n", false, bufid.ProtoFailed, bufid.ProtoUnknown, []uint32{1}},
		{"http flow is not irc", "JOIN #x\r\n", false, bufid.ProtoHTTP, bufid.ProtoUnknown, nil},
		{"rpc flow is not irc", "JOIN #x\r\n", false, bufid.ProtoFailed, bufid.ProtoSunRPC, nil},
		{"sunrpc datagram", "\x00\x01\x86\xe4", true, bufid.ProtoFailed, bufid.ProtoSunRPC, []uint32{2}},
		{"dns datagram is not sunrpc", "\x00\x01\x86\xe4", true, bufid.ProtoDNS, bufid.ProtoUnknown, nil},
		{"http on 80 applies by service", "GET / HTTP/1.1", false, bufid.ProtoHTTP, bufid.ProtoUnknown, []uint32{3}},
		{"tls on 8080 is not http", "GET / HTTP/1.1", false, bufid.ProtoTLS, bufid.ProtoUnknown, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tcpPacket(tc.payload, true)
			p.HasStream = false
			if tc.udp {
				p.Proto = 17
			}
			p.AppProto, p.Service = tc.app, tc.service
			if tc.name == "tls on 8080 is not http" {
				p.DstPort = 8080
			}
			if got := sids(m.MatchPacket(p, nil)); !equal(got, tc.want...) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
