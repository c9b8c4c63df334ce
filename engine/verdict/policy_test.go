package verdict

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// clock is a settable wall clock for the policy.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }
func req(addr string, est bool) *Request {
	return &Request{Scope: "drop-rule", Addr: netip.MustParseAddr(addr), Established: est}
}

func testPolicy(t *testing.T, mut func(*Options)) (*Policy, *clock) {
	t.Helper()
	o := DefaultOptions()
	o.Mode = Enforce
	mut(&o)
	p, err := NewPolicy(o)
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	p.now = c.now
	return p, c
}

func TestPolicyAllowlist(t *testing.T) {
	p, _ := testPolicy(t, func(o *Options) {
		o.Allow = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("fd00::/8")}
	})
	for _, tt := range []struct {
		addr string
		want Result
	}{
		{"10.1.2.3", ResultAllowlisted},
		{"::ffff:10.1.2.3", ResultAllowlisted}, // mapped addresses are unmapped first
		{"fd00::5", ResultAllowlisted},
		{"10.2.0.1", ResultOK},
		{"0.0.0.0", ResultInvalid},
	} {
		v, got, _ := p.Block(req(tt.addr, true))
		if got != tt.want || (v != nil) != (tt.want == ResultOK) {
			t.Errorf("Block(%s) = %v, %s; want %s", tt.addr, v, got, tt.want)
		}
	}
}

func TestPolicyAllowFile(t *testing.T) {
	path := t.TempDir() + "/allow"
	writeFile(t, path, "# resolvers\n192.0.2.53\n2001:db8::/32 # docs\n\n")
	o := DefaultOptions()
	o.AllowFile = path
	p, err := NewPolicy(o, netip.MustParsePrefix("198.51.100.1/32"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"192.0.2.53", "2001:db8::1", "198.51.100.1"} {
		if !p.Allowed(netip.MustParseAddr(a)) {
			t.Errorf("%s not allowlisted", a)
		}
	}
	if p.Allowed(netip.MustParseAddr("192.0.2.54")) {
		t.Error("192.0.2.54 allowlisted")
	}
	writeFile(t, path, "192.0.2.300\n")
	if _, err := NewPolicy(o); err == nil || !strings.Contains(err.Error(), "allow:1: bad CIDR") {
		t.Errorf("bad allow file: %v; want a positioned error", err)
	}
}

func TestPolicyEvidence(t *testing.T) {
	p, _ := testPolicy(t, func(*Options) {})
	if _, got, _ := p.Block(req("192.0.2.1", false)); got != ResultNoEvidence {
		t.Errorf("spoofable evidence: %s; want %s", got, ResultNoEvidence)
	}
	if len(p.List()) != 0 {
		t.Error("a refused block is listed")
	}
}

func TestPolicyMaxBlockedNeverEvicts(t *testing.T) {
	p, _ := testPolicy(t, func(o *Options) { o.MaxBlocked = 3 })
	for _, a := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		if _, got, _ := p.Block(req(a, true)); got != ResultOK {
			t.Fatalf("Block(%s) = %s", a, got)
		}
	}
	if _, got, _ := p.Block(req("192.0.2.4", true)); got != ResultMaxBlocked {
		t.Errorf("fourth block: %s; want %s", got, ResultMaxBlocked)
	}
	if _, got, _ := p.Block(req("192.0.2.1", true)); got != ResultAlreadyBlocked {
		t.Errorf("repeat block: %s; want %s", got, ResultAlreadyBlocked)
	}
	bs := p.List()
	if len(bs) != 3 || bs[0].Addr.String() != "192.0.2.1" {
		t.Errorf("blocks %v; want the first three kept", bs)
	}
}

func TestPolicyRateLimit(t *testing.T) {
	p, c := testPolicy(t, func(o *Options) { o.Rate, o.Burst = 2, 3 })
	n := 0
	for i := range 10 {
		if _, got, _ := p.Block(req("192.0.2."+itoa(i+1), true)); got == ResultOK {
			n++
		} else if got != ResultRateLimited {
			t.Fatalf("block %d: %s", i, got)
		}
	}
	if n != 3 {
		t.Errorf("%d blocks passed a burst of 3", n)
	}
	c.add(time.Second) // two more tokens
	n = 0
	for i := range 5 {
		if _, got, _ := p.Block(req("192.0.2."+itoa(i+100), true)); got == ResultOK {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d blocks after 1s at 2/s; want 2", n)
	}
}

func TestPolicyBreaker(t *testing.T) {
	p, c := testPolicy(t, func(o *Options) { o.BreakerMax, o.BreakerWindow, o.Rate, o.Burst = 5, time.Minute, 1000, 1000 })
	trips := 0
	var results []Result
	for i := range 8 {
		c.add(time.Second)
		_, res, trip := p.Block(req("192.0.2."+itoa(i+1), true))
		results = append(results, res)
		if trip {
			trips++
		}
	}
	want := []Result{ResultOK, ResultOK, ResultOK, ResultOK, ResultOK, ResultDryRun, ResultDryRun, ResultDryRun}
	if trips != 1 || p.Mode() != DryRun || !equal(results, want) {
		t.Errorf("trips %d, mode %s, results %v; want 1 trip, dry-run, %v", trips, p.Mode(), results, want)
	}
	p.Resume()
	c.add(time.Second)
	if _, res, _ := p.Block(req("192.0.2.50", true)); res != ResultOK || p.Mode() != Enforce {
		t.Errorf("after Resume: %s, mode %s", res, p.Mode())
	}
	// Blocks spread over more than the window do not trip it.
	p2, c2 := testPolicy(t, func(o *Options) { o.BreakerMax, o.BreakerWindow, o.Rate, o.Burst = 5, time.Minute, 1000, 1000 })
	for i := range 20 {
		c2.add(20 * time.Second)
		if _, _, trip := p2.Block(req("192.0.2."+itoa(i+1), true)); trip {
			t.Fatalf("breaker tripped at block %d, 3 a minute", i)
		}
	}
}

func TestPolicyEscalation(t *testing.T) {
	p, c := testPolicy(t, func(*Options) {})
	var got []time.Duration
	for range 5 {
		v, res, _ := p.Block(req("192.0.2.9", true))
		if res != ResultOK {
			t.Fatalf("block: %s", res)
		}
		got = append(got, v.Duration)
		c.add(v.Duration) // the block expires
		if exp := p.Expire(); len(exp) != 1 || exp[0].Action != ActionUnblock || exp[0].Reason != "expired" {
			t.Fatalf("Expire = %v; want one expired unblock", exp)
		}
	}
	want := []time.Duration{10 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 7 * 24 * time.Hour}
	if !equal(got, want) {
		t.Errorf("durations %v; want %v", got, want)
	}
}

func TestPolicyDryRun(t *testing.T) {
	p, _ := testPolicy(t, func(o *Options) { o.Mode = DryRun })
	v, res, _ := p.Block(req("192.0.2.7", true))
	if res != ResultDryRun || v == nil {
		t.Fatalf("dry-run block: %v %s", v, res)
	}
	bs := p.List()
	if len(bs) != 1 || !bs[0].DryRun {
		t.Errorf("list %v; want one dry-run block", bs)
	}
	// Lifting a dry-run block has nothing to tell the hooks.
	if u, ok := p.Unblock(netip.MustParseAddr("192.0.2.7"), "control"); !ok || u != nil {
		t.Errorf("Unblock dry-run = %v, %v; want nil, true", u, ok)
	}
}

func TestPolicyLiftRules(t *testing.T) {
	p, _ := testPolicy(t, func(*Options) {})
	r1 := req("192.0.2.1", true)
	r1.Rules = []RuleRef{{GID: 1, SID: 100}}
	r2 := req("192.0.2.2", true)
	r2.Rules = []RuleRef{{GID: 1, SID: 100}, {GID: 1, SID: 200}}
	p.Block(r1)
	p.Block(r2)
	vs := p.LiftRules(func(_, sid uint32) bool { return sid == 200 })
	if len(vs) != 1 || vs[0].Addr.String() != "192.0.2.1" || vs[0].Reason != "rules-removed" {
		t.Errorf("LiftRules = %v; want 192.0.2.1 lifted", vs)
	}
	if bs := p.List(); len(bs) != 1 || bs[0].Addr.String() != "192.0.2.2" {
		t.Errorf("left %v", bs)
	}
}

func TestPolicyMark(t *testing.T) {
	p, _ := testPolicy(t, func(o *Options) {
		o.Shaping.Classes = []Class{
			{Name: "bulk-http", AppProto: "http", MaxScore: 30, Mark: 0x10, DSCP: 8},
			{Name: "suspect", MinScore: 30, Mark: 0x20, DSCP: 1},
		}
	})
	for _, tt := range []struct {
		proto string
		score float64
		class string
	}{{"http", 0, "bulk-http"}, {"http", 40, "suspect"}, {"dns", 50, "suspect"}, {"dns", 5, ""}} {
		r := req("192.0.2.1", false)
		r.AppProto, r.Score = tt.proto, tt.score
		r.Flow.SrcPort = uint16(tt.score) + uint16(len(tt.proto)) // a flow per case
		v, res := p.Mark(r)
		got := ""
		if v != nil {
			got = v.Class
		}
		if got != tt.class || (tt.class == "" && res != ResultNoClass) {
			t.Errorf("Mark(%s, %v) = %q %s; want %q", tt.proto, tt.score, got, res, tt.class)
		}
		if tt.class != "" {
			if _, res := p.Mark(r); res != ResultMarked {
				t.Errorf("second Mark of one flow: %s; want %s", res, ResultMarked)
			}
		}
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(i int) string { return netip.AddrFrom4([4]byte{0, 0, 0, byte(i)}).String()[6:] }
