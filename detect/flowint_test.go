package detect

import (
	"testing"

	"vigil/detect/mpm"
)

func TestFlowint(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (msg:"count"; content:"hit"; flowint:hits,+,1; noalert; sid:1;)
alert tcp any any -> any any (msg:"third"; content:"hit"; flowint:hits,==,3; sid:2;)
alert tcp any any -> any any (msg:"unset"; content:"probe"; flowint:hits,notset; sid:3;)
alert tcp any any -> any any (msg:"isset"; content:"probe"; flowint:hits,isset; sid:4;)
alert tcp any any -> any any (msg:"more than limit"; content:"probe"; flowint:hits,>,limit; sid:5;)
alert tcp any any -> any any (msg:"set limit"; content:"limit"; flowint:limit,=,1; noalert; sid:6;)
alert tcp any any -> any any (msg:"sub"; content:"down"; flowint:hits,-,5; noalert; sid:7;)
alert tcp any any -> any any (msg:"wrapped"; content:"probe"; flowint:hits,>=,4000000000; sid:8;)
alert tcp any any -> any any (msg:"sub unset"; content:"down"; flowint:other,-,1; noalert; sid:9;)
alert tcp any any -> any any (msg:"other"; content:"probe"; flowint:other,isnotset; sid:10;)
alert tcp any any -> any any (msg:"no match after post"; content:"late"; flowint:late,+,1; flowint:late,isset; sid:11;)
`)
	if rep.Loaded != 11 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	flow := &FlowState{}
	run := func(payload string) []uint32 {
		p := tcpPacket(payload, true)
		p.Flow = flow
		return sids(m.MatchPacket(p, nil))
	}
	check := func(payload string, want ...uint32) {
		t.Helper()
		if got := run(payload); !equal(got, want...) {
			t.Errorf("%q: got %v, want %v", payload, got, want)
		}
	}
	check("probe", 3, 10)
	check("hit") // hits: unset -> 1
	check("probe", 4, 5, 10)
	check("limit")        // limit = 1
	check("probe", 4, 10) // 1 > 1 fails
	// Rules run in order: sid 1's add is applied before sid 2 tests.
	check("hit")    // 1 -> 2
	check("hit", 2) // 2 -> 3: sid 2 sees 3
	check("hit")    // 3 -> 4
	check("down")   // 4 - 5 wraps to 2^32-1; sub on unset "other" does nothing
	check("probe", 4, 5, 8, 10)
	// The add runs only when the rule matched, so a rule testing the
	// variable it creates never matches.
	check("late")
	check("late")
	// Without a flow nothing matches, notset included.
	p := tcpPacket("probe", true)
	p.Flow = nil
	if got := sids(m.MatchPacket(p, nil)); len(got) != 0 {
		t.Errorf("without a flow: got %v", got)
	}
	flow.Reset()
	if _, ok := flow.flowint("hits"); ok {
		t.Error("Reset kept flowints")
	}
}

func TestFlowintErrors(t *testing.T) {
	_, rep := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (flowint:a,=,4294967296; sid:1;)`)
	if rep.Loaded != 0 {
		t.Error("out of range value loaded")
	}
}

// TestFlowintShared checks that a counter the engine adds to (Vigil's
// flow score, vigil.score) is the one rules read and write.
func TestFlowintShared(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (msg:"add"; content:"bump"; flowint:vigil.score,+,10; noalert; sid:1;)
alert tcp any any -> any any (msg:"high"; content:"probe"; flowint:vigil.score,>,100; sid:2;)
`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	flow := &FlowState{}
	run := func(payload string) []uint32 {
		p := tcpPacket(payload, true)
		p.Flow = flow
		return sids(m.MatchPacket(p, nil))
	}
	flow.AddFlowint("vigil.score", 95)
	if got := run("probe"); len(got) != 0 {
		t.Errorf("score 95: got %v, want no alert", got)
	}
	run("bump")
	if v, ok := flow.Flowint("vigil.score"); !ok || v != 105 {
		t.Errorf("vigil.score = %d, %v; want 105 (95 by the engine, 10 by the rule)", v, ok)
	}
	if got := run("probe"); !equal(got, 2) {
		t.Errorf("score 105: got %v, want [2]", got)
	}
	if n := flow.NumFlowints(); n != 1 {
		t.Fatalf("NumFlowints = %d, want 1", n)
	}
	if name, v := flow.FlowintAt(0); name != "vigil.score" || v != 105 {
		t.Errorf("FlowintAt(0) = %s %d", name, v)
	}
}
