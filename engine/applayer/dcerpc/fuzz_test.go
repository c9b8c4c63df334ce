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

// FuzzUDP feeds datagrams of alternating direction to the connectionless
// parser, cut from the input at the lengths its first byte list, and
// reads every buffer and record of every transaction.
func FuzzUDP(f *testing.F) {
	f.Add(clPDU(CLTypeRequest, 0, ifA, 1, 1, 0, 1, []byte("abc"), false), uint8(0))
	f.Add(append(clPDU(CLTypeRequest, CLFlagFrag, ifA, 1, 1, 0, 1, []byte("abc"), true),
		clPDU(CLTypeResponse, 0, ifA, 1, 1, 0, 1, []byte("de"), true)...), uint8(83))
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		p := NewUDP()
		s := int(cut) + 1
		for i, n := 0, 0; i < len(data); i, n = i+s, n+1 {
			p.ParseDatagram(applayer.Direction(n&1), data[i:min(i+s, len(data))])
		}
		p.ParseDatagram(applayer.ToServer, data)
		for i := 0; i < p.TxCount(); i++ {
			tx := p.TxAt(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.DCERPCStubData; b <= bufid.DCERPCEndian; b++ {
					v, ok := tx.BufferAt(d, b, 0)
					if !ok && v != nil {
						t.Fatalf("buffer %v: data without ok", b)
					}
					if b == bufid.DCERPCIface && ok && len(v) != IfaceRecLen {
						t.Fatalf("iface record of %d bytes", len(v))
					}
				}
			}
		}
		p.Prune(^uint64(0))
	})
}
