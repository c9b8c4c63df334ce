package http

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

func fileBuf(tx *Tx, d applayer.Direction, b applayer.BufferID) string {
	v, ok := tx.BufferAt(d, b, 0)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func sizeBE(n int) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return string(b[:])
}

func md5s(s string) string { h := md5.Sum([]byte(s)); return string(h[:]) }

func TestFileBuffers(t *testing.T) {
	p := New(Config{ResponseBodyLimit: 64})
	feed(p, up, "GET /dir/R.PDF?x=1 HTTP/1.1\r\n\r\n"+
		"GET /attach HTTP/1.1\r\n\r\n"+
		"GET /big HTTP/1.1\r\n\r\n"+
		"GET /empty HTTP/1.1\r\n\r\n"+
		"PUT /up/f.txt HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"+
		"POST /form HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 3\r\n\r\nxyz", 0)
	big := strings.Repeat("b", 100)
	gzBody := gz("hello file")
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"+
		fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"doc.zip\"\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", len(gzBody), gzBody)+
		fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(big), big)+
		"HTTP/1.1 500 BAD\r\nContent-Length: 0\r\n\r\n"+
		"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"+
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 7)
	if p.TxCount() != 6 {
		t.Fatalf("%d txs", p.TxCount())
	}
	for _, c := range []struct {
		tx   int
		d    applayer.Direction
		b    applayer.BufferID
		want string
	}{
		{0, down, bufid.FileName, "/dir/R.PDF"},
		{0, down, bufid.FileMD5, md5s("hello")},
		{0, down, bufid.FileSize, sizeBE(5)},
		{0, up, bufid.FileName, "<none>"}, // GET: no request file
		{1, down, bufid.FileName, "doc.zip"},
		{1, down, bufid.FileMD5, md5s("hello file")}, // decompressed content
		{1, down, bufid.FileSize, sizeBE(10)},
		{2, down, bufid.FileName, "/big"},
		{2, down, bufid.FileMD5, "<none>"}, // truncated by the body limit
		{2, down, bufid.FileSize, sizeBE(100)},
		{3, down, bufid.FileName, "<none>"}, // no body, no file
		{3, down, bufid.FileSize, "<none>"},
		{4, up, bufid.FileName, "/up/f.txt"},
		{4, up, bufid.FileMD5, md5s("abc")},
		{5, up, bufid.FileName, "<none>"}, // multipart body without a file part
	} {
		if got := fileBuf(p.Tx(c.tx), c.d, c.b); got != c.want {
			t.Errorf("tx %d %v %v = %q; want %q", c.tx, c.d, c.b, got, c.want)
		}
	}
}

func TestFileBufferIncomplete(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET /f.bin HTTP/1.1\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0)
	tx := p.Tx(0)
	if got := fileBuf(tx, down, bufid.FileName); got != "/f.bin" {
		t.Errorf("name of an open file = %q", got)
	}
	if got := fileBuf(tx, down, bufid.FileMD5); got != "<none>" {
		t.Errorf("md5 of an open file = %q", got)
	}
	if got := fileBuf(tx, down, bufid.FileSize); got != "<none>" {
		t.Errorf("size of an open file = %q", got)
	}
	feed(p, down, "defghij", 0)
	if got := fileBuf(tx, down, bufid.FileSize); got != sizeBE(10) {
		t.Errorf("size after completion = %q", got)
	}
	if n := testing.AllocsPerRun(50, func() {
		tx.BufferAt(down, bufid.FileName, 0)
		tx.BufferAt(down, bufid.FileMD5, 0)
		tx.BufferAt(down, bufid.FileSize, 0)
	}); n != 0 {
		t.Errorf("file buffers allocate %v times", n)
	}
}

func TestDispositionName(t *testing.T) {
	for in, want := range map[string]string{
		`attachment; filename="a b.pdf"`: "a b.pdf",
		`attachment;filename=x.exe`:      "x.exe",
		`inline; FILENAME="Y"; size=3`:   "Y",
		`inline`:                         "",
	} {
		if got := string(dispositionName([]byte(in))); got != want {
			t.Errorf("dispositionName(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestFileContent: the content hashed for force-hash is the whole file
// only (the decompressed response); a body cut by the limit has none.
func TestFileContent(t *testing.T) {
	p := New(Config{ResponseBodyLimit: 64})
	feed(p, up, "GET /a HTTP/1.1\r\n\r\nGET /big HTTP/1.1\r\n\r\n", 0)
	big := strings.Repeat("b", 100)
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"+
		fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(big), big), 7)
	if b, whole := p.Tx(0).FileContent(1); !whole || string(b) != "hello" {
		t.Errorf("tx 0 response: %q whole %v", b, whole)
	}
	if _, whole := p.Tx(0).FileContent(0); whole {
		t.Error("tx 0 request (GET) has a file")
	}
	if _, whole := p.Tx(1).FileContent(1); whole {
		t.Error("tx 1 response cut by the limit is whole")
	}
}

// TestEVEHeaders: every header in order, in http records that dump them.
func TestEVEHeaders(t *testing.T) {
	p := New(Config{})
	feed(p, up, "GET / HTTP/1.1\r\nHost: h.example\r\nX-A: 1\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0)
	r := eve.Record{Type: eve.EventHTTP}
	p.Tx(0).FillEVE(&r, down)
	for _, c := range []struct {
		dump eve.HTTPHeaderDump
		want []string
	}{
		{0, nil},
		{eve.DumpRequestHeaders, []string{`"request_headers":[{"name":"Host","value":"h.example"},{"name":"X-A","value":"1"}]`}},
		{eve.DumpRequestHeaders | eve.DumpResponseHeaders, []string{`"request_headers":[`, `"response_headers":[{"name":"Content-Length","value":"0"}]`}},
	} {
		line := string((&eve.Encoder{HTTPHeaders: c.dump}).Encode(&r))
		if c.want == nil && strings.Contains(line, "_headers") {
			t.Errorf("dump %d: headers in %s", c.dump, line)
		}
		for _, w := range c.want {
			if !strings.Contains(line, w) {
				t.Errorf("dump %d: no %s in %s", c.dump, w, line)
			}
		}
		evetest.Validate(t, []byte(line))
	}
}

// TestContentRange: Suricata's Content-Range forms, and the http
// content_range object and fileinfo start/end they give.
func TestContentRange(t *testing.T) {
	for _, c := range []struct {
		v    string
		want contentRange
		ok   bool
	}{
		{"bytes 500-1000/146515", contentRange{500, 1000, 146515}, true},
		{"bytes 0-9/*", contentRange{0, 9, -1}, true},
		{"bytes */146515", contentRange{-1, -1, 146515}, true},
		{"  bytes   5-6/7", contentRange{5, 6, 7}, true},
		{"bytes", contentRange{}, false},
		{"bytes x-1/2", contentRange{}, false},
	} {
		got, ok := parseContentRange([]byte(c.v))
		if ok != c.ok || ok && got != c.want {
			t.Errorf("%q: %+v %v; want %+v %v", c.v, got, ok, c.want, c.ok)
		}
	}
	p := New(Config{})
	feed(p, up, "GET /f HTTP/1.1\r\nRange: bytes=500-503\r\n\r\n", 0)
	feed(p, down, "HTTP/1.1 206 Partial\r\nContent-Range: bytes 500-503/9000\r\nContent-Length: 4\r\n\r\nabcd", 0)
	r := eve.Record{Type: eve.EventFileinfo}
	p.Tx(0).FillEVE(&r, down)
	if !p.Tx(0).FillFileEVE(&r, 1) {
		t.Fatal("no response file")
	}
	line := string(new(eve.Encoder).Encode(&r))
	for _, w := range []string{`"content_range":{"raw":"bytes 500-503/9000","start":500,"end":503,"size":9000}`, `"start":500,"end":503,"tx_id":0`} {
		if !strings.Contains(line, w) {
			t.Errorf("no %s in %s", w, line)
		}
	}
	evetest.Validate(t, []byte(line))
}

// TestFileGaps: a gap in a response body counts in the file's size and
// truncates it (Suricata closes a file with gaps as TRUNCATED); a gap
// that runs past the body ends it at its length and the parser picks up
// the next response; a blank line after a complete body, in the same
// data, is more of that body (libhtp's finalize).
func TestFileGaps(t *testing.T) {
	fileinfo := func(tx *Tx) string {
		r := eve.Record{Type: eve.EventFileinfo}
		tx.FillEVE(&r, down)
		if !tx.FillFileEVE(&r, 1) {
			return "no file"
		}
		line := string(new(eve.Encoder).Encode(&r))
		i := strings.Index(line, `"fileinfo":`)
		return strings.TrimSpace(line[i:])
	}
	p := New(Config{})
	feed(p, up, "GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\nGET /3 HTTP/1.0\r\n\r\n", 0)
	feed(p, down, "HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\n", 0)
	feed(p, down, "Hello World!\r\n", 0)
	feed(p, down, "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0)
	p.Gap(down, 4)
	feed(p, down, "def", 0)
	feed(p, down, "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nab", 0)
	p.Gap(down, 30)
	if p.TxCount() != 3 {
		t.Fatalf("TxCount = %d, want 3", p.TxCount())
	}
	for i, want := range []string{
		`"fileinfo":{"filename":"/1","gaps":false,"state":"CLOSED","stored":false,"size":14,"tx_id":0}}`,
		`"fileinfo":{"filename":"/2","gaps":true,"state":"TRUNCATED","stored":false,"size":10,"tx_id":1}}`,
		`"fileinfo":{"filename":"/3","gaps":true,"state":"TRUNCATED","stored":false,"size":4,"tx_id":2}}`,
	} {
		if got := fileinfo(p.Tx(i)); got != want {
			t.Errorf("tx %d: %s\nwant %s", i, got, want)
		}
	}
	if !p.Tx(2).Resp.done {
		t.Error("a gap past the body did not end the response")
	}
}

// TestMultipartFile: the first part of a multipart request body that
// names a filename is the request's file: its name, content and size
// (Suricata's multipart file tracking); parts without a filename are not
// files, and a part cut short has no MD5 and is truncated.
func TestMultipartFile(t *testing.T) {
	const head = "POST /upload HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=\"--b1\"\r\nContent-Length: %d\r\n\r\n"
	body := "----b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfield\r\n" +
		"----b1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
		"hello\r\n--world\r\n" +
		"----b1--\r\n"
	p := New(Config{})
	feed(p, up, fmt.Sprintf(head, len(body))+body, 0)
	tx := p.Tx(0)
	if got := fileBuf(tx, up, bufid.FileName); got != "x.bin" {
		t.Errorf("filename %q", got)
	}
	if got, want := fileBuf(tx, up, bufid.FileMD5), md5s("hello\r\n--world"); got != want {
		t.Errorf("md5 %x, want %x", got, want)
	}
	if got := fileBuf(tx, up, bufid.FileSize); got != sizeBE(14) {
		t.Errorf("size %x", got)
	}
	r := eve.Record{Type: eve.EventFileinfo}
	if !tx.FillFileEVE(&r, 0) {
		t.Fatal("no request file")
	}
	if line, want := string(new(eve.Encoder).Encode(&r)), `"fileinfo":{"filename":"x.bin","gaps":false,"state":"CLOSED","stored":false,"size":14,"tx_id":0}`; !strings.Contains(line, want) {
		t.Errorf("%s\nwant %s", line, want)
	}

	// Cut short: the file is what arrived, without MD5.
	p = New(Config{})
	cut := body[:strings.Index(body, "--world")]
	feed(p, up, fmt.Sprintf(head, len(body))+cut, 0)
	p.EOF(up)
	tx = p.Tx(0)
	if got, ok := tx.FileContent(0); string(got) != "hello\r\n" || ok {
		t.Errorf("cut part %q whole=%v", got, ok)
	}

	// No file part.
	p = New(Config{})
	form := "----b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfield\r\n----b1--\r\n"
	feed(p, up, fmt.Sprintf(head, len(form))+form, 0)
	if tx := p.Tx(0); tx.FillFileEVE(&eve.Record{}, 0) {
		t.Error("a form without file parts has a file")
	}
}
