package applayer

import "testing"

func TestProbePOP3(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    ProbeFunc
		in   string
		want ProbeResult
	}{
		{"greeting", ProbePOP3Response, "+OK POP3 ready\r\n", ProbeMatch},
		{"error", ProbePOP3Response, "-ERR no\r\n", ProbeMatch},
		{"partial", ProbePOP3Response, "+OK POP3", ProbeNeedMore},
		{"smtp banner", ProbePOP3Response, "220 mail ESMTP\r\n", ProbeNoMatch},
		{"user", ProbePOP3Request, "USER bob\r\n", ProbeMatch},
		{"capa", ProbePOP3Request, "CAPA\r\n", ProbeMatch},
		{"short", ProbePOP3Request, "CAPA", ProbeNeedMore},
		{"binary", ProbePOP3Request, "\x16\x03\x01\x00\x05\r\n", ProbeNoMatch},
	} {
		if got := tc.f([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
