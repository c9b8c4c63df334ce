package tftp

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzParse parses the input as one request and checks that nothing
// panics, a transaction has a known mode and the record encodes.
func FuzzParse(f *testing.F) {
	f.Add([]byte("\x00\x01rfc1350.txt\x00octet\x00"))
	f.Add([]byte("\x00\x02a\x00NETASCII\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := New()
		p.ParseDatagram(applayer.ToServer, in)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			if tx.Mode != "octet" && tx.Mode != "netascii" && tx.Mode != "mail" {
				t.Fatalf("mode %q", tx.Mode)
			}
			var r eve.Record
			r.Type = eve.EventTFTP
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
