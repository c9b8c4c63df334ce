package applayer

import "testing"

func TestProbeDNP3(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ProbeResult
	}{
		{"\x05\x64\x0b\xc4\x0a\x00\x01\x00\x00\x00", ProbeMatch},
		{"\x05\x64\x04\xc4\x0a\x00\x01\x00\x00\x00", ProbeNoMatch},
		{"\x05\x64\x0b", ProbeNeedMore},
		{"\x05\x65", ProbeNoMatch},
		{"GET / HTTP/1.0\r\n", ProbeNoMatch},
	} {
		if got := ProbeDNP3([]byte(c.in)); got != c.want {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
	}
}
