package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// TestFileRuleProtocols checks which flows file rules apply to: a rule
// without an app-layer protocol to every protocol with files, a rule of
// one protocol to its own, and a file rule narrowed by a buffer of one
// protocol to that one.
func TestFileRuleProtocols(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (filesize:<70; sid:1;)
alert tcp any any -> any any (file.data; content:"EICAR"; sid:2;)
alert smb any any -> any any (file.data; content:"EICAR"; sid:3;)
alert http any any -> any any (file_data; content:"EICAR"; sid:4;)
alert tcp any any -> any any (file.data; content:"EICAR"; http.method; content:"POST"; sid:5;)
alert tcp any any -> any any (smb.share; content:"C$"; filename:"a.exe"; sid:6;)
alert http1 any any -> any any (file.data; content:"EICAR"; sid:7;)
alert smb any any -> any any (file.data; content:"EICAR"; http.method; content:"POST"; sid:8;)
alert dcerpc any any -> any any (file.data; content:"EICAR"; sid:9;)
alert tls any any -> any any (file.data; content:"EICAR"; sid:10;)
`)
	if rep.Loaded != 7 {
		t.Fatalf("loaded %d, want 7: %v", rep.Loaded, rep.Errors)
	}
	mt, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer mt.Close()
	size := "\x00\x00\x00\x00\x00\x00\x00\x44" // 68
	tx := mapTx{bufid.FileData: {"EICAR"}, bufid.FileSize: {size}, bufid.FileName: {`dir\a.exe`},
		bufid.HTTPMethod: {"POST"}, bufid.SMBShare: {`\\h\C$`}}
	for _, tc := range []struct {
		proto string
		want  []uint32
	}{
		{"smb", []uint32{1, 2, 3, 6}},
		{"http", []uint32{1, 2, 4, 5, 7}},
		{"http2", []uint32{1, 2, 4, 5}}, // sid 5 is "http": both versions
		{"tls", nil},
		{"dcerpc", nil},
	} {
		p := tcpPacket("", true)
		p.AppProto = protoOf(tc.proto)
		if got := sids(mt.MatchTx(p, tx, 0, true, &TxState{}, nil)); !equal(got, tc.want...) {
			t.Errorf("%s: sids %v, want %v", tc.proto, got, tc.want)
		}
	}
}
