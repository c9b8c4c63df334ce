package engine

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// TestFragmentInspection: IP fragments are inspected as packets before
// reassembly, by the rules for ip only and by their IP header, as in
// Suricata; the reassembled datagram is inspected too (with M clear).
func TestFragmentInspection(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "frag.pcap")
	f, err := os.Create(pcap)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	// An IGMP datagram of 24 octets in two fragments (16 + 8).
	data := []byte("\x11\x64\xee\x9b\x00\x00\x00\x00IGMP-PAYLOAD-XX!")
	base := time.Unix(1700000000, 0)
	for i, fr := range []struct {
		off   uint16
		more  bool
		bytes []byte
	}{{0, true, data[:16]}, {2, false, data[16:]}} {
		ip := &layers.IPv4{Version: 4, TTL: 64, Id: 77, FragOffset: fr.off, Protocol: layers.IPProtocolIGMP,
			SrcIP: net.IPv4(192, 0, 2, 1).To4(), DstIP: net.IPv4(198, 51, 100, 2).To4()}
		if fr.more {
			ip.Flags = layers.IPv4MoreFragments
		}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, DstMAC: net.HardwareAddr{0, 1, 2, 3, 4, 6}, EthernetType: layers.EthernetTypeIPv4}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, gopacket.Payload(fr.bytes)); err != nil {
			t.Fatal(err)
		}
		ts := base.Add(time.Duration(i) * time.Millisecond)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	rulesPath := filepath.Join(dir, "test.rules")
	rulesText := `alert ip any any -> any any (msg:"first fragment"; fragbits:M; ip_proto:2; sid:1;)
alert ip any any -> any any (msg:"every fragment and the datagram"; ip_proto:2; id:77; sid:2;)
alert ip any any -> any any (msg:"payload of the datagram only"; content:"PAYLOAD-XX!"; sid:3;)
alert tcp any any -> any any (msg:"a transport rule never sees a fragment"; ttl:64; sid:4;)
`
	if err := os.WriteFile(rulesPath, []byte(rulesText), 0o644); err != nil {
		t.Fatal(err)
	}
	got := alertCounts(t, rulesPath, pcap)
	want := map[uint64]int{1: 1, 2: 3, 3: 1}
	for sid, n := range want {
		if got[sid] != n {
			t.Errorf("sid %d alerted %d times, want %d (all: %v)", sid, got[sid], n, got)
		}
	}
	if got[4] != 0 {
		t.Errorf("tcp rule alerted on fragments: %v", got)
	}
}
