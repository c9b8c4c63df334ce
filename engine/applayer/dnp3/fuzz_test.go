package dnp3

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
	"vigil/output/eve"
)

// FuzzParse feeds the input to both directions split every step bytes,
// and checks that nothing panics, the buffers stay within bounds and the
// EVE record encodes.
func FuzzParse(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.tcp") {
		f.Add(b, uint8(0))
	}
	for _, m := range [][]byte{readClasses, readResp, directOperate, confirm, unsolicited} {
		f.Add(m, uint8(4))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		p := New()
		n := max(int(step), 1)
		for i := 0; i < len(in); i += n {
			p.Parse(applayer.ToServer, in[i:min(i+n, len(in))])
			p.Parse(applayer.ToClient, in[i:min(i+n, len(in))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.DNP3Data; b <= bufid.DNP3Events; b++ {
					if v, _ := tx.BufferAt(d, b, 0); len(v) > maxFragment+8 {
						t.Fatalf("%v of %d bytes", b, len(v))
					}
				}
			}
			if len(tx.Objects) > MaxObjects {
				t.Fatalf("%d objects", len(tx.Objects))
			}
			var r eve.Record
			r.Type = eve.EventDNP3
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
