package engine

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestProtocolMismatchAnomaly replays an HTTP request answered by an SSH
// banner (Suricata's output-eve-anomaly-02 capture): the flow is http and
// one applayer anomaly APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS (layer
// proto_detect) is written.
func TestProtocolMismatchAnomaly(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "output-eve-anomaly-02", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("capture not available: %v", err)
	}
	_, dir := replayTo(t, Config{Workers: 1}, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		evetest.Validate(t, []byte(line))
		if strings.Contains(line, `"event_type":"anomaly"`) {
			want := `"anomaly":{"app_proto":"http","type":"applayer","event":"APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS","layer":"proto_detect"}`
			if !strings.Contains(line, want) {
				t.Errorf("anomaly %s\nwant %s", line, want)
			}
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d anomaly records, want 1", n)
	}
}

// TestAnomalyTypes replays a capture of malformed ICMP (Suricata's
// output-eve-anomaly-packethdr) and one TCP session with a hole (a
// reassembly_seq_gap stream event) under the anomaly type's options:
// Suricata's default logs app-layer anomalies only; types.decode and
// types.stream add the packets' decoder and stream events, and packethdr
// their first 32 bytes with the link type.
func TestAnomalyTypes(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "verify-eve")
	icmp := filepath.Join(dir, "output-eve-anomaly-packethdr", "anomaly.pcap")
	gap := filepath.Join(dir, "eve-overlap-payload-05-gap", "tcp-simple-gap2.pcap")
	for _, p := range []string{icmp, gap} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("capture not available: %v", err)
		}
	}
	for _, c := range []struct {
		name      string
		types     AnomalyType
		packetHdr bool
		pcap      string
		// want counts anomaly records by type; withPacket is how many
		// carry a packet.
		want       map[string]int
		withPacket int
	}{
		{"default", 0, false, icmp, map[string]int{}, 0},
		{"decode", AnomalyDecode, false, icmp, map[string]int{"decode": 48}, 0},
		{"decode packethdr", AnomalyDecode, true, icmp, map[string]int{"decode": 48}, 48},
		{"stream off", AnomalyDecode | AnomalyAppLayer, false, gap, map[string]int{}, 0},
		{"stream", AnomalyStream, false, gap, map[string]int{"stream": 1}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ec := DefaultEVE()
			ec.StatsInterval = 0
			ec.AnomalyTypes, ec.AnomalyPacketHdr = c.types, c.packetHdr
			cfg := Config{Workers: 1, Deterministic: true, EVE: ec, Decode: decode.Options{Checksum: decode.ChecksumNone}}
			got := map[string]int{}
			withPacket := 0
			for _, r := range eveLines(t, cfg, c.pcap) {
				if r["event_type"] != "anomaly" {
					continue
				}
				a := r["anomaly"].(map[string]any)
				got[a["type"].(string)]++
				if a["type"] == "stream" && a["event"] != "stream.reassembly_seq_gap" {
					t.Errorf("stream anomaly %v, want stream.reassembly_seq_gap", a["event"])
				}
				if pkt, ok := r["packet"].(string); ok {
					withPacket++
					info := r["packet_info"].(map[string]any)
					if len(pkt) > 44 || info["linktype"] != 1.0 || info["linktype_name"] != "EN10MB" {
						t.Errorf("packet %q (%d base64 chars, want <= 44 for 32 bytes), packet_info %v", pkt, len(pkt), info)
					}
				}
			}
			if !maps.Equal(got, c.want) || withPacket != c.withPacket {
				t.Errorf("anomalies %v (%d with packet), want %v (%d)", got, withPacket, c.want, c.withPacket)
			}
		})
	}
}
