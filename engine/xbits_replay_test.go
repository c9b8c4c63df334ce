package engine

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"vigil/engine/decode"
)

// TestXbitsReplay checks that detection sees packet time: a host bit set
// by one UDP flow is seen by another flow of the host until it expires
// (5 s of capture time, not of wall-clock time).
func TestXbitsReplay(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "xbits.pcap")
	f, err := os.Create(pcap)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	base := time.Unix(1700000000, 0)
	for _, p := range []struct {
		sec      float64
		src, dst string
		sport    uint16
		payload  string
	}{
		{0, "10.0.0.1", "10.0.0.2", 1000, "MARK"},
		{1, "10.0.0.1", "10.0.0.3", 1001, "CHECK"}, // another flow: alerts
		{5, "10.0.0.4", "10.0.0.3", 1002, "CHECK"}, // another host: no alert
		{7, "10.0.0.1", "10.0.0.3", 1003, "CHECK"}, // expired at 5 s: no alert
	} {
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.ParseIP(p.src).To4(), DstIP: net.ParseIP(p.dst).To4()}
		udp := &layers.UDP{SrcPort: layers.UDPPort(p.sport), DstPort: 40000}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, DstMAC: net.HardwareAddr{0, 1, 2, 3, 4, 6}, EthernetType: layers.EthernetTypeIPv4}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, udp, gopacket.Payload(p.payload)); err != nil {
			t.Fatal(err)
		}
		ts := base.Add(time.Duration(p.sec * float64(time.Second)))
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	rulesPath := filepath.Join(dir, "test.rules")
	rulesText := `alert udp any any -> any any (msg:"set"; content:"MARK"; xbits:set,marked,track ip_src,expire 5; noalert; sid:1;)
alert udp any any -> any any (msg:"isset"; content:"CHECK"; xbits:isset,marked,track ip_src; sid:2;)
`
	if err := os.WriteFile(rulesPath, []byte(rulesText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Workers: 1, Rules: compileRules(t, []string{rulesPath}, true)}
	cfg.Decode.Checksum = decode.ChecksumNone
	_, logDir := replayTo(t, cfg, pcap)
	data, err := os.ReadFile(filepath.Join(logDir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev struct {
			EventType string `json:"event_type"`
			SrcPort   int    `json:"src_port"`
			Alert     struct {
				SID int `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.EventType == "alert" {
			got = append(got, ev.Alert.SID, ev.SrcPort)
		}
	}
	if d := cmp.Diff([]int{2, 1001}, got); d != "" {
		t.Errorf("alerts as sid, src port (-want +got):\n%s", d)
	}
}
