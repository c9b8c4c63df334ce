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

// TestConnectTunnel: a 2xx answer to a CONNECT that is the connection's
// first transaction hands the flow over to protocol detection
// (ProtoUnknown), with the target's port and no bytes (those delivered
// with the switch are HTTP's, as in Suricata); HTTP parsing stops. Any
// other answer goes on with HTTP, including the request bytes that waited
// for it.
func TestConnectTunnel(t *testing.T) {
	const connect = "CONNECT abc:443 HTTP/1.1\r\nUser-Agent: V\r\n\r\n"
	for _, tc := range []struct {
		name        string
		req, resp   string
		tunnel      bool
		port        uint16
		txs         int
		respDone    bool
		secondReqOK bool
	}{
		{"established", connect + "\x16\x03\x01", "HTTP/1.1 200 Connection established\r\n\r\n\n\x16\x03\x03", true, 443, 1, true, false},
		{"no port", "CONNECT abc HTTP/1.1\r\n\r\n", "HTTP/1.1 204 OK\r\n\r\n", true, 0, 1, true, false},
		{"refused", connect + "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n", false, 0, 2, false, true},
		{"not first", "GET / HTTP/1.1\r\n\r\n" + connect, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\nxx", false, 0, 2, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			p.Parse(applayer.ToServer, []byte(tc.req))
			p.Parse(applayer.ToClient, []byte(tc.resp))
			next, rest, ok := p.Handover()
			if ok != tc.tunnel {
				t.Fatalf("handover %v, want %v", ok, tc.tunnel)
			}
			if ok && (next != bufid.ProtoUnknown || len(rest[0])+len(rest[1]) != 0 || p.TunnelPort() != tc.port) {
				t.Errorf("handover to %v with %q, port %d; want unknown, nothing, port %d", next, rest, p.TunnelPort(), tc.port)
			}
			if p.TxCount() != tc.txs {
				t.Fatalf("%d transactions, want %d", p.TxCount(), tc.txs)
			}
			last := p.Tx(tc.txs - 1)
			if last.Resp.done != tc.respDone || len(last.Resp.Body) != 0 {
				t.Errorf("last response done %v body %q", last.Resp.done, last.Resp.Body)
			}
			if tc.secondReqOK && string(p.Tx(1).Req.Method) != "GET" {
				t.Errorf("request after a refused CONNECT: %q", p.Tx(1).Req.Line)
			}
			// Nothing more is parsed as HTTP in a tunnel.
			p.Parse(applayer.ToServer, []byte("GET /x HTTP/1.1\r\n\r\n"))
			if n := p.TxCount(); tc.tunnel && n != tc.txs {
				t.Errorf("%d transactions after tunnel data", n)
			}
		})
	}
}
