package detect

import (
	"bytes"
	"compress/zlib"
	"testing"
)

func TestZlibDeflate(t *testing.T) {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write([]byte("This is compressed\n"))
	w.Close()
	for _, tc := range []struct {
		name string
		z    zlibDeflate
		in   []byte
		want string
	}{
		{"inflate", zlibDeflate{maxSize: defaultZlibMax}, buf.Bytes(), "This is compressed\n"},
		{"max-size", zlibDeflate{maxSize: 8}, buf.Bytes(), "This is "},
		{"not zlib: kept", zlibDeflate{maxSize: 8}, []byte("plain"), "plain"},
	} {
		if got := string(tc.z.apply(nil, tc.in)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
