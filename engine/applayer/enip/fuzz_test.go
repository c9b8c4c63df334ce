package enip

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
	"vigil/output/eve"
)

// FuzzParse feeds the input as a datagram and to both TCP directions
// split every step bytes, and checks that nothing panics, buffers are
// bounded and the EVE record encodes.
func FuzzParse(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.tcp") {
		f.Add(b, uint8(0))
	}
	for _, m := range [][]byte{register, registerResp, getAttrs, getAttrsResp, multiReq, multiResp, listIdentity,
		listIdentityResp, listServicesResp} {
		f.Add(m, uint8(5))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		p := New()
		p.ParseDatagram(applayer.ToServer, in)
		n := max(int(step), 1)
		for i := 0; i < len(in); i += n {
			p.Parse(applayer.ToServer, in[i:min(i+n, len(in))])
			p.Parse(applayer.ToClient, in[i:min(i+n, len(in))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.ENIPCommand; b <= bufid.ENIPEvents; b++ {
					if v, _ := tx.BufferAt(d, b, 0); len(v) > 8*len(in)+16 {
						t.Fatalf("%v of %d bytes from %d", b, len(v), len(in))
					}
				}
			}
			var r eve.Record
			r.Type = eve.EventENIP
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
