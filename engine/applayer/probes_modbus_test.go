package applayer

import "testing"

func TestProbeModbus(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ProbeResult
	}{
		{"\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a", ProbeMatch},
		{"\x00\x01\x00\x01\x00\x06\x01\x03", ProbeNoMatch},
		{"\x00\x01\x00\x00\x01\x06\x01\x03", ProbeNoMatch},
		{"\x00\x01\x00\x00\x00\x01\x01\x03", ProbeNoMatch},
		{"\x00\x01\x00", ProbeNeedMore},
		{"GET / HTTP/1.0\r\n", ProbeNoMatch},
	} {
		if got := ProbeModbus([]byte(c.in)); got != c.want {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
	}
}
