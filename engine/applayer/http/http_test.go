package http

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/google/go-cmp/cmp"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

const (
	up   = applayer.ToServer
	down = applayer.ToClient
)

// feed sends data in pieces of size n (all at once when n <= 0).
func feed(p *Parser, dir applayer.Direction, data string, n int) {
	b := []byte(data)
	if n <= 0 {
		n = len(b)
	}
	for len(b) > 0 {
		k := min(n, len(b))
		chunk := append([]byte(nil), b[:k]...)
		p.Parse(dir, chunk)
		for i := range chunk {
			chunk[i] = 'Z' // parser must not keep input
		}
		b = b[k:]
	}
}

const req1 = "GET /a/./b/../c%41%2e%zz//d?x=%41 HTTP/1.1\r\n" +
	"Host: WWW.Example.COM:8080\r\n" +
	"User-Agent: UA/1.0\r\n" +
	"Cookie: s=1\r\n" +
	"X-Folded: one\r\n two  \r\n" +
	"Accept: */*\r\n" +
	"\r\n"

const resp1 = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Set-Cookie: k=v\r\n" +
	"Transfer-Encoding: chunked\r\n" +
	"\r\n" +
	"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"

func TestRequestResponseBuffers(t *testing.T) {
	for _, step := range []int{0, 1, 3, 7} {
		t.Run(fmt.Sprintf("step%d", step), func(t *testing.T) {
			p := New(Config{})
			feed(p, up, req1, step)
			feed(p, down, resp1, step)
			if p.TxCount() != 1 {
				t.Fatalf("TxCount = %d, want 1", p.TxCount())
			}
			tx := p.Tx(0)
			want := map[applayer.BufferID]string{
				bufid.HTTPMethod:       "GET",
				bufid.HTTPURIRaw:       "/a/./b/../c%41%2e%zz//d?x=%41",
				bufid.HTTPURI:          "/a/cA.%zz/d?x=A", // query decoded too (libhtp)
				bufid.HTTPProtocol:     "HTTP/1.1",
				bufid.HTTPRequestLine:  "GET /a/./b/../c%41%2e%zz//d?x=%41 HTTP/1.1",
				bufid.HTTPHost:         "www.example.com",
				bufid.HTTPHostRaw:      "WWW.Example.COM:8080",
				bufid.HTTPUserAgent:    "UA/1.0",
				bufid.HTTPCookie:       "s=1",
				bufid.HTTPAccept:       "*/*",
				bufid.HTTPHeader:       "Host: WWW.Example.COM:8080\r\nUser-Agent: UA/1.0\r\nX-Folded: one two\r\nAccept: */*\r\n",
				bufid.HTTPHeaderNames:  "\r\nHost\r\nUser-Agent\r\nCookie\r\nX-Folded\r\nAccept\r\n\r\n",
				bufid.HTTPHeaderRaw:    req1[len("GET /a/./b/../c%41%2e%zz//d?x=%41 HTTP/1.1\r\n"):],
				bufid.HTTPStart:        "GET /a/./b/../c%41%2e%zz//d?x=%41 HTTP/1.1\r\nHost: WWW.Example.COM:8080\r\nUser-Agent: UA/1.0\r\nCookie: s=1\r\nX-Folded: one two\r\nAccept: */*\r\n\r\n",
				bufid.HTTPStatCode:     "200",
				bufid.HTTPStatMsg:      "OK",
				bufid.HTTPResponseLine: "HTTP/1.1 200 OK",
				bufid.HTTPResponseBody: "hello world",
			}
			for b, w := range want {
				if got := string(tx.Buffer(up, b)); got != w {
					t.Errorf("%v = %q, want %q", b, got, w)
				}
			}
			if got := string(tx.Buffer(down, bufid.HTTPHeader)); got != "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n" {
				t.Errorf("response http.header = %q", got)
			}
			if got := string(tx.Buffer(down, bufid.HTTPCookie)); got != "k=v" {
				t.Errorf("response cookie = %q", got)
			}
			if got := string(tx.Buffer(down, bufid.FileData)); got != "hello world" {
				t.Errorf("file.data = %q", got)
			}
			if tx.Buffer(up, bufid.HTTPRequestBody) != nil {
				t.Errorf("request body present")
			}
			if !tx.Complete(up) || !tx.Complete(down) {
				t.Errorf("complete = %v,%v", tx.Complete(up), tx.Complete(down))
			}
			var r eve.Record
			tx.FillEVE(&r, down)
			we := &eve.HTTP{Hostname: []byte("www.example.com"), Port: 8080, URL: []byte("/a/./b/../c%41%2e%zz//d?x=%41"),
				UserAgent: []byte("UA/1.0"), ContentType: []byte("text/html"), Method: []byte("GET"),
				Protocol: []byte("HTTP/1.1"), Status: 200, Length: 30,
				// Every header, for outputs that dump them.
				RequestHeaders:  tx.Req.Headers,
				ResponseHeaders: tx.Resp.Headers}
			if len(tx.Req.Headers) != 5 || len(tx.Resp.Headers) != 3 {
				t.Errorf("headers: %d request, %d response", len(tx.Req.Headers), len(tx.Resp.Headers))
			}
			if d := cmp.Diff(we, r.HTTP); d != "" {
				t.Errorf("EVE diff (-want +got):\n%s", d)
			}
			r.Type = eve.EventHTTP
			line := new(eve.Encoder).Encode(&r)
			const wantHTTP = `"http":{"hostname":"www.example.com","http_port":8080,"url":"/a/./b/../c%41%2e%zz//d?x=%41",` +
				`"http_user_agent":"UA/1.0","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1",` +
				`"status":200,"length":30}`
			if !bytes.Contains(line, []byte(wantHTTP)) {
				t.Errorf("EVE line %s\nwant %s", line, wantHTTP)
			}
			evetest.Validate(t, line)
		})
	}
}

func TestPipelinedAndBodies(t *testing.T) {
	p := New(Config{ResponseBodyLimit: 8})
	feed(p, up, "POST /p HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcdHEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.0\r\n\r\n", 5)
	feed(p, down, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n0123456789"+
		"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"+
		"HTTP/1.0 404 Not Found\r\n\r\nbody until close", 4)
	p.EOF(down)
	if p.TxCount() != 3 {
		t.Fatalf("TxCount = %d, want 3", p.TxCount())
	}
	got := []string{}
	for i := 0; i < p.TxCount(); i++ {
		tx := p.Tx(i)
		got = append(got, fmt.Sprintf("%d %s %s %s req=%q resp=%q len=%d trunc=%v done=%v/%v", tx.ID(),
			tx.Buffer(up, bufid.HTTPMethod), tx.Buffer(up, bufid.HTTPURI), tx.Buffer(down, bufid.HTTPStatCode),
			tx.Buffer(up, bufid.HTTPRequestBody), tx.Buffer(down, bufid.FileData), tx.Resp.BodyLen, tx.Resp.Truncated,
			tx.Complete(up), tx.Complete(down)))
	}
	want := []string{
		`0 POST /p 201 req="abcd" resp="01234567" len=10 trunc=true done=true/true`,
		`1 HEAD /h 200 req="" resp="" len=0 trunc=false done=true/true`,
		`2 GET /g 404 req="" resp="body unt" len=16 trunc=true done=true/true`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diff (-want +got):\n%s", d)
	}
	p.Prune(2)
	if p.TxCount() != 1 || p.Tx(0).ID() != 2 {
		t.Errorf("after Prune(2): count %d", p.TxCount())
	}
}

// TestResetReuse checks that a parser Reset in the middle of a connection
// (a request without its response, a half-read body, a partial line) parses
// the next connection as a new one would.
func TestResetReuse(t *testing.T) {
	conn := func(p *Parser) []string {
		feed(p, up, "POST /p HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcdGET /g HTTP/1.1\r\n\r\n", 3)
		feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz", 2)
		var got []string
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			got = append(got, fmt.Sprintf("%d %s %s req=%q resp=%q done=%v/%v", tx.ID(), tx.Buffer(up, bufid.HTTPMethod),
				tx.Buffer(up, bufid.HTTPURI), tx.Buffer(up, bufid.HTTPRequestBody), tx.Buffer(down, bufid.FileData),
				tx.Complete(up), tx.Complete(down)))
		}
		return append(got, fmt.Sprint(p.State()))
	}
	want := conn(New(Config{}))
	p := New(Config{})
	feed(p, up, "PUT /x HTTP/1.1\r\nContent-Length: 100\r\n\r\nhalf", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10", 0)
	p.Reset()
	if d := cmp.Diff(want, conn(p)); d != "" {
		t.Errorf("after Reset (-fresh +reused):\n%s", d)
	}
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestGzipBodyAndBomb(t *testing.T) {
	body := gz("compressed content here")
	bomb := gz(string(make([]byte, 50<<20))) // 50 MiB of zeros, ~50 KiB compressed
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 0)
	feed(p, down, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", len(body), body), 0)
	feed(p, down, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", len(bomb), bomb), 1000)
	if got := string(p.Tx(0).Buffer(down, bufid.FileData)); got != "compressed content here" {
		t.Errorf("gzip body = %q", got)
	}
	if got := len(p.Tx(1).Buffer(down, bufid.FileData)); got != DefaultBodyLimit {
		t.Errorf("bomb decoded to %d bytes, want limit %d", got, DefaultBodyLimit)
	}
}

func TestGapResync(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /one HTTP/1.1\r\nHo", 0)
	p.Gap(up, 100)
	feed(p, up, "garbage\r\nmore\r\nGET /two HTTP/1.1\r\nHost: b\r\n\r\n", 3)
	if p.TxCount() != 2 {
		t.Fatalf("TxCount = %d, want 2", p.TxCount())
	}
	if !p.Tx(0).Req.Gap || string(p.Tx(1).Req.URI) != "/two" || string(p.Tx(1).Buffer(up, bufid.HTTPHost)) != "b" {
		t.Errorf("tx0 gap=%v tx1 uri=%q", p.Tx(0).Req.Gap, p.Tx(1).Req.URI)
	}
	// A gap inside a known-length body is skipped.
	p = New(Config{})
	feed(p, up, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", 0)
	p.Gap(up, 5)
	feed(p, up, "cdeGET /n HTTP/1.1\r\n\r\n", 0)
	if p.TxCount() != 2 || string(p.Tx(0).Req.Body) != "abcde" || string(p.Tx(1).Req.URI) != "/n" {
		t.Errorf("body gap: count=%d body=%q", p.TxCount(), p.Tx(0).Req.Body)
	}
}

func TestNormalizeURI(t *testing.T) {
	for in, want := range map[string]string{
		"/":                       "/",
		"/a/../../b":              "/b",
		"/%2e%2e/etc/passwd":      "/etc/passwd",
		"http://h.com:80/x/./y?q": "/x/y?q",
		"http://h.com":            "/",
		"/a//b///c/":              "/a/b/c/",
		"/a/b/..":                 "/a/",
		"/x%":                     "/x%",
		"/q?a=../b#frag":          "/q?a=../b",
		"*":                       "*",
		"/q?a=%20b+c%2b%zz":       "/q?a= b+c+%zz",
	} {
		if got := string(NormalizeURI(nil, []byte(in))); got != want {
			t.Errorf("NormalizeURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHost(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET http://User@Abs.Example.:81/p HTTP/1.1\r\nHost: other\r\n\r\n", 0)
	tx := p.Tx(0)
	if got := string(tx.Buffer(up, bufid.HTTPHost)); got != "abs.example." {
		t.Errorf("host = %q", got)
	}
	if got := string(tx.Buffer(up, bufid.HTTPURI)); got != "/p" {
		t.Errorf("uri = %q", got)
	}
}

func TestMultipleUserAgents(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\nUser-Agent: SuriTester/0.8\r\nUser-Agent: GGGG\r\n\r\n", 0)
	if got := string(p.Tx(0).Buffer(up, bufid.HTTPUserAgent)); got != "SuriTester/0.8, GGGG" {
		t.Errorf("user agent = %q", got)
	}
}

func TestSteadyStateAllocs(t *testing.T) {
	p := New(Config{})
	body := bytes.Repeat([]byte("x"), 1400)
	p.Parse(down, []byte("HTTP/1.1 200 OK\r\n\r\n"))
	p.Parse(down, body)
	if n := testing.AllocsPerRun(100, func() { p.Parse(down, body) }); n != 0 {
		t.Errorf("body segment Parse allocates %v times", n)
	}
}

func TestGapRealignsResponses(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0) // answers /1
	p.Gap(down, 500)                                                 // response to /2 lost
	feed(p, down, "tail of lost body\r\nHTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n", 0)
	got := fmt.Sprintf("%s %s %s gap2=%v", p.Tx(0).Resp.Status, p.Tx(1).Resp.Status, p.Tx(2).Resp.Status, p.Tx(1).Resp.Gap)
	if want := "200  404 gap2=true"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestResponseWithoutStatusLine: like libhtp, a response whose first
// bytes are not a status line is an HTTP/0.9 response, all body until the
// connection closes; after lost data the parser resyncs on a status line
// instead.
func TestResponseWithoutStatusLine(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /1 HTTP/1.1\r\n\r\n", 0)
	feed(p, down, "\x00\x01binary junk\r\nmore\r\nHTTP/1.1 204 No Content\r\n\r\n", 0)
	p.EOF(down)
	tx := p.Tx(0)
	if !tx.Resp.HTTP09 || len(tx.Resp.Status) != 0 {
		t.Errorf("HTTP09 %v status %q, want a 0.9 response", tx.Resp.HTTP09, tx.Resp.Status)
	}
	if got := string(tx.Buffer(down, bufid.FileData)); got != "\x00\x01binary junk\r\nmore\r\nHTTP/1.1 204 No Content\r\n\r\n" {
		t.Errorf("body %q", got)
	}

	p = New(Config{})
	feed(p, up, "GET /1 HTTP/1.1\r\n\r\n", 0)
	p.Gap(down, 10)
	feed(p, down, "\x00\x01binary junk\r\nHTTP/1.1 204 No Content\r\n\r\n", 0)
	if got := string(p.Tx(0).Resp.Status); got != "204" {
		t.Errorf("status %q after gap and junk, want 204", got)
	}
}

func TestLayeredContentEncoding(t *testing.T) {
	one := gz("inner")
	two := gz(one)
	three := gz(two)
	for _, tc := range []struct {
		name, enc, body string
		layers          int
		want            string
	}{
		{"two layers", "gzip, gzip", two, 0, "inner"},
		{"three over default limit", "gzip,gzip,gzip", three, 0, one},
		{"three with limit 3", "gzip,gzip,gzip", three, 3, "inner"},
		{"identity ignored", "gzip, identity", gz("x"), 0, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{DecompressLayers: tc.layers})
			feed(p, up, "GET / HTTP/1.1\r\n\r\n", 0)
			feed(p, down, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n%s", tc.enc, len(tc.body), tc.body), 0)
			if got := string(p.Tx(0).Buffer(down, bufid.FileData)); got != tc.want {
				t.Errorf("body %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTxReuseAfterPrune(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0)
	_ = p.Tx(0).Buffer(up, bufid.HTTPURI)
	p.Prune(1)
	feed(p, up, "GET /second HTTP/1.1\r\nHost: b\r\n\r\n", 0)
	tx := p.Tx(0)
	if got := string(tx.Buffer(up, bufid.HTTPURI)) + " " + string(tx.Buffer(up, bufid.HTTPHost)); got != "/second b" || tx.ID() != 1 {
		t.Errorf("reused tx: %q id %d", got, tx.ID())
	}
}

// TestBrotliBody: a response with Content-Encoding br is decoded (libhtp
// decodes brotli), also as a layer in a list, within the body limit; a
// damaged stream keeps what decoded.
func TestBrotliBody(t *testing.T) {
	plain := strings.Repeat("brotli body ", 50)
	var b bytes.Buffer
	w := brotli.NewWriter(&b)
	w.Write([]byte(plain))
	w.Close()
	enc := b.String()
	for _, tc := range []struct {
		name, ce, body string
		limit          int
		want           string
	}{
		{"br", "br", enc, 0, plain},
		{"upper case", "BR", enc, 0, plain},
		{"listed after identity", "identity, br", enc, 0, plain},
		{"limit", "br", enc, 100, plain[:100]},
		{"not brotli", "br", "plain text", 0, "plain text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{ResponseBodyLimit: tc.limit})
			feed(p, up, "GET / HTTP/1.1\r\n\r\n", 0)
			feed(p, down, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n%s", tc.ce, len(tc.body), tc.body), 0)
			if got := string(p.Tx(0).ResponseBody()); got != tc.want {
				t.Errorf("body %q, want %q", got, tc.want)
			}
		})
	}
}
