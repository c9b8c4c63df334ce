package detect

import (
	"testing"

	"vigil/detect/mpm"
)

func TestFlowCounters(t *testing.T) {
	for _, tc := range []struct {
		opts string
		want bool
	}{
		{"flow.pkts:toserver,=10;", true},
		{"flow.pkts:toclient,=10;", false},
		{"flow.pkts:either,=4;", true},
		{"flow.pkts:either,>10;", false},
		{"flow.bytes:toclient,>3000;", true},
		{"flow.bytes:toserver,>3000;", false},
		{"flow.bytes:either,<100;", false},
	} {
		e, rep := compileText(t, mpm.Reference{}, "alert ip any any -> any any ("+tc.opts+" sid:1;)")
		if rep.Loaded != 1 {
			t.Fatalf("%s: not loaded: %v", tc.opts, rep.Errors)
		}
		m, err := e.NewMatcher()
		if err != nil {
			t.Fatal(err)
		}
		p := tcpPacket("x", true)
		p.FlowPkts = [2]uint64{10, 4}
		p.FlowBytes = [2]uint64{900, 3500}
		got := len(m.MatchPacket(p, nil)) > 0
		p.HasFlow = false
		if len(m.MatchPacket(p, nil)) > 0 {
			t.Errorf("%s: matched a packet without flow", tc.opts)
		}
		m.Close()
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.opts, got, tc.want)
		}
	}
}
