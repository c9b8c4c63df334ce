package mqtt

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// seeds are the fuzz seeds TestWriteSeeds writes to testdata.
func seeds() map[string][]byte {
	return map[string][]byte{
		"connect5.bin":   bytes.Join([][]byte{connect5, connack134}, nil),
		"connect311.bin": bytes.Join([][]byte{connect311, connack0, pkt(0x32, str("q1"), u16(7), []byte("one")), pkt(0x40, u16(7))}, nil),
		"subscribe5.bin": bytes.Join([][]byte{pkt(0x82, u16(2), []byte{0}, str("a/#"), []byte{1}), pkt(0x90, u16(2), []byte{0}, []byte{1})}, nil),
	}
}

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	for name, b := range seeds() {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzMQTT feeds the input to both directions, split at step, and checks
// that nothing panics, that the caps hold and that every buffer lies in
// bounds.
func FuzzMQTT(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.bin") {
		f.Add(b, uint8(0))
		f.Add(b, uint8(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		p := New()
		n := int(step&63) + 1
		for i := 0; i < len(data); i += n {
			d := applayer.ToServer
			if step&0x80 != 0 && (i/n)&1 == 1 {
				d = applayer.ToClient
			}
			p.Parse(d, data[i:min(i+n, len(data))])
		}
		if p.TxCount() > MaxLive || p.held > MaxHeld {
			t.Fatalf("%d txs, %d bytes held", p.TxCount(), p.held)
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.MQTTType; b <= bufid.MQTTUnsubscribeTopic; b++ {
					for j := 0; j < MaxTopics+1; j++ {
						v, ok := tx.BufferAt(d, b, j)
						if !ok {
							break
						}
						if len(v) > len(data) {
							t.Fatalf("%v of %d bytes from %d", b, len(v), len(data))
						}
					}
				}
			}
		}
	})
}
