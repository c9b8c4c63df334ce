package ntp

import (
	"os"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse parses the input as one datagram each way and checks that
// nothing panics, a transaction is a version 3 or 4 message and the
// record encodes.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/v3-client.bin", "testdata/v4-server.bin"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p := New()
		p.ParseDatagram(applayer.ToServer, in)
		p.ParseDatagram(applayer.ToClient, in)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			if v := tx.Version(); v != 3 && v != 4 {
				t.Fatalf("version %d", v)
			}
			var r eve.Record
			r.Type = eve.EventNTP
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
