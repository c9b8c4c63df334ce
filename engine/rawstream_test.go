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

// rawSeg is one step of a synthetic TCP session: a segment (data, a FIN or
// both) from one side, ACKed by the peer unless noAck.
type rawSeg struct {
	toServer bool
	data     string
	fin      bool
	noAck    bool
}

// writeRawSession writes a pcap of one TCP session from 10.0.0.1:40000 to
// 10.0.0.2:sport: handshake, then segs. It returns the pcap_cnt of each
// seg's own packet. The session is left open: the flow ends with the
// capture.
func writeRawSession(t *testing.T, path string, sport uint16, segs []rawSeg) []int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(1700000000, 0)
	cseq, sseq := uint32(1000), uint32(5000)
	cnt := 0
	pkt := func(toServer, syn, fin, ack bool, payload string) {
		src, dst := net.IPv4(10, 0, 0, 1).To4(), net.IPv4(10, 0, 0, 2).To4()
		sp, dp, seq, an := uint16(40000), sport, cseq, sseq
		if !toServer {
			src, dst, sp, dp, seq, an = dst, src, dp, sp, sseq, cseq
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, SYN: syn, FIN: fin,
			ACK: ack, PSH: payload != "", Window: 65535}
		if ack {
			tcp.Ack = an
		}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, DstMAC: net.HardwareAddr{0, 1, 2, 3, 4, 6},
			EthernetType: layers.EthernetTypeIPv4}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(payload)); err != nil {
			t.Fatal(err)
		}
		ts = ts.Add(time.Millisecond)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		cnt++
		n := uint32(len(payload))
		if syn || fin {
			n++
		}
		if toServer {
			cseq += n
		} else {
			sseq += n
		}
	}
	pkt(true, true, false, false, "")
	pkt(false, true, false, true, "")
	pkt(true, false, false, true, "")
	at := make([]int, len(segs))
	for i, s := range segs {
		pkt(s.toServer, false, s.fin, true, s.data)
		at[i] = cnt
		if !s.noAck {
			pkt(!s.toServer, false, false, true, "")
		}
	}
	return at
}

// rawAlerts replays pcap with rulesText and returns the pcap_cnt of each
// alert by sid (0 for an alert raised at flow end).
func rawAlerts(t *testing.T, pcap, rulesText string, inline bool) map[int][]int {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.rules")
	if err := os.WriteFile(path, []byte(rulesText), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Workers: 1, Rules: compileRules(t, []string{path}, true), Deterministic: true}
	cfg.Decode.Checksum = decode.ChecksumNone
	cfg.Stream.Inline = inline
	_, logDir := replayTo(t, cfg, pcap)
	data, err := os.ReadFile(filepath.Join(logDir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev struct {
			EventType string `json:"event_type"`
			PcapCnt   int    `json:"pcap_cnt"`
			Alert     struct {
				SID int `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.EventType == "alert" {
			got[ev.Alert.SID] = append(got[ev.Alert.SID], ev.PcapCnt)
		}
	}
	return got
}

// TestRawStreamTriggers checks each form of Suricata's raw stream
// inspection trigger (rawstream.go): bytes wait until the chunk size, an
// app-layer message end, the client's close or the flow's end, and a
// stream rule alerts once per inspection of the bytes it matches.
func TestRawStreamTriggers(t *testing.T) {
	const rules = `alert tcp any any -> any any (msg:"raw"; flow:to_server; content:"PRIVMSG"; sid:1;)
alert tcp any any -> any any (msg:"user"; flow:to_server; content:"USER "; sid:2;)
alert tcp any any -> any any (msg:"anchored"; flow:to_server; content:"PRIVMSG"; depth:7; sid:3;)
`
	privmsg := func(n int) []rawSeg {
		var s []rawSeg
		for i := 0; i < n; i++ {
			s = append(s, rawSeg{toServer: true, data: "PRIVMSG #c :hello\r\n"})
		}
		return s
	}
	big := strings.Repeat("x", rawChunk)
	for _, tc := range []struct {
		name   string
		port   uint16
		inline bool
		segs   []rawSeg
		want   func(at []int) map[int][]int
		check  []int // sids compared
	}{{
		// No parser: three small messages wait for the flow's end and
		// are inspected once, together.
		name: "flow end", port: 7000, segs: privmsg(3), check: []int{1},
		want: func(at []int) map[int][]int { return map[int][]int{1: {0}} },
	}, {
		// A chunk's worth of bytes is inspected with the next client
		// packet after it was acknowledged; the rest waits for the end.
		name: "chunk size", port: 7000,
		segs:  append(privmsg(2), rawSeg{toServer: true, data: big}, rawSeg{toServer: true, data: "PRIVMSG again\r\n"}),
		check: []int{1},
		want:  func(at []int) map[int][]int { return map[int][]int{1: {at[3], 0}} },
	}, {
		// The client's FIN makes the client's bytes ready at once.
		name: "client close", port: 7000, segs: append(privmsg(2), rawSeg{toServer: true, fin: true}), check: []int{1},
		want: func(at []int) map[int][]int { return map[int][]int{1: {at[2]}} },
	}, {
		// The server closing first does not: the bytes wait for the end.
		name: "server close", port: 7000,
		segs: append(privmsg(2), rawSeg{fin: true}, rawSeg{toServer: true, data: "x"}), check: []int{1},
		want: func(at []int) map[int][]int { return map[int][]int{1: {0}} },
	}, {
		// FTP: each command line is a transaction of its own, and its
		// completion triggers inspection with the next client packet
		// (here the ACK of the reply); without the trigger the bytes
		// would wait for the flow's end.
		name: "app-layer message", port: 21,
		segs: []rawSeg{{data: "220 ready\r\n"}, {toServer: true, data: "USER anonymous\r\n"},
			{data: "331 password\r\n"}, {toServer: true, data: "PASS x\r\n"}},
		check: []int{2},
		want:  func(at []int) map[int][]int { return map[int][]int{2: {at[2] + 1}} },
	}, {
		// An anchored (depth) stream rule also inspects each packet's
		// payload, as Suricata's packet-and-stream rules do: once per
		// packet, and once more on the stream at the end.
		name: "anchored", port: 7000, segs: privmsg(2), check: []int{3},
		want: func(at []int) map[int][]int { return map[int][]int{3: {at[0], at[1], 0}} },
	}, {
		// Inline (IPS): a packet that adds payload to the stream makes
		// its direction's bytes ready, so each message is inspected with
		// the packet carrying it, as Suricata's inline mode does.
		name: "inline", port: 7000, inline: true, segs: privmsg(3), check: []int{1},
		want: func(at []int) map[int][]int { return map[int][]int{1: {at[0], at[1], at[2]}} },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pcap := filepath.Join(t.TempDir(), "s.pcap")
			at := writeRawSession(t, pcap, tc.port, tc.segs)
			all := rawAlerts(t, pcap, rules, tc.inline)
			got := map[int][]int{}
			for _, sid := range tc.check {
				if len(all[sid]) > 0 {
					got[sid] = all[sid]
				}
			}
			if d := cmp.Diff(tc.want(at), got); d != "" {
				t.Errorf("alert pcap_cnt by sid (-want +got):\n%s", d)
			}
		})
	}
}
