package http

import (
	"testing"

	"vigil/detect/bufid"
)

// Evasions of noxxi's HTTP evader (https://noxxi.de/research/http-evader.html):
// responses that browsers accept although they bend HTTP/1.1. Each case is
// one technique, parsed as libhtp parses it, so the body that detection
// sees (file.data) is the body the browser renders.

const (
	evGzip    = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x73\xf5\x74\x76\x0c\xd2\x4d\xca\x4f\xa9\x04\x00\xea\x3c\xbd\x2e\x0a\x00\x00\x00"
	evRaw     = "\x73\xf5\x74\x76\x0c\xd2\x4d\xca\x4f\xa9\x04\x00"
	evZlib    = "\x78\x9c\x73\xf5\x74\x76\x0c\xd2\x4d\xca\x4f\xa9\x04\x00\x10\x0f\x03\x40"
	evBadHCRC = "\x1f\x8b\x08\x02\x00\x00\x00\x00\x02\x03\x00\x00\x73\xf5\x74\x76\x0c\xd2\x4d\xca\x4f\xa9\x04\x00\xea\x3c\xbd\x2e\x0a\x00\x00\x00"
	// evRawOfGzip is raw deflate of evGzip: two layers.
	evRawOfGzip = "\x93\xef\xe6\x60\x00\x01\x26\xe6\xe2\xaf\x25\x65\x3c\x97\x7c\x4f\xf9\xaf\x64\x61\x78\x65\xb3\x57\x8f\x0b\x28\x0a\x00"
	evPlain     = "EICAR-body"
	ok200       = "HTTP/1.1 200 ok\r\n"
	chunks      = "4\r\nEICA\r\n6\r\nR-body\r\n0\r\n\r\n"
)

func TestEvasions(t *testing.T) {
	cases := []struct {
		name, resp, want string
	}{
		// chunk sizes
		{"chunk size with trailing junk", ok200 + "Transfer-Encoding: chunked\r\n\r\n4x\r\nEICA\r\n6 x\r\nR-body\r\n0\r\n\r\n", evPlain},
		{"chunk extension", ok200 + "Transfer-Encoding: chunked\r\n\r\n4;a=b\r\nEICA\r\n6;\r\nR-body\r\n0\r\n\r\n", evPlain},
		{"blank lines before chunk sizes", ok200 + "Transfer-Encoding: chunked\r\n\r\n\r\n\n4\r\nEICA\r\n\r\n\r\n6\r\nR-body\r\n0\r\n\r\n", evPlain},
		{"leading white space in chunk size", ok200 + "Transfer-Encoding: chunked\r\n\r\n \t4\r\nEICA\r\n\x0b6\r\nR-body\r\n0\r\n\r\n", evPlain},
		{"chunked announced, body sent raw", ok200 + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nX-EICAR\r\nbody", "X-EICAR\r\nbody"},
		{"chunked announced, raw body without line end", ok200 + "Transfer-Encoding: chunked\r\n\r\nX-EICAR-body and more", "X-EICAR-body and more"},
		{"invalid chunk size mid-body", ok200 + "Transfer-Encoding: chunked\r\n\r\n4\r\nEICA\r\nR-body\r\n", "EICAR-body\r\n"},
		// Transfer-Encoding
		{"chunked wins over content-length", ok200 + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" + chunks, evPlain},
		{"chunked on HTTP/1.0", "HTTP/1.0 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"chunked in a later TE header", ok200 + "Transfer-Encoding: lalala\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: lalala\r\n\r\n" + chunks, evPlain},
		{"chunked among other codings, any case", ok200 + "Transfer-Encoding: identity, CHUNKED\r\n\r\n" + chunks, evPlain},
		{"NUL inside chunked and the header name", ok200 + "Transfer\x00-Encoding: chu\x00nked\r\n\r\n" + chunks, evPlain},
		{"white space before the colon", ok200 + "Transfer-Encoding \t\x0c: chunked\r\n\r\n" + chunks, evPlain},
		// Content-Length
		{"content-length with trailing junk", ok200 + "Content-Length: 4 9\r\n\r\nEICA", "EICA"},
		{"content-length with leading junk", ok200 + "Content-Length: (4)\r\n\r\nEICA", "EICA"},
		{"first of repeated content-lengths", ok200 + "Content-Length: 4\r\nContent-Length: 2\r\n\r\nEICA", "EICA"},
		{"junk after the body in the same segment", ok200 + "Content-Length: 4\r\n\r\nEICAR-body", "EICAR-body"},
		{"304 with a body", "HTTP/1.1 304 ok\r\nContent-Length: 10\r\n\r\n" + evPlain, evPlain},
		{"100 with a body is not interim", "HTTP/1.1 100 ok\r\nContent-Length: 10\r\n\r\n" + evPlain, evPlain},
		// header line ends and folding
		{"bare CR ends header lines", "HTTP/1.1 200 ok\rConnection: close\rTransfer-Encoding: chunked\r\n\n" + chunks, evPlain},
		{"CR ends the status line", "HTTP/1.1 200\rTransfer-Encoding:chunked\r\n\r\n" + chunks, evPlain},
		{"LF CR CR LF ends the head", ok200 + "Transfer-Encoding: chunked\n\r\r\n" + chunks, evPlain},
		{"LF CR CR LF CR LF ends the head", ok200 + "Content-Encoding: gzip\r\nContent-Length: 34\n\r\r\n\r\n" + evGzip, evPlain},
		{"LF SP LF ends the head", ok200 + "Transfer-Encoding: chunked\n \n" + chunks, evPlain},
		{"CR CR LF is not an empty line", ok200 + "Connection: close\r\n\r\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"folded header name and value", ok200 + "Content-Encoding\r\n :\r\n gzip\r\nContent-Length: 34\r\n\r\n" + evGzip, evPlain},
		{"folded line holding a header", ok200 + "Connection: close\r\n Transfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"fold as the first header", ok200 + "\tTransfer-Encoding: chunked\r\nX: y\r\n\r\n" + chunks, evPlain},
		{"folded content-length", ok200 + "Content-Length: 4\r\n 10\r\nConnection: close\r\n\r\nEICAR-body", "EICAR-body"},
		{"NUL folds a line", ok200 + "Content-Encoding:\n\x00gzip\r\nContent-Length: 34\r\n\r\n" + evGzip, evPlain},
		// status line
		{"lowercase protocol", "http/1.0 200 ok\r\nContent-Length: 10\r\n\r\n" + evPlain, evPlain},
		{"unknown version", "HTTP/2.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"NUL in the version", "HTTP/1\x00.1 200 ok\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"short junk line before the status line", " \t\r\n\t\r\n" + ok200 + "Transfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"junk line before a line starting with H", " SIP/2.0 200 ok\r\n" + ok200 + "Transfer-Encoding: chunked\r\n\r\n" + chunks, evPlain},
		{"no status line: HTTP/0.9", "EICAR-body\r\nmore", "EICAR-body\r\nmore"},
		// content codings
		{"two gzip headers, one layer", ok200 + "Content-Encoding: identity\r\nContent-Encoding: gzip\r\n\r\n" + evGzip, evPlain},
		{"gzip inside deflate, wrong order announced", ok200 + "Content-Encoding: gzip\r\nContent-Encoding: deflate\r\n\r\n" + evRawOfGzip, evPlain},
		{"gzip inside deflate, one header", ok200 + "Content-Encoding: gzip, deflate\r\n\r\n" + evRawOfGzip, evPlain},
		{"deflate is raw or zlib", ok200 + "Content-Encoding: x-deflate\r\n\r\n" + evZlib, evPlain},
		{"raw deflate", ok200 + "Content-Encoding: deflate\r\n\r\n" + evRaw, evPlain},
		{"announced gzip, sent deflate", ok200 + "Content-Encoding: gzip\r\n\r\n" + evRaw, evPlain},
		{"announced layers beyond the data", ok200 + "Content-Encoding: deflate,gzip\r\n\r\n" + evRaw, evPlain},
		{"gzip with junk around the token", ok200 + "Content-Encoding: x gzip;\xa0\r\n\r\n" + evGzip, evPlain},
		{"NUL inside gzip", ok200 + "Content-Encoding: gz\x00ip\x00\r\n\r\n" + evGzip, evPlain},
		{"gzip header with a wrong header CRC", ok200 + "Content-Encoding: gzip\r\n\r\n" + evBadHCRC, evPlain},
		{"gzip without its trailer", ok200 + "Content-Encoding: gzip\r\n\r\n" + evGzip[:len(evGzip)-8], evPlain},
		{"not compressed after all", ok200 + "Content-Encoding: gzip\r\n\r\n" + evPlain, evPlain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := New(Config{DecompressLayers: 3})
			feed(p, up, "GET /eicar.txt HTTP/1.1\r\nHost: evader.example.com\r\n\r\n", 0)
			feed(p, down, c.resp, 0)
			p.EOF(down)
			if p.TxCount() == 0 {
				t.Fatal("no transaction")
			}
			tx := p.Tx(0)
			if got := string(tx.Buffer(down, bufid.FileData)); got != c.want {
				t.Errorf("file.data %q, want %q (status line %q, headers %q)", got, c.want, tx.Resp.Line, tx.Resp.Headers)
			}
		})
	}
}

// TestResponseHeaderFields checks the header fields libhtp makes of
// malformed header lines.
func TestResponseHeaderFields(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 ok\r\n"+
		"Content-Encoding\r\n :\r\n gzip\r\n"+ // folded into one header
		"X-A: 1\r\n X-B: 2\r\n"+ // a folded line with a colon is a new header on 1.1
		"no colon here\r\n"+ // empty name, the line as value
		"Server \x0b: s\r\n"+ // white space before the colon dropped
		"Content-Length: 0\r\n\r\n", 0)
	var got []string
	for _, h := range p.Tx(0).Resp.Headers {
		got = append(got, string(h.Name)+"="+string(h.Value))
	}
	want := []string{"Content-Encoding=gzip", "X-A=1", "X-B=2", "=no colon here", "Server=s", "Content-Length=0"}
	if len(got) != len(want) {
		t.Fatalf("headers %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("header %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestParseChunkSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int64
		kind int
	}{
		{"a\r\n", 10, chunkOK},
		{"  0A;ext=1\r\n", 10, chunkOK},
		{"fx\r\n", 15, chunkOK},
		{"\r\n", 0, chunkBlank},
		{" \t\r\n", 0, chunkBlank},
		{"x1\r\n", 0, chunkInvalid},
		{"0x10\r\n", 0, chunkOK}, // "0" then junk: the last chunk, as libhtp reads it
		{"80000000\r\n", 0, chunkInvalid},
		{"000000007fffffff\r\n", 0x7fffffff, chunkOK},
	} {
		n, kind := parseChunkSize([]byte(c.in))
		if n != c.n || kind != c.kind {
			t.Errorf("parseChunkSize(%q) = %d, %d; want %d, %d", c.in, n, kind, c.n, c.kind)
		}
	}
}
