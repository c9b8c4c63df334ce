package ssh

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

var seedLists = [10]string{"curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256",
	"hmac-sha2-256", "none", "none", "", ""}

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	c := append(append([]byte("SSH-2.0-OpenSSH_9.6\r\n"), kexinit(seedLists)...), newKeys...)
	s := append(append([]byte("SSH-2.0-dropbear\r\n"), kexinit(seedLists)...), newKeys...)
	for name, b := range map[string][]byte{"client.bin": c, "server.bin": s} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzSSH feeds both directions in pieces; no panics, HASSH iff KEXINIT.
func FuzzSSH(f *testing.F) {
	c, err1 := os.ReadFile("testdata/client.bin")
	s, err2 := os.ReadFile("testdata/server.bin")
	if err1 != nil || err2 != nil {
		f.Fatal("missing seeds in testdata")
	}
	f.Add(c, s, uint8(0))
	f.Add(c, s, uint8(3))
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
		if tx.Client.KexInit != (len(tx.Client.HASSH) == 32) {
			t.Fatalf("client KexInit %v but hassh %q", tx.Client.KexInit, tx.Client.HASSH)
		}
		r := eve.Record{Type: eve.EventSSH}
		tx.FillEVE(&r, applayer.ToClient)
		if line := new(eve.Encoder).Encode(&r); !json.Valid(line) {
			t.Fatalf("invalid EVE line %s", line)
		}
		for b := applayer.BufferID(0); b < bufid.NumIDs; b++ {
			tx.Buffer(applayer.ToServer, b)
		}
	})
}
