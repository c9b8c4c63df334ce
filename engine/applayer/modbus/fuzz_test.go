package modbus

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse feeds the input to both directions split every step bytes,
// and checks that nothing panics, the request buffer keeps its layout and
// the EVE record encodes.
func FuzzParse(f *testing.F) {
	for _, m := range [][]byte{readHold, readHoldResp, writeSingle, writeMult, excResp, diag} {
		f.Add(m, uint8(0))
		f.Add(m, uint8(3))
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
			if b, ok := tx.BufferAt(applayer.ToServer, bufid.ModbusRequest, 0); ok && (len(b) < ReqValues || len(b)%2 == 0) {
				t.Fatalf("request buffer of %d bytes", len(b))
			}
			var r eve.Record
			r.Type = eve.EventModbus
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
