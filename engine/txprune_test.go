package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect"
	"vigil/engine/decode"
	"vigil/engine/packet"
	"vigil/internal/testutil"
)

// alertCounts replays pcap with the rules file and counts alerts per sid.
func alertCounts(t *testing.T, rulesPath, pcap string) map[uint64]int {
	t.Helper()
	eng := compileRules(t, []string{rulesPath}, true)
	cfg := Config{Workers: 1, Rules: eng}
	cfg.Decode.Checksum = decode.ChecksumNone
	_, dir := replayTo(t, cfg, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint64]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct {
			EventType string `json:"event_type"`
			Alert     struct {
				SID uint64 `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.EventType == "alert" {
			got[r.Alert.SID]++
		}
	}
	return got
}

// TestTxRuleAlertsOnce: a TLS parser keeps its single transaction alive
// after the handshake (it keeps tracking encrypted records), so the engine
// must not forget which rules already fired on it: each rule alerts once
// per transaction (suricata-verify bug-8336-01-default-track-only).
func TestTxRuleAlertsOnce(t *testing.T) {
	dir := testutil.SharedPath(t, "verify", "bug-8336-01-default-track-only")
	got := alertCounts(t, filepath.Join(dir, "test.rules"), filepath.Join(dir, "input.pcap"))
	for _, sid := range []uint64{8336001, 8336002, 8336003, 8336004} {
		if got[sid] != 1 {
			t.Errorf("sid %d alerted %d times; want 1 (all: %v)", sid, got[sid], got)
		}
	}
}

// TestEstablishedBeforeStream: flow:established holds for a TCP packet
// only when the flow was established before it, so the ACK completing the
// handshake does not match (suricata-verify like-ip-only-01: 17 alerts,
// one per data/FIN packet of 192.168.51.206, none for the 4 handshake ACKs).
func TestEstablishedBeforeStream(t *testing.T) {
	dir := testutil.SharedPath(t, "verify", "like-ip-only-01")
	got := alertCounts(t, filepath.Join(dir, "test.rules"), filepath.Join(dir, "krb5-frag.pcap"))
	if got[1001] != 17 {
		t.Errorf("sid 1001 alerted %d times; want 17", got[1001])
	}
}

func TestICMPv4HdrLen(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want int
	}{
		{"echo", []byte{8, 0, 0, 0, 0, 1, 0, 1, 'x', 'y'}, 8},
		{"timestamp", append([]byte{13, 0, 0, 0, 0, 1, 0, 1}, make([]byte, 12)...), 20},
		{"timestamp truncated", []byte{13, 0, 0, 0, 0, 1, 0, 1, 0}, 8},
		// One address entry of 2 words (icmp-hdr-01's router advertisement).
		{"router advert", []byte{9, 0, 0x93, 0x61, 1, 2, 0, 10, 14, 80, 84, 66, 0, 0, 0, 0, 0, 0}, 16},
	} {
		if got := icmpv4HdrLen(tc.b); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestIPOptBitsMatch: the engine copies decoder option bits into
// detect.Packet.IPOpts unchanged, so both layouts must agree.
func TestIPOptBitsMatch(t *testing.T) {
	pairs := [][2]uint16{
		{packet.IPOptRR, detect.IPOptRR}, {packet.IPOptEOL, detect.IPOptEOL}, {packet.IPOptNOP, detect.IPOptNOP},
		{packet.IPOptTS, detect.IPOptTS}, {packet.IPOptSec, detect.IPOptSec}, {packet.IPOptESec, detect.IPOptESec},
		{packet.IPOptLSRR, detect.IPOptLSRR}, {packet.IPOptSSRR, detect.IPOptSSRR}, {packet.IPOptSATID, detect.IPOptSATID},
		{packet.IPOptQS, detect.IPOptQS}, {packet.IPOptCIPSO, detect.IPOptCIPSO}, {packet.IPOptRTRALT, detect.IPOptRTRALT},
		{packet.IPOptAny, detect.IPOptAny},
	}
	for i, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("option %d: decoder bit %#x, detect bit %#x", i, p[0], p[1])
		}
	}
}

// TestSynPayloadInspectedOnce: the payload of a SYN is inspected as a
// packet; when the stream later delivers it (TCP Fast Open) it reaches the
// app layer but is not inspected again as raw stream
// (suricata-verify detect-bytejump-01: one SYN with data, one alert).
func TestSynPayloadInspectedOnce(t *testing.T) {
	dir := testutil.SharedPath(t, "verify", "detect-bytejump-01")
	pcaps, _ := filepath.Glob(filepath.Join(dir, "*.pcap"))
	if len(pcaps) != 1 {
		t.Fatalf("pcaps: %v", pcaps)
	}
	got := alertCounts(t, filepath.Join(dir, "test.rules"), pcaps[0])
	if got[1] != 1 || got[2] != 0 {
		t.Errorf("alerts %v; want sid 1 once, sid 2 never", got)
	}
}
