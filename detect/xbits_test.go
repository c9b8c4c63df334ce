package detect

import (
	"errors"
	"net/netip"
	"sync"
	"testing"

	"vigil/detect/mpm"
)

// xbitPacket is a TCP packet of its own flow from src to dst at time ts
// (seconds).
func xbitPacket(src, dst string, sport uint16, payload string, ts float64) *Packet {
	return &Packet{Ts: int64(ts * 1e9), IPVer: 4, Proto: 6, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst),
		SrcPort: sport, DstPort: 80, TCPFlags: tcpACK | tcpPSH, Payload: []byte(payload),
		HasFlow: true, ToServer: true, Established: true, Flow: &FlowState{}}
}

func newTestMatcher(t *testing.T, e *Engine) *Matcher {
	t.Helper()
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

const xbitRules = `
alert tcp any any -> any any (msg:"set src"; content:"login"; xbits:set,seen,track ip_src,expire 10; noalert; sid:1;)
alert tcp any any -> any any (msg:"isset src"; content:"secret"; xbits:isset,seen,track ip_src; sid:2;)
alert tcp any any -> any any (msg:"isnotset src"; content:"secret"; xbits:isnotset,seen,track ip_src; sid:3;)
alert tcp any any -> any any (msg:"set dst"; content:"req"; xbits:set,asked,track ip_dst; xbits:noalert; sid:4;)
alert tcp any any -> any any (msg:"isset src of reply"; content:"resp"; xbits:isset,asked,track ip_src; sid:5;)
alert tcp any any -> any any (msg:"set pair"; content:"ping"; xbits:set,p,track ip_pair,expire 5; noalert; sid:6;)
alert tcp any any -> any any (msg:"isset pair"; content:"pong"; xbits:isset,p,track ip_pair; sid:7;)
alert tcp any any -> any any (msg:"toggle"; content:"flip"; xbits:toggle,t,track ip_src; noalert; sid:8;)
alert tcp any any -> any any (msg:"unset"; content:"clear"; xbits:unset,t,track ip_src; noalert; sid:9;)
alert tcp any any -> any any (msg:"isset t"; content:"check"; xbits:isset,t,track ip_src; sid:10;)
alert tcp any any -> any any (msg:"pair ns"; content:"pairsecret"; xbits:isset,seen,track ip_pair; sid:11;)
`

func TestXbitsAcrossFlowsAndWorkers(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, xbitRules)
	if rep.Loaded != 11 {
		t.Fatalf("loaded %d rules, want 11: %v", rep.Loaded, rep.Errors)
	}
	w1, w2 := newTestMatcher(t, e), newTestMatcher(t, e)
	const a, b, c = "10.0.0.5", "203.0.113.10", "10.0.0.6"

	if got := sids(w2.MatchPacket(xbitPacket(a, b, 1000, "secret", 1), nil)); !equal(got, 3) {
		t.Fatalf("before set: got %v, want [3]", got)
	}
	if got := sids(w1.MatchPacket(xbitPacket(a, b, 1001, "login", 2), nil)); len(got) != 0 {
		t.Fatalf("setter (noalert) alerted: %v", got)
	}
	// Another flow of the same host on another worker sees the bit.
	if got := sids(w2.MatchPacket(xbitPacket(a, "198.51.100.1", 1002, "secret", 3), nil)); !equal(got, 2) {
		t.Errorf("same host, other flow and worker: got %v, want [2]", got)
	}
	// Another host does not.
	if got := sids(w2.MatchPacket(xbitPacket(c, b, 1003, "secret", 3), nil)); !equal(got, 3) {
		t.Errorf("other host: got %v, want [3]", got)
	}
	// Host bits and pair bits are separate namespaces.
	if got := sids(w2.MatchPacket(xbitPacket(a, b, 1004, "pairsecret", 3), nil)); !equal(got, 2) {
		t.Errorf("pair lookup of a host bit: got %v, want [2] (sid 11 must not fire)", got)
	}
	// ip_dst on the request is ip_src on the reply: one host table.
	w1.MatchPacket(xbitPacket(c, b, 1005, "req", 4), nil)
	if got := sids(w2.MatchPacket(xbitPacket(b, c, 80, "resp", 5), nil)); !equal(got, 5) {
		t.Errorf("reply from the host set with ip_dst: got %v, want [5]", got)
	}
	if st := e.XbitStats(); st.Entries != 2 {
		t.Errorf("stats %+v, want 2 entries", st)
	}
}

func TestXbitsExpiry(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, xbitRules)
	m := newTestMatcher(t, e)
	const a, b = "10.0.0.5", "203.0.113.10"
	m.MatchPacket(xbitPacket(a, b, 1000, "login", 100), nil) // expire 10: live until 110 s
	for _, tc := range []struct {
		ts   float64
		want uint32
	}{
		{105, 2},
		{110, 2}, // live while the expiry is not before the packet time
		{110.000001, 3},
		{500, 3},
	} {
		if got := sids(m.MatchPacket(xbitPacket(a, b, 1001, "secret", tc.ts), nil)); !equal(got, tc.want) {
			t.Errorf("at %v s: got %v, want [%d]", tc.ts, got, tc.want)
		}
	}
	// A set on a live bit keeps its expiry (Suricata); once expired, a
	// set starts it again.
	m.MatchPacket(xbitPacket(a, b, 1002, "login", 1000), nil) // live until 1010
	m.MatchPacket(xbitPacket(a, b, 1003, "login", 1008), nil) // no change
	if got := sids(m.MatchPacket(xbitPacket(a, b, 1004, "secret", 1011), nil)); !equal(got, 3) {
		t.Errorf("re-set of a live bit extended it: got %v, want [3]", got)
	}
	m.MatchPacket(xbitPacket(a, b, 1005, "login", 1012), nil) // expired: set anew, until 1022
	if got := sids(m.MatchPacket(xbitPacket(a, b, 1006, "secret", 1020), nil)); !equal(got, 2) {
		t.Errorf("set after expiry: got %v, want [2]", got)
	}
	// Default expiry is 30 s.
	m.MatchPacket(xbitPacket("10.9.9.9", a, 1000, "req", 2000), nil)
	for ts, want := range map[float64]bool{2030: true, 2031: false} {
		got := sids(m.MatchPacket(xbitPacket(a, "10.9.9.9", 80, "resp", ts), nil))
		if (len(got) == 1) != want {
			t.Errorf("default expiry at %v: got %v, want alert %v", ts, got, want)
		}
	}
}

func TestXbitsPairSymmetry(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, xbitRules)
	w1, w2 := newTestMatcher(t, e), newTestMatcher(t, e)
	const a, b, c = "10.0.0.5", "203.0.113.10", "203.0.113.11"
	w1.MatchPacket(xbitPacket(a, b, 1000, "ping", 1), nil)
	for _, tc := range []struct {
		name     string
		src, dst string
		ts       float64
		want     bool
	}{
		{"same direction", a, b, 2, true},
		{"reverse direction", b, a, 2, true},
		{"other pair", a, c, 2, false},
		{"other pair reversed", c, a, 2, false},
		{"expired", b, a, 6.5, false},
	} {
		got := sids(w2.MatchPacket(xbitPacket(tc.src, tc.dst, 2000, "pong", tc.ts), nil))
		if (len(got) == 1 && got[0] == 7) != tc.want {
			t.Errorf("%s: got %v, want alert %v", tc.name, got, tc.want)
		}
	}
	// IPv6 pairs and IPv4-mapped addresses name the same hosts.
	w1.MatchPacket(xbitPacket("2001:db8::1", "::ffff:192.0.2.1", 1000, "ping", 10), nil)
	if got := sids(w2.MatchPacket(xbitPacket("192.0.2.1", "2001:db8::1", 80, "pong", 11), nil)); !equal(got, 7) {
		t.Errorf("mapped address pair: got %v, want [7]", got)
	}
}

func TestXbitsToggleUnset(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, xbitRules)
	m := newTestMatcher(t, e)
	const a, b = "10.0.0.5", "203.0.113.10"
	steps := []struct {
		payload string
		want    bool // sid 10 fires on the following "check"
	}{
		{"flip", true},
		{"flip", false},
		{"flip", true},
		{"clear", false},
		{"clear", false},
		{"flip", true},
	}
	for i, s := range steps {
		ts := float64(10 * i)
		m.MatchPacket(xbitPacket(a, b, 1000, s.payload, ts), nil)
		got := sids(m.MatchPacket(xbitPacket(a, b, 1001, "check", ts+1), nil))
		if (len(got) == 1) != s.want {
			t.Errorf("step %d (%s): got %v, want alert %v", i, s.payload, got, s.want)
		}
	}
	// A toggle of an expired bit sets it again (30 s default expiry).
	m.MatchPacket(xbitPacket(a, b, 1000, "flip", 200), nil)
	if got := sids(m.MatchPacket(xbitPacket(a, b, 1001, "check", 201), nil)); !equal(got, 10) {
		t.Errorf("toggle after expiry: got %v, want [10]", got)
	}
}

func TestXbitsCap(t *testing.T) {
	st := newXbitStore([]*Sig{{xpost: []xbitOp{{}}}}, 3)
	set := func(host string, ts, expire float64) {
		op := []xbitOp{{name: "b", track: xbitIPSrc, cmd: 's', expire: int64(expire * 1e9)}}
		st.apply(op, &Packet{Ts: int64(ts * 1e9), Src: netip.MustParseAddr(host)})
	}
	isset := func(host string, ts float64) bool {
		op := []xbitOp{{name: "b", track: xbitIPSrc, cmd: 'i'}}
		return st.test(op, &Packet{Ts: int64(ts * 1e9), Src: netip.MustParseAddr(host)})
	}
	set("10.0.0.1", 0, 100) // expires at 100
	set("10.0.0.2", 0, 50)  // at 50
	set("10.0.0.3", 0, 200) // at 200
	set("10.0.0.4", 1, 300) // full: 10.0.0.2 (first to expire, live) goes
	if got := st.Stats(); got.Entries != 3 || got.Evicted != 1 || got.Expired != 0 {
		t.Errorf("after eviction: %+v", got)
	}
	if isset("10.0.0.2", 2) || !isset("10.0.0.1", 2) || !isset("10.0.0.3", 2) || !isset("10.0.0.4", 2) {
		t.Error("wrong bit evicted")
	}
	set("10.0.0.5", 150, 300) // full: 10.0.0.1 expired at 100 and goes
	if got := st.Stats(); got.Entries != 3 || got.Evicted != 1 || got.Expired != 1 {
		t.Errorf("after reclaiming an expired bit: %+v", got)
	}
	// Bits long expired are reclaimed by later writes.
	set("10.0.0.6", 10_000, 10)
	if got := st.Stats(); got.Entries != 1 || got.Expired != 4 {
		t.Errorf("after reclaiming old bits: %+v", got)
	}
	if len(st.byExp) != len(st.m) {
		t.Errorf("heap holds %d entries, map %d", len(st.byExp), len(st.m))
	}
}

func TestXbitsKeyword(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (content:"x"; sid:1;)`)
	if e.xbits != nil {
		t.Error("engine without xbits rules has a store")
	}
	for _, tc := range []struct {
		rule string
		err  bool
	}{
		{`alert tcp any any -> any any (xbits:set,a,track tx; sid:1;)`, true},
		{`alert tcp any any -> any any (xbits:set,a; sid:1;)`, true},
		{`alert tcp any any -> any any (xbits:isset, a, track ip_dst, expire 5; sid:1;)`, false},
	} {
		_, rep := compileText(t, mpm.Reference{}, tc.rule)
		if got := len(rep.Errors) > 0; got != tc.err {
			t.Errorf("%s: errors %v, want error %v", tc.rule, rep.Errors, tc.err)
		}
	}
	_, rep := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (xbits:set,a,track tx; sid:1;)`)
	if len(rep.Errors) == 1 && !errors.Is(rep.Errors[0], ErrUnsupported) {
		t.Errorf("track tx: %v, want ErrUnsupported", rep.Errors[0])
	}
}

// TestXbitsConcurrent sets and tests bits from several matchers at once
// (run with -race).
func TestXbitsConcurrent(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, xbitRules)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		m := newTestMatcher(t, e)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				src := netip.AddrFrom4([4]byte{10, byte(w), byte(i >> 8), byte(i)}).String()
				m.MatchPacket(xbitPacket(src, "203.0.113.10", 1000, "login flip ping", float64(i)), nil)
				m.MatchPacket(xbitPacket("203.0.113.10", src, 80, "secret check pong clear", float64(i)), nil)
			}
		}()
	}
	wg.Wait()
	if st := e.XbitStats(); st.Entries == 0 {
		t.Errorf("no bits stored: %+v", st)
	}
}

func TestXbitsAllocs(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, xbitRules)
	m := newTestMatcher(t, e)
	set := xbitPacket("10.0.0.5", "203.0.113.10", 1000, "login ping", 1)
	check := xbitPacket("10.0.0.5", "203.0.113.10", 1001, "secret pong", 2)
	var out []Alert
	out = m.MatchPacket(set, out[:0])
	out = m.MatchPacket(check, out[:0])
	if n := testing.AllocsPerRun(100, func() {
		out = m.MatchPacket(set, out[:0])
		out = m.MatchPacket(check, out[:0])
	}); n != 0 {
		t.Errorf("xbits set/isset allocate %v times per packet; want 0", n)
	}
}

// TestXbitsSharedStoreAcrossEngines is a reload: a bit set through one
// engine's matcher is seen through another engine's (rules renumbered,
// one more rule first) when both use the pipeline's store, and not with
// the engines' own stores.
func TestXbitsSharedStoreAcrossEngines(t *testing.T) {
	const a, b = "10.0.0.5", "203.0.113.10"
	e1, _ := compileText(t, mpm.Reference{}, xbitRules)
	e2, _ := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (msg:"new"; content:"zzz"; sid:100;)`+xbitRules)
	for _, shared := range []bool{true, false} {
		var st *XbitStore
		if shared {
			st = NewXbitStore(0)
		}
		m1, err := e1.NewMatcherWith(MatcherOptions{Xbits: st})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := e2.NewMatcherWith(MatcherOptions{Xbits: st})
		if err != nil {
			t.Fatal(err)
		}
		m1.MatchPacket(xbitPacket(a, b, 1001, "login", 2), nil)
		got := sids(m2.MatchPacket(xbitPacket(a, b, 1002, "secret", 3), nil))
		want := uint32(3) // isnotset: the new engine's own store is empty
		if shared {
			want = 2
		}
		if !equal(got, want) {
			t.Errorf("shared=%v: got %v, want [%d]", shared, got, want)
		}
		m1.Close()
		m2.Close()
	}
}
