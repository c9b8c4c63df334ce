package detect

import "testing"

func TestStripPseudoHeaders(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\r\n:method\r\n:path\r\nUser-Agent\r\n\r\n", "\r\nUser-Agent\r\n\r\n"},
		{":authority: x\r\nHost: x\r\n", "Host: x\r\n"},
		{"Host: x\r\n:last", "Host: x\r\n"},
		{"no newline", "no newline"},
		{"", ""},
	} {
		if got := string(stripPseudoHeaders{}.apply(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
