package applayer

import "testing"

func TestProbeNTP(t *testing.T) {
	client := make([]byte, 48)
	client[0] = 0x23 // version 4, client
	v2 := append([]byte{0x13}, client[1:]...)
	for _, tc := range []struct {
		name string
		in   []byte
		want ProbeResult
	}{
		{"v4 client", client, ProbeMatch},
		{"short", client[:20], ProbeNeedMore},
		{"version 2", v2, ProbeNoMatch},
		{"v4 trailer too short", append(append([]byte(nil), client...), 1, 2, 3), ProbeNoMatch},
		{"v4 mac", append(append([]byte(nil), client...), make([]byte, 20)...), ProbeMatch},
	} {
		if got := ProbeNTP(tc.in); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
