package applayer

import (
	"testing"

	"vigil/detect/bufid"
)

type step struct {
	dir  Direction
	data string
}

func TestDetect(t *testing.T) {
	reg := NewRegistry(64, DefaultEntries()...)
	dnsAnswer := "\x12\x34\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01"
	dnsQuery := "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01"
	tests := []struct {
		name   string
		t      Transport
		sp, dp uint16
		steps  []step
		want   Proto
	}{
		{"http on odd port", TCP, 40000, 9999, []step{{ToServer, "GET / HTTP/1.1\r\n"}}, bufid.ProtoHTTP},
		{"http split method", TCP, 40000, 80, []step{{ToServer, "PO"}, {ToServer, "ST /x HTTP/1.0\r\n"}}, bufid.ProtoHTTP},
		{"http lower-case", TCP, 1, 2, []step{{ToServer, "get / HTTP/1.0\r\n"}}, bufid.ProtoHTTP},
		{"http response first", TCP, 1, 2, []step{{ToClient, "HTTP/1.1 200 OK\r\n"}}, bufid.ProtoHTTP},
		{"tls client hello on 80", TCP, 1, 80, []step{{ToServer, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}}, bufid.ProtoTLS},
		{"tls header split", TCP, 1, 443, []step{{ToServer, "\x16\x03"}, {ToServer, "\x01\x02\x00\x01"}}, bufid.ProtoTLS},
		// Suricata's TLS patterns are the record header: an SSLv3
		// handshake record whose length is 0 is TLS too.
		{"ssl3 record header", TCP, 1, 8001, []step{{ToServer, "\x16\x03\x00\x00\x00\x00"}}, bufid.ProtoTLS},
		{"ssh", TCP, 1, 2222, []step{{ToClient, "SSH-2.0-OpenSSH_9\r\n"}}, bufid.ProtoSSH},
		{"dns udp", UDP, 5000, 53, []step{{ToServer, dnsQuery}}, bufid.ProtoDNS},
		{"dns udp needs port", UDP, 5000, 5001, []step{{ToServer, dnsQuery}}, bufid.ProtoFailed},
		// Suricata: a UDP flow whose first datagram fails is decided by
		// the other direction's first one (a DNS answer to junk).
		{"dns udp junk then answer", UDP, 5000, 53, []step{{ToServer, "\x30\x29junk"}, {ToClient, dnsAnswer}}, bufid.ProtoDNS},
		{"udp junk both ways", UDP, 5000, 53, []step{{ToServer, "\x30\x29junk"}, {ToClient, "junk"}}, bufid.ProtoFailed},
		{"dns tcp", TCP, 5000, 53, []step{{ToServer, "\x00\x21" + dnsQuery}}, bufid.ProtoDNS},
		{"smtp banner on 25", TCP, 5000, 25, []step{{ToClient, "220 mail ESMTP\r\n"}}, bufid.ProtoSMTP},
		{"ftp banner on 21", TCP, 5000, 21, []step{{ToClient, "220 ProFTPD\r\n"}}, bufid.ProtoFTP},
		{"banner elsewhere undecided", TCP, 5000, 2121, []step{{ToClient, "220 ProFTPD\r\n"}}, bufid.ProtoUnknown},
		{"ftp commands on any port", TCP, 36296, 8884, []step{{ToClient, "220 NzmxFtpd 0wns j0\r\n"}, {ToServer, "USER 1\r\n"}}, bufid.ProtoFTP},
		{"ftp command first on any port", TCP, 5000, 2121, []step{{ToServer, "PASS x\r\n"}}, bufid.ProtoFTP},
		{"smtp bare ehlo on 25", TCP, 5000, 25, []step{{ToServer, "EHLO\n"}}, bufid.ProtoSMTP},
		{"smtp quit on 25", TCP, 5000, 25, []step{{ToServer, "quit\r\n"}}, bufid.ProtoSMTP},
		// Suricata 8 detects SMTP by EHLO and HELO on any port.
		{"smtp greeting and ehlo elsewhere", TCP, 5000, 2525, []step{{ToClient, "220 mx\r\n"}, {ToServer, "EHLO a\r\n"}}, bufid.ProtoSMTP},
		{"garbage both ways fails", TCP, 1, 2, []step{{ToServer, "\x00\x01garbage"}, {ToClient, "zzzz"}}, bufid.ProtoFailed},
		{"one side garbage waits", TCP, 1, 2, []step{{ToServer, "\x00\x01garbage"}}, bufid.ProtoUnknown},
		{"prefix over limit fails", TCP, 1, 2, []step{{ToServer, "GE"}, {ToClient, string(make([]byte, 100))}}, bufid.ProtoUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Detection
			got := bufid.ProtoUnknown
			for _, s := range tc.steps {
				got = reg.Detect(&d, tc.t, s.dir, []byte(s.data), tc.sp, tc.dp)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDetectLimit(t *testing.T) {
	reg := NewRegistry(16, DefaultEntries()...)
	var d Detection
	// "GE" keeps HTTP pending; padding with a method prefix never resolves
	// but the limit ends it.
	reg.Detect(&d, TCP, ToClient, []byte("zzzz"), 1, 2)
	got := reg.Detect(&d, TCP, ToServer, []byte("G"), 1, 2)
	if got != bufid.ProtoUnknown {
		t.Fatalf("after G: %v", got)
	}
	got = reg.Detect(&d, TCP, ToServer, []byte("XXXXXXXXXXXXXXXXXXXXXXX"), 1, 2)
	if got != bufid.ProtoFailed {
		t.Errorf("got %v, want failed", got)
	}
}

func TestDetectAllocs(t *testing.T) {
	reg := NewRegistry(0, DefaultEntries()...)
	data := []byte("GET /index.html HTTP/1.1\r\n")
	var d Detection
	if n := testing.AllocsPerRun(100, func() {
		d.Reset()
		reg.Detect(&d, TCP, ToServer, data, 1000, 80)
	}); n != 0 {
		t.Errorf("Detect allocates %v", n)
	}
}

func TestDetectReversed(t *testing.T) {
	reg := NewRegistry(0, DefaultEntries()...)
	query := "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01"
	answer := "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03www\x07example\x03com\x00\x00\x01\x00\x01" +
		"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x01\x02\x03\x04"
	tests := []struct {
		name   string
		data   string
		sp, dp uint16
		want   Proto
	}{
		{"answer from 53", answer, 53, 40000, bufid.ProtoDNS},
		{"query from 53 is no response", query, 53, 40000, bufid.ProtoUnknown},
		{"answer to 53", answer, 40000, 53, bufid.ProtoDNS},
		{"answer on other ports", answer, 6000, 40000, bufid.ProtoUnknown},
		{"junk from 53", "\x30\x40\x02\x01\x03", 53, 40000, bufid.ProtoUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Detection
			got := reg.DetectReversed(&d, UDP, []byte(tc.data), tc.sp, tc.dp)
			if got != tc.want {
				t.Fatalf("DetectReversed = %v; want %v", got, tc.want)
			}
			if got != bufid.ProtoUnknown && (d.Proto() != got || d.DirProto(ToClient) != got || d.DirProto(ToServer) != bufid.ProtoUnknown) {
				t.Errorf("state proto=%v tc=%v ts=%v", d.Proto(), d.DirProto(ToClient), d.DirProto(ToServer))
			}
			if got == bufid.ProtoUnknown && d.Proto() != bufid.ProtoUnknown {
				t.Errorf("no match changed the flow's protocol to %v", d.Proto())
			}
		})
	}
}
