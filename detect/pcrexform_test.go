package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestPcrexform(t *testing.T) {
	for _, tc := range []struct {
		name, opts string
		want       bool
	}{
		{"capture", `http.request_line; pcrexform:"[a-zA-Z]+\s+(.*)\s+HTTP"; content:"/img.jpg"; startswith; endswith;`, true},
		{"no match keeps buffer", `http.request_line; pcrexform:"^POST (.*)"; content:"GET /img.jpg"; startswith;`, true},
		{"capture only", `http.request_line; pcrexform:"[a-zA-Z]+\s+(.*)\s+HTTP"; content:"GET";`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, "alert http any any -> any any ("+tc.opts+" sid:1;)")
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", true)
			p.AppProto = bufid.ProtoHTTP
			got := len(m.MatchTx(p, mapTx{bufid.HTTPRequestLine: {"GET /img.jpg HTTP/1.1"}}, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if _, rep := compileText(t, mpm.Reference{}, `alert http any any -> any any (http.uri; pcrexform:"abc"; content:"x"; sid:1;)`); rep.Loaded != 0 {
		t.Error("pcrexform without a capture group loaded")
	}
}
