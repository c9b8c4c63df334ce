package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/engine/stream"
	"vigil/internal/testutil"
)

// TestMidstreamReversed replays a DNS over TCP session captured from the
// server's answer on (no handshake, Suricata's dns-reversed-tcp-1
// capture). With midstream pickup the answer's receiver is the client, as
// Suricata's protocol detection reverses such a session: the flow record
// runs from 10.16.1.11 to 8.8.4.4 and the answer is logged. Without
// midstream the session is not tracked and nothing is reversed.
func TestMidstreamReversed(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "dns-reversed-tcp-1", "dns.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("no capture: %v", err)
	}
	for _, midstream := range []bool{true, false} {
		ec := DefaultEVE()
		ec.StatsInterval = 0
		cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Stream: stream.Options{Midstream: midstream},
			Decode: decode.Options{Checksum: decode.ChecksumNone}}
		var flowSrc string
		answers := 0
		for _, r := range eveLines(t, cfg, pcap) {
			switch r["event_type"] {
			case "flow":
				flowSrc, _ = r["src_ip"].(string)
			case "dns":
				if r["dns"].(map[string]any)["type"] == "response" {
					answers++
				}
			}
		}
		want, wantAnswers := "10.16.1.11", 1
		if !midstream {
			want, wantAnswers = "8.8.4.4", 0
		}
		if flowSrc != want || answers != wantAnswers {
			t.Errorf("midstream %v: flow from %s with %d dns answers, want from %s with %d", midstream, flowSrc, answers, want, wantAnswers)
		}
	}
}
