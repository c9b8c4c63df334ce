package applayer

import "testing"

func TestProbeSNMP(t *testing.T) {
	// v2c GetRequest, community "public", one NULL binding.
	v2c := []byte{0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
		0xa0, 0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
		0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x05, 0x00}
	tests := []struct {
		name string
		in   []byte
		want ProbeResult
	}{
		{"v2c", v2c, ProbeMatch},
		{"v3 envelope", []byte{0x30, 0x0b, 0x02, 0x01, 0x03, 0x30, 0x00, 0x04, 0x00, 0x30, 0x02, 0x04, 0x00}, ProbeMatch},
		{"version 2", append([]byte{0x30, 0x26, 0x02, 0x01, 0x02}, v2c[5:]...), ProbeNoMatch},
		{"v3 with three elements", []byte{0x30, 0x07, 0x02, 0x01, 0x03, 0x30, 0x00, 0x04, 0x00}, ProbeNoMatch},
		{"truncated", v2c[:20], ProbeNoMatch},
		{"dns", []byte{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0}, ProbeNoMatch},
		{"empty", nil, ProbeNoMatch},
	}
	for _, tt := range tests {
		if got := ProbeSNMP(tt.in); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProbeKRB5(t *testing.T) {
	// Start of an AS-REQ: [APPLICATION 10] SEQUENCE { [1] INTEGER 5 ...
	asReq := []byte{0x6a, 0x81, 0xdb, 0x30, 0x81, 0xd8, 0xa1, 0x03, 0x02, 0x01, 0x05, 0xa2, 0x03, 0x02, 0x01, 0x0a}
	// Start of a KRB-ERROR: [APPLICATION 30] SEQUENCE { [0] INTEGER 5 ...
	krbErr := []byte{0x7e, 0x81, 0xbf, 0x30, 0x81, 0xbc, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x1e}
	rec := func(n int, b []byte) []byte { return append([]byte{0, 0, byte(n >> 8), byte(n)}, b...) }
	tests := []struct {
		name string
		f    ProbeFunc
		in   []byte
		want ProbeResult
	}{
		{"udp as-req", ProbeKRB5UDP, asReq, ProbeMatch},
		{"udp krb-error", ProbeKRB5UDP, krbErr, ProbeMatch},
		{"udp short", ProbeKRB5UDP, asReq[:8], ProbeNoMatch},
		{"udp pvno 4", ProbeKRB5UDP, append(append([]byte(nil), asReq[:10]...), 4), ProbeNoMatch},
		{"udp universal", ProbeKRB5UDP, append([]byte{0x30}, asReq[1:]...), ProbeNoMatch},
		{"udp tag 31", ProbeKRB5UDP, append([]byte{0x7f, 0x1f}, asReq[1:]...), ProbeNoMatch},
		{"tcp as-req", ProbeKRB5TCP, rec(0xde, asReq), ProbeMatch},
		{"tcp mark only", ProbeKRB5TCP, rec(0xde, nil), ProbeNeedMore},
		{"tcp partial", ProbeKRB5TCP, rec(0xde, asReq[:7]), ProbeNeedMore},
		{"tcp record too short", ProbeKRB5TCP, rec(7, asReq), ProbeNoMatch},
		{"tcp reserved bit", ProbeKRB5TCP, append([]byte{0x80, 0, 0, 0xde}, asReq...), ProbeNoMatch},
		{"tcp zero mark", ProbeKRB5TCP, rec(0, asReq), ProbeNoMatch},
		{"tcp http", ProbeKRB5TCP, []byte("GET / HTTP/1.1\r\n"), ProbeNoMatch},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
