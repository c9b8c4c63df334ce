package applayer

import "testing"

func TestProbeENIP(t *testing.T) {
	hdr := func(cmd, n byte, status byte) []byte {
		b := make([]byte, 24)
		b[0], b[2], b[8] = cmd, n, status
		return b
	}
	for _, c := range []struct {
		name string
		in   []byte
		tcp  ProbeResult
	}{
		{"list identity", hdr(0x63, 0, 0), ProbeMatch},
		{"register session", hdr(0x65, 4, 0), ProbeMatch},
		{"register session length", hdr(0x65, 6, 0), ProbeNoMatch},
		{"unregister", hdr(0x66, 0, 0), ProbeMatch},
		{"unknown command", hdr(0x99, 0, 0), ProbeNoMatch},
		{"unknown status", hdr(0x6f, 0, 0x50), ProbeNoMatch},
		{"short", hdr(0x63, 0, 0)[:12], ProbeNeedMore},
	} {
		if got := ProbeENIPTCP(c.in); got != c.tcp {
			t.Errorf("%s: tcp %v, want %v", c.name, got, c.tcp)
		}
	}
	if ProbeENIPUDP(hdr(0x63, 0, 0)[:12]) != ProbeNoMatch {
		t.Error("short datagram")
	}
}
