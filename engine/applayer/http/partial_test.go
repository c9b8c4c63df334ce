package http

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// TestRequestLineBeforeHeaders: the URI, method and protocol are known as
// soon as the request line ends (libhtp exposes them then), so a request
// whose header block never completes (the capture ends) is inspected.
func TestRequestLineBeforeHeaders(t *testing.T) {
	for _, n := range []int{0, 1, 7} {
		p := New(Config{})
		feed(p, up, "POST /now_this_is HTTP/1.0\r\nUser-Agent: Mozilla/1.0\r\n", n)
		if p.TxCount() != 1 {
			t.Fatalf("chunk %d: %d transactions, want 1", n, p.TxCount())
		}
		tx := p.Tx(0)
		for _, c := range []struct {
			b    applayer.BufferID
			want string
		}{
			{bufid.HTTPURI, "/now_this_is"},
			{bufid.HTTPURIRaw, "/now_this_is"},
			{bufid.HTTPMethod, "POST"},
		} {
			if got := string(tx.Buffer(up, c.b)); got != c.want {
				t.Errorf("chunk %d: buffer %v = %q, want %q", n, c.b, got, c.want)
			}
		}
		if tx.Complete(up) {
			t.Errorf("chunk %d: request complete without the empty line", n)
		}
	}
}

// TestMissingProtocolWithHeaders: a request line without a protocol that
// is followed by header lines is parsed with its headers (libhtp treats
// only a bare "METHOD URI" line as HTTP/0.9).
func TestMissingProtocolWithHeaders(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /gen.php?x=1\r\nHost: h\r\nUser-Agent: UA\r\n\r\n", 0)
	if p.TxCount() != 1 {
		t.Fatalf("%d transactions, want 1", p.TxCount())
	}
	tx := p.Tx(0)
	if got := string(tx.Buffer(up, bufid.HTTPUserAgent)); got != "UA" {
		t.Errorf("user agent = %q, want UA", got)
	}
	if !tx.Complete(up) {
		t.Error("request not complete")
	}

	p = New(Config{})
	feed(p, up, "GET /old\r\n", 0)
	if p.TxCount() != 1 || !p.Tx(0).Complete(up) {
		t.Fatal("HTTP/0.9 request not complete after its line")
	}
}

// TestConnectionBothDirections: http.connection inspects the Connection
// header of the side being inspected (Suricata 7+).
func TestConnectionBothDirections(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0)
	tx := p.Tx(0)
	if got := string(tx.Buffer(up, bufid.HTTPConnection)); got != "keep-alive" {
		t.Errorf("to server: %q", got)
	}
	if got := string(tx.Buffer(down, bufid.HTTPConnection)); got != "close" {
		t.Errorf("to client: %q", got)
	}
}

// TestURIWithSpaces: the URI runs from the method to the protocol token,
// spaces included.
func TestURIWithSpaces(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /?arg=Zm 9v Ym Fy HTTP/1.1\r\nHost: h\r\n\r\n", 0)
	tx := p.Tx(0)
	if got := string(tx.Buffer(up, bufid.HTTPURIRaw)); got != "/?arg=Zm 9v Ym Fy" {
		t.Errorf("uri = %q", got)
	}
	if got := string(tx.Buffer(up, bufid.HTTPProtocol)); got != "HTTP/1.1" {
		t.Errorf("protocol = %q", got)
	}
	p = New(Config{})
	feed(p, up, "GET /plain HTTP/1.0\r\n\r\n", 0)
	if got := string(p.Tx(0).Buffer(up, bufid.HTTPURIRaw)); got != "/plain" {
		t.Errorf("plain uri = %q", got)
	}
}

// TestHeaderLines: http.request_header / http.response_header have one
// instance per header, "Name: value".
func TestHeaderLines(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\nHost: h\r\nKey: abc\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nDate: today\r\nContent-Length: 0\r\n\r\n", 0)
	tx := p.Tx(0)
	var got []string
	for i := 0; ; i++ {
		b, ok := tx.BufferAt(up, bufid.HTTPRequestHeader, i)
		if !ok {
			break
		}
		got = append(got, string(b))
	}
	if len(got) != 2 || got[0] != "Host: h" || got[1] != "Key: abc" {
		t.Errorf("request headers = %q", got)
	}
	if b, ok := tx.BufferAt(down, bufid.HTTPResponseHeader, 0); !ok || string(b) != "Date: today" {
		t.Errorf("first response header = %q, %v", b, ok)
	}
}

// TestEOFCutRequestLine: a request line without its line ending is
// complete once the connection ends (libhtp, Suricata bug 4702), not
// before.
func TestEOFCutRequestLine(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /", 0)
	feed(p, down, "<html>hi</html>", 0)
	if p.TxCount() > 0 && len(p.Tx(0).Req.URI) > 0 {
		t.Fatalf("URI %q before the end", p.Tx(0).Req.URI)
	}
	p.EOF(up)
	p.EOF(down)
	if p.TxCount() != 1 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	tx := p.Tx(0)
	if string(tx.Req.Method) != "GET" || string(tx.Req.URI) != "/" || !tx.Req.done {
		t.Errorf("request %q %q done %v", tx.Req.Method, tx.Req.URI, tx.Req.done)
	}
	// Not a request line: left alone.
	q := New(Config{})
	feed(q, up, "\x16\x03\x01", 0)
	q.EOF(up)
	if q.TxCount() > 0 && len(q.Tx(0).Req.URI) > 0 {
		t.Errorf("garbage became a request: %q", q.Tx(0).Req.URI)
	}
}
