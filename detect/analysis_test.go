package detect

import "testing"

// TestContentText: fast patterns in --engine-analysis are written in
// content notation.
func TestContentText(t *testing.T) {
	for in, want := range map[string]string{
		"abc":             "abc",
		"\x00\x00\xff":    "|00 00 FF|",
		"\x07version":     "|07|version",
		"a|b\"c;d\\e\x01": "a|7C|b|22|c|3B|d|5C|e|01|",
	} {
		if got := contentText([]byte(in)); got != want {
			t.Errorf("contentText(%q) = %q, want %q", in, got, want)
		}
	}
}
