package applayer

import (
	"strings"
	"testing"

	"vigil/detect/bufid"
)

func TestProbeIRC(t *testing.T) {
	for _, c := range []struct {
		name           string
		in             string
		client, server ProbeResult
	}{
		{"nick", "NICK bot123\r\nUSER a b c :d\r\n", ProbeMatch, ProbeNoMatch},
		{"join lf only", "JOIN #biz abc\n", ProbeMatch, ProbeNoMatch},
		{"lower-case command", "nick x\r\n", ProbeMatch, ProbeNoMatch},
		{"partial line", "NICK bo", ProbeNeedMore, ProbeNoMatch},
		{"partial server line", ":irc.ex", ProbeNoMatch, ProbeNeedMore},
		{"partial ping", "PIN", ProbeNeedMore, ProbeNeedMore},
		{"partial word", "zzzz", ProbeNoMatch, ProbeNoMatch},
		{"partial non-irc word", "GET / HT", ProbeNoMatch, ProbeNoMatch},
		{"command without parameters", "NICK\r\n", ProbeNoMatch, ProbeNoMatch},
		{"welcome", ":irc.example.net 001 bot :Welcome\r\n", ProbeNoMatch, ProbeMatch},
		{"server notice", ":irc.example.net NOTICE * :*** Looking up your hostname\r\n", ProbeNoMatch, ProbeMatch},
		{"unprefixed notice", "NOTICE AUTH :*** hello\r\n", ProbeMatch, ProbeMatch},
		{"ping", "PING :12345\r\n", ProbeMatch, ProbeMatch},
		{"prefix without command", ":irc.example.net\r\n", ProbeNoMatch, ProbeNoMatch},
		{"bad numeric", ":x 1a1 y\r\n", ProbeNoMatch, ProbeNoMatch},
		{"binary", "NICK \x00\x01\r\n", ProbeNoMatch, ProbeNoMatch},
		{"http", "GET / HTTP/1.1\r\n", ProbeNoMatch, ProbeNoMatch},
		{"over-long line", "NICK " + strings.Repeat("a", 600) + "\r\n", ProbeNoMatch, ProbeNoMatch},
	} {
		if got := ProbeIRCClient([]byte(c.in)); got != c.client {
			t.Errorf("%s: client %v, want %v", c.name, got, c.client)
		}
		if got := ProbeIRCServer([]byte(c.in)); got != c.server {
			t.Errorf("%s: server %v, want %v", c.name, got, c.server)
		}
	}
}

// TestDetectServiceOnly: a ServiceOnly entry records its service and
// leaves the flow's protocol to the others (failed here, as in
// Suricata); a real protocol's probe still wins.
func TestDetectServiceOnly(t *testing.T) {
	reg := NewRegistry(0, DefaultEntries()...)
	for _, c := range []struct {
		name          string
		tr            Transport
		dp            uint16
		steps         []step
		proto, servic Proto
	}{
		{"irc client", TCP, 6667, []step{{ToServer, "NICK x\r\n"}, {ToClient, ":s 001 x :hi\r\n"}}, bufid.ProtoFailed, bufid.ProtoIRC},
		{"irc on another port", TCP, 8080, []step{{ToServer, "JOIN #x\r\n"}}, bufid.ProtoUnknown, bufid.ProtoIRC},
		{"ftp user is ftp", TCP, 21, []step{{ToServer, "USER x\r\n"}}, bufid.ProtoFTP, bufid.ProtoUnknown},
		{"user on the irc port is ftp and irc", TCP, 6667, []step{{ToServer, "USER x\r\n"}}, bufid.ProtoFTP, bufid.ProtoIRC},
		{"rpc call udp", UDP, 32771, []step{{ToServer, string(rpcCallMsg(100068, 4, 21))}}, bufid.ProtoFailed, bufid.ProtoSunRPC},
		{"rpc call tcp", TCP, 32771, []step{{ToServer, string(rpcRecord(rpcCallMsg(100249, 1, 257)))}}, bufid.ProtoUnknown, bufid.ProtoSunRPC},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d Detection
			for _, s := range c.steps {
				reg.Detect(&d, c.tr, s.dir, []byte(s.data), 40000, c.dp)
			}
			if d.Proto() != c.proto || d.Service() != c.servic {
				t.Errorf("proto %v service %v, want %v %v", d.Proto(), d.Service(), c.proto, c.servic)
			}
			d.Reset()
			if d.Service() != bufid.ProtoUnknown {
				t.Error("Reset kept the service")
			}
		})
	}
}
