package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"

	"vigil/ruleparser"
)

func TestParseRFBSecResult(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ruleparser.UintCmp
	}{
		{"ok", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 0}},
		{" fail", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 1}},
		{"toomany", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 2}},
		{"unknown", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 3}},
		{"!ok", ruleparser.UintCmp{Op: ruleparser.CmpNe, A: 0}},
		{"0", ruleparser.UintCmp{Op: ruleparser.CmpEq, A: 0}},
		{"!0", ruleparser.UintCmp{Op: ruleparser.CmpNe, A: 0}},
		{">1", ruleparser.UintCmp{Op: ruleparser.CmpGt, A: 1}},
		{"1-3", ruleparser.UintCmp{Op: ruleparser.CmpRange, A: 1, B: 3, Dash: true}},
	} {
		got, err := parseRFBSecResult(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseRFBSecResult(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "okay", "!", "4294967296", "!nope"} {
		if _, err := parseRFBSecResult(bad); err == nil {
			t.Errorf("parseRFBSecResult(%q) accepted", bad)
		}
	}
}

// TestRFBKeywords runs the rfb keywords over transaction views, in the
// direction Suricata inspects each of them.
func TestRFBKeywords(t *testing.T) {
	ok := mapTx{
		bufid.RFBName:      {"anaeagles@localhost.localdomain"},
		bufid.RFBSecType:   {"\x00\x00\x00\x02"},
		bufid.RFBSecResult: {"\x00\x00\x00\x00"},
	}
	failed := mapTx{bufid.RFBSecType: {"\x00\x00\x00\x02"}, bufid.RFBSecResult: {"\x00\x00\x00\x01"}}
	for _, tc := range []struct {
		name, rule string
		tx         mapTx
		toServer   bool
		want       bool
	}{
		{"name", `alert rfb any any -> any any (rfb.name; pcre:"/.*\.localdomain/"; sid:1;)`, ok, false, true},
		{"name miss", `alert rfb any any -> any any (rfb.name; pcre:"/.*\.localdoom/"; sid:1;)`, ok, false, false},
		{"name content", `alert rfb any any -> any any (rfb.name; content:"localhost"; sid:1;)`, ok, false, true},
		{"sectype", `alert rfb any any -> any any (rfb.sectype:2; sid:1;)`, ok, true, true},
		{"sectype >3", `alert rfb any any -> any any (rfb.sectype:>3; sid:1;)`, ok, true, false},
		{"sectype <=2", `alert rfb any any -> any any (rfb.sectype:<=2; sid:1;)`, ok, true, true},
		{"sectype absent", `alert rfb any any -> any any (rfb.sectype:0; sid:1;)`, mapTx{}, true, false},
		{"secresult ok", `alert rfb any any -> any any (rfb.secresult:ok; sid:1;)`, ok, false, true},
		{"secresult 0", `alert rfb any any -> any any (rfb.secresult:0; sid:1;)`, ok, false, true},
		{"secresult !0", `alert rfb any any -> any any (rfb.secresult:!0; sid:1;)`, ok, false, false},
		{"secresult unknown", `alert rfb any any -> any any (rfb.secresult:unknown; sid:1;)`, ok, false, false},
		{"secresult fail", `alert rfb any any -> any any (rfb.secresult:fail; sid:1;)`, failed, false, true},
		{"secresult !ok on fail", `alert rfb any any -> any any (rfb.secresult:!ok; sid:1;)`, failed, false, true},
		{"secresult absent", `alert rfb any any -> any any (rfb.secresult:!0; sid:1;)`, mapTx{}, false, false},
		{"both", `alert rfb any any -> any any (rfb.sectype:2; rfb.secresult:ok; sid:1;)`, ok, false, true},
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
			p.AppProto = bufid.ProtoRFB
			st := &TxState{}
			got := len(m.MatchTx(p, tc.tx, 0, true, st, nil)) > 0
			if !got {
				// A rule of the other side's buffers waits for a packet
				// of that direction.
				q := tcpPacket("", !tc.toServer)
				q.AppProto = bufid.ProtoRFB
				got = len(m.MatchTx(q, tc.tx, 0, true, st, nil)) > 0
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRFBKeywordErrors(t *testing.T) {
	for _, rule := range []string{
		`alert rfb any any -> any any (rfb.secresult:maybe; sid:1;)`,
		`alert rfb any any -> any any (rfb.sectype:4294967296; sid:1;)`,
		`alert http any any -> any any (rfb.sectype:2; sid:1;)`,
	} {
		if _, rep := compileText(t, mpm.Reference{}, rule); rep.Loaded != 0 {
			t.Errorf("%s: loaded", rule)
		}
	}
}
