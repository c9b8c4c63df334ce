package smb

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/applayer"
)

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	ts, tc := session2()
	for name, b := range map[string][]byte{"smb2-ts.bin": ts, "smb2-tc.bin": tc,
		"smb1-tree.bin": append(nbss(smb1Tree(`\\h\IPC$`, true)), nbss(smb1TreeResp("IPC"))...)} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzSMB feeds the input in chunks of step bytes, alternating directions
// when step is odd, and reads every buffer of every transaction.
func FuzzSMB(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bin")
	if len(files) == 0 {
		f.Fatal("no seeds in testdata")
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
		f.Add(b, uint8(6))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		p := New()
		s := int(step) + 1
		for i := 0; i < len(data); i += s {
			dir := applayer.ToServer
			if step&1 == 1 && (i/s)&1 == 1 {
				dir = applayer.ToClient
			}
			p.Parse(dir, data[i:min(i+s, len(data))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.TxAt(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := applayer.DCERPCStubData; b <= applayer.SMBShare; b++ {
					if v, ok := tx.BufferAt(d, b, 0); !ok && v != nil {
						t.Fatalf("buffer %v: data without ok", b)
					}
				}
			}
		}
		p.Prune(^uint64(0))
	})
}
