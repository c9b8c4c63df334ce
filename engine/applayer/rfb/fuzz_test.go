package rfb

import (
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	var up, down []byte
	for _, m := range vnc37() {
		if m.dir == applayer.ToServer {
			up = append(up, m.data...)
		} else {
			down = append(down, m.data...)
		}
	}
	for name, b := range map[string][]byte{"client.bin": up, "server.bin": down} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzRFB feeds both directions in pieces. Invariants: no panic, bounded
// queues, rfb.name only from a complete ServerInit, buffers of the right
// size.
func FuzzRFB(f *testing.F) {
	c, err1 := os.ReadFile("testdata/client.bin")
	s, err2 := os.ReadFile("testdata/server.bin")
	if err1 != nil || err2 != nil {
		f.Fatal("missing seeds in testdata")
	}
	f.Add(c, s, uint8(0))
	f.Add(c, s, uint8(3))
	f.Add(s, c, uint8(1))
	f.Fuzz(func(t *testing.T, up, down []byte, step uint8) {
		p := New()
		n := int(step)
		if n == 0 {
			n = len(up) + len(down) + 1
		}
		for i := 0; i < len(up) || i < len(down); i += n {
			if i < len(down) {
				p.Parse(applayer.ToClient, down[i:min(i+n, len(down))])
			}
			if i < len(up) {
				p.Parse(applayer.ToServer, up[i:min(i+n, len(up))])
			}
			if len(p.q[0]) > maxQueue || len(p.q[1]) > maxQueue {
				t.Fatalf("queued %d/%d bytes", len(p.q[0]), len(p.q[1]))
			}
		}
		tx := p.Tx()
		if v, ok := tx.BufferAt(applayer.ToClient, bufid.RFBName, 0); ok && (!tx.HasServerInit || len(v) > maxName) {
			t.Fatalf("rfb.name %d bytes, server init %v", len(v), tx.HasServerInit)
		}
		for _, b := range []applayer.BufferID{bufid.RFBSecType, bufid.RFBSecResult} {
			if v, ok := tx.BufferAt(applayer.ToServer, b, 0); ok && len(v) != 4 {
				t.Fatalf("%v is %d bytes", b, len(v))
			}
		}
		if len(tx.FailureReason) > maxReason {
			t.Fatalf("reason %d bytes", len(tx.FailureReason))
		}
	})
}
