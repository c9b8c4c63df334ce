package http2

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2/hpack"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/http"
)

const (
	up   = applayer.ToServer
	down = applayer.ToClient
)

// frame builds one HTTP/2 frame.
func frame(typ, flags uint8, stream uint32, payload []byte) []byte {
	n := len(payload)
	b := []byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags,
		byte(stream >> 24), byte(stream >> 16), byte(stream >> 8), byte(stream)}
	return append(b, payload...)
}

// block encodes header fields name, value, name, value, ... with enc.
func block(t *testing.T, enc *hpack.Encoder, buf *bytes.Buffer, kv ...string) []byte {
	t.Helper()
	buf.Reset()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]}); err != nil {
			t.Fatal(err)
		}
	}
	return append([]byte(nil), buf.Bytes()...)
}

func settingsPayload(kv ...uint32) []byte {
	var b []byte
	for i := 0; i+1 < len(kv); i += 2 {
		b = append(b, byte(kv[i]>>8), byte(kv[i]), byte(kv[i+1]>>24), byte(kv[i+1]>>16), byte(kv[i+1]>>8), byte(kv[i+1]))
	}
	return b
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// exchange is a prior-knowledge connection: a GET on stream 1 answered
// with a gzip body in a padded DATA frame.
func exchange(t *testing.T) (client, server []byte) {
	t.Helper()
	var cb, sb bytes.Buffer
	ce, se := hpack.NewEncoder(&cb), hpack.NewEncoder(&sb)
	client = append([]byte(preface), frame(FrameSettings, 0, 0, settingsPayload(3, 100, 4, 65535))...)
	client = append(client, frame(FrameHeaders, flagEndHeaders|flagEndStream, 1, block(t, ce, &cb,
		":method", "GET", ":path", "/index.html?q=1", ":scheme", "http", ":authority", "User@WWW.Example.com:8080",
		"user-agent", "test/1.0", "accept", "*/*", "cookie", "a=b", "cookie", "c=d"))...)
	client = append(client, frame(FrameSettings, 1, 0, nil)...) // ack: no transaction
	server = frame(FrameSettings, 0, 0, settingsPayload(4, 1<<20))
	server = append(server, frame(FrameHeaders, flagEndHeaders, 1, block(t, se, &sb,
		":status", "404", "server", "srv", "content-encoding", "gzip", "set-cookie", "x=y"))...)
	body := gzipped(t, "not found here")
	padded := append(append([]byte{3}, body...), 0, 0, 0)
	server = append(server, frame(FrameData, flagPadded|flagEndStream, 1, padded)...)
	return client, server
}

func feed(p *Parser, dir applayer.Direction, b []byte, step int) {
	if step <= 0 {
		p.Parse(dir, b)
		return
	}
	for i := 0; i < len(b); i += step {
		p.Parse(dir, b[i:min(i+step, len(b))])
	}
}

func txs(p *Parser) []*Tx {
	var out []*Tx
	for i := 0; i < p.TxCount(); i++ {
		if t, ok := p.TxAt(i).(*Tx); ok {
			out = append(out, t)
		}
	}
	return out
}

func TestExchangeBuffers(t *testing.T) {
	for _, step := range []int{0, 1, 7} {
		client, server := exchange(t)
		p := New(Config{})
		feed(p, up, client, step)
		feed(p, down, server, step)
		all := txs(p)
		// Client SETTINGS (global), stream 1, server SETTINGS (global);
		// the SETTINGS ack makes none.
		if len(all) != 3 {
			t.Fatalf("step %d: %d transactions, want 3", step, len(all))
		}
		if !all[0].Global() || all[1].StreamID() != 1 || !all[2].Global() {
			t.Fatalf("step %d: transactions %+v", step, all)
		}
		tx := all[1]
		if !tx.Complete(up) || !tx.Complete(down) {
			t.Errorf("step %d: stream 1 not complete", step)
		}
		tests := []struct {
			dir  applayer.Direction
			buf  applayer.BufferID
			want string
		}{
			{up, bufid.HTTPURI, "/index.html?q=1"},
			{up, bufid.HTTPURIRaw, "/index.html?q=1"},
			{up, bufid.HTTPMethod, "GET"},
			{up, bufid.HTTPHostRaw, "User@WWW.Example.com:8080"},
			{up, bufid.HTTPHost, "www.example.com"},
			{up, bufid.HTTPUserAgent, "test/1.0"},
			{up, bufid.HTTPCookie, "a=b, c=d"},
			{up, bufid.HTTPRequestLine, "GET /index.html?q=1 HTTP/2\r\n"},
			{up, bufid.HTTPProtocol, "HTTP/2"},
			{up, bufid.HTTPHeader, ":method: GET\r\n:path: /index.html?q=1\r\n:scheme: http\r\n" +
				":authority: User@WWW.Example.com:8080\r\nuser-agent: test/1.0\r\naccept: */*\r\n"},
			{up, bufid.HTTPHeaderNames, "\r\n:method\r\n:path\r\n:scheme\r\n:authority\r\nuser-agent\r\naccept\r\ncookie\r\ncookie\r\n\r\n"},
			{up, bufid.HTTPRequestHeader, ":method: GET"},
			{down, bufid.HTTPStatCode, "404"},
			{down, bufid.HTTPStatMsg, ""},
			{down, bufid.HTTPResponseLine, "HTTP/2 404\r\n"},
			{down, bufid.HTTPServer, "srv"},
			{down, bufid.HTTPCookie, "x=y"},
			{down, bufid.HTTPHeader, ":status: 404\r\nserver: srv\r\ncontent-encoding: gzip\r\n"},
			{down, bufid.HTTPResponseBody, "not found here"},
			{down, bufid.FileData, "not found here"},
			{down, bufid.HTTPProtocol, "HTTP/2"},
		}
		for _, tc := range tests {
			got := tx.Buffer(tc.dir, tc.buf)
			if got == nil || string(got) != tc.want {
				t.Errorf("step %d: %v(%v) = %q, want %q", step, tc.buf, tc.dir, got, tc.want)
			}
		}
		var lines []string
		for i := 0; ; i++ {
			v, ok := tx.BufferAt(up, bufid.HTTPRequestHeader, i)
			if !ok {
				break
			}
			lines = append(lines, string(v))
		}
		want := []string{":method: GET", ":path: /index.html?q=1", ":scheme: http", ":authority: User@WWW.Example.com:8080",
			"user-agent: test/1.0", "accept: */*", "cookie: a=b", "cookie: c=d"}
		if d := cmp.Diff(want, lines); d != "" {
			t.Errorf("step %d: http.request_header (-want +got):\n%s", step, d)
		}
		// Global transactions: no request or status, but a protocol and
		// an empty status message, in both directions (Suricata).
		g := all[0]
		if g.Buffer(up, bufid.HTTPMethod) != nil || g.Buffer(down, bufid.HTTPStatCode) != nil {
			t.Errorf("step %d: global transaction has request or status", step)
		}
		if string(g.Buffer(down, bufid.HTTPProtocol)) != "HTTP/2" || g.Buffer(down, bufid.HTTPStatMsg) == nil {
			t.Errorf("step %d: global transaction lacks protocol or stat_msg", step)
		}
		if d := cmp.Diff([]Setting{{3, 100}, {4, 65535}}, g.Settings(up)); d != "" {
			t.Errorf("step %d: settings (-want +got):\n%s", step, d)
		}
	}
}

func TestResponseNotStartedYet(t *testing.T) {
	client, _ := exchange(t)
	p := New(Config{})
	p.Parse(up, client)
	tx := txs(p)[1]
	for _, b := range []applayer.BufferID{bufid.HTTPStatMsg, bufid.HTTPResponseLine, bufid.HTTPStatCode} {
		if v := tx.Buffer(down, b); v != nil {
			t.Errorf("%v = %q before any response", b, v)
		}
	}
	if tx.Complete(down) {
		t.Error("response complete before it started")
	}
}

func TestContinuationAndPriority(t *testing.T) {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	blk := block(t, enc, &b, ":method", "POST", ":path", "/upload", "x-long", "0123456789abcdef")
	cut := len(blk) - 5 // inside the last value
	// HEADERS with padding and priority, then a CONTINUATION.
	pl := append([]byte{2, 0x80, 0, 0, 3, 42}, blk[:cut]...)
	pl = append(pl, 0, 0)
	in := append([]byte(preface), frame(FrameHeaders, flagPadded|flagPriority, 5, pl)...)
	in = append(in, frame(FrameContinuation, flagEndHeaders, 5, blk[cut:])...)
	in = append(in, frame(FrameData, 0, 5, []byte("abc"))...)
	in = append(in, frame(FrameData, flagEndStream, 5, []byte("def"))...)
	p := New(Config{})
	p.Parse(up, in)
	all := txs(p)
	if len(all) != 1 {
		t.Fatalf("%d transactions, want 1", len(all))
	}
	tx := all[0]
	if got := string(tx.Buffer(up, bufid.HTTPHeader)); got != ":method: POST\r\n:path: /upload\r\nx-long: 0123456789abcdef\r\n" {
		t.Errorf("http.header = %q", got)
	}
	if got := string(tx.Buffer(up, bufid.HTTPRequestBody)); got != "abcdef" {
		t.Errorf("request body = %q", got)
	}
	if f := tx.Frames(up); len(f) != 4 || f[0].Weight != 42 || f[1].Type != FrameContinuation {
		t.Errorf("frames = %+v", f)
	}
	if !tx.Complete(up) {
		t.Error("request not complete after END_STREAM")
	}
}

func TestEndStreamWaitsForEndHeaders(t *testing.T) {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	blk := block(t, enc, &b, ":method", "GET", ":path", "/")
	in := append([]byte(preface), frame(FrameHeaders, flagEndStream, 1, blk[:2])...)
	p := New(Config{})
	p.Parse(up, in)
	tx := txs(p)[0]
	if tx.Complete(up) {
		t.Fatal("complete before END_HEADERS")
	}
	p.Parse(up, frame(FrameContinuation, flagEndHeaders, 1, blk[2:]))
	if !tx.Complete(up) || string(tx.Buffer(up, bufid.HTTPURI)) != "/" {
		t.Errorf("complete=%v uri=%q", tx.Complete(up), tx.Buffer(up, bufid.HTTPURI))
	}
}

func TestSizeUpdateAndHeaderTableSize(t *testing.T) {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	// The client allows the server a 8192-byte table; the server's
	// encoder switches to it, which starts its next block with a size
	// update.
	p := New(Config{})
	p.Parse(up, append([]byte(preface), frame(FrameSettings, 0, 0, settingsPayload(SettingHeaderTableSize, 8192))...))
	enc.SetMaxDynamicTableSizeLimit(8192)
	enc.SetMaxDynamicTableSize(8192)
	blk := block(t, enc, &b, ":status", "200", "x-a", "1")
	if blk[0]&0xe0 != 0x20 {
		t.Fatalf("no size update at block start: % x", blk[:4])
	}
	p.Parse(down, frame(FrameHeaders, flagEndHeaders|flagEndStream, 1, blk))
	tx := txs(p)[1]
	f := tx.Fields(down)
	if len(f) != 3 || !f[0].SizeUpdate || f[0].Size != 8192 || string(f[1].Name) != ":status" {
		t.Fatalf("fields = %+v", f)
	}
	// Suricata lists the update as an empty field.
	if got := string(tx.Buffer(down, bufid.HTTPHeaderNames)); got != "\r\n\r\n:status\r\nx-a\r\n\r\n" {
		t.Errorf("http.header_names = %q", got)
	}
	if p.Events()[EventInvalidHeader] != 0 {
		t.Errorf("events = %v", p.Events())
	}
	if v, ok := tx.BufferAt(down, bufid.HTTP2SizeUpdate, 0); !ok || string(v) != "\x00\x00\x00\x00\x00\x00\x20\x00" {
		t.Errorf("http2.size_update = % x", v)
	}
	if v, ok := tx.BufferAt(down, bufid.HTTP2HeaderName, 1); !ok || string(v) != ":status" {
		t.Errorf("http2.header_name[1] = %q", v)
	}
	g := txs(p)[0]
	if v, ok := g.BufferAt(up, bufid.HTTP2Settings, 0); !ok || string(v) != "\x00\x01\x00\x00\x20\x00" {
		t.Errorf("http2.settings = % x", v)
	}
}

func TestDynamicTableAcrossBlocks(t *testing.T) {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	in := []byte(preface)
	for _, id := range []uint32{1, 3} {
		in = append(in, frame(FrameHeaders, flagEndHeaders|flagEndStream, id, block(t, enc, &b,
			":method", "GET", ":path", "/same", "user-agent", "agent-x"))...)
	}
	p := New(Config{})
	p.Parse(up, in)
	all := txs(p)
	if len(all) != 2 {
		t.Fatalf("%d transactions", len(all))
	}
	for _, tx := range all {
		if got := string(tx.Buffer(up, bufid.HTTPUserAgent)); got != "agent-x" {
			t.Errorf("stream %d: user agent %q", tx.StreamID(), got)
		}
	}
}

func TestGlobalFramesAndReset(t *testing.T) {
	in := append([]byte(preface), frame(FrameWindowUpdate, 0, 0, []byte{0, 0, 0x10, 0})...)
	in = append(in, frame(FramePing, 0, 0, make([]byte, 8))...)
	in = append(in, frame(FrameRSTStream, 0, 7, []byte{0, 0, 0, 8})...)
	in = append(in, frame(FrameGoAway, 0, 0, []byte{0, 0, 0, 7, 0, 0, 0, 2})...)
	p := New(Config{})
	p.Parse(up, in)
	all := txs(p)
	if len(all) != 4 {
		t.Fatalf("%d transactions, want 4", len(all))
	}
	if f := all[0].Frames(up); len(f) != 1 || !f[0].HasWindow || f[0].Window != 0x1000 {
		t.Errorf("window update: %+v", f)
	}
	rst := all[2]
	if rst.Global() || !rst.Complete(up) || !rst.Complete(down) || rst.Frames(up)[0].ErrorCode != 8 {
		t.Errorf("reset stream: %+v", rst)
	}
	if f := all[3].Frames(up); !f[0].HasErrorCode || f[0].ErrorCode != 2 {
		t.Errorf("goaway: %+v", f)
	}
	// The http2.* keyword buffers.
	for _, tc := range []struct {
		tx   *Tx
		buf  applayer.BufferID
		want []string
	}{
		{all[0], bufid.HTTP2FrameType, []string{"\x08"}},
		{all[0], bufid.HTTP2Window, []string{"\x00\x00\x10\x00"}},
		{all[2], bufid.HTTP2ErrorCode, []string{"\x00\x00\x00\x08"}},
		{all[3], bufid.HTTP2ErrorCode, []string{"\x00\x00\x00\x02"}},
		{all[3], bufid.HTTP2Window, nil},
	} {
		var got []string
		for i := 0; ; i++ {
			v, ok := tc.tx.BufferAt(up, tc.buf, i)
			if !ok {
				break
			}
			got = append(got, string(v))
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("tx %d %v (-want +got):\n%s", tc.tx.ID(), tc.buf, d)
		}
	}
}

func TestLimits(t *testing.T) {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	p := New(Config{MaxTx: 3, MaxHeaderBytes: 100, RequestBodyLimit: 4})
	in := []byte(preface)
	for id := uint32(1); id <= 9; id += 2 {
		in = append(in, frame(FrameHeaders, flagEndHeaders, id, block(t, enc, &b,
			":method", "POST", ":path", "/", "x-big", string(bytes.Repeat([]byte("v"), 60))))...)
		in = append(in, frame(FrameData, flagEndStream, id, []byte("0123456789"))...)
	}
	p.Parse(up, in)
	all := txs(p)
	if len(all) != 3 || all[0].StreamID() != 5 {
		t.Fatalf("%d transactions, first stream %d", len(all), all[0].StreamID())
	}
	tx := all[2]
	if got := string(tx.Buffer(up, bufid.HTTPRequestBody)); got != "0123" {
		t.Errorf("body = %q", got)
	}
	if n := len(tx.Fields(up)); n != 2 || !tx.Truncated(up) {
		t.Errorf("%d fields kept, truncated %v", n, tx.Truncated(up))
	}
	if p.Events()[EventTooManyStreams] != 2 {
		t.Errorf("events %v", p.Events())
	}
}

func TestLongFrameSkipped(t *testing.T) {
	in := append([]byte(preface), frame(FramePing, 0, 0, make([]byte, maxFrame+10))...)
	var b bytes.Buffer
	in = append(in, frame(FrameHeaders, flagEndHeaders, 1, block(t, hpack.NewEncoder(&b), &b, ":method", "GET"))...)
	p := New(Config{})
	feed(p, up, in, 1000)
	all := txs(p)
	if len(all) != 2 || string(all[1].Buffer(up, bufid.HTTPMethod)) != "GET" {
		t.Fatalf("after a long frame: %d transactions", len(all))
	}
	if p.Events()[EventLongFrame] != 1 {
		t.Errorf("events %v", p.Events())
	}
}

func TestGapStopsDirection(t *testing.T) {
	client, server := exchange(t)
	p := New(Config{})
	p.Parse(up, client)
	p.Gap(down, 10)
	p.Parse(down, server)
	if p.State()&applayer.StateGap == 0 || len(txs(p)) != 2 {
		t.Errorf("state %v, %d transactions", p.State(), len(txs(p)))
	}
}

func TestNoPreface(t *testing.T) {
	var b bytes.Buffer
	p := New(Config{})
	p.Parse(up, frame(FrameHeaders, flagEndHeaders, 1, block(t, hpack.NewEncoder(&b), &b, ":method", "GET")))
	if all := txs(p); len(all) != 1 || string(all[0].Buffer(up, bufid.HTTPMethod)) != "GET" {
		t.Fatalf("frames without preface not parsed")
	}
}

// TestUpgrade runs an h2c upgrade through the HTTP/1 parser and the
// handover (RFC 7540 section 3.2), as the engine does.
func TestUpgrade(t *testing.T) {
	settings := base64.RawURLEncoding.EncodeToString(settingsPayload(3, 100, SettingHeaderTableSize, 8192))
	req := "GET /robots.txt HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/7.61.0\r\n" +
		"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + settings + "\r\n\r\n"
	var b bytes.Buffer
	se := hpack.NewEncoder(&b)
	se.SetMaxDynamicTableSizeLimit(8192)
	resp := []byte("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
	resp = append(resp, frame(FrameSettings, 0, 0, settingsPayload(3, 100))...)
	h1 := http.New(http.Config{})
	h1.Parse(up, []byte(req))
	// The preface arrives before the 101 is seen: it is held.
	h1.Parse(up, []byte(preface))
	h1.Parse(down, resp)
	next, rest, ok := h1.Handover()
	if !ok || next != bufid.ProtoHTTP2 {
		t.Fatalf("no handover: %v %v", next, ok)
	}
	if string(rest[up]) != preface || len(rest[down]) != 9+6 {
		t.Fatalf("rest = %q / % x", rest[up], rest[down])
	}
	p := New(Config{})
	p.Adopt(h1)
	p.Parse(up, rest[up])
	p.Parse(down, rest[down])
	p.Parse(down, frame(FrameHeaders, flagEndHeaders|flagEndStream, 1, block(t, se, &b, ":status", "200")))
	if p.TxCount() != 4 {
		t.Fatalf("%d transactions, want 4 (HTTP/1, stream 1, 2 SETTINGS)", p.TxCount())
	}
	if h, ok := p.TxAt(0).(*http.Tx); !ok || h.ID() != 0 {
		t.Fatalf("first transaction is not the adopted HTTP/1 one")
	}
	s1, ok := p.TxAt(1).(*Tx)
	if !ok || s1.StreamID() != 1 || s1.ID() != 1 || !s1.Complete(up) {
		t.Fatalf("stream 1: %+v", p.TxAt(1))
	}
	want := ":method: GET\r\n:path: /robots.txt\r\n:authority: example.org\r\nUser-Agent: curl/7.61.0\r\n" +
		"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
	if got := string(s1.Buffer(up, bufid.HTTPHeader)); got != want {
		t.Errorf("stream 1 http.header = %q", got)
	}
	// As in Suricata, the HTTP/1 names keep their case: user-agent is not
	// found, the host is.
	if s1.Buffer(up, bufid.HTTPUserAgent) != nil || string(s1.Buffer(up, bufid.HTTPHostRaw)) != "example.org" {
		t.Errorf("stream 1 user agent %q host %q", s1.Buffer(up, bufid.HTTPUserAgent), s1.Buffer(up, bufid.HTTPHostRaw))
	}
	if got := string(s1.Buffer(down, bufid.HTTPResponseLine)); got != "HTTP/2 200\r\n" || !s1.Complete(down) {
		t.Errorf("stream 1 response line %q", got)
	}
	g, ok := p.TxAt(2).(*Tx)
	if !ok || !g.Global() || len(g.Settings(up)) != 2 {
		t.Fatalf("HTTP2-Settings transaction: %+v", p.TxAt(2))
	}
	if p.sides[down].allowed != 8192 {
		t.Errorf("HTTP2-Settings table size not applied: %d", p.sides[down].allowed)
	}
	p.Prune(2)
	if p.TxCount() != 2 || p.TxAt(0).ID() != 2 {
		t.Errorf("after prune: %d transactions", p.TxCount())
	}
}

// TestNoUpgrade: a server that answers the h2c request with 200 keeps
// HTTP/1, and the held request bytes are parsed as HTTP/1.
func TestNoUpgrade(t *testing.T) {
	h1 := http.New(http.Config{})
	h1.Parse(up, []byte("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"))
	h1.Parse(down, []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	if _, _, ok := h1.Handover(); ok {
		t.Fatal("handover without 101")
	}
	if h1.TxCount() != 2 || string(h1.Tx(1).Req.URI) != "/next" {
		t.Fatalf("held request not parsed: %d transactions", h1.TxCount())
	}
}
