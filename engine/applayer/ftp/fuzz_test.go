package ftp

import (
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// FuzzFTP feeds the input as both directions, interleaved in chunks of
// step bytes, and checks that nothing panics, memory stays bounded and
// every buffer is in bounds.
func FuzzFTP(f *testing.F) {
	req, err := os.ReadFile("testdata/requests.txt")
	if err != nil {
		f.Fatal(err)
	}
	rep, err := os.ReadFile("testdata/replies.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(req, rep, uint8(0))
	f.Add(req, rep, uint8(5))
	f.Add(rep, req, uint8(1))
	f.Fuzz(func(t *testing.T, toServer, toClient []byte, step uint8) {
		p := New()
		n := max(int(step), 1)
		for i := 0; i < max(len(toServer), len(toClient)); i += n {
			if i < len(toServer) {
				p.Parse(applayer.ToServer, toServer[i:min(i+n, len(toServer))])
			}
			if i < len(toClient) {
				p.Parse(applayer.ToClient, toClient[i:min(i+n, len(toClient))])
			}
		}
		if p.TxCount() > MaxTx {
			t.Fatalf("%d transactions", p.TxCount())
		}
		for _, r := range p.dirs {
			if len(r.buf) >= MaxLine {
				t.Fatalf("partial line of %d bytes", len(r.buf))
			}
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			if len(tx.Request) > MaxLine || len(tx.Replies) > MaxReplies || tx.replyBytes > MaxReplyBytes {
				t.Fatalf("tx %d: request %d bytes, %d replies, %d reply bytes", i, len(tx.Request), len(tx.Replies), tx.replyBytes)
			}
			for b := bufid.FTPCommand; b <= bufid.FTPBounce; b++ {
				for j := 0; j <= MaxReplies; j++ {
					v, ok := tx.BufferAt(applayer.ToClient, b, j)
					if !ok {
						break
					}
					if len(v) > MaxLine {
						t.Fatalf("%v of %d bytes", b, len(v))
					}
				}
			}
		}
	})
}
