package tls

import (
	gotls "crypto/tls"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Seed files in testdata/*.hs hold a recorded handshake as a sequence of
// [direction byte][uint32 length][bytes] chunks.

func encodeChunks(log []chunk) []byte {
	var out []byte
	for _, c := range log {
		out = append(out, byte(c.dir))
		out = binary.BigEndian.AppendUint32(out, uint32(len(c.data)))
		out = append(out, c.data...)
	}
	return out
}

func decodeChunks(b []byte) (toServer, toClient []byte) {
	for len(b) >= 5 {
		dir := b[0]
		n := int(binary.BigEndian.Uint32(b[1:5]))
		b = b[5:]
		if n > len(b) {
			n = len(b)
		}
		if dir&1 == 0 {
			toServer = append(toServer, b[:n]...)
		} else {
			toClient = append(toClient, b[:n]...)
		}
		b = b[n:]
	}
	return
}

// TestWriteSeeds regenerates testdata/*.hs with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	for name, v := range map[string]uint16{"tls12.hs": gotls.VersionTLS12, "tls13.hs": gotls.VersionTLS13} {
		if err := os.WriteFile(filepath.Join("testdata", name), encodeChunks(handshake(t, v)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSeedFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.hs")
	if len(files) == 0 {
		t.Fatal("no seed files in testdata")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		up, down := decodeChunks(b)
		p := New()
		p.Parse(applayer.ToServer, up)
		p.Parse(applayer.ToClient, down)
		if !p.Tx().HasClientHello || !p.Tx().HasServerHello {
			t.Errorf("%s: hellos not parsed", f)
		}
	}
}

func FuzzTLS(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.hs")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		up, down := decodeChunks(b)
		f.Add(up, down, uint8(0))
		f.Add(up, down, uint8(13))
	}
	f.Fuzz(func(t *testing.T, up, down []byte, step uint8) {
		p := New()
		n := int(step)
		if n == 0 {
			n = len(up) + len(down) + 1
		}
		for i := 0; i < len(up) || i < len(down); i += n {
			if i < len(up) {
				p.Parse(applayer.ToServer, up[i:min(i+n, len(up))])
			}
			if i < len(down) {
				p.Parse(applayer.ToClient, down[i:min(i+n, len(down))])
			}
		}
		tx := p.Tx()
		for b := applayer.BufferID(0); b < bufid.NumIDs; b++ {
			tx.Buffer(applayer.ToClient, b)
			tx.BufferAt(applayer.ToClient, b, 1)
		}
		r := eve.Record{Type: eve.EventTLS}
		tx.FillEVE(&r, applayer.ToClient)
		if tx.HasClientHello && len(r.TLS.JA3.Hash) == 0 {
			t.Fatalf("ClientHello without JA3")
		}
		if line := new(eve.Encoder).Encode(&r); !json.Valid(line) {
			t.Fatalf("invalid EVE line %s", line)
		}
	})
}
