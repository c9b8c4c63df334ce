package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/tls"
	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/eve"
)

// TestTxEventType checks the record type a transaction gets: DNS to port
// 5353 is mdns and DNS to any other port dns, as Suricata 8 logs them; a
// transaction that decides for itself (tls) is asked.
func TestTxEventType(t *testing.T) {
	d := &dns.Tx{}
	for _, c := range []struct {
		tx   applayer.Tx
		port uint16
		udp  bool
		want eve.EventType
	}{
		{d, 53, true, eve.EventDNS},
		{d, 5353, true, eve.EventMDNS},
		{d, 5353, false, eve.EventDNS},
		{&tls.Tx{}, 443, false, eve.EventTLS},
		{&tls.Tx{ClientVersion: tls.VersionSSL3}, 443, false, 0},
	} {
		if got := txEventType(c.tx, c.port, c.udp); got != c.want {
			t.Errorf("%T to port %d (udp %v): %v, want %v", c.tx, c.port, c.udp, got, c.want)
		}
	}
}

// TestAddFileHashes: force-hash adds exactly the hashes it lists, as
// lower-case hex of the whole file.
func TestAddFileHashes(t *testing.T) {
	for _, c := range []struct {
		h    eve.FileHashes
		want []string
	}{
		{eve.HashMD5, []string{`"md5":"5d41402abc4b2a76b9719d911017c592"`}},
		{eve.HashSHA1 | eve.HashSHA256, []string{`"sha1":"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`,
			`"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`}},
	} {
		r := eve.Record{Type: eve.EventFileinfo}
		o := r.AddObject("fileinfo")
		addFileHashes(o, []byte("hello"), c.h)
		line := string(new(eve.Encoder).Encode(&r))
		for _, w := range c.want {
			if !strings.Contains(line, w) {
				t.Errorf("hashes %d: no %s in %s", c.h, w, line)
			}
		}
		if n := strings.Count(line, `":"`) - strings.Count(line, `"event_type":"`) - strings.Count(line, `"timestamp":"`); n != len(c.want) {
			t.Errorf("hashes %d: %d string fields in %s", c.h, n, line)
		}
	}
}

// TestTxAtFlowEndVLAN replays Suricata's bug-814 capture (an HTTP request
// on VLAN 1111 whose response never completes): the http record written
// at flow end carries the flow's VLAN id, as Suricata's does.
func TestTxAtFlowEndVLAN(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "bug-814", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("capture not available: %v", err)
	}
	cfg := Config{Workers: 1}
	cfg.Decode.Checksum = decode.ChecksumNone
	_, dir := replayTo(t, cfg, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.Contains(line, `"event_type":"http"`) {
			n++
			if !strings.Contains(line, `"vlan":[1111]`) {
				t.Errorf("http record without the flow's VLAN: %s", line)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d http records, want 1", n)
	}
}
