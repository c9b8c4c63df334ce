package krb5

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// FuzzKRB5 parses the input as a datagram and as a TCP stream split
// every step bytes, and checks that nothing panics and every buffer lies
// within the input.
func FuzzKRB5(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.tcp") {
		f.Add(b, uint8(0))
		f.Add(b[4:], uint8(9))
	}
	for _, m := range [][]byte{asReq, asRep, tgsReq, tgsRep, errorMsg, apReq} {
		f.Add(record(m), uint8(3))
	}
	f.Fuzz(func(t *testing.T, msg []byte, step uint8) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		n := max(int(step), 1)
		for i := 0; i < len(msg); i += n {
			p.Parse(applayer.ToClient, msg[i:min(i+n, len(msg))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for b := bufid.KRB5MsgType; b <= bufid.KRB5TicketEtype; b++ {
				for j := 0; j <= MaxNameParts; j++ {
					v, ok := tx.BufferAt(tx.Dir(), b, j)
					if !ok {
						break
					}
					if len(v) > len(msg) {
						t.Fatalf("%v of %d bytes from %d", b, len(v), len(msg))
					}
					if j == MaxNameParts {
						t.Fatalf("%v has more than %d instances", b, MaxNameParts)
					}
				}
			}
		}
	})
}
