package smb

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// smb2T is smb2 with a TreeId in the header.
func smb2T(cmd uint16, resp bool, msgID uint64, tree uint32, body []byte) []byte {
	m := smb2(cmd, resp, msgID, body)
	binary.LittleEndian.PutUint32(m[36:], tree)
	return m
}

func fid(n byte) [16]byte { return [16]byte{0: n, 8: n, 15: 0x80} }

// create2 builds an SMB2 CREATE request body for name.
func create2(name string, disp uint32) []byte {
	n := u16(name)
	b := make([]byte, 56)
	binary.LittleEndian.PutUint16(b, 57)
	binary.LittleEndian.PutUint32(b[36:], disp)
	binary.LittleEndian.PutUint16(b[44:], 64+56)
	binary.LittleEndian.PutUint16(b[46:], uint16(len(n)))
	return append(b, n...)
}

// create2Resp builds an SMB2 CREATE response body with FileId id.
func create2Resp(id [16]byte) []byte {
	b := make([]byte, 88)
	binary.LittleEndian.PutUint16(b, 89)
	copy(b[64:], id[:])
	return b
}

// write2At builds an SMB2 WRITE request body.
func write2At(id [16]byte, off uint64, data string) []byte {
	b := make([]byte, 48)
	binary.LittleEndian.PutUint16(b, 49)
	binary.LittleEndian.PutUint16(b[2:], 64+48)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	binary.LittleEndian.PutUint64(b[8:], off)
	copy(b[16:], id[:])
	return append(b, data...)
}

// read2Req builds an SMB2 READ request body.
func read2Req(id [16]byte, off uint64, n uint32) []byte {
	b := make([]byte, 49)
	binary.LittleEndian.PutUint16(b, 49)
	binary.LittleEndian.PutUint32(b[4:], n)
	binary.LittleEndian.PutUint64(b[8:], off)
	copy(b[16:], id[:])
	return b
}

// close2 builds an SMB2 CLOSE request body.
func close2(id [16]byte) []byte {
	b := make([]byte, 24)
	binary.LittleEndian.PutUint16(b, 24)
	copy(b[8:], id[:])
	return b
}

// diskSession2 connects tree 5 to a disk share and opens name as fid 1.
func diskSession2(p *Parser, name string, step int) {
	feed(p, applayer.ToServer, nbss(smb2(3, false, 1, treeReq2(`\\h\share`))), step)
	feed(p, applayer.ToClient, nbss(smb2T(3, true, 1, 5, treeResp2(1))), step)
	feed(p, applayer.ToServer, nbss(smb2T(5, false, 2, 5, create2(name, 5))), step)
	feed(p, applayer.ToClient, nbss(smb2T(5, true, 2, 5, create2Resp(fid(1)))), step)
}

// fileTxs returns the file transactions of p.
func fileTxs(p *Parser) []*Tx {
	var out []*Tx
	for _, t := range p.txs {
		if t.File != nil {
			out = append(out, t)
		}
	}
	return out
}

func sizeOf(t *testing.T, tx applayer.Tx, dir applayer.Direction) (uint64, bool) {
	t.Helper()
	b, ok := tx.BufferAt(dir, bufid.FileSize, 0)
	if !ok {
		return 0, false
	}
	if len(b) != 8 {
		t.Fatalf("filesize buffer of %d bytes", len(b))
	}
	return binary.BigEndian.Uint64(b), true
}

func TestSMB2FileWrite(t *testing.T) {
	// Writes out of order and overlapping; the overlap keeps the data
	// that came first.
	writes := []struct {
		off  uint64
		data string
	}{
		{4, "EFGH"},
		{8, "IJ"},
		{2, "xxxxxx"}, // waits too: only bytes 2-3 are new
		{0, "ABCD"},   // only bytes 0-1 are new
		{6, "yy"},     // all seen already
	}
	const want = "ABxxEFGHIJ"
	for _, step := range []int{1, 7, 1 << 20} {
		p := New()
		diskSession2(p, `dir\a.txt`, step)
		for i, w := range writes {
			feed(p, applayer.ToServer, nbss(smb2T(9, false, uint64(10+i), 5, write2At(fid(1), w.off, w.data))), step)
		}
		files := fileTxs(p)
		if len(files) != 1 {
			t.Fatalf("step %d: %d file txs, want 1", step, len(files))
		}
		tx := files[0]
		if got := tx.Buffer(applayer.ToServer, bufid.FileName); string(got) != `dir\a.txt` {
			t.Errorf("step %d: file.name %q", step, got)
		}
		if got := tx.Buffer(applayer.ToServer, bufid.FileData); string(got) != want {
			t.Errorf("step %d: file.data %q, want %q", step, got, want)
		}
		if tx.Complete(applayer.ToServer) {
			t.Errorf("step %d: complete before close", step)
		}
		if _, ok := sizeOf(t, tx, applayer.ToServer); ok {
			t.Errorf("step %d: filesize before close", step)
		}
		feed(p, applayer.ToServer, nbss(smb2T(6, false, 20, 5, close2(fid(1)))), step)
		if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
			t.Errorf("step %d: not complete after close", step)
		}
		if n, ok := sizeOf(t, tx, applayer.ToServer); !ok || n != uint64(len(want)) {
			t.Errorf("step %d: filesize %d %v", step, n, ok)
		}
		sum := md5.Sum([]byte(want))
		if got := tx.Buffer(applayer.ToServer, bufid.FileMD5); !bytes.Equal(got, sum[:]) {
			t.Errorf("step %d: filemd5 %x", step, got)
		}
		if tx.File.Disposition != 5 {
			t.Errorf("step %d: disposition %d", step, tx.File.Disposition)
		}
		// A written file travels to the server only.
		for _, b := range []applayer.BufferID{bufid.FileData, bufid.FileName, bufid.FileMD5, bufid.FileSize} {
			if v, ok := tx.BufferAt(applayer.ToClient, b, 0); ok || v != nil {
				t.Errorf("step %d: %v to_client = %q", step, b, v)
			}
		}
		if p.chunkCount != 0 || p.chunkBytes != 0 {
			t.Errorf("step %d: %d chunks of %d bytes left", step, p.chunkCount, p.chunkBytes)
		}
		// The CLOSE's generic transaction ends with its response.
		feed(p, applayer.ToClient, nbss(smb2T(6, true, 20, 5, make([]byte, 60))), step)
		p.Prune(^uint64(0))
		if p.TxCount() != 0 || p.keptBytes != 0 {
			t.Errorf("step %d: %d txs, %d file bytes after prune", step, p.TxCount(), p.keptBytes)
		}
	}
}

func TestSMB2FileRead(t *testing.T) {
	p := New()
	diskSession2(p, `r.bin`, 1<<20)
	p.Parse(applayer.ToServer, nbss(smb2T(8, false, 30, 5, read2Req(fid(1), 3, 3))))
	p.Parse(applayer.ToServer, nbss(smb2T(8, false, 31, 5, read2Req(fid(1), 0, 3))))
	// Responses out of order: the second read's first.
	p.Parse(applayer.ToClient, nbss(smb2T(8, true, 31, 5, read2([]byte("abc")))))
	p.Parse(applayer.ToClient, nbss(smb2T(8, true, 30, 5, read2([]byte("def")))))
	p.Parse(applayer.ToServer, nbss(smb2T(6, false, 32, 5, close2(fid(1)))))
	files := fileTxs(p)
	if len(files) != 1 {
		t.Fatalf("%d file txs, want 1", len(files))
	}
	tx := files[0]
	if got := tx.Buffer(applayer.ToClient, bufid.FileData); string(got) != "abcdef" {
		t.Errorf("file.data %q", got)
	}
	if got := tx.Buffer(applayer.ToServer, bufid.FileData); got != nil {
		t.Errorf("read file to_server: %q", got)
	}
	if n, ok := sizeOf(t, tx, applayer.ToClient); !ok || n != 6 {
		t.Errorf("filesize %d %v", n, ok)
	}
}

func TestSMB2FileTruncated(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(p *Parser)
		data string
	}{
		{"hole at close", func(p *Parser) {
			p.Parse(applayer.ToServer, nbss(smb2T(9, false, 10, 5, write2At(fid(1), 0, "AB"))))
			p.Parse(applayer.ToServer, nbss(smb2T(9, false, 11, 5, write2At(fid(1), 5, "FG"))))
		}, "AB"},
		{"stream gap", func(p *Parser) {
			p.Parse(applayer.ToServer, nbss(smb2T(9, false, 10, 5, write2At(fid(1), 0, "AB"))))
			p.Gap(applayer.ToServer, 100)
			p.Parse(applayer.ToServer, nbss(smb2T(9, false, 11, 5, write2At(fid(1), 2, "CD"))))
		}, "AB"},
		{"too many pieces", func(p *Parser) {
			for i := 0; i <= maxChunks; i++ {
				p.Parse(applayer.ToServer, nbss(smb2T(9, false, uint64(10+i), 5, write2At(fid(1), uint64(2+i), "x"))))
			}
			p.Parse(applayer.ToServer, nbss(smb2T(9, false, 9, 5, write2At(fid(1), 0, "AB"))))
		}, ""},
	} {
		p := New()
		diskSession2(p, "t", 1<<20)
		tc.run(p)
		p.Parse(applayer.ToServer, nbss(smb2T(6, false, 99, 5, close2(fid(1)))))
		files := fileTxs(p)
		if len(files) != 1 {
			t.Fatalf("%s: %d file txs", tc.name, len(files))
		}
		f := files[0].File
		if !f.Closed || !f.Truncated || string(f.Data) != tc.data {
			t.Errorf("%s: closed %v truncated %v data %q", tc.name, f.Closed, f.Truncated, f.Data)
		}
		for _, b := range []applayer.BufferID{bufid.FileMD5, bufid.FileSize} {
			if _, ok := files[0].BufferAt(applayer.ToServer, b, 0); ok {
				t.Errorf("%s: %v of a truncated file", tc.name, b)
			}
		}
		if p.chunkCount != 0 || p.chunkBytes != 0 {
			t.Errorf("%s: %d chunks of %d bytes left", tc.name, p.chunkCount, p.chunkBytes)
		}
	}
}

func TestSMB2FileLimits(t *testing.T) {
	p := New()
	diskSession2(p, "big", 1<<20)
	big := bytes.Repeat([]byte("0123456789abcdef"), (FileDataLimit+4096)/16)
	for off := 0; off < len(big); off += 8192 {
		chunk := big[off:min(off+8192, len(big))]
		p.Parse(applayer.ToServer, nbss(smb2T(9, false, uint64(10+off), 5, write2At(fid(1), uint64(off), string(chunk)))))
	}
	p.Parse(applayer.ToServer, nbss(smb2T(6, false, 1, 5, close2(fid(1)))))
	tx := fileTxs(p)[0]
	if got := tx.Buffer(applayer.ToServer, bufid.FileData); len(got) != FileDataLimit {
		t.Errorf("file.data of %d bytes, want %d", len(got), FileDataLimit)
	}
	if n, ok := sizeOf(t, tx, applayer.ToServer); !ok || n != uint64(len(big)) {
		t.Errorf("filesize %d %v, want %d", n, ok, len(big))
	}
	sum := md5.Sum(big)
	if got := tx.Buffer(applayer.ToServer, bufid.FileMD5); !bytes.Equal(got, sum[:]) {
		t.Errorf("filemd5 over the whole file: %x", got)
	}

	// Open files per flow: the oldest is given up.
	p = New()
	diskSession2(p, "x", 1<<20)
	for i := 0; i <= MaxFiles; i++ {
		id := fid(byte(10 + i))
		p.Parse(applayer.ToServer, nbss(smb2T(5, false, uint64(1000+i), 5, create2("f", 2))))
		p.Parse(applayer.ToClient, nbss(smb2T(5, true, uint64(1000+i), 5, create2Resp(id))))
		p.Parse(applayer.ToServer, nbss(smb2T(9, false, uint64(2000+i), 5, write2At(id, 0, "data"))))
	}
	files := fileTxs(p)
	open := 0
	for _, tx := range files {
		if !tx.File.Closed {
			open++
		}
	}
	if len(files) != MaxFiles+1 || open != MaxFiles || !files[0].File.Truncated {
		t.Errorf("%d files, %d open, first truncated %v", len(files), open, files[0].File.Truncated)
	}
}

func TestSMB2PipeIsNotFile(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, nbss(smb2(3, false, 1, treeReq2(`\\h\IPC$`))))
	p.Parse(applayer.ToClient, nbss(smb2T(3, true, 1, 7, treeResp2(2))))
	p.Parse(applayer.ToServer, nbss(smb2T(5, false, 2, 7, create2("srvsvc", 1))))
	p.Parse(applayer.ToClient, nbss(smb2T(5, true, 2, 7, create2Resp(fid(3)))))
	p.Parse(applayer.ToServer, nbss(smb2T(9, false, 3, 7, write2At(fid(3), 0, string(bindPDU())))))
	p.Parse(applayer.ToServer, nbss(smb2T(8, false, 4, 7, read2Req(fid(3), 0, 1024))))
	p.Parse(applayer.ToClient, nbss(smb2T(8, true, 4, 7, read2(bindAckPDU()))))
	if n := len(fileTxs(p)); n != 0 {
		t.Errorf("%d file txs on a pipe", n)
	}
	dce := 0
	for _, tx := range p.txs {
		if tx.DCE != nil {
			dce++
		}
	}
	if dce != 1 {
		t.Errorf("%d DCERPC txs, want 1 (the bind)", dce)
	}
}

// smb1Msg builds an SMB1 message: header, words and bytes.
func smb1Msg(cmd byte, resp bool, tid, mid uint16, words, b []byte) []byte {
	h := make([]byte, 32)
	copy(h, "\xffSMB")
	h[4] = cmd
	if resp {
		h[9] = 0x80
	}
	binary.LittleEndian.PutUint16(h[24:], tid)
	binary.LittleEndian.PutUint16(h[30:], mid)
	m := append(h, byte(len(words)/2))
	m = append(m, words...)
	m = binary.LittleEndian.AppendUint16(m, uint16(len(b)))
	return append(m, b...)
}

func TestSMB1FileWrite(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, nbss(smb1Tree(`\\h\PUBLIC`, false)))
	tr := smb1TreeResp("A:")
	binary.LittleEndian.PutUint16(tr[24:], 9) // TID
	p.Parse(applayer.ToClient, nbss(tr))

	// NT Create AndX: ASCII name, disposition 5 (overwrite if).
	cw := make([]byte, 48)
	cw[0] = 0xff
	binary.LittleEndian.PutUint32(cw[35:], 5)
	p.Parse(applayer.ToServer, nbss(smb1Msg(smb1CreateAndX, false, 9, 20, cw, []byte(`\eicar`+"\x00"))))
	rw := make([]byte, 68)
	rw[0] = 0xff
	binary.LittleEndian.PutUint16(rw[5:], 0x4000) // FID
	p.Parse(applayer.ToClient, nbss(smb1Msg(smb1CreateAndX, true, 9, 20, rw, nil)))

	// Write AndX (12 words): the second half first.
	write := func(mid uint16, off uint32, data string) []byte {
		w := make([]byte, 24)
		w[0] = 0xff
		binary.LittleEndian.PutUint16(w[4:], 0x4000)
		binary.LittleEndian.PutUint32(w[6:], off)
		binary.LittleEndian.PutUint16(w[20:], uint16(len(data)))
		binary.LittleEndian.PutUint16(w[22:], 32+1+24+2)
		return nbss(smb1Msg(smb1WriteAndX, false, 9, mid, w, []byte(data)))
	}
	p.Parse(applayer.ToServer, write(21, 5, "world"))
	p.Parse(applayer.ToServer, write(22, 0, "hello"))
	cl := make([]byte, 6)
	binary.LittleEndian.PutUint16(cl, 0x4000)
	p.Parse(applayer.ToServer, nbss(smb1Msg(smb1Close, false, 9, 23, cl, nil)))

	files := fileTxs(p)
	if len(files) != 1 {
		t.Fatalf("%d file txs", len(files))
	}
	tx := files[0]
	if got := tx.Buffer(applayer.ToServer, bufid.FileName); string(got) != `\eicar` {
		t.Errorf("file.name %q", got)
	}
	if got := tx.Buffer(applayer.ToServer, bufid.FileData); string(got) != "helloworld" {
		t.Errorf("file.data %q", got)
	}
	if n, ok := sizeOf(t, tx, applayer.ToServer); !ok || n != 10 {
		t.Errorf("filesize %d %v", n, ok)
	}
	if tx.File.Disposition != 5 {
		t.Errorf("disposition %d", tx.File.Disposition)
	}
}

// rename2 builds an SMB2 SET_INFO request body renaming handle id to name
// (FileRenameInformation).
func rename2(id [16]byte, name string) []byte {
	n := u16(name)
	buf := make([]byte, 20)
	binary.LittleEndian.PutUint32(buf[16:], uint32(len(n)))
	buf = append(buf, n...)
	b := make([]byte, 32)
	binary.LittleEndian.PutUint16(b, 33)
	b[2], b[3] = 1, 10
	binary.LittleEndian.PutUint32(b[4:], uint32(len(buf)))
	binary.LittleEndian.PutUint16(b[8:], 64+32)
	copy(b[16:], id[:])
	return append(b, buf...)
}

// TestSMB2Rename checks the rename transaction of a SET_INFO
// FileRenameInformation: the name from the handle's CREATE and the new
// one, completed by the response; a rename of an unknown handle is from
// "<unknown>".
func TestSMB2Rename(t *testing.T) {
	p := New()
	diskSession2(p, `dir\old.txt`, 1<<20)
	feed(p, applayer.ToServer, nbss(smb2T(17, false, 3, 5, rename2(fid(1), `dir\new.txt`))), 1<<20)
	feed(p, applayer.ToServer, nbss(smb2T(17, false, 4, 5, rename2(fid(9), `x`))), 1<<20)
	var renames []*Tx
	for _, tx := range p.txs {
		if tx.kind == kindRename {
			renames = append(renames, tx)
		}
	}
	if len(renames) != 2 {
		t.Fatalf("%d rename txs, want 2", len(renames))
	}
	r := renames[0]
	if string(r.RenameFrom) != `dir\old.txt` || string(r.RenameTo) != `dir\new.txt` {
		t.Errorf("rename from %q to %q", r.RenameFrom, r.RenameTo)
	}
	if string(renames[1].RenameFrom) != "<unknown>" {
		t.Errorf("unknown handle renamed from %q", renames[1].RenameFrom)
	}
	feed(p, applayer.ToClient, nbss(smb2T(17, true, 3, 5, make([]byte, 2))), 1<<20)
	if !r.Complete(applayer.ToClient) {
		t.Error("rename not complete after its response")
	}
}

// TestSMB2ReadCutByEOF checks a READ response whose record the stream
// ends inside (the reassembly depth): at EOF the bytes that arrived make
// the file, as Suricata's streaming of file data does.
func TestSMB2ReadCutByEOF(t *testing.T) {
	p := New()
	diskSession2(p, `big.bin`, 1<<20)
	p.Parse(applayer.ToServer, nbss(smb2T(8, false, 30, 5, read2Req(fid(1), 0, 100000))))
	rec := nbss(smb2T(8, true, 30, 5, read2(bytes.Repeat([]byte("x"), 100000))))
	p.Parse(applayer.ToClient, rec[:5000])
	if len(fileTxs(p)) != 0 {
		t.Fatal("file before the record ended")
	}
	p.EOF(applayer.ToClient)
	files := fileTxs(p)
	if len(files) != 1 {
		t.Fatalf("%d file txs after EOF, want 1", len(files))
	}
	if got := files[0].Buffer(applayer.ToClient, bufid.FileData); len(got) == 0 || len(got) >= 5000 || strings.Trim(string(got), "x") != "" {
		t.Errorf("file.data of %d bytes; want the part that arrived", len(got))
	}
	p.EOF(applayer.ToClient) // again: nothing left
	if len(fileTxs(p)) != 1 {
		t.Error("second EOF made another file")
	}
}
