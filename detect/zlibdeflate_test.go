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
		{"inflate", zlibDeflate{maxSize: gunzipDefaultMax}, buf.Bytes(), "This is compressed\n"},
		{"max-size", zlibDeflate{maxSize: 8}, buf.Bytes(), "This is "},
		{"not zlib: empty", zlibDeflate{maxSize: 8}, []byte("plain"), ""},
		{"truncated: what inflated", zlibDeflate{maxSize: 100}, buf.Bytes()[:len(buf.Bytes())-4], "This is compressed\n"},
	} {
		if got := string(tc.z.apply(nil, tc.in)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
