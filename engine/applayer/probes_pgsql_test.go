package applayer

import "testing"

func TestProbePgSQL(t *testing.T) {
	startup := []byte("\x00\x00\x00\x12\x00\x03\x00\x00user\x00bob\x00\x00")
	for _, tc := range []struct {
		name string
		f    ProbeFunc
		in   []byte
		want ProbeResult
	}{
		{"startup", ProbePgSQLRequest, startup, ProbeMatch},
		{"startup partial", ProbePgSQLRequest, startup[:12], ProbeNeedMore},
		{"ssl request", ProbePgSQLRequest, []byte("\x00\x00\x00\x08\x04\xd2\x16\x2f"), ProbeMatch},
		{"bad protocol", ProbePgSQLRequest, []byte("\x00\x00\x00\x08\x00\x09\x00\x00"), ProbeNoMatch},
		{"query", ProbePgSQLRequest, []byte("Q\x00\x00\x00\x06x\x00"), ProbeMatch},
		{"short length", ProbePgSQLRequest, []byte("Q\x00\x00\x00\x02"), ProbeNoMatch},
		{"ssl answer", ProbePgSQLResponse, []byte("N"), ProbeMatch},
		{"auth ok", ProbePgSQLResponse, []byte("R\x00\x00\x00\x08\x00\x00\x00\x00"), ProbeMatch},
		{"auth partial", ProbePgSQLResponse, []byte("R\x00\x00\x00\x08\x00"), ProbeNeedMore},
	} {
		if got := tc.f(tc.in); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
