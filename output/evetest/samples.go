package evetest

import (
	"net/netip"
	"time"

	"vigil/output/eve"
)

// Sample is a named example record of one kind, for golden tests,
// benchmarks and validation of the encoder.
type Sample struct {
	Name   string
	Record *eve.Record
}

// T0 is the packet time the samples use: 2026-11-21T23:46:43.123456Z.
var T0 = time.Date(2026, 11, 21, 23, 46, 43, 123456789, time.UTC)

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// AlertHTTP returns a typical HTTP alert with rule metadata, the HTTP
// transaction, the flow and the payload.
func AlertHTTP() *eve.Record {
	return &eve.Record{
		Type: eve.EventAlert,
		Header: eve.Header{
			Time: T0, FlowID: 1234567890123456, PcapCnt: 5, InIface: "eth0",
			SrcIP: ip("10.0.0.1"), SrcPort: 80, DestIP: ip("10.0.0.2"), DestPort: 49152,
			Ports: true, Proto: 6, IPVersion: 4, PktSrc: "wire/pcap", Flowbits: []string{"ET.http.seen"},
			CommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", HasTxID: true, TxID: 0,
		},
		Alert: eve.Alert{
			Action: "allowed", GID: 1, SignatureID: 2000001, Rev: 3,
			Signature: "ET POLICY \"quoted\" \\ test", Category: "Potentially Bad Traffic", Severity: 2,
			References: []string{"url,example.com/ref"},
			Metadata: []eve.MetaKV{
				{Key: "created_at", Values: []string{"2010_07_30"}},
				{Key: "signature_severity", Values: []string{"Major", "Minor"}},
			},
		},
		HTTP: &eve.HTTP{
			Hostname: []byte("example.com"), URL: []byte("/index.html?q=\x01\xff"),
			UserAgent: []byte("curl/8.5.0"), ContentType: []byte("text/html"),
			Method: []byte("GET"), Protocol: []byte("HTTP/1.1"), Status: 200, Length: 1256,
		},
		AppProto: eve.AppProto{Proto: "http"},
		Dir:      eve.ToClient,
		LogFlow:  true,
		Flow: eve.Flow{
			Counts: eve.Counts{PktsToServer: 4, PktsToClient: 3, BytesToServer: 300, BytesToClient: 1800},
			Start:  T0.Add(-30 * time.Millisecond),
		},
		Payload:  []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>\x00</html>"),
		Stream:   true,
		Packet:   []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 0, 0x45, 0},
		LinkType: 1,
	}
}

// Samples returns one or more records of every kind the encoder writes.
func Samples() []Sample {
	alertICMP := &eve.Record{
		Type: eve.EventAlert,
		Header: eve.Header{
			Time: T0, FlowID: 42, PcapCnt: 9, VLAN: [3]uint16{10, 20}, VLANCount: 2,
			SrcIP: ip("2001:db8::1"), DestIP: ip("2001:db8::2"), Proto: 58, IPVersion: 6,
			ICMP: true, ICMPType: 128, PktSrc: "wire/pcap",
		},
		Alert: eve.Alert{
			Action: "blocked", GID: 1, SignatureID: 10, Rev: 1, Signature: "ICMPv6 echo",
			Category: "", Severity: 3, HasTarget: true,
			Source: eve.Endpoint{IP: ip("2001:db8::1")}, Target: eve.Endpoint{IP: ip("2001:db8::2")},
		},
		Dir:     eve.ToServer,
		LogFlow: true,
		Flow:    eve.Flow{Counts: eve.Counts{PktsToServer: 1, BytesToServer: 104}, Start: T0},
	}
	alertDNS := &eve.Record{
		Type: eve.EventAlert,
		Header: eve.Header{
			Time: T0, FlowID: 77, PcapCnt: 2, SrcIP: ip("192.168.1.10"), SrcPort: 53000,
			DestIP: ip("192.168.1.1"), DestPort: 53, Ports: true, Proto: 17, IPVersion: 4,
			PktSrc: "wire/pcap", HasTxID: true, TxID: 1,
		},
		Alert: eve.Alert{Action: "allowed", GID: 1, SignatureID: 3, Rev: 2, Signature: "DNS query",
			Category: "Misc activity", Severity: 3},
		DNS: &eve.DNS{TxID: 1, ID: 4660, Flags: 0x0100,
			Queries: []eve.DNSQuery{{RRName: []byte("example.com"), RRType: 1}}},
		AppProto: eve.AppProto{Proto: "dns"},
		Dir:      eve.ToServer,
		LogFlow:  true,
		Flow:     eve.Flow{Counts: eve.Counts{PktsToServer: 1, BytesToServer: 71}, Start: T0},
		Payload:  []byte{0x12, 0x34, 1, 0, 0, 1},
	}
	flowTCP := &eve.Record{
		Type: eve.EventFlow,
		Header: eve.Header{
			Time: T0.Add(2 * time.Minute), FlowID: 1234567890123456, InIface: "eth0",
			SrcIP: ip("10.0.0.2"), SrcPort: 49152, DestIP: ip("10.0.0.1"), DestPort: 80,
			Ports: true, Proto: 6, IPVersion: 4, CommunityID: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
		},
		AppProto: eve.AppProto{Proto: "http"},
		Flow: eve.Flow{
			Counts: eve.Counts{PktsToServer: 6, PktsToClient: 5, BytesToServer: 520, BytesToClient: 2100},
			Start:  T0.Add(-30 * time.Millisecond), End: T0.Add(65 * time.Second),
			State: "closed", Reason: "timeout", Alerted: true, TxCnt: 1,
		},
		TCP: eve.TCPInfo{Flags: 0x1b, FlagsTS: 0x1b, FlagsTC: 0x1b, HasSession: true,
			State: "closed", TSMaxRegions: 1, TCMaxRegions: 1},
	}
	flowUDP := &eve.Record{
		Type: eve.EventFlow,
		Header: eve.Header{
			Time: T0.Add(time.Minute), FlowID: 77, SrcIP: ip("192.168.1.10"), SrcPort: 53000,
			DestIP: ip("192.168.1.1"), DestPort: 53, Ports: true, Proto: 17, IPVersion: 4,
		},
		AppProto: eve.AppProto{Proto: "dns"},
		Flow: eve.Flow{
			Counts: eve.Counts{PktsToServer: 1, PktsToClient: 1, BytesToServer: 71, BytesToClient: 87},
			Start:  T0, End: T0.Add(1500 * time.Millisecond), State: "established", Reason: "timeout",
		},
	}
	flowICMP := &eve.Record{
		Type: eve.EventFlow,
		Header: eve.Header{
			Time: T0.Add(time.Minute), FlowID: 5, SrcIP: ip("10.1.1.1"), DestIP: ip("10.1.1.2"),
			Proto: 1, IPVersion: 4, ICMP: true, ICMPType: 8,
		},
		Flow: eve.Flow{
			Counts: eve.Counts{PktsToServer: 2, PktsToClient: 2, BytesToServer: 196, BytesToClient: 196},
			Start:  T0, End: T0.Add(time.Second), State: "established", Reason: "shutdown",
			ResponseICMP: true,
		},
	}
	httpRec := &eve.Record{
		Type: eve.EventHTTP,
		Header: eve.Header{
			Time: T0, FlowID: 1234567890123456, PcapCnt: 6, SrcIP: ip("10.0.0.2"), SrcPort: 49152,
			DestIP: ip("10.0.0.1"), DestPort: 80, Ports: true, Proto: 6, IPVersion: 4,
			PktSrc: "wire/pcap", HasTxID: true,
		},
		HTTP: &eve.HTTP{
			Hostname: []byte("example.com"), Port: 8080, URL: []byte("/a?b=c"),
			UserAgent: []byte("Mozilla/5.0"), XFF: []byte("1.2.3.4"), ContentType: []byte("text/html"),
			Referer: []byte("http://example.com/"), Method: []byte("POST"), Protocol: []byte("HTTP/1.1"),
			Status: 302, Redirect: []byte("/login"), Length: 0,
		},
	}
	dnsResp := &eve.Record{
		Type: eve.EventDNS,
		Header: eve.Header{
			Time: T0, FlowID: 77, PcapCnt: 3, SrcIP: ip("192.168.1.10"), SrcPort: 53000,
			DestIP: ip("192.168.1.1"), DestPort: 53, Ports: true, Proto: 17, IPVersion: 4,
			PktSrc: "wire/pcap", HasTxID: true,
		},
		DNS: &eve.DNS{
			Response: true, ID: 4660, Flags: 0x8180,
			Queries: []eve.DNSQuery{{RRName: []byte("www.example.com"), RRType: 1}},
			Answers: []eve.DNSAnswer{
				{RRName: []byte("www.example.com"), RRType: 5, TTL: 300, RData: []byte("example.com")},
				{RRName: []byte("example.com"), RRType: 1, TTL: 300, RData: []byte{93, 184, 216, 34}},
				{RRName: []byte("example.com"), RRType: 1, TTL: 300, RData: []byte{93, 184, 216, 35}},
			},
			Detailed: true, Grouped: true,
			Authorities: []eve.DNSAnswer{
				{RRName: []byte("example.com"), RRType: 2, TTL: 3600, RData: []byte("a.iana-servers.net")},
			},
		},
	}
	dnsNX := &eve.Record{
		Type: eve.EventDNS,
		Header: eve.Header{
			Time: T0, FlowID: 78, PcapCnt: 4, SrcIP: ip("fe80::1"), SrcPort: 5353,
			DestIP: ip("fe80::2"), DestPort: 53, Ports: true, Proto: 17, IPVersion: 6,
			PktSrc: "wire/pcap", HasTxID: true, TxID: 2,
		},
		DNS: &eve.DNS{Response: true, TxID: 2, ID: 1, Flags: 0x8183,
			Queries: []eve.DNSQuery{{RRName: []byte("nx.example"), RRType: 28}}},
	}
	tlsRec := &eve.Record{
		Type: eve.EventTLS,
		Header: eve.Header{
			Time: T0, FlowID: 99, PcapCnt: 12, SrcIP: ip("10.0.0.5"), SrcPort: 50000,
			DestIP: ip("93.184.216.34"), DestPort: 443, Ports: true, Proto: 6, IPVersion: 4,
			PktSrc: "wire/pcap",
		},
		TLS: &eve.TLS{
			Subject: []byte("CN=example.com"), IssuerDN: []byte("C=US, O=DigiCert Inc, CN=DigiCert TLS RSA SHA256 2020 CA1"),
			Serial: []byte("0F:BE:08"), Fingerprint: []byte("f1:a2:b3"), SNI: []byte("example.com"),
			Version:   "TLS 1.2",
			NotBefore: time.Date(2025, 1, 30, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC),
			JA3:  eve.Hash{Hash: []byte("e7d705a3286e19ea42f587b344ee6865"), String: []byte("771,4865-4866,0-23,29,0")},
			JA3S: eve.Hash{Hash: []byte("f4febc55ea12b31ae17cfb7e614afda8"), String: []byte("771,49199,65281-0")},
			JA4:  []byte("t13d1516h2_8daaf6152771_02713d6af862"),
		},
	}
	sshRec := &eve.Record{
		Type: eve.EventSSH,
		Header: eve.Header{
			Time: T0, FlowID: 100, PcapCnt: 20, SrcIP: ip("10.0.0.7"), SrcPort: 40000,
			DestIP: ip("10.0.0.8"), DestPort: 22, Ports: true, Proto: 6, IPVersion: 4,
			PktSrc: "wire/pcap", HasTxID: true,
		},
		SSH: &eve.SSH{
			Client: eve.SSHHost{ProtoVersion: []byte("2.0"), SoftwareVersion: []byte("OpenSSH_9.6"),
				Hassh: eve.Hash{Hash: []byte("ec7378c1a92f5a8dde7e8b7a1ddf33d1"), String: []byte("curve25519-sha256")}},
			Server: eve.SSHHost{ProtoVersion: []byte("2.0"), SoftwareVersion: []byte("OpenSSH_8.9p1")},
		},
	}
	anomalyDecode := &eve.Record{
		Type: eve.EventAnomaly,
		Header: eve.Header{
			Time: T0, PcapCnt: 30, SrcIP: ip("10.9.9.9"), SrcPort: 0, DestIP: ip("10.9.9.10"),
			DestPort: 0, Ports: true, Proto: 17, IPVersion: 4, PktSrc: "wire/pcap",
		},
		Anomaly: eve.Anomaly{Type: "decode", Event: "decoder.udp.pkt_too_small"},
	}
	anomalyApp := &eve.Record{
		Type: eve.EventAnomaly,
		Header: eve.Header{
			Time: T0, FlowID: 1234567890123456, PcapCnt: 31, SrcIP: ip("10.0.0.2"), SrcPort: 49152,
			DestIP: ip("10.0.0.1"), DestPort: 80, Ports: true, Proto: 6, IPVersion: 4,
			PktSrc: "wire/pcap", HasTxID: true, TxID: 1,
		},
		Anomaly: eve.Anomaly{AppProto: "http", Type: "applayer", Event: "REQUEST_HEADER_REPETITION", Layer: "proto_parser"},
	}
	// A score crossing (Vigil's own alert) and a flow carrying its score.
	alertScore := &eve.Record{
		Type: eve.EventAlert,
		Header: eve.Header{
			Time: T0, FlowID: 1234567890123456, PcapCnt: 40, SrcIP: ip("203.0.113.9"), SrcPort: 40000,
			DestIP: ip("10.0.0.1"), DestPort: 80, Ports: true, Proto: 6, IPVersion: 4, PktSrc: "wire/pcap",
		},
		Alert: eve.Alert{Action: "allowed", GID: 1, SignatureID: 9000001, Rev: 1,
			Signature: "VIGIL SCORE attacker threshold exceeded", Category: "Score Threshold Exceeded", Severity: 1,
			Score: &eve.ScoreContext{Scope: "attacker", Addr: ip("203.0.113.9"), Score: 153.333333, Threshold: 150,
				Contributors: []eve.ScoreContributor{{GID: 1, SID: 2010935, Rev: 3, Points: 100}, {GID: 1, SID: 2024897, Rev: 2, Points: 53.333333}},
				TCPHandshake: true, Verdict: "none"}},
		Dir: eve.ToServer,
	}
	flowScored := &eve.Record{
		Type: eve.EventFlow,
		Header: eve.Header{
			Time: T0.Add(time.Minute), FlowID: 1234567890123456, SrcIP: ip("203.0.113.9"), SrcPort: 40000,
			DestIP: ip("10.0.0.1"), DestPort: 80, Ports: true, Proto: 17, IPVersion: 4,
			Flowbits: []string{"seen"}, Flowints: []eve.FlowInt{{Name: "vigil.score", Value: 130}, {Name: "hits", Value: 3}},
		},
		Flow: eve.Flow{
			Counts: eve.Counts{PktsToServer: 3, PktsToClient: 1, BytesToServer: 300, BytesToClient: 80},
			Start:  T0, End: T0.Add(time.Second), State: "established", Reason: "timeout", Alerted: true,
		},
	}
	return []Sample{
		{"alert-http", AlertHTTP()},
		{"alert-icmpv6-vlan-target", alertICMP},
		{"alert-dns", alertDNS},
		{"flow-tcp", flowTCP},
		{"flow-udp", flowUDP},
		{"flow-icmp", flowICMP},
		{"http", httpRec},
		{"dns-response", dnsResp},
		{"dns-nxdomain", dnsNX},
		{"tls", tlsRec},
		{"ssh", sshRec},
		{"anomaly-decode", anomalyDecode},
		{"anomaly-applayer", anomalyApp},
		{"alert-score", alertScore},
		{"flow-flowints", flowScored},
	}
}

// SampleStats returns a small stats record's counters in Suricata's layout.
func SampleStats() *eve.Stats {
	var s eve.Stats
	for _, c := range []struct {
		name string
		v    uint64
	}{
		{"uptime", 120},
		{"capture.kernel_packets", 1000},
		{"capture.kernel_drops", 2},
		{"decoder.pkts", 998},
		{"decoder.bytes", 512345},
		{"decoder.ipv4", 990},
		{"decoder.ipv6", 8},
		{"decoder.ethernet", 998},
		{"decoder.tcp", 900},
		{"decoder.udp", 90},
		{"decoder.icmpv4", 8},
		{"flow.total", 40},
		{"flow.tcp", 30},
		{"flow.udp", 10},
		{"tcp.sessions", 30},
		{"tcp.syn", 31},
		{"detect.alert", 3},
		{"app_layer.flow.http", 12},
		{"app_layer.flow.dns_udp", 10},
		{"app_layer.tx.http", 14},
	} {
		s.Add(c.name, c.v)
	}
	return &s
}
