package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
)

func TestAppendStreamPayload(t *testing.T) {
	for _, c := range []struct {
		name string
		v    streamView
		max  int
		want string
	}{
		{"no gaps", streamView{data: []byte("GOODDATA")}, 4096, "GOODDATA"},
		{"leading gap", streamView{data: []byte("GOODDATA"), gaps: []rawGap{{0, 4}}}, 4096, "[4 bytes missing]GOODDATA"},
		{"inner gap", streamView{data: []byte("VERYDATA"), gaps: []rawGap{{4, 4}}}, 4096, "VERY[4 bytes missing]DATA"},
		{"trailing gap", streamView{data: []byte("VERY"), gaps: []rawGap{{4, 12}}}, 4096, "VERY[12 bytes missing]"},
		{"two gaps", streamView{data: []byte("ab"), gaps: []rawGap{{1, 1}, {2, 300}}}, 4096, "a[1 bytes missing]b[300 bytes missing]"},
		{"cut", streamView{data: []byte("VERYDATA"), gaps: []rawGap{{4, 4}}}, 10, "VERY[4 byt"},
		{"empty", streamView{}, 4096, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(appendStreamPayload(nil, &c.v, c.max)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestStreamAlertPayload replays TCP sessions whose stream data is only
// inspected at flow end (never ACKed): an alert on stream data logs the
// stream data, with its holes marked, as "stream": 1 from the flow-timeout
// pseudo packet, while packet rules log their packet's payload.
func TestStreamAlertPayload(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "verify-eve")
	type want struct {
		printable, pktSrc string
		stream            float64
	}
	for _, c := range []struct {
		name, pcap string
		want       map[float64]want // by signature_id
	}{
		{"inner gap", "eve-overlap-payload-05-gap/tcp-simple-gap2.pcap", map[float64]want{
			1: {"VERY[4 bytes missing]DATA", "stream (flow timeout)", 1},
			3: {"VERY[4 bytes missing]DATA", "stream (flow timeout)", 1},
			4: {"VERY", "wire/pcap", 0},
			6: {"DATA", "wire/pcap", 0},
		}},
		{"leading gap", "eve-payload-06-tcp-data-leading-gap/tcp-leading-gap.pcap", map[float64]want{
			2: {"[4 bytes missing]GOODDATA", "stream (flow timeout)", 1},
			3: {"[4 bytes missing]GOODDATA", "stream (flow timeout)", 1},
			5: {"GOOD", "wire/pcap", 0},
			6: {"DATA", "wire/pcap", 0},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcap := filepath.Join(dir, c.pcap)
			if _, err := os.Stat(pcap); err != nil {
				t.Skipf("no capture: %v", err)
			}
			rules := filepath.Join(t.TempDir(), "test.rules")
			if err := os.WriteFile(rules, []byte(`alert tcp-stream any any -> any any (content:"VERY"; sid:1;)
alert tcp-stream any any -> any any (content:"GOOD"; sid:2;)
alert tcp-stream any any -> any any (content:"DATA"; sid:3;)
alert tcp-pkt any any -> any any (content:"VERY"; sid:4;)
alert tcp-pkt any any -> any any (content:"GOOD"; sid:5;)
alert tcp-pkt any any -> any any (content:"DATA"; sid:6;)
`), 0o644); err != nil {
				t.Fatal(err)
			}
			ec := DefaultEVE()
			ec.StatsInterval = 0
			ec.Payload, ec.PayloadPrintable = true, true
			cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Rules: compileRules(t, []string{rules}, true),
				Decode: decode.Options{Checksum: decode.ChecksumNone}}
			got := map[float64]want{}
			for _, r := range eveLines(t, cfg, pcap) {
				if r["event_type"] != "alert" {
					continue
				}
				sid := r["alert"].(map[string]any)["signature_id"].(float64)
				if _, dup := got[sid]; dup {
					t.Errorf("sid %v alerted twice", sid)
				}
				pr, _ := r["payload_printable"].(string)
				src, _ := r["pkt_src"].(string)
				st, _ := r["stream"].(float64)
				got[sid] = want{pr, src, st}
			}
			if len(got) != len(c.want) {
				t.Errorf("alerts %v, want %v", got, c.want)
			}
			for sid, w := range c.want {
				if got[sid] != w {
					t.Errorf("sid %v: got %+v, want %+v", sid, got[sid], w)
				}
			}
		})
	}
}
