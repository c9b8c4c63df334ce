package smb

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
	ts, tc := session2()
	// A file written out of order, requests only (the handle is unknown:
	// its data is a file as it is not DCERPC).
	var file []byte
	file = append(file, nbss(smb2(3, false, 1, treeReq2(`\\h\share`)))...)
	file = append(file, nbss(smb2T(5, false, 2, 5, create2("a.txt", 5)))...)
	file = append(file, nbss(smb2T(9, false, 3, 5, write2At(fid(1), 4, "EFGH")))...)
	file = append(file, nbss(smb2T(9, false, 4, 5, write2At(fid(1), 0, "ABCDEF")))...)
	file = append(file, nbss(smb2T(8, false, 5, 5, read2Req(fid(1), 0, 8)))...)
	file = append(file, nbss(smb2T(6, false, 6, 5, close2(fid(1))))...)
	for name, b := range map[string][]byte{"smb2-ts.bin": ts, "smb2-tc.bin": tc,
		"smb1-tree.bin": append(nbss(smb1Tree(`\\h\IPC$`, true)), nbss(smb1TreeResp("IPC"))...),
		"smb2-file.bin": file} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzSMB feeds the input in chunks of step bytes, alternating directions
// when step is odd, and reads every buffer of every transaction.
func FuzzSMB(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.bin") {
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
		if p.chunkCount < 0 || p.chunkCount > maxChunks || p.chunkBytes < 0 || p.chunkBytes > maxChunkBytes {
			t.Fatalf("waiting file data: %d pieces, %d bytes", p.chunkCount, p.chunkBytes)
		}
		if p.keptBytes < 0 || p.keptBytes > maxKeptBytes {
			t.Fatalf("%d file.data bytes kept", p.keptBytes)
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.TxAt(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				for b := bufid.Packet + 1; b < bufid.NumIDs; b++ {
					if v, ok := tx.BufferAt(d, b, 0); !ok && v != nil {
						t.Fatalf("buffer %v: data without ok", b)
					}
				}
				if v := tx.Buffer(d, bufid.FileData); len(v) > FileDataLimit {
					t.Fatalf("file.data of %d bytes", len(v))
				}
			}
		}
		p.Prune(^uint64(0))
	})
}
