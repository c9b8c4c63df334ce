package applayer

import "testing"

func TestProbeIMAP(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    ProbeFunc
		in   string
		want ProbeResult
	}{
		{"greeting", ProbeIMAPResponse, "* OK [CAPABILITY IMAP4rev1] ready\r\n", ProbeMatch},
		{"lower case", ProbeIMAPResponse, "* ok hi\r\n", ProbeMatch},
		{"bye", ProbeIMAPResponse, "* BYE\r\n", ProbeNoMatch},
		{"partial", ProbeIMAPResponse, "* O", ProbeNeedMore},
		{"pop3", ProbeIMAPResponse, "+OK ready\r\n", ProbeNoMatch},
		{"capability", ProbeIMAPRequest, "a001 CAPABILITY\r\n", ProbeMatch},
		{"long tag", ProbeIMAPRequest, "abcdefg CAPABILITY\r\n", ProbeNoMatch},
		{"short", ProbeIMAPRequest, "a1 CAPA", ProbeNeedMore},
		{"login", ProbeIMAPRequest, "a001 LOGIN bob secret\r\n", ProbeNoMatch},
	} {
		if got := tc.f([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
