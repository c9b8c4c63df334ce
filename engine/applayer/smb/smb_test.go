package smb

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func nbss(msg []byte) []byte {
	return append([]byte{0, byte(len(msg) >> 16), byte(len(msg) >> 8), byte(len(msg))}, msg...)
}

func u16(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	return b
}

// smb2 builds an SMB2 message.
func smb2(cmd uint16, resp bool, msgID uint64, body []byte) []byte {
	h := make([]byte, 64)
	copy(h, "\xfeSMB")
	binary.LittleEndian.PutUint16(h[4:], 64)
	binary.LittleEndian.PutUint16(h[12:], cmd)
	if resp {
		h[16] = 1
	}
	binary.LittleEndian.PutUint64(h[24:], msgID)
	return append(h, body...)
}

func treeReq2(path string) []byte {
	p := u16(path)
	b := make([]byte, 8)
	binary.LittleEndian.PutUint16(b, 9)
	binary.LittleEndian.PutUint16(b[4:], 72)
	binary.LittleEndian.PutUint16(b[6:], uint16(len(p)))
	return append(b, p...)
}

func treeResp2(shareType byte) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b, 16)
	b[2] = shareType
	return b
}

func write2(data []byte) []byte {
	b := make([]byte, 48)
	binary.LittleEndian.PutUint16(b, 49)
	binary.LittleEndian.PutUint16(b[2:], 64+48)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	return append(b, data...)
}

func read2(data []byte) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b, 17)
	b[2] = 64 + 16
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	return append(b, data...)
}

// dce builds a little-endian DCERPC PDU.
func dce(typ, flags uint8, callID uint32, body []byte) []byte {
	b := make([]byte, 16)
	b[0], b[2], b[3], b[4] = 5, typ, flags, 0x10
	binary.LittleEndian.PutUint16(b[8:], uint16(16+len(body)))
	binary.LittleEndian.PutUint32(b[12:], callID)
	return append(b, body...)
}

var spoolss = [16]byte{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd, 0xef, 0, 1, 2, 3, 4, 5, 6}

func bindPDU() []byte {
	b := make([]byte, 12)
	b[8] = 1
	c := []byte{0, 0, 1, 0}
	w := make([]byte, 16)
	binary.LittleEndian.PutUint32(w, binary.BigEndian.Uint32(spoolss[0:]))
	binary.LittleEndian.PutUint16(w[4:], binary.BigEndian.Uint16(spoolss[4:]))
	binary.LittleEndian.PutUint16(w[6:], binary.BigEndian.Uint16(spoolss[6:]))
	copy(w[8:], spoolss[8:])
	c = append(c, w...)
	c = append(c, 1, 0, 0, 0)
	c = append(c, make([]byte, 20)...)
	return dce(11, 3, 1, append(b, c...))
}

func bindAckPDU() []byte {
	b := make([]byte, 10)
	binary.LittleEndian.PutUint16(b[8:], 2)
	b = append(b, '\\', 0)             // 16+12 = 28: aligned
	b = append(b, 1, 0, 0, 0)          // one result
	b = append(b, make([]byte, 24)...) // acceptance
	return dce(12, 3, 1, b)
}

// session2 is an SMB2 tree connect to IPC$, then a DCERPC bind and a
// request (opnum 10) over a pipe, with responses.
func session2() (ts, tc []byte) {
	ts = append(ts, nbss(smb2(3, false, 4, treeReq2(`\\10.0.0.1\IPC$`)))...)
	tc = append(tc, nbss(smb2(3, true, 4, treeResp2(2)))...)
	ts = append(ts, nbss(smb2(9, false, 6, write2(bindPDU())))...)
	tc = append(tc, nbss(smb2(8, true, 7, read2(bindAckPDU())))...)
	ts = append(ts, nbss(smb2(9, false, 8, write2(dce(0, 3, 2, []byte("\x10\x00\x00\x00\x00\x00\x0a\x00STUB")))))...)
	tc = append(tc, nbss(smb2(8, true, 9, read2(dce(2, 3, 2, []byte("\x00\x00\x00\x00\x00\x00\x00\x00RESP")))))...)
	return ts, tc
}

func feed(p *Parser, dir applayer.Direction, b []byte, step int) {
	for len(b) > 0 {
		n := min(step, len(b))
		p.Parse(dir, b[:n])
		b = b[n:]
	}
}

func TestSMB2Session(t *testing.T) {
	ts, tc := session2()
	for _, step := range []int{1, 13, 1 << 20} {
		p := New()
		// Interleave message by message: split both sides at NetBIOS records.
		tsr, tcr := records(ts), records(tc)
		for i := range tsr {
			feed(p, applayer.ToServer, tsr[i], step)
			feed(p, applayer.ToClient, tcr[i], step)
		}
		if p.TxCount() != 3 {
			t.Fatalf("step %d: %d txs, want 3", step, p.TxCount())
		}
		tree := p.TxAt(0)
		if got := tree.Buffer(applayer.ToServer, bufid.SMBNamedPipe); string(got) != `\\10.0.0.1\IPC$` {
			t.Errorf("step %d: named pipe %q", step, got)
		}
		if got := tree.Buffer(applayer.ToServer, bufid.SMBShare); got != nil {
			t.Errorf("pipe share listed as smb.share: %q", got)
		}
		if _, ok := p.TxAt(1).BufferAt(applayer.ToServer, bufid.DCERPCIface, 0); ok {
			t.Errorf("bind tx has an iface")
		}
		req := p.TxAt(2)
		rec, ok := req.BufferAt(applayer.ToServer, bufid.DCERPCIface, 0)
		if !ok || string(rec[:16]) != string(spoolss[:]) {
			t.Errorf("iface %x %v", rec, ok)
		}
		if got := req.Buffer(applayer.ToServer, bufid.DCERPCOpnum); len(got) != 2 || got[0] != 10 {
			t.Errorf("opnum %v", got)
		}
		if got := req.Buffer(applayer.ToServer, bufid.DCERPCStubData); string(got) != "STUB" {
			t.Errorf("stub %q", got)
		}
		if got := req.Buffer(applayer.ToClient, bufid.DCERPCStubData); string(got) != "RESP" {
			t.Errorf("response stub %q", got)
		}
		p.Prune(3)
		if p.TxCount() != 0 {
			t.Errorf("prune left %d", p.TxCount())
		}
	}
}

func records(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := 4 + recLen(b)
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// smb1Tree builds an SMB1 Tree Connect AndX request for path.
func smb1Tree(path string, unicode bool) []byte {
	h := make([]byte, 32)
	copy(h, "\xffSMB")
	h[4] = smb1TreeAndX
	if unicode {
		binary.LittleEndian.PutUint16(h[10:], 0x8000)
	}
	binary.LittleEndian.PutUint16(h[30:], 7)   // mid
	words := []byte{0xff, 0, 0, 0, 0, 0, 1, 0} // no AndX, flags, password length 1
	var bytes []byte
	bytes = append(bytes, 0) // password
	if unicode {
		// 32 + 1 + 8 + 2 + 1 = 44: even, no pad.
		bytes = append(bytes, u16(path)...)
		bytes = append(bytes, 0, 0)
	} else {
		bytes = append(bytes, path...)
		bytes = append(bytes, 0)
	}
	bytes = append(bytes, "?????\x00"...)
	m := append(h, 4)
	m = append(m, words...)
	m = binary.LittleEndian.AppendUint16(m, uint16(len(bytes)))
	return append(m, bytes...)
}

func smb1TreeResp(service string) []byte {
	h := make([]byte, 32)
	copy(h, "\xffSMB")
	h[4] = smb1TreeAndX
	h[9] = 0x80
	binary.LittleEndian.PutUint16(h[30:], 7)
	m := append(h, 3, 0xff, 0, 0, 0, 0, 0)
	b := append([]byte(service), 0)
	m = binary.LittleEndian.AppendUint16(m, uint16(len(b)))
	return append(m, b...)
}

func TestSMB1TreeConnect(t *testing.T) {
	for _, tc := range []struct {
		unicode bool
		service string
		buf     applayer.BufferID
	}{
		{false, "IPC", bufid.SMBNamedPipe},
		{true, "IPC", bufid.SMBNamedPipe},
		{true, "A:", bufid.SMBShare},
	} {
		p := New()
		p.Parse(applayer.ToServer, nbss(smb1Tree(`\\host\IPC$`, tc.unicode)))
		if p.TxCount() != 1 {
			t.Fatalf("%d txs", p.TxCount())
		}
		// Until the response, a share is not a pipe (as in Suricata).
		if got := p.TxAt(0).Buffer(applayer.ToServer, bufid.SMBShare); string(got) != `\host\IPC$` {
			t.Errorf("unicode %v: share before response %q", tc.unicode, got)
		}
		p.Parse(applayer.ToClient, nbss(smb1TreeResp(tc.service)))
		if got := p.TxAt(0).Buffer(applayer.ToServer, tc.buf); string(got) != `\host\IPC$` {
			t.Errorf("unicode %v service %s: %v = %q", tc.unicode, tc.service, tc.buf, got)
		}
	}
}

func TestProbeSMB(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want applayer.ProbeResult
	}{
		{"", applayer.ProbeNeedMore},
		{"\x00\x00\x00\x45\xffSMB", applayer.ProbeMatch},
		{"\x00\x00\x00\x45\xfeSMB", applayer.ProbeMatch},
		{"\x00\x00\x00\x45\xfe", applayer.ProbeNeedMore},
		{"\x00\x00\x00\x45\xfeSMX", applayer.ProbeNoMatch},
		{"GET / HTTP/1.1", applayer.ProbeNoMatch},
		{"\x00\x00\x00\x45GET ", applayer.ProbeNoMatch},
	} {
		if got := applayer.ProbeSMB([]byte(tc.in)); got != tc.want {
			t.Errorf("ProbeSMB(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	p := New()
	// A GET_INFO request: parsed, but Suricata makes no transaction of it
	// (an ECHO gets a generic one, which allocates).
	echo := nbss(smb2(16, false, 1, make([]byte, 40)))
	p.Parse(applayer.ToServer, echo)
	if n := testing.AllocsPerRun(100, func() { p.Parse(applayer.ToServer, echo) }); n != 0 {
		t.Errorf("%v allocations per SMB2 GET_INFO, want 0", n)
	}
	// Split records are buffered in a reused buffer.
	if n := testing.AllocsPerRun(100, func() {
		p.Parse(applayer.ToServer, echo[:10])
		p.Parse(applayer.ToServer, echo[10:])
	}); n != 0 {
		t.Errorf("%v allocations per split SMB2 GET_INFO, want 0", n)
	}
}

// TestGenericTx checks Suricata's generic SMB2 transaction: an ECHO request
// makes one, its response completes it with its status; a GET_INFO makes
// none.
func TestGenericTx(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, nbss(smb2(16, false, 1, make([]byte, 40))))
	if p.TxCount() != 0 {
		t.Fatalf("%d txs after GET_INFO, want 0", p.TxCount())
	}
	p.Parse(applayer.ToServer, nbss(smb2(13, false, 2, []byte{4, 0, 0, 0})))
	if p.TxCount() != 1 {
		t.Fatalf("%d txs after ECHO, want 1", p.TxCount())
	}
	tx := p.TxAt(0).(*Tx)
	if tx.Complete(applayer.ToClient) {
		t.Error("complete before the response")
	}
	p.Parse(applayer.ToClient, nbss(smb2(13, true, 2, []byte{4, 0, 0, 0})))
	if !tx.Complete(applayer.ToClient) || !tx.Hdr.HasStatus || tx.Hdr.Command != 13 {
		t.Errorf("after the response: complete %v, status %v, command %d", tx.Complete(applayer.ToClient), tx.Hdr.HasStatus, tx.Hdr.Command)
	}
}
