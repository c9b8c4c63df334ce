package applayer

import "testing"

func TestProbeLDAP(t *testing.T) {
	bind := []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00, 0x80, 0x00}
	notice := []byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x0c, 0x02, 0x01, 0x00, 0x78, 0x07}
	for _, c := range []struct {
		name string
		in   []byte
		tcp  ProbeResult
		udp  ProbeResult
	}{
		{"bind", bind, ProbeMatch, ProbeMatch},
		{"long length notice", notice, ProbeMatch, ProbeMatch},
		{"short", bind[:4], ProbeNeedMore, ProbeNoMatch},
		{"not a sequence", []byte{0x31, 0x0c, 0x02, 0x01, 0x01, 0x60}, ProbeNoMatch, ProbeNoMatch},
		{"no message id", []byte{0x30, 0x0c, 0x04, 0x01, 0x01, 0x60}, ProbeNoMatch, ProbeNoMatch},
		{"unknown op", []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x71}, ProbeNoMatch, ProbeNoMatch},
		{"context op", []byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0xa0}, ProbeNoMatch, ProbeNoMatch},
		{"http", []byte("GET / HTTP/1.1\r\n"), ProbeNoMatch, ProbeNoMatch},
	} {
		if got := ProbeLDAPTCP(c.in); got != c.tcp {
			t.Errorf("%s: tcp %v, want %v", c.name, got, c.tcp)
		}
		if got := ProbeLDAPUDP(c.in); got != c.udp {
			t.Errorf("%s: udp %v, want %v", c.name, got, c.udp)
		}
	}
}
