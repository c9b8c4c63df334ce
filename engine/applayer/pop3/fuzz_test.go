package pop3

import (
	"os"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse feeds the input to the client side and, from its second
// half, the server side, split every step bytes, and checks that nothing
// panics, the transaction cap holds and the EVE record encodes.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/session.client", "testdata/session.server"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, uint8(0))
			f.Add(b, uint8(5))
		}
	}
	f.Add([]byte("AUTH PLAIN\r\n+ \r\nAGJvYg==\r\n+OK\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		p := New()
		n := max(int(step), 1)
		half := len(in) / 2
		for i := 0; i < len(in); i += n {
			p.Parse(applayer.ToServer, in[i:min(i+n, len(in))])
			if i >= half {
				p.Parse(applayer.ToClient, in[i:min(i+n, len(in))])
			}
		}
		if p.TxCount() > MaxTx {
			t.Fatalf("%d transactions", p.TxCount())
		}
		for i := 0; i < p.TxCount(); i++ {
			var r eve.Record
			r.Type = eve.EventPOP3
			p.Tx(i).FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
