package smtp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
)

// TestWriteSeeds regenerates testdata/*.txt with VIGIL_WRITE_SEEDS=1. A
// seed is a session: lines starting with a digit are the server's, the
// others the client's (see splitSession).
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("VIGIL_WRITE_SEEDS") == "" {
		t.Skip("set VIGIL_WRITE_SEEDS=1 to regenerate seeds")
	}
	join := func(steps []step) []byte {
		var b bytes.Buffer
		for _, st := range steps {
			b.WriteString(st.data)
		}
		return b.Bytes()
	}
	seeds := map[string][]byte{
		"multipart.txt": join(session(multipartMail)),
		"pipelining.txt": []byte("220 mx\r\nEHLO me\r\n250-mx\r\n250 PIPELINING\r\n" +
			"MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nSubject: s\r\nContent-Type: text/plain; name=a.txt\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n.\r\n250 ok\r\n250 ok\r\n354 go\r\n250 q\r\n" +
			"RSET\r\nBDAT 5 LAST\r\nabcde250 ok\r\nSTARTTLS\r\n220 go\r\nafter tls\r\n"),
	}
	for name, b := range seeds {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// splitSession splits a seed into the client's and the server's lines.
func splitSession(b []byte) (client, server []byte) {
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) > 0 && line[0] >= '0' && line[0] <= '9' {
			server = append(server, line...)
		} else {
			client = append(client, line...)
		}
	}
	return client, server
}

// FuzzSMTP feeds a session in pieces of step bytes, alternating the
// directions, and the whole input as client bytes, and checks that nothing
// panics and every limit holds.
func FuzzSMTP(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.txt") {
		f.Add(b, uint8(0))
		f.Add(b, uint8(5))
	}
	f.Add([]byte(strings.Repeat("--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n", 20)), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		cfg := Config{FileLimit: 512}
		client, server := splitSession(data)
		p := New(cfg)
		n := int(step) + 1
		for i, j := 0, 0; i < len(client) || j < len(server); i, j = i+n, j+n {
			if i < len(client) {
				p.Parse(applayer.ToServer, client[i:min(i+n, len(client))])
			}
			if j < len(server) {
				p.Parse(applayer.ToClient, server[j:min(j+n, len(server))])
			}
		}
		check(t, p, cfg)
		q := New(cfg)
		q.Parse(applayer.ToClient, []byte("220 mx\r\n250 PIPELINING\r\n"))
		q.Parse(applayer.ToServer, []byte("DATA\r\n"))
		q.Parse(applayer.ToServer, data)
		check(t, q, cfg)
	})
}

func check(t *testing.T, p *Parser, cfg Config) {
	t.Helper()
	if p.TxCount() > MaxTx || len(p.cmds) > MaxCommands {
		t.Fatalf("%d transactions, %d commands", p.TxCount(), len(p.cmds))
	}
	if len(p.lines[0].buf) >= MaxLine || len(p.lines[1].buf) >= MaxLine {
		t.Fatalf("line buffers %d/%d", len(p.lines[0].buf), len(p.lines[1].buf))
	}
	for i := 0; i < p.TxCount(); i++ {
		tx := p.Tx(i)
		kept := 0
		for _, f := range tx.Files {
			kept += len(f.Data)
			if len(f.Name) == 0 || len(f.Name) > MaxFileName || uint64(len(f.Data)) > f.Size {
				t.Fatalf("file %q: %d bytes of %d", f.Name, len(f.Data), f.Size)
			}
		}
		if kept > cfg.FileLimit || len(tx.Files) > MaxFiles || len(tx.RcptTo) > MaxRcpt || len(tx.Headers) > MaxHeaders {
			t.Fatalf("tx %d: %d file bytes, %d files, %d rcpt, %d headers", i, kept, len(tx.Files), len(tx.RcptTo), len(tx.Headers))
		}
		if m := tx.mime; m != nil && (len(m.stack) > MaxDepth || m.hdrBytes > MaxHeaderBytes) {
			t.Fatalf("tx %d: %d boundaries, %d header bytes", i, len(m.stack), m.hdrBytes)
		}
		for b := applayer.BufferID(1); b < bufid.NumIDs; b++ {
			for j := 0; j < MaxRcpt+2; j++ {
				if _, ok := tx.BufferAt(applayer.ToServer, b, j); !ok {
					break
				}
			}
		}
	}
}
