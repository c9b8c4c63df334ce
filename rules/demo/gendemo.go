//go:build ignore

// gendemo writes demo.pcap: a few seconds of synthetic traffic made for
// Vigil's demo (`make run`). It is not a capture of anything real: every
// address is from the documentation ranges (RFC 5737) or private space.
//
// Regenerate with: go run gendemo.go (output is deterministic).
package main

import (
	"encoding/binary"
	"log"
	"net"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

var (
	clientMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x05}
	routerMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	client    = net.IPv4(10, 0, 0, 5).To4()
	resolver  = net.IPv4(10, 0, 0, 1).To4()
	webServer = net.IPv4(203, 0, 113, 10).To4()
	tlsServer = net.IPv4(198, 51, 100, 7).To4()
	sshServer = net.IPv4(198, 51, 100, 22).To4()
	start     = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
)

type writer struct {
	w  *pcapgo.Writer
	ts time.Time
}

func (w *writer) emit(ls ...gopacket.SerializableLayer) {
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ls...); err != nil {
		log.Fatal(err)
	}
	w.ts = w.ts.Add(1500 * time.Microsecond)
	data := buf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: w.ts, CaptureLength: len(data), Length: len(data)}
	if err := w.w.WritePacket(ci, data); err != nil {
		log.Fatal(err)
	}
}

// tcpConn plays one TCP connection: handshake, request/response segments, FIN.
type tcpConn struct {
	w            *writer
	cip, sip     net.IP
	cport, sport uint16
	cseq, sseq   uint32
}

func (c *tcpConn) pkt(fromClient bool, flags string, payload []byte) {
	src, dst, sp, dp, seq, ack := c.cip, c.sip, c.cport, c.sport, c.cseq, c.sseq
	smac, dmac := clientMAC, routerMAC
	if !fromClient {
		src, dst, sp, dp, seq, ack = c.sip, c.cip, c.sport, c.cport, c.sseq, c.cseq
		smac, dmac = routerMAC, clientMAC
	}
	eth := &layers.Ethernet{SrcMAC: smac, DstMAC: dmac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst, Flags: layers.IPv4DontFragment}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
			tcp.Ack = ack
		case 'P':
			tcp.PSH = true
		case 'F':
			tcp.FIN = true
		}
	}
	tcp.SetNetworkLayerForChecksum(ip)
	c.w.emit(eth, ip, tcp, gopacket.Payload(payload))
	adv := uint32(len(payload))
	if tcp.SYN || tcp.FIN {
		adv++
	}
	if fromClient {
		c.cseq += adv
	} else {
		c.sseq += adv
	}
}

func (c *tcpConn) open() {
	c.pkt(true, "S", nil)
	c.pkt(false, "SA", nil)
	c.pkt(true, "A", nil)
}

func (c *tcpConn) close() {
	c.pkt(true, "FA", nil)
	c.pkt(false, "FA", nil)
	c.pkt(true, "A", nil)
}

func udp(w *writer, src, dst net.IP, sp, dp uint16, payload []byte, fromClient bool) {
	smac, dmac := clientMAC, routerMAC
	if !fromClient {
		smac, dmac = routerMAC, clientMAC
	}
	eth := &layers.Ethernet{SrcMAC: smac, DstMAC: dmac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src, DstIP: dst}
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	u.SetNetworkLayerForChecksum(ip)
	w.emit(eth, ip, u, gopacket.Payload(payload))
}

func dnsQuery(id uint16, name string, answer net.IP) (q, r []byte) {
	msg := func(resp bool) []byte {
		d := &layers.DNS{ID: id, RD: true, OpCode: layers.DNSOpCodeQuery,
			Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
		if resp {
			d.QR, d.RA = true, true
			d.Answers = []layers.DNSResourceRecord{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 60, IP: answer}}
		}
		buf := gopacket.NewSerializeBuffer()
		if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
			log.Fatal(err)
		}
		return append([]byte(nil), buf.Bytes()...)
	}
	return msg(false), msg(true)
}

// clientHello builds a TLS 1.2 ClientHello record carrying sni.
func clientHello(sni string) []byte {
	be16 := func(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }
	var ext []byte
	// server_name
	name := []byte(sni)
	var sn []byte
	sn = be16(sn, len(name)+3)
	sn = append(sn, 0)
	sn = be16(sn, len(name))
	sn = append(sn, name...)
	ext = be16(ext, 0)
	ext = be16(ext, len(sn))
	ext = append(ext, sn...)
	// supported_groups: x25519, secp256r1, secp384r1
	ext = append(ext, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18)
	// ec_point_formats: uncompressed
	ext = append(ext, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00)
	// signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
	ext = append(ext, 0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01)
	var body []byte
	body = append(body, 0x03, 0x03)
	for i := 0; i < 32; i++ {
		body = append(body, byte(i*7))
	}
	body = append(body, 0)                                              // session id
	body = append(body, 0x00, 0x06, 0xc0, 0x2f, 0xc0, 0x2b, 0x00, 0x9c) // 3 cipher suites
	body = append(body, 0x01, 0x00)                                     // null compression
	body = be16(body, len(ext))
	body = append(body, ext...)
	hs := []byte{0x01, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{0x16, 0x03, 0x01}
	rec = be16(rec, len(hs))
	return append(rec, hs...)
}

func main() {
	f, err := os.Create("demo.pcap")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	pw := pcapgo.NewWriter(f)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		log.Fatal(err)
	}
	w := &writer{w: pw, ts: start}

	// 1. DNS lookup of a dynamic-DNS name.
	q, r := dnsQuery(0x1a2b, "c2-panel.duckdns.org", webServer)
	udp(w, client, resolver, 53001, 53, q, true)
	udp(w, resolver, client, 53, 53001, r, false)

	// 2. HTTP download of an executable with a scripted user agent.
	h := &tcpConn{w: w, cip: client, sip: webServer, cport: 49152, sport: 80, cseq: 1000, sseq: 5000}
	h.open()
	h.pkt(true, "PA", []byte("GET /download/invoice.exe?id=4711 HTTP/1.1\r\n"+
		"Host: updates.c2-panel.duckdns.org\r\n"+
		"User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; VigilDemoBot)\r\n"+
		"Accept: */*\r\n\r\n"))
	body := "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffThis program cannot be run in DOS mode.\r\n"
	h.pkt(false, "A", nil)
	h.pkt(false, "PA", []byte("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/octet-stream\r\n"+
		"Content-Length: 55\r\n\r\n"+body))
	h.pkt(true, "A", nil)
	h.close()

	// 3. TLS to a suspicious SNI.
	t := &tcpConn{w: w, cip: client, sip: tlsServer, cport: 49153, sport: 443, cseq: 7000, sseq: 9000}
	t.open()
	t.pkt(true, "PA", clientHello("login.micros0ft-verify.example"))
	t.pkt(false, "A", nil)
	t.close()

	// 4. SSH from a scripted client library.
	s := &tcpConn{w: w, cip: client, sip: sshServer, cport: 49154, sport: 22, cseq: 11000, sseq: 13000}
	s.open()
	s.pkt(false, "PA", []byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))
	s.pkt(true, "PA", []byte("SSH-2.0-libssh2_1.4.3\r\n"))
	s.pkt(false, "A", nil)
	s.close()

	// 5. A ping sweep probe.
	eth := &layers.Ethernet{SrcMAC: clientMAC, DstMAC: routerMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: client, DstIP: sshServer}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 77, Seq: 1}
	w.emit(eth, ip, icmp, gopacket.Payload([]byte("VIGIL-DEMO-PING-0123456789")))
}
