package http

import (
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// BenchmarkParse parses one keep-alive exchange (request with headers, a
// 4 KiB response) per iteration, pruning as an engine would.
func BenchmarkParse(b *testing.B) {
	reqb := []byte(req1)
	respb := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4096\r\n\r\n" + strings.Repeat("x", 4096))
	p := New(Config{})
	b.SetBytes(int64(len(reqb) + len(respb)))
	b.ReportAllocs()
	for b.Loop() {
		p.Parse(applayer.ToServer, reqb)
		for i := 0; i < len(respb); i += 1460 {
			p.Parse(applayer.ToClient, respb[i:min(i+1460, len(respb))])
		}
		tx := p.Tx(p.TxCount() - 1)
		_ = tx.Buffer(applayer.ToServer, bufid.HTTPURI)
		_ = tx.Buffer(applayer.ToServer, bufid.HTTPHeader)
		p.Prune(tx.ID() + 1)
	}
}
