package detect

import (
	"testing"

	"vigil/ruleparser"
)

// TestMatchStreamWindow: a stream rule finds a pattern split between two
// inspections through the kept tail, does not fire again on what the tail
// alone matched, and still sees the new bytes alone (depth anchored at
// their start), as before the window.
func TestMatchStreamWindow(t *testing.T) {
	e, rep := compileDialect(t, ruleparser.DialectSuricata, `alert tcp any any -> any any (msg:"split"; content:"|0d 0a 0d 0a CA FE BA BE|"; sid:1;)
alert tcp any any -> any any (msg:"anchored"; content:"RETR"; depth:4; sid:2;)
alert tcp any any -> any any (msg:"two"; content:"AAA"; content:"BBB"; distance:0; sid:3;)
`)
	if rep.Loaded != 3 {
		t.Fatalf("loaded %d: %v %v", rep.Loaded, rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		name      string
		tail, new string
		want      []uint32
	}{
		{"split across", "HTTP/1.1 200 OK\r\nX: y\r\n\r\n", "\xca\xfe\xba\xbe\x00", []uint32{1}},
		{"whole in the tail is not repeated", "xx\r\n\r\n\xca\xfe\xba\xbe", "more", nil},
		{"whole in the new bytes", "junk", "\r\n\r\n\xca\xfe\xba\xbe", []uint32{1}},
		{"anchored at the new bytes", "USER 1\r\n", "RETR a.exe\r\n", []uint32{2}},
		{"anchored not in the window", "RETR", "x", nil},
		{"contents either side", "..AAA..", "..BBB", []uint32{3}},
		{"no tail", "", "AAA BBB", []uint32{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tcpPacket("ignored", true)
			p.HasStream = true
			var got []uint32
			for _, a := range m.MatchStreamWindow(p, []byte(tc.tail+tc.new), len(tc.tail), true, nil) {
				got = append(got, a.Sig.Rule.Sid)
			}
			if len(got) != len(tc.want) || len(got) > 0 && got[0] != tc.want[0] {
				t.Errorf("got sids %v, want %v", got, tc.want)
			}
		})
	}
}
