package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// TestHTTPVersions checks which HTTP rules apply to HTTP/1 and HTTP/2
// transactions and flows: http to both, http1 and http2 to their own.
func TestHTTPVersions(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert http1 any any -> any any (http.uri; content:"/robots.txt"; sid:10;)
alert http2 any any -> any any (http.uri; content:"/robots.txt"; sid:11;)
alert http any any -> any any (http.uri; content:"/robots.txt"; sid:12;)
alert http2 any any -> any any (http.stat_msg; bsize:0; sid:13;)
alert tcp any any -> any any (http.method; content:"GET"; sid:14;)
alert http1 any any -> any any (content:"GET"; sid:15;)
alert http any any -> any any (content:"GET"; sid:16;)
alert tcp any any -> any any (app-layer-protocol:http1; content:"GET"; sid:17;)
alert tcp any any -> any any (app-layer-protocol:http; content:"GET"; sid:18;)
alert tcp any any -> any any (app-layer-protocol:http2; content:"GET"; sid:19;)
`)
	if rep.Loaded != 10 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	mt, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer mt.Close()
	tx := mapTx{bufid.HTTPURI: {"/robots.txt"}, bufid.HTTPMethod: {"GET"}, bufid.HTTPStatMsg: {""}}
	for _, tc := range []struct {
		proto   string
		toSrv   bool
		tx, pkt []uint32
	}{
		{"http", true, []uint32{10, 12, 14}, []uint32{15, 16, 17, 18}},
		{"http2", true, []uint32{11, 12, 14}, []uint32{16, 18, 19}},
		{"http2", false, []uint32{13}, []uint32{16, 18, 19}},
	} {
		p := tcpPacket("GET", tc.toSrv)
		p.AppProto = protoOf(tc.proto)
		if got := sids(mt.MatchTx(p, tx, 0, true, &TxState{}, nil)); !equal(got, tc.tx...) {
			t.Errorf("%s to_server=%v: tx sids %v, want %v", tc.proto, tc.toSrv, got, tc.tx)
		}
		p.HasStream = false
		if got := sids(mt.MatchPacket(p, nil)); !equal(got, tc.pkt...) {
			t.Errorf("%s to_server=%v: packet sids %v, want %v", tc.proto, tc.toSrv, got, tc.pkt)
		}
	}
}

// TestAppLayerProtocolOriginal is the h2c case of
// detect-app-layer-protocol-04: HTTP/1 before the change, HTTP/2 after.
func TestAppLayerProtocolOriginal(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (app-layer-protocol:http1,original; prefilter; app-layer-protocol:http2,final; sid:1;)`)
	mt, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer mt.Close()
	p := tcpPacket("", true)
	p.AppProto, p.ProtoDetectDone = bufid.ProtoHTTP, true
	if got := mt.MatchPacket(p, nil); len(got) != 0 {
		t.Errorf("before the change: %v", sids(got))
	}
	p.AppProto, p.AppProtoOrig = bufid.ProtoHTTP2, bufid.ProtoHTTP
	if got := sids(mt.MatchPacket(p, nil)); !equal(got, 1) {
		t.Errorf("after the change: %v, want [1]", got)
	}
	p.ProtoDetectDone = false
	if got := mt.MatchPacket(p, nil); len(got) != 0 {
		t.Errorf("protocol-detection-only rule on a later packet: %v", sids(got))
	}
}

func TestHTTP2Keywords(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert http2 any any -> any any (http2.frametype:GOAWAY; sid:1;)
alert http2 any any -> any any (http2.frametype:3; sid:2;)
alert http2 any any -> any any (http2.errorcode:CANCEL; sid:3;)
alert http2 any any -> any any (http2.errorcode:NO_ERROR; sid:4;)
alert http2 any any -> any any (http2.priority:>10; sid:5;)
alert http2 any any -> any any (http2.window:<100; sid:6;)
alert http2 any any -> any any (http2.size_update:4096; sid:7;)
alert http2 any any -> any any (http2.settings:SETTINGS_ENABLE_PUSH=0; sid:8;)
alert http2 any any -> any any (http2.settings:SETTINGS_MAX_CONCURRENT_STREAMS > 100; sid:9;)
alert http2 any any -> any any (http2.settings:SETTINGS_HEADER_TABLE_SIZE; sid:10;)
alert http any any -> any any (http2.header_name; content:"x-a"; sid:11;)
alert http1 any any -> any any (http2.header_name; content:"x-a"; sid:12;)
alert http2 any any -> any any (http2.frametype:NOPE; sid:13;)
alert http2 any any -> any any (http2.priority:300; sid:14;)
`)
	if rep.Loaded != 11 {
		t.Fatalf("loaded %d, want 11: %v", rep.Loaded, rep.Errors)
	}
	mt, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer mt.Close()
	tx := mapTx{
		bufid.HTTP2FrameType:  {"\x04", "\x07", "\x08"},
		bufid.HTTP2ErrorCode:  {"\x00\x00\x00\x08"},
		bufid.HTTP2Priority:   {"\x05", "\x20"},
		bufid.HTTP2Window:     {"\x00\x01\x00\x00", "\x00\x00\x00\x10"},
		bufid.HTTP2SizeUpdate: {"\x00\x00\x00\x00\x00\x00\x10\x00"},
		bufid.HTTP2Settings:   {"\x00\x02\x00\x00\x00\x00", "\x00\x03\x00\x00\x00\x64"},
		bufid.HTTP2HeaderName: {":method", "x-a"},
	}
	p := tcpPacket("", true)
	p.AppProto = bufid.ProtoHTTP2
	if got := sids(mt.MatchTx(p, tx, 0, true, &TxState{}, nil)); !equal(got, 1, 3, 5, 6, 7, 8, 11) {
		t.Errorf("sids %v, want [1 3 5 6 7 8 11]", got)
	}
	p.AppProto = bufid.ProtoHTTP
	if got := sids(mt.MatchTx(p, tx, 0, true, &TxState{}, nil)); len(got) != 0 {
		t.Errorf("HTTP/1 transaction: sids %v", got)
	}
}

// TestHTTPGroupsShared: HTTP/2 transactions reuse the HTTP/1 prefilter
// database of a buffer unless a version-specific rule makes them differ.
func TestHTTPGroupsShared(t *testing.T) {
	e, _ := compileText(t, mpm.Reference{}, `
alert http any any -> any any (http.uri; content:"/a"; sid:1;)
alert http any any -> any any (http.user_agent; content:"curl"; sid:2;)
alert http2 any any -> any any (http.user_agent; content:"nghttp2"; sid:3;)
`)
	h1, h2 := e.tx[bufid.ProtoHTTP], e.tx[bufid.ProtoHTTP2]
	if h1 == nil || h2 == nil {
		t.Fatal("missing HTTP groups")
	}
	if h1.bufs[bufid.HTTPURI] == nil || h1.bufs[bufid.HTTPURI] != h2.bufs[bufid.HTTPURI] {
		t.Error("http.uri database not shared")
	}
	if h1.bufs[bufid.HTTPUserAgent] == h2.bufs[bufid.HTTPUserAgent] {
		t.Error("http.user_agent database shared although an http2 rule uses it")
	}
}
