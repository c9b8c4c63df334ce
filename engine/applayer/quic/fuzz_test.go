package quic

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/quic/header"
)

// FuzzQUIC feeds the input as datagrams of both directions (the captured
// client Initial first, so that the flow has Initial keys and mutated
// packets reach decryption and the frame parser) and checks that nothing
// panics, every buffer is bounded and fingerprints stay in their
// direction.
func FuzzQUIC(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bin")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add(q046CHLO(), false)
	client, err := os.ReadFile("testdata/ietf-client-initial.bin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg []byte, keyed bool) {
		p := New()
		if keyed {
			// Keys from the real client Initial, hello not yet complete.
			h, ok := header.Parse(client)
			if !ok {
				t.Fatal("seed header")
			}
			p.keys, _ = initialKeys(h.Version, h.DCID)
		}
		p.ParseDatagram(applayer.ToServer, msg)
		p.ParseDatagram(applayer.ToClient, msg)
		header.Parse(msg)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for b := bufid.ID(0); b < bufid.NumIDs; b++ {
				for d := applayer.ToServer; d <= applayer.ToClient; d++ {
					for j := 0; j < 4; j++ {
						v, ok := tx.BufferAt(d, b, j)
						if !ok {
							break
						}
						if len(v) > 65536 {
							t.Fatalf("%v of %d bytes", b, len(v))
						}
					}
				}
			}
			if tx.Buffer(applayer.ToClient, bufid.JA3String) != nil || tx.Buffer(applayer.ToServer, bufid.JA3SString) != nil {
				t.Fatal("fingerprint in the wrong direction")
			}
		}
	})
}
