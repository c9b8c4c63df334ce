package sip

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// TestWriteSeeds regenerates testdata/*.txt with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	for name, b := range map[string][]byte{"invite.txt": invite, "ok200.txt": ok200} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzSIP parses the input as a datagram and as a TCP stream split at
// step and checks that nothing panics and every buffer lies in bounds.
func FuzzSIP(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.txt") {
		f.Add(b, uint8(0))
		f.Add(b, uint8(7))
	}
	f.Fuzz(func(t *testing.T, msg []byte, step uint8) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		p.ParseDatagram(applayer.ToClient, msg)
		stream := append(append([]byte(nil), msg...), msg...)
		n := max(int(step), 1)
		for i := 0; i < len(stream); i += n {
			p.Parse(applayer.ToClient, stream[i:min(i+n, len(stream))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.SIPMethod; b <= bufid.SIPSnortStatCode; b++ {
					for j := 0; j < 200; j++ {
						v, ok := tx.BufferAt(d, b, j)
						if !ok {
							break
						}
						if len(v) > len(msg) {
							t.Fatalf("%v of %d bytes from %d", b, len(v), len(msg))
						}
					}
				}
			}
		}
	})
}
