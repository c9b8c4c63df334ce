package dcerpc

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	ts, tc := conversation()
	for name, b := range map[string][]byte{"ts.bin": ts, "tc.bin": tc} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDCERPC feeds the input to both directions in chunks of step bytes
// and reads every buffer of every transaction.
func FuzzDCERPC(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.bin") {
		f.Add(b, uint8(0))
		f.Add(b, uint8(5))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		p := New()
		s := int(step) + 1
		for i := 0; i < len(data); i += s {
			dir := applayer.Direction((i / s) & 1)
			if step == 0 {
				dir = applayer.ToServer
			}
			p.Parse(dir, data[i:min(i+s, len(data))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.TxAt(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.DCERPCStubData; b <= bufid.DCERPCEndian; b++ {
					for k := 0; k < 4; k++ {
						v, ok := tx.BufferAt(d, b, k)
						if !ok && v != nil {
							t.Fatalf("buffer %v: data without ok", b)
						}
						if b == bufid.DCERPCIface && ok && len(v) != IfaceRecLen {
							t.Fatalf("iface record of %d bytes", len(v))
						}
					}
				}
			}
		}
		p.Prune(^uint64(0))
	})
}
