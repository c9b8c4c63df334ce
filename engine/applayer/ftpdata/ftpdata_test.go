package ftpdata

import (
	"net/netip"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// TestBuffers: the command in both directions; file name and data only
// in the direction the file flows (its first bytes').
func TestBuffers(t *testing.T) {
	p := New(CmdRETR, []byte("temp.txt"))
	tx := p.Tx()
	if _, ok := tx.BufferAt(applayer.ToClient, bufid.FileName, 0); ok {
		t.Error("file.name before any data")
	}
	p.Parse(applayer.ToClient, []byte("root:x:0:0"))
	p.Parse(applayer.ToServer, []byte("ignored"))
	p.Parse(applayer.ToClient, []byte(":root"))
	for _, d := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
		if b, ok := tx.BufferAt(d, bufid.FTPDataCommand, 0); !ok || string(b) != "\x01" {
			t.Errorf("%v: ftpdata_command %q %v", d, b, ok)
		}
	}
	if b := tx.Buffer(applayer.ToClient, bufid.FileData); string(b) != "root:x:0:0:root" {
		t.Errorf("file.data %q", b)
	}
	if b := tx.Buffer(applayer.ToClient, bufid.FileName); string(b) != "temp.txt" {
		t.Errorf("file.name %q", b)
	}
	if tx.Buffer(applayer.ToServer, bufid.FileData) != nil || tx.Buffer(applayer.ToServer, bufid.FileName) != nil {
		t.Error("file buffers in the other direction")
	}
	if _, ok := tx.BufferAt(applayer.ToClient, bufid.FileData, 1); ok {
		t.Error("a second file")
	}
	if tx.Size != 15 || tx.Complete(applayer.ToClient) {
		t.Errorf("size %d complete %v", tx.Size, tx.Complete(applayer.ToClient))
	}
	p.EOF(applayer.ToClient)
	if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
		t.Error("not complete at EOF")
	}
	if New(CmdNone, nil).Tx().Buffer(applayer.ToServer, bufid.FTPDataCommand) != nil {
		t.Error("ftpdata_command without a command")
	}
}

// TestFileLimit: file.data keeps DefaultFileLimit bytes, size counts all,
// and a cut or gapped file has no whole content (no hashes).
func TestFileLimit(t *testing.T) {
	p := New(CmdSTOR, []byte("big"))
	chunk := make([]byte, 64<<10)
	for i := 0; i < DefaultFileLimit/len(chunk)+2; i++ {
		p.Parse(applayer.ToServer, chunk)
	}
	tx := p.Tx()
	if len(tx.Data) != DefaultFileLimit || tx.Size != uint64(DefaultFileLimit+2*len(chunk)) {
		t.Errorf("kept %d size %d", len(tx.Data), tx.Size)
	}
	if _, whole := tx.FileContent(0); whole {
		t.Error("whole after the limit")
	}
	g := New(CmdRETR, []byte("g"))
	g.Parse(applayer.ToClient, []byte("ab"))
	g.Gap(applayer.ToClient, 10)
	if gt := g.Tx(); !gt.Gaps || gt.Size != 12 || g.State()&applayer.StateGap == 0 {
		t.Errorf("gap: %+v", gt)
	}
	if _, whole := g.Tx().FileContent(0); whole {
		t.Error("whole after a gap")
	}
}

func encode(t *testing.T, r *eve.Record) string {
	t.Helper()
	var e eve.Encoder
	return string(e.Encode(r))
}

// TestEVE: the ftp_data object (filename, command) and the fileinfo
// object of the file.
func TestEVE(t *testing.T) {
	p := New(CmdSTOR, []byte("index.html"))
	p.Parse(applayer.ToServer, []byte("0123456789"))
	p.Gap(applayer.ToServer, 5)
	p.EOF(applayer.ToServer)
	tx := p.Tx()
	var r eve.Record
	r.Type = eve.EventFTPData
	if !tx.FillEVE(&r, applayer.ToServer) {
		t.Fatal("FillEVE false")
	}
	if got := encode(t, &r); !strings.Contains(got, `"ftp_data":{"filename":"index.html","command":"STOR"}`) {
		t.Errorf("ftp_data: %s", got)
	}
	if tx.FileCount() != 1 {
		t.Fatalf("files %d", tx.FileCount())
	}
	var f eve.Record
	f.Type = eve.EventFileinfo
	if tx.FillFileEVE(&f, 1) || !tx.FillFileEVE(&f, 0) {
		t.Fatal("FillFileEVE")
	}
	want := `"fileinfo":{"filename":"index.html","gaps":true,"state":"TRUNCATED","stored":false,"size":15,"tx_id":0}`
	if got := encode(t, &f); !strings.Contains(got, want) {
		t.Errorf("fileinfo: %s\nwant %s", got, want)
	}
	var n eve.Record
	n.Type = eve.EventFTPData
	New(CmdNone, nil).Tx().FillEVE(&n, applayer.ToServer)
	if got := encode(t, &n); !strings.Contains(got, `"ftp_data":{}`) {
		t.Errorf("no command: %s", got)
	}
	if New(CmdNone, nil).Tx().FileCount() != 0 {
		t.Error("a file without data")
	}
}

// TestExpectations: an expectation is met once, by a flow between the
// two hosts (either way round) to the expected port.
func TestExpectations(t *testing.T) {
	c, s, o := netip.MustParseAddr("192.168.0.13"), netip.MustParseAddr("192.168.0.10"), netip.MustParseAddr("10.0.0.1")
	x := NewExpectations()
	if _, ok := x.Take(c, s, 2000); ok {
		t.Fatal("empty table met")
	}
	x.Add(Expectation{A: c, B: s, Port: 2000})
	x.Add(Expectation{A: c, B: s, Port: 2000, Command: CmdRETR, FileName: []byte("a")}) // replaces
	x.Add(Expectation{A: c, B: s, Port: 3000, Command: CmdSTOR})
	if _, ok := x.Take(c, o, 2000); ok {
		t.Error("another host met it")
	}
	if _, ok := x.Take(c, s, 2001); ok {
		t.Error("another port met it")
	}
	// Active mode: the server connects to the client's port.
	e, ok := x.Take(netip.MustParseAddr("::ffff:192.168.0.10"), c, 2000)
	if !ok || e.Command != CmdRETR || string(e.FileName) != "a" {
		t.Fatalf("active: %+v %v", e, ok)
	}
	if _, ok := x.Take(s, c, 2000); ok {
		t.Error("met twice")
	}
	if e, ok := x.Take(c, s, 3000); !ok || e.Command != CmdSTOR {
		t.Errorf("passive: %+v %v", e, ok)
	}
	for i := 0; i < MaxExpectations+5; i++ {
		x.Add(Expectation{A: c, B: s, Port: uint16(10000 + i)})
	}
	if _, ok := x.Take(c, s, 10000); ok {
		t.Error("oldest kept past the cap")
	}
	if _, ok := x.Take(c, s, uint16(10000+MaxExpectations+4)); !ok {
		t.Error("newest dropped")
	}
}
