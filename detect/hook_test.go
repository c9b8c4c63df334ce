package detect

import (
	"testing"

	"vigil/detect/mpm"
)

func TestHookFlowStart(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp:flow_start any any -> any any (sid:1;)
alert ip:flow_start any any -> any any (flow:to_server; sid:2;)
alert tcp:all any any -> any any (sid:3;)
alert tcp:pre_flow any any -> any any (sid:4;)
alert http1:request_line any any -> any any (sid:5;)
alert tcp:flow_end any any -> any any (sid:6;)
`)
	if rep.Loaded != 3 || len(rep.Errors) != 3 {
		t.Fatalf("loaded %d, errors %v; want 3 and 3", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	for _, tc := range []struct {
		name     string
		toServer bool
		pkts     [2]uint64
		want     []uint32
	}{
		{"first to server", true, [2]uint64{1, 0}, []uint32{1, 2, 3}},
		{"first to client", false, [2]uint64{1, 1}, []uint32{1, 3}},
		{"second to server", true, [2]uint64{2, 1}, []uint32{3}},
		{"second to client", false, [2]uint64{2, 2}, []uint32{3}},
	} {
		p := tcpPacket("", tc.toServer)
		p.FlowPkts = tc.pkts
		if got := sids(m.MatchPacket(p, nil)); !equal(got, tc.want...) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	p := tcpPacket("", true)
	p.HasFlow, p.Flow = false, nil
	if got := sids(m.MatchPacket(p, nil)); !equal(got, 3) {
		t.Errorf("packet without flow: got %v, want [3]", got)
	}
}
