package dns

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
	"vigil/output/eve"
)

// TestWriteSeeds regenerates testdata/*.bin with VIGIL_WRITE_SEEDS=1.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	for name, b := range map[string][]byte{"query.bin": query, "response.bin": response} {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDNS decodes a message as a UDP datagram and as a TCP stream split at
// step, and checks that nothing panics and EVE records are consistent.
func FuzzDNS(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.bin") {
		f.Add(b, uint8(0))
		f.Add(b, uint8(5))
	}
	f.Fuzz(func(t *testing.T, msg []byte, step uint8) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		p.ParseDatagram(applayer.ToClient, msg)
		stream := append([]byte{byte(len(msg) >> 8), byte(len(msg))}, msg...)
		stream = append(stream, stream...)
		n := max(int(step), 1)
		for i := 0; i < len(stream); i += n {
			p.Parse(applayer.ToServer, stream[i:min(i+n, len(stream))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
				r := eve.Record{Type: eve.EventDNS}
				if tx.FillEVE(&r, d) {
					if line := new(eve.Encoder).Encode(&r); !json.Valid(line) {
						t.Fatalf("invalid EVE line %s", line)
					}
				}
				for j := 0; ; j++ {
					v, ok := tx.BufferAt(d, bufid.DNSQuery, j)
					if !ok {
						break
					}
					if len(v) > maxNameLen+64 {
						t.Fatalf("name of %d bytes", len(v))
					}
				}
			}
		}
	})
}
