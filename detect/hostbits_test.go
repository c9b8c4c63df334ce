package detect

import (
	"strings"
	"testing"

	"vigil/detect/mpm"
)

func TestHostbitsParse(t *testing.T) {
	for _, tc := range []struct {
		args    string
		want    xbitOp
		noalert bool
		err     string
	}{
		{args: "set,b", want: xbitOp{name: "b", track: xbitIPSrc, cmd: 's', expire: 300e9}},
		{args: "set,b,src", want: xbitOp{name: "b", track: xbitIPSrc, cmd: 's', expire: 300e9}},
		{args: "toggle,b,dst", want: xbitOp{name: "b", track: xbitIPDst, cmd: 't', expire: 300e9}},
		{args: "unset,b,dst", want: xbitOp{name: "b", track: xbitIPDst, cmd: 'u', expire: 300e9}},
		{args: "isset,b,src", want: xbitOp{name: "b", track: xbitIPSrc, cmd: 'i', expire: 300e9}},
		{args: "isnotset,b,dst", want: xbitOp{name: "b", track: xbitIPDst, cmd: 'n', expire: 300e9}},
		// Suricata accepts and ignores what follows the direction.
		{args: "set,b,src,3600", want: xbitOp{name: "b", track: xbitIPSrc, cmd: 's', expire: 300e9}},
		{args: "noalert", noalert: true},
		{args: "noalert,b", err: "no bit name"},
		{args: "set", err: "needs a bit name"},
		{args: "isset,", err: "needs a bit name"},
		{args: "set,b,both", err: "both is not implemented"},
		{args: "set,b,ip_src", err: "unknown direction"},
		{args: "check,b", err: "unknown command"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			a := strings.Split(tc.args, ",")
			op, noalert, err := hostbitOp(a)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if op != tc.want || noalert != tc.noalert {
				t.Errorf("got %+v noalert=%v, want %+v noalert=%v", op, noalert, tc.want, tc.noalert)
			}
		})
	}
}

const hostbitRules = `
alert tcp any any -> any any (content:"login"; hostbits:set,seen; hostbits:noalert; sid:1;)
alert tcp any any -> any any (content:"secret"; hostbits:isset,seen; sid:2;)
alert tcp any any -> any any (content:"secret"; hostbits:isnotset,seen,src; sid:3;)
alert tcp any any -> any any (content:"req"; hostbits:set,asked,dst; noalert; sid:4;)
alert tcp any any -> any any (content:"resp"; hostbits:isset,asked,src; sid:5;)
alert tcp any any -> any any (content:"resp"; xbits:isset,asked,track ip_src; sid:6;)
alert tcp any any -> any any (content:"flip"; hostbits:toggle,t,dst; noalert; sid:7;)
alert tcp any any -> any any (content:"clear"; hostbits:unset,t,dst; noalert; sid:8;)
alert tcp any any -> any any (content:"check"; hostbits:isset,t,dst; sid:9;)
`

func TestHostbits(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, hostbitRules)
	if rep.Loaded != 9 {
		t.Fatalf("loaded %d rules, want 9: %v", rep.Loaded, rep.Errors)
	}
	w1, w2 := newTestMatcher(t, e), newTestMatcher(t, e)
	const a, b, c = "10.0.0.5", "203.0.113.10", "10.0.0.6"

	// set / isset / isnotset with the default direction (src).
	if got := sids(w1.MatchPacket(xbitPacket(a, b, 1000, "secret", 1), nil)); !equal(got, 3) {
		t.Fatalf("before set: got %v, want [3]", got)
	}
	if got := sids(w1.MatchPacket(xbitPacket(a, b, 1001, "login", 2), nil)); len(got) != 0 {
		t.Fatalf("setter with hostbits:noalert alerted: %v", got)
	}
	if got := sids(w2.MatchPacket(xbitPacket(a, "198.51.100.1", 1002, "secret", 3), nil)); !equal(got, 2) {
		t.Errorf("same host, other flow and worker: got %v, want [2]", got)
	}
	if got := sids(w2.MatchPacket(xbitPacket(c, b, 1003, "secret", 3), nil)); !equal(got, 3) {
		t.Errorf("other host: got %v, want [3]", got)
	}
	// A bit lives 300 s.
	if got := sids(w2.MatchPacket(xbitPacket(a, b, 1004, "secret", 302), nil)); !equal(got, 2) {
		t.Errorf("at 300 s: got %v, want [2]", got)
	}
	if got := sids(w2.MatchPacket(xbitPacket(a, b, 1005, "secret", 302.5), nil)); !equal(got, 3) {
		t.Errorf("after 300 s: got %v, want [3]", got)
	}

	// dst on the request is src on the reply, for hostbits and xbits.
	w1.MatchPacket(xbitPacket(c, b, 1006, "req", 400), nil)
	if got := sids(w2.MatchPacket(xbitPacket(b, c, 80, "resp", 401), nil)); !equal(got, 5, 6) {
		t.Errorf("reply from the host set with dst: got %v, want [5 6]", got)
	}

	// toggle and unset on the destination host.
	for i, s := range []struct {
		payload string
		want    bool
	}{{"flip", true}, {"flip", false}, {"flip", true}, {"clear", false}, {"flip", true}} {
		ts := float64(500 + 10*i)
		w1.MatchPacket(xbitPacket(a, b, 2000, s.payload, ts), nil)
		got := sids(w2.MatchPacket(xbitPacket(c, b, 2001, "check", ts+1), nil))
		if (len(got) == 1) != s.want {
			t.Errorf("step %d (%s): got %v, want alert %v", i, s.payload, got, s.want)
		}
	}
}
