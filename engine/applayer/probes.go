package applayer

import "vigil/detect/bufid"

// Content probes for the protocols Vigil detects. They are pure functions
// of the first bytes of a direction and allocate nothing.

// httpMethods are the request methods the HTTP probe accepts (with a
// following space), matched case-insensitively like Suricata's HTTP
// detection patterns.
var httpMethods = []string{
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE",
	"PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK",
	"UNLOCK", "SEARCH", "CHECKOUT", "REPORT", "MERGE", "MKACTIVITY",
	"SUBSCRIBE", "UNSUBSCRIBE", "NOTIFY", "M-SEARCH", "POLL", "BCOPY",
	"BDELETE", "BMOVE", "BPROPFIND", "BPROPPATCH", "LABEL", "UPDATE",
	"VERSION-CONTROL", "MKWORKSPACE", "BASELINE-CONTROL", "ACL",
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// prefixFold compares data with the pattern p case-insensitively: match if
// data starts with p, need-more if data is a proper prefix of p.
func prefixFold(data []byte, p string) ProbeResult {
	n := len(p)
	if len(data) < n {
		n = len(data)
	}
	for i := 0; i < n; i++ {
		if lower(data[i]) != lower(p[i]) {
			return ProbeNoMatch
		}
	}
	if n < len(p) {
		return ProbeNeedMore
	}
	return ProbeMatch
}

// ProbeHTTPRequest matches a request line start: a known method followed by
// a space or tab.
func ProbeHTTPRequest(data []byte) ProbeResult {
	res := ProbeNoMatch
	for _, m := range httpMethods {
		switch prefixFold(data, m) {
		case ProbeNeedMore:
			res = ProbeNeedMore
		case ProbeMatch:
			if len(data) == len(m) {
				res = ProbeNeedMore
				continue
			}
			if c := data[len(m)]; c == ' ' || c == '\t' {
				return ProbeMatch
			}
		}
	}
	return res
}

// ProbeHTTPResponse matches a status line start "HTTP/1.".
func ProbeHTTPResponse(data []byte) ProbeResult { return prefixFold(data, "HTTP/1.") }

// ProbeTLS matches a TLS record carrying a handshake (0x16 0x03 0x00-0x04,
// then a ClientHello or ServerHello), or an SSLv2-framed ClientHello. A
// handshake record header of SSLv3 to TLS 1.2 (0x16 0x03 0x00-0x03) is
// enough, as Suricata's detection patterns for TLS are those three bytes.
func ProbeTLS(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	if len(data) >= 3 && data[0] == 0x16 && data[1] == 3 && data[2] <= 3 {
		return ProbeMatch
	}
	if data[0] == 0x16 {
		if len(data) < 6 {
			if len(data) >= 2 && data[1] != 3 {
				return ProbeNoMatch
			}
			if len(data) >= 3 && data[2] > 4 {
				return ProbeNoMatch
			}
			return ProbeNeedMore
		}
		if data[1] != 3 || data[2] > 4 {
			return ProbeNoMatch
		}
		if l := int(data[3])<<8 | int(data[4]); l == 0 || l > 16384+2048 {
			return ProbeNoMatch
		}
		if data[5] == 1 || data[5] == 2 {
			return ProbeMatch
		}
		return ProbeNoMatch
	}
	// SSLv2 record: 2-byte length with the high bit set, msg type 1
	// (CLIENT-HELLO), version 0x0002 or 0x03xx.
	if data[0]&0x80 != 0 {
		if len(data) < 5 {
			return ProbeNeedMore
		}
		if data[2] == 1 && ((data[3] == 0 && data[4] == 2) || (data[3] == 3 && data[4] <= 3)) {
			return ProbeMatch
		}
	}
	return ProbeNoMatch
}

// ProbeTLSServer is the to-client probe: a ServerHello (or an SSLv2
// SERVER-HELLO, type 4) record.
func ProbeTLSServer(data []byte) ProbeResult {
	if len(data) > 0 && data[0]&0x80 != 0 && data[0] != 0x80|0x16 {
		if len(data) < 3 {
			return ProbeNeedMore
		}
		if data[2] == 4 {
			return ProbeMatch
		}
		return ProbeNoMatch
	}
	return ProbeTLS(data)
}

// ProbeSSH matches an identification string "SSH-".
func ProbeSSH(data []byte) ProbeResult { return prefixFold(data, "SSH-") }

// dnsHeaderSane checks a DNS header and that the first question's name is
// well formed. toServer requires QR=0.
func dnsHeaderSane(msg []byte, toServer bool) ProbeResult {
	if len(msg) < 12 {
		return ProbeNeedMore
	}
	flags := uint16(msg[2])<<8 | uint16(msg[3])
	qr := flags&0x8000 != 0
	opcode := (flags >> 11) & 0xf
	if toServer && qr {
		return ProbeNoMatch
	}
	if opcode > 6 || opcode == 3 {
		return ProbeNoMatch
	}
	qd := int(msg[4])<<8 | int(msg[5])
	an := int(msg[6])<<8 | int(msg[7])
	if qd == 0 && an == 0 && opcode != 4 {
		// Most messages carry a question; NOTIFY aside.
		if !qr {
			return ProbeNoMatch
		}
	}
	if qd > 64 {
		return ProbeNoMatch
	}
	if qd > 0 {
		// Walk the first name (labels or a pointer).
		off := 12
		for n := 0; ; n++ {
			if off >= len(msg) {
				return ProbeNeedMore
			}
			l := int(msg[off])
			if l == 0 {
				off++
				break
			}
			if l&0xc0 == 0xc0 {
				off += 2
				break
			}
			if l&0xc0 != 0 || n > 127 {
				return ProbeNoMatch
			}
			off += 1 + l
		}
		if off+4 > len(msg) {
			return ProbeNeedMore
		}
	}
	return ProbeMatch
}

// ProbeDNSUDPRequest checks a DNS query datagram.
func ProbeDNSUDPRequest(data []byte) ProbeResult {
	if r := dnsHeaderSane(data, true); r != ProbeNeedMore {
		return r
	}
	return ProbeNoMatch // a datagram is complete: too short is no match
}

// ProbeDNSUDPResponse checks a DNS response datagram.
func ProbeDNSUDPResponse(data []byte) ProbeResult {
	if r := dnsHeaderSane(data, false); r != ProbeNeedMore {
		return r
	}
	return ProbeNoMatch
}

func probeDNSTCP(data []byte, toServer bool) ProbeResult {
	if len(data) < 2 {
		return ProbeNeedMore
	}
	l := int(data[0])<<8 | int(data[1])
	if l < 12 {
		return ProbeNoMatch
	}
	msg := data[2:]
	if len(msg) > l {
		msg = msg[:l]
	}
	r := dnsHeaderSane(msg, toServer)
	if r == ProbeNeedMore && len(msg) == l {
		return ProbeNoMatch
	}
	return r
}

// ProbeDNSTCPRequest checks a length-prefixed DNS query.
func ProbeDNSTCPRequest(data []byte) ProbeResult { return probeDNSTCP(data, true) }

// ProbeDNSTCPResponse checks a length-prefixed DNS response.
func ProbeDNSTCPResponse(data []byte) ProbeResult { return probeDNSTCP(data, false) }

// probeReply matches a server greeting "220" followed by ' ' or '-'.
func probeReply(data []byte) ProbeResult {
	if r := prefixFold(data, "220"); r != ProbeMatch {
		return r
	}
	if len(data) < 4 {
		return ProbeNeedMore
	}
	if data[3] == ' ' || data[3] == '-' {
		return ProbeMatch
	}
	return ProbeNoMatch
}

func probeCommands(data []byte, cmds []string) ProbeResult {
	res := ProbeNoMatch
	for _, c := range cmds {
		switch prefixFold(data, c) {
		case ProbeMatch:
			return ProbeMatch
		case ProbeNeedMore:
			res = ProbeNeedMore
		}
	}
	return res
}

var ftpCommands = []string{"USER ", "PASS ", "AUTH TLS", "AUTH SSL", "FEAT", "PORT ", "PASV", "SYST"}

// smtpCommands are Suricata's SMTP to-server patterns: the command word
// alone, ignoring case, whatever follows it ("EHLO\n" too).
var smtpCommands = []string{"EHLO", "HELO", "QUIT"}

// ProbeFTPRequest matches common first FTP commands.
func ProbeFTPRequest(data []byte) ProbeResult { return probeCommands(data, ftpCommands) }

// ProbeFTPBanner matches the "220" greeting; the FTP entry requires its
// ports because SMTP greets the same way.
func ProbeFTPBanner(data []byte) ProbeResult { return probeReply(data) }

// ProbeSMTPRequest matches EHLO, HELO and QUIT.
func ProbeSMTPRequest(data []byte) ProbeResult { return probeCommands(data, smtpCommands) }

// ProbeSMTPHello matches EHLO and HELO, which Suricata 8 detects SMTP by
// on any port (QUIT, which FTP shares, only on SMTP's ports).
func ProbeSMTPHello(data []byte) ProbeResult { return probeCommands(data, smtpCommands[:2]) }

// ProbeSMTPBanner matches the "220" greeting (port-required entry).
func ProbeSMTPBanner(data []byte) ProbeResult { return probeReply(data) }

// DefaultEntries returns the detection table without parsers (New is nil):
// package applayer/all adds the parsers. Order matters: strong content
// probes first.
func DefaultEntries() []Entry {
	return []Entry{
		{Proto: bufid.ProtoHTTP, Transport: TCP, Ports: []uint16{80, 8080, 8000, 3128}, ToServer: ProbeHTTPRequest, ToClient: ProbeHTTPResponse},
		// HTTP/2: the client preface on any port; a server's first SETTINGS
		// frame only on port 80 (probes_http2.go).
		{Proto: bufid.ProtoHTTP2, Transport: TCP, ToServer: ProbeHTTP2Preface},
		{Proto: bufid.ProtoHTTP2, Transport: TCP, Ports: []uint16{80}, PortRequired: true, ToClient: ProbeHTTP2Settings},
		{Proto: bufid.ProtoTLS, Transport: TCP, Ports: []uint16{443, 465, 993, 995, 8443}, ToServer: ProbeTLS, ToClient: ProbeTLSServer},
		{Proto: bufid.ProtoSSH, Transport: TCP, Ports: []uint16{22}, ToServer: ProbeSSH, ToClient: ProbeSSH},
		{Proto: bufid.ProtoSIP, Transport: TCP | UDP, Ports: []uint16{5060}, ToServer: ProbeSIPRequest, ToClient: ProbeSIPResponse},
		{Proto: bufid.ProtoDNS, Transport: UDP, Ports: []uint16{53, 5353}, PortRequired: true, ToServer: ProbeDNSUDPRequest, ToClient: ProbeDNSUDPResponse},
		{Proto: bufid.ProtoDNS, Transport: TCP, Ports: []uint16{53}, PortRequired: true, ToServer: ProbeDNSTCPRequest, ToClient: ProbeDNSTCPResponse},
		// FTP: the client's commands on any port (Suricata's to-server
		// patterns; attackers' FTP servers rarely listen on 21); the "220"
		// banner, which SMTP shares, only on port 21.
		{Proto: bufid.ProtoFTP, Transport: TCP, Ports: []uint16{21}, ToServer: ProbeFTPRequest},
		{Proto: bufid.ProtoFTP, Transport: TCP, Ports: []uint16{21}, PortRequired: true, ToClient: ProbeFTPBanner},
		// SMTP: the "220" banner (and QUIT) only on Suricata 8's server
		// ports 25 and 465 (smtps clients send their TLS hello first, so a
		// banner there is SMTP); EHLO and HELO on any port.
		{Proto: bufid.ProtoSMTP, Transport: TCP, Ports: []uint16{25, 465}, PortRequired: true, ToServer: ProbeSMTPRequest, ToClient: ProbeSMTPBanner},
		{Proto: bufid.ProtoSMTP, Transport: TCP, Ports: []uint16{25, 587}, ToServer: ProbeSMTPHello},
		{Proto: bufid.ProtoSMB, Transport: TCP, Ports: []uint16{139, 445}, ToServer: ProbeSMB, ToClient: ProbeSMB},
		{Proto: bufid.ProtoDCERPC, Transport: TCP, Ports: []uint16{135}, ToServer: ProbeDCERPC, ToClient: ProbeDCERPC},
		// Connectionless DCERPC: Suricata's detection ports are all ports.
		{Proto: bufid.ProtoDCERPC, Transport: UDP, Ports: []uint16{135}, AllPorts: true, ToServer: ProbeDCERPCUDP, ToClient: ProbeDCERPCUDP},
		{Proto: bufid.ProtoMQTT, Transport: TCP, Ports: []uint16{1883}, ToServer: ProbeMQTTConnect},
		{Proto: bufid.ProtoRFB, Transport: TCP, Ports: []uint16{5900, 5901, 5902, 5903, 5904, 5905, 5906, 5907, 5908, 5909}, ToServer: ProbeRFB, ToClient: ProbeRFB},
		{Proto: bufid.ProtoSNMP, Transport: UDP, Ports: []uint16{161, 162}, PortRequired: true, ToServer: ProbeSNMP, ToClient: ProbeSNMP},
		// QUIC: any header that parses, on Suricata's ports 443 and 80
		// (probes_ike.go).
		{Proto: bufid.ProtoQUIC, Transport: UDP, Ports: []uint16{443, 80}, PortRequired: true, ToServer: ProbeQUIC, ToClient: ProbeQUIC},
		// IKE: an ISAKMP header Suricata accepts, on port 500 (probes_ike.go).
		{Proto: bufid.ProtoIKE, Transport: UDP, Ports: []uint16{500}, PortRequired: true, ToServer: ProbeIKE, ToClient: ProbeIKE},
		{Proto: bufid.ProtoKRB5, Transport: UDP, Ports: []uint16{88}, PortRequired: true, ToServer: ProbeKRB5UDP, ToClient: ProbeKRB5UDP},
		// WebSocket has no probe: HTTP hands a flow over after a 101
		// (Handover); the entry carries its parser.
		{Proto: bufid.ProtoWebSocket, Transport: TCP},
		{Proto: bufid.ProtoKRB5, Transport: TCP, Ports: []uint16{88}, PortRequired: true, ToServer: ProbeKRB5TCP, ToClient: ProbeKRB5TCP},
		{Proto: bufid.ProtoLDAP, Transport: TCP, Ports: []uint16{389, 3268}, PortRequired: true, ToServer: ProbeLDAPTCP, ToClient: ProbeLDAPTCP},
		{Proto: bufid.ProtoDNP3, Transport: TCP, Ports: []uint16{20000}, PortRequired: true, ToServer: ProbeDNP3, ToClient: ProbeDNP3},
		{Proto: bufid.ProtoDHCP, Transport: UDP, Ports: []uint16{67, 68}, PortRequired: true, ToServer: ProbeDHCP, ToClient: ProbeDHCP},
		{Proto: bufid.ProtoModbus, Transport: TCP, Ports: []uint16{502}, PortRequired: true, ToServer: ProbeModbus, ToClient: ProbeModbus},
		{Proto: bufid.ProtoENIP, Transport: TCP, Ports: []uint16{44818}, PortRequired: true, ToServer: ProbeENIPTCP, ToClient: ProbeENIPTCP},
		{Proto: bufid.ProtoENIP, Transport: UDP, Ports: []uint16{44818}, PortRequired: true, ToServer: ProbeENIPUDP, ToClient: ProbeENIPUDP},
		{Proto: bufid.ProtoLDAP, Transport: UDP, Ports: []uint16{389, 3268}, PortRequired: true, ToServer: ProbeLDAPUDP, ToClient: ProbeLDAPUDP},
		{Proto: bufid.ProtoNTP, Transport: UDP, Ports: []uint16{123}, PortRequired: true, ToServer: ProbeNTP, ToClient: ProbeNTP},
		{Proto: bufid.ProtoTFTP, Transport: UDP, Ports: []uint16{69}, PortRequired: true, ToServer: ProbeTFTP},
		// IMAP: Suricata's patterns on any port, detection only.
		{Proto: bufid.ProtoIMAP, Transport: TCP, Ports: []uint16{143}, ToServer: ProbeIMAPRequest, ToClient: ProbeIMAPResponse},
		{Proto: bufid.ProtoPOP3, Transport: TCP, Ports: []uint16{110}, PortRequired: true, ToServer: ProbePOP3Request, ToClient: ProbePOP3Response},
		{Proto: bufid.ProtoPgSQL, Transport: TCP, Ports: []uint16{5432}, PortRequired: true, ToServer: ProbePgSQLRequest, ToClient: ProbePgSQLResponse},
		// Services only Snort 3 rules name (service:irc, service:sunrpc),
		// last: they never decide a flow's protocol (ServiceOnly).
		{Proto: bufid.ProtoIRC, Transport: TCP, Ports: []uint16{6667}, ServiceOnly: true, ToServer: ProbeIRCClient, ToClient: ProbeIRCServer},
		{Proto: bufid.ProtoSunRPC, Transport: TCP, Ports: []uint16{111}, ServiceOnly: true, ToServer: ProbeRPCCallTCP, ToClient: ProbeRPCReplyTCP},
		{Proto: bufid.ProtoSunRPC, Transport: UDP, Ports: []uint16{111}, ServiceOnly: true, ToServer: ProbeRPCCallUDP, ToClient: ProbeRPCReplyUDP},
	}
}
