package http

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FuzzHTTP feeds a request stream and a response stream (seeded from
// testdata/*.req and the matching *.resp) in interleaved pieces and checks
// invariants: no panic, transaction IDs strictly increasing, every buffer
// readable and measured alike by BufferLenAt.
func FuzzHTTP(f *testing.F) {
	reqs, _ := filepath.Glob("testdata/*.req")
	if len(reqs) == 0 {
		f.Fatal("no seeds in testdata")
	}
	for _, r := range reqs {
		up, err := os.ReadFile(r)
		if err != nil {
			f.Fatal(err)
		}
		down, _ := os.ReadFile(strings.TrimSuffix(r, ".req") + ".resp")
		f.Add(up, down, uint8(0), uint16(0))
		f.Add(up, down, uint8(3), uint16(7))
	}
	f.Fuzz(func(t *testing.T, up, down []byte, step uint8, gapAt uint16) {
		p := New(Config{RequestBodyLimit: 64, ResponseBodyLimit: 64, MaxTx: 8})
		n := int(step)
		if n == 0 {
			n = len(up) + len(down) + 1
		}
		for i := 0; i < len(up) || i < len(down); i += n {
			if i < len(up) {
				p.Parse(applayer.ToServer, up[i:min(i+n, len(up))])
			}
			if gapAt != 0 && i <= int(gapAt) && int(gapAt) < i+n {
				p.Gap(applayer.ToClient, int(gapAt%50)+1)
			}
			if i < len(down) {
				p.Parse(applayer.ToClient, down[i:min(i+n, len(down))])
			}
		}
		p.EOF(applayer.ToClient)
		var last uint64
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			if i > 0 && tx.ID() <= last {
				t.Fatalf("tx ids not increasing: %d after %d", tx.ID(), last)
			}
			last = tx.ID()
			for b := applayer.BufferID(0); b < bufid.NumIDs; b++ {
				for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
					// BufferLenAt (asked first, before anything is
					// built) agrees with BufferAt.
					for j := 0; j < 3; j++ {
						n, ok := tx.BufferLenAt(d, b, j)
						v, vok := tx.BufferAt(d, b, j)
						if vok = vok && v != nil; ok != vok || n != len(v) {
							t.Fatalf("%v[%d] dir %d: BufferLenAt %d, %v; BufferAt %d, %v", b, j, d, n, ok, len(v), vok)
						}
					}
					if v := tx.Buffer(d, b); len(v) > 1<<20 {
						t.Fatalf("%v: %d bytes", b, len(v))
					}
				}
			}
			if len(tx.Req.Body) > 64 || len(tx.ResponseBody()) > 64 {
				t.Fatalf("body over limit: %d %d", len(tx.Req.Body), len(tx.ResponseBody()))
			}
			r := eve.Record{Type: eve.EventHTTP}
			tx.FillEVE(&r, applayer.ToClient)
			if line := new(eve.Encoder).Encode(&r); !json.Valid(line) {
				t.Fatalf("invalid EVE line %s", line)
			}
			for f := 0; f < tx.FileCount(); f++ {
				r := eve.Record{Type: eve.EventFileinfo}
				if tx.FillFileEVE(&r, f) {
					if line := new(eve.Encoder).Encode(&r); !json.Valid(line) {
						t.Fatalf("invalid fileinfo line %s", line)
					}
				}
			}
			for k := 0; k < tx.EventCount(); k++ {
				if tx.EventName(k) == "" {
					t.Fatalf("event %d has no name", k)
				}
			}
		}
		if p.TxCount() > 8 {
			t.Fatalf("TxCount %d over MaxTx", p.TxCount())
		}
		p.Prune(last + 1)
	})
}
