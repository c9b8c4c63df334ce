package http

import (
	"testing"

	"vigil/detect/bufid"
)

func TestRequestEvents(t *testing.T) {
	for _, tc := range []struct {
		name, req string
		want      bufid.HTTPEvent
	}{
		{"plain", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0},
		{"chunked in a list", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n0\r\n\r\n", 0},
		{"not chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\nContent-Length: 0\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"identity", "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"basic auth", "GET / HTTP/1.1\r\nAuthorization: Basic dTpw\r\n\r\n", 0},
		{"digest and bearer", "GET / HTTP/1.1\r\nAuthorization: digest x=1\r\n\r\nGET / HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n", 0},
		{"unrecognized auth", "GET / HTTP/1.1\r\nAuthorization: NTLM TlRMTVNT\r\n\r\n", bufid.HTTPAuthUnrecognized},
		{"both", "POST / HTTP/1.1\r\nAuthorization: Token x\r\nTransfer-Encoding: x\r\n\r\n", bufid.HTTPAuthUnrecognized | bufid.HTTPInvalidTERequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			feed(p, up, tc.req, 0)
			if p.TxCount() == 0 {
				t.Fatal("no transaction")
			}
			var got bufid.HTTPEvent
			for i := 0; i < p.TxCount(); i++ {
				tx := p.TxAt(i).(*Tx)
				got |= tx.Req.Events()
				b := tx.Buffer(up, bufid.HTTPEvents)
				if (b != nil) != (tx.Req.Events() != 0) {
					t.Errorf("event buffer %x with events %b", b, tx.Req.Events())
				}
			}
			if got != tc.want {
				t.Errorf("events %b, want %b", got, tc.want)
			}
		})
	}
}
