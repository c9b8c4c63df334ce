package snmp

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// FuzzSNMP parses the input as a datagram in both directions and checks
// that nothing panics, every buffer lies within the input and the
// integer buffers are 4 bytes.
func FuzzSNMP(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.bin") {
		f.Add(b)
	}
	for _, b := range [][]byte{v1Get, v2Resp, v1Trap, v3Plain, v3Encrypted} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		p.ParseDatagram(applayer.ToClient, msg)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, b := range []applayer.BufferID{bufid.SNMPVersion, bufid.SNMPCommunity, bufid.SNMPPDUType, bufid.SNMPUsm} {
				v, ok := tx.BufferAt(tx.Dir(), b, 0)
				if !ok {
					continue
				}
				if len(v) > len(msg) {
					t.Fatalf("%v of %d bytes from %d", b, len(v), len(msg))
				}
				if (b == bufid.SNMPVersion || b == bufid.SNMPPDUType) && len(v) != 4 {
					t.Fatalf("%v of %d bytes", b, len(v))
				}
			}
			if tx.Version == 0 || tx.Version > 3 {
				t.Fatalf("version %d", tx.Version)
			}
		}
	})
}
