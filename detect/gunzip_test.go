package detect

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func gzipped(s string) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write([]byte(s))
	w.Close()
	return buf.Bytes()
}

func TestGunzip(t *testing.T) {
	gz := gzipped("This is compressed then base64-encoded")
	for _, tc := range []struct {
		name string
		g    gunzip
		in   []byte
		want string
	}{
		{"decompress", gunzip{maxSize: gunzipDefaultMax}, gz, "This is compressed then base64-encoded"},
		{"max-size", gunzip{maxSize: 7}, gz, "This is"},
		{"not gzip: empty", gunzip{maxSize: 100}, []byte("plain"), ""},
		{"truncated: what decompressed", gunzip{maxSize: 100}, gz[:len(gz)-8], "This is compressed then base64-encoded"},
		{"empty", gunzip{maxSize: 100}, nil, ""},
	} {
		if got := string(tc.g.apply(nil, tc.in)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		arg  string
		want int
		bad  bool
	}{
		{arg: "", want: 1024},
		{arg: "max-size 2048", want: 2048},
		{arg: "max-size 2kb", want: 2048},
		{arg: "max-size 1MiB", want: 1 << 20},
		{arg: "max-size 0", bad: true},
		{arg: "max-size 17mb", bad: true},
		{arg: "max-size 1, max-size 2", bad: true},
		{arg: "size 10", bad: true},
		{arg: "max-size", bad: true},
	} {
		got, err := parseDecompressArgs(tc.arg)
		if tc.bad != (err != nil) || !tc.bad && got != tc.want {
			t.Errorf("%q: %d, %v", tc.arg, got, err)
		}
	}
}

// TestGunzipRule is the documentation's example: a base64-encoded gzipped
// value in the URI.
func TestGunzipRule(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `alert http any any -> any any (http.uri; content:"/gzb64?value="; fast_pattern; from_base64: offset 13; gunzip: max-size 1024; content:"This is compressed then base64-encoded"; startswith; endswith; sid:2;)`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v", rep.Errors)
	}
	m := newTestMatcher(t, e)
	uri := "/gzb64?value=" + base64.StdEncoding.EncodeToString(gzipped("This is compressed then base64-encoded"))
	p := tcpPacket("", true)
	p.AppProto = bufid.ProtoHTTP
	if got := sids(m.MatchTx(p, mapTx{bufid.HTTPURI: {uri}}, 0, true, &TxState{}, nil)); !equal(got, 2) {
		t.Errorf("alerts %v, want [2]", got)
	}
}
