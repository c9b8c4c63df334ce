package http

import (
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func TestH2CHandover(t *testing.T) {
	const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	tests := []struct {
		name      string
		req, resp string
		later     string // request bytes after the upgrading request
		switched  bool
		held      string // request bytes handed over
		txs       int
	}{
		{"upgrade", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n",
			"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n\x00\x00\x00\x04\x01\x00\x00\x00\x00", preface, true, preface, 1},
		{"websocket", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n",
			"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00", "\x81\x80abcd", true, "\x81\x80abcd", 1},
		{"declined", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n",
			"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "GET /b HTTP/1.1\r\n\r\n", false, "", 2},
		// Past maxHeld the requests are parsed as HTTP/1; the 101 still
		// switches (Suricata looks at the response only).
		{"held too long", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n",
			"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
			strings.Repeat("GET /x HTTP/1.1\r\n\r\n", maxHeld/19+1), true, "", maxHeld/19 + 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{MaxTx: 10000})
			p.Parse(applayer.ToServer, []byte(tc.req+tc.later))
			p.Parse(applayer.ToClient, []byte(tc.resp))
			next, rest, ok := p.Handover()
			if ok != tc.switched {
				t.Fatalf("handover %v, want %v", ok, tc.switched)
			}
			if ok {
				want := bufid.ProtoHTTP2
				if tc.name == "websocket" {
					want = bufid.ProtoWebSocket
				}
				if next != want || string(rest[0]) != tc.held || len(rest[1]) != len(tc.resp)-strings.Index(tc.resp, "\r\n\r\n")-4 {
					t.Errorf("handover to %v with %q / %q", next, rest[0], rest[1])
				}
			}
			if p.TxCount() != tc.txs {
				t.Errorf("%d transactions, want %d", p.TxCount(), tc.txs)
			}
		})
	}
}
