package detect

import "testing"

func TestFromBase64(t *testing.T) {
	for _, tc := range []struct {
		name, arg, in, want string
	}{
		{"default", "", "dGhpc2lzYXRlc3QK", "thisisatest\n"},
		{"offset", "offset 6", "/?arg=dGhpc2lzYXRlc3QK", "thisisatest\n"},
		{"offset mid", "offset 10", "/?arg=dGhpc2lzYXRlc3QK", "sisatest\n"},
		{"bytes", "bytes 6, offset 6", "/?arg=dGhpc2lzYXRlc3QK", "this"},
		{"rfc2045 skips spaces", "offset 6, mode rfc2045", "/?arg=Zm 9v Ym Fy", "foobar"},
		{"rfc4648 stops", "offset 6, mode rfc4648", "/?arg=Zm 9v Ym Fy", "f"},
		{"strict fails: buffer kept", "offset 6, mode strict", "/?arg=Zm 9v Ym Fy", "/?arg=Zm 9v Ym Fy"},
		{"offset past end: buffer kept", "offset 40", "abc", "abc"},
		{"padding", "", "Zm9vYg==", "foob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFromBase64(tc.arg)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(f.apply(nil, []byte(tc.in))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"bytes x", "mode base32", "offset", "color 1"} {
		if _, err := parseFromBase64(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
