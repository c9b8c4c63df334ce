package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestSnortServiceAndBufferlen(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any 8080 (msg:"service http"; http_uri; content:"/admin"; service:http; sid:1;)
alert tcp any any -> any 80 (msg:"unknown service, ports apply"; content:"x"; service:irc; sid:2;)
alert tcp any any -> any any (msg:"unknown service, no ports"; content:"x"; service:irc; sid:3;)
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
