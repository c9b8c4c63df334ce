package dhcp

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse parses the input as one datagram and checks that nothing
// panics and both EVE forms encode.
func FuzzParse(f *testing.F) {
	for _, m := range [][]byte{request, ack, discover} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, ext := range []bool{false, true} {
			p := New(ext)
			p.ParseDatagram(applayer.ToServer, in)
			var r eve.Record
			r.Type = eve.EventDHCP
			p.Tx(0).FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
