package engine

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"vigil/engine/decode"
)

// ftpMsg is one segment of a synthetic TCP session.
type ftpMsg struct {
	toServer bool
	data     string
}

// ftpSession is one control connection from a client port.
type ftpSession struct {
	port uint16
	msgs []ftpMsg
}

// writeTCPSessions writes each session between client and server port 21
// as a pcap: handshake, each segment ACKed by the peer, then FIN/FIN/ACK.
func writeTCPSessions(t *testing.T, path, client, server string, sessions ...ftpSession) {
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
	for _, sess := range sessions {
		cport := sess.port
		cseq, sseq := uint32(1000), uint32(5000)
		pkt := func(toServer bool, syn, fin, ack bool, payload string) {
			src, dst := net.ParseIP(client).To4(), net.ParseIP(server).To4()
			sp, dp, seq, an := cport, uint16(21), cseq, sseq
			if !toServer {
				src, dst, sp, dp, seq, an = dst, src, dp, sp, sseq, cseq
			}
			ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
			tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, SYN: syn, FIN: fin, ACK: ack, PSH: payload != "", Window: 8192}
			if ack {
				tcp.Ack = an
			}
			if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
				t.Fatal(err)
			}
			eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, DstMAC: net.HardwareAddr{0, 1, 2, 3, 4, 6}, EthernetType: layers.EthernetTypeIPv4}
			buf := gopacket.NewSerializeBuffer()
			if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
				t.Fatal(err)
			}
			ts = ts.Add(time.Millisecond)
			if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes()); err != nil {
				t.Fatal(err)
			}
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
		for _, m := range sess.msgs {
			pkt(m.toServer, false, false, true, m.data)
			pkt(!m.toServer, false, false, true, "")
		}
		pkt(true, false, true, true, "")
		pkt(false, false, true, true, "")
		pkt(true, false, false, true, "")
	}
}

// ftpAlertCounts replays pcap with rules and counts alerts by
// "sid/client port".
func ftpAlertCounts(t *testing.T, pcap, rulesText string) map[string]int {
	t.Helper()
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "test.rules")
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
	got := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev struct {
			EventType string `json:"event_type"`
			SrcPort   int    `json:"src_port"`
			DestPort  int    `json:"dest_port"`
			AppProto  string `json:"app_proto"`
			Alert     struct {
				SID int `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.EventType != "alert" {
			continue
		}
		if ev.AppProto != "ftp" {
			t.Errorf("alert %d with app_proto %q", ev.Alert.SID, ev.AppProto)
		}
		client := ev.SrcPort
		if client == 21 {
			client = ev.DestPort
		}
		got[strconv.Itoa(ev.Alert.SID)+"/"+strconv.Itoa(client)]++
	}
	return got
}

// TestFTPBounceReplay is suricata-verify's ftp-bounce case: the PORT of
// the second session names another host than the client, and only that
// session alerts, once.
func TestFTPBounceReplay(t *testing.T) {
	session := func(port string) []ftpMsg {
		return []ftpMsg{
			{false, "220 Operation successful\r\n"}, {true, "USER anonymous\r\n"}, {false, "230 Operation successful\r\n"},
			{true, "PORT " + port + "\r\n"}, {false, "200 Operation successful\r\n"},
			{true, "QUIT\r\n"}, {false, "221 Operation successful\r\n"},
		}
	}
	pcap := filepath.Join(t.TempDir(), "bounce.pcap")
	writeTCPSessions(t, pcap, "1.1.1.2", "2.2.2.1",
		ftpSession{33112, session("1,1,1,2,232,157")},
		ftpSession{58316, session("2,2,2,3,0,80")})
	got := ftpAlertCounts(t, pcap, `
alert tcp any any -> any any (msg:"FTP bounce attack"; ftpbounce; sid:1;)
alert tcp any any -> any 21 (msg:"GPL FTP PORT bounce attempt"; flow:to_server,established; content:"PORT"; nocase; ftpbounce; pcre:"/^PORT/smi"; sid:2;)
alert ftp any any -> any any (ftp.command; content:"PORT"; ftp.mode:active; ftp.dynamic_port:59549; sid:3;)
`)
	want := map[string]int{"1/58316": 1, "2/58316": 1, "3/33112": 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("alerts by sid/client port (-want +got):\n%s", d)
	}
}

// TestFTPRepliesReplay: multi-line replies, a preliminary reply, a
// passive port and rules mixing request and reply buffers.
func TestFTPRepliesReplay(t *testing.T) {
	pcap := filepath.Join(t.TempDir(), "replies.pcap")
	writeTCPSessions(t, pcap, "10.0.0.1", "10.0.0.2", ftpSession{40000, []ftpMsg{
		{false, "220-Welcome\r\n220-to the server\r\n220 ready\r\n"}, {true, "USER bob\r\n"}, {false, "331 Password please\r\n"},
		{true, "PASS secret\r\n"}, {false, "230 OK\r\n"},
		{true, "HELP\r\n"}, {false, "214-The following commands are recognized.\r\n USER PASS\r\n214 Help OK.\r\n"},
		{true, "EPSV\r\n"}, {false, "229 Entering Extended Passive Mode (|||50123|)\r\n"},
		{true, "RETR a.txt\r\n"}, {false, "150 Opening BINARY mode data connection\r\n"},
		{true, "NOOP\r\n"}, {false, "226 Transfer complete\r\n"}, {false, "200 NOOP ok\r\n"},
		{true, "STOR b.txt\r\n"}, {false, "150 Ok to send data.\r\n"},
	}})
	got := ftpAlertCounts(t, pcap, `
alert ftp any any -> any any (ftp.reply_received:no; sid:1;)
alert ftp any any -> any any (ftp.reply_received:yes; sid:2;)
alert ftp any any -> any any (ftp.command; content:"EPSV"; ftp.dynamic_port:50123; ftp.mode:passive; sid:3;)
alert ftp any any -> any any (ftp.completion_code; content:"214"; ftp.reply; content:"USER PASS"; sid:4;)
alert ftp any any -> any any (ftp.completion_code; content:"220"; sid:5;)
alert ftp any any -> any any (ftp.command; content:"RETR"; ftp.command_data; content:"a.txt"; ftp.completion_code; content:"226"; sid:6;)
alert ftp any any -> any any (ftp.command; content:"NOOP"; ftp.completion_code; content:"200"; sid:7;)
`)
	// "no": RETR after its 150, STOR at the end. "yes": USER, PASS, HELP,
	// EPSV, RETR, NOOP. The greeting has no command: nothing matches it.
	want := map[string]int{"1/40000": 2, "2/40000": 6, "3/40000": 1, "4/40000": 1, "6/40000": 1, "7/40000": 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("alerts by sid/client port (-want +got):\n%s", d)
	}
}
