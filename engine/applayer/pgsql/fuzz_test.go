package pgsql

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse feeds the input to the client side and, from its second
// half, the server side, split every step bytes, and checks that nothing
// panics, buffers stay in range and the EVE record encodes.
func FuzzParse(f *testing.F) {
	f.Add(cat(startupMsg, query, terminate), uint8(0))
	f.Add(cat(sslReqMsg, startupMsg, password), uint8(3))
	f.Add(cat(authOKMsg, paramStatus, backendKey, ready, rowDesc, dataRows, complete, errResp), uint8(7))
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
			tx := p.Tx(i)
			tx.BufferAt(applayer.ToServer, bufid.PgSQLQuery, 0)
			var r eve.Record
			r.Type = eve.EventPgSQL
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
