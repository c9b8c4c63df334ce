package http2

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/http2/hpack"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// seeds are the fuzz seeds in testdata: a client stream (*.client) and
// the matching server stream (*.server), built by the functions below.
// UPDATE_GOLDEN=1 rewrites them.
func seeds(t *testing.T) map[string][2][]byte {
	t.Helper()
	client, server := exchange(t)
	var cb, sb bytes.Buffer
	ce, se := hpack.NewEncoder(&cb), hpack.NewEncoder(&sb)
	// Interleaved streams, CONTINUATION, a push promise and a reset.
	c2 := append([]byte(preface), frame(FrameSettings, 0, 0, settingsPayload(1, 8192, 2, 1))...)
	b1 := block(t, ce, &cb, ":method", "POST", ":path", "/a", ":authority", "h", "content-encoding", "gzip")
	c2 = append(c2, frame(FrameHeaders, 0, 1, b1[:3])...)
	c2 = append(c2, frame(FrameContinuation, flagEndHeaders, 1, b1[3:])...)
	c2 = append(c2, frame(FrameHeaders, flagEndHeaders|flagEndStream, 3, block(t, ce, &cb, ":method", "GET", ":path", "/b"))...)
	c2 = append(c2, frame(FrameData, flagEndStream, 1, gzipped(t, "posted"))...)
	c2 = append(c2, frame(FrameRSTStream, 0, 3, []byte{0, 0, 0, 8})...)
	s2 := frame(FrameSettings, 0, 0, settingsPayload(1, 8192))
	s2 = append(s2, frame(FramePushPromise, flagEndHeaders, 1, append([]byte{0, 0, 0, 2},
		block(t, se, &sb, ":method", "GET", ":path", "/pushed")...))...)
	s2 = append(s2, frame(FrameHeaders, flagEndHeaders, 1, block(t, se, &sb, ":status", "200"))...)
	s2 = append(s2, frame(FrameData, flagEndStream, 1, []byte("ok"))...)
	s2 = append(s2, frame(FrameGoAway, 0, 0, []byte{0, 0, 0, 1, 0, 0, 0, 0})...)
	return map[string][2][]byte{"exchange": {client, server}, "streams": {c2, s2}}
}

func TestFuzzSeeds(t *testing.T) {
	for name, s := range seeds(t) {
		for i, ext := range []string{".client", ".server"} {
			path := filepath.Join("testdata", name+ext)
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(path, s[i], 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, s[i]) {
				t.Errorf("%s is stale: run with UPDATE_GOLDEN=1", path)
			}
		}
	}
}

// FuzzHTTP2 feeds a client and a server stream (seeded from
// testdata/*.client and the matching *.server) in interleaved pieces and
// checks invariants: no panic, transaction IDs increasing, the
// transaction cap and the buffer limits hold.
func FuzzHTTP2(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.client")
	if len(files) == 0 {
		f.Fatal("no seeds in testdata")
	}
	for _, c := range files {
		client, err := os.ReadFile(c)
		if err != nil {
			f.Fatal(err)
		}
		server, _ := os.ReadFile(strings.TrimSuffix(c, ".client") + ".server")
		f.Add(client, server, uint8(0), uint16(0))
		f.Add(client, server, uint8(5), uint16(40))
	}
	f.Fuzz(func(t *testing.T, client, server []byte, step uint8, gapAt uint16) {
		cfg := Config{RequestBodyLimit: 64, ResponseBodyLimit: 64, MaxHeaderBytes: 256, MaxTx: 8}
		p := New(cfg)
		n := int(step)
		if n == 0 {
			n = len(client) + len(server) + 1
		}
		for i := 0; i < len(client) || i < len(server); i += n {
			if i < len(client) {
				p.Parse(applayer.ToServer, client[i:min(i+n, len(client))])
			}
			if gapAt != 0 && i <= int(gapAt) && int(gapAt) < i+n {
				p.Gap(applayer.ToClient, 3)
			}
			if i < len(server) {
				p.Parse(applayer.ToClient, server[i:min(i+n, len(server))])
			}
		}
		if p.TxCount() > cfg.MaxTx {
			t.Fatalf("%d transactions, cap %d", p.TxCount(), cfg.MaxTx)
		}
		var last uint64
		for i := 0; i < p.TxCount(); i++ {
			tx := p.TxAt(i)
			if i > 0 && tx.ID() <= last {
				t.Fatalf("tx ids not increasing: %d after %d", tx.ID(), last)
			}
			last = tx.ID()
			for b := applayer.BufferID(0); b < bufid.NumIDs; b++ {
				for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
					if v := tx.Buffer(d, b); len(v) > 4*cfg.MaxHeaderBytes {
						t.Fatalf("%v: %d bytes", b, len(v))
					}
					for j := 0; ; j++ {
						if _, ok := tx.BufferAt(d, b, j); !ok {
							break
						}
					}
				}
			}
		}
		p.Prune(last + 1)
	})
}
