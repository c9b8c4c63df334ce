package applayer

import "testing"

func TestProbeTFTP(t *testing.T) {
	for in, want := range map[string]ProbeResult{
		"\x00\x01a\x00octet\x00": ProbeMatch,
		"\x00\x01a":              ProbeNoMatch,
		"\x01\x01a\x00octet\x00": ProbeNoMatch,
	} {
		if got := ProbeTFTP([]byte(in)); got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}
