package ike

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzIKE parses the input as a message of each direction after the
// captured main mode, and checks that nothing panics, every buffer is
// bounded by the input, the fixed-size buffers keep their size, and the
// record fills.
func FuzzIKE(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bin")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(ikev2SAInit(false))
	f.Add(ikev2SAInit(true))
	f.Fuzz(func(t *testing.T, msg []byte) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		p.ParseDatagram(applayer.ToClient, msg)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for b := bufid.ID(0); b < bufid.NumIDs; b++ {
				for j := 0; j < 64; j++ {
					v, ok := tx.BufferAt(tx.Dir(), b, j)
					if !ok {
						break
					}
					switch b {
					case bufid.IKEInitSPI, bufid.IKERespSPI:
						if len(v) != 16 {
							t.Fatalf("%v of %d bytes", b, len(v))
						}
					case bufid.IKEExchType, bufid.IKENonceLen, bufid.IKEKeyExchangeLen:
						if len(v) != 4 {
							t.Fatalf("%v of %d bytes", b, len(v))
						}
					case bufid.IKEChosenSA:
						if len(v)%6 != 0 {
							t.Fatalf("chosen SA of %d bytes", len(v))
						}
					default:
						if len(v) > 2*len(msg) {
							t.Fatalf("%v of %d bytes from %d", b, len(v), len(msg))
						}
					}
				}
			}
			var r eve.Record
			tx.FillEVE(&r, tx.Dir())
		}
	})
}
