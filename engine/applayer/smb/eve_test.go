package smb

import (
	"encoding/binary"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the smb objects of a disk session (negotiate, tree
// connect, create, a written file) and of a DCERPC call over a pipe, and
// the file's fileinfo object, against the schema and Suricata's fields.
func TestFillEVE(t *testing.T) {
	p := New()
	neg := make([]byte, 8)
	binary.LittleEndian.PutUint16(neg[4:], 0x0311)
	feed(p, applayer.ToClient, nbss(smb2(0, true, 0, neg)), 1<<20)
	diskSession2(p, `dir\a.txt`, 1<<20)
	feed(p, applayer.ToServer, nbss(smb2T(9, false, 10, 5, write2At(fid(1), 0, "DATA"))), 1<<20)
	feed(p, applayer.ToServer, nbss(smb2T(6, false, 11, 5, close2(fid(1)))), 1<<20)
	pipe := New()
	ts, tc := session2()
	tsr, tcr := records(ts), records(tc)
	for i := range tsr {
		feed(pipe, applayer.ToServer, tsr[i], 1<<20)
		feed(pipe, applayer.ToClient, tcr[i], 1<<20)
	}
	const fuid = "00000001-0000-0000-0001-000080000000" // Suricata's GUID byte order
	for _, c := range []struct {
		name string
		tx   applayer.Tx
		want map[string]any
	}{
		{"tree", p.TxAt(0), map[string]any{"id": 0, "dialect": "3.11", "command": "SMB2_COMMAND_TREE_CONNECT",
			"status": "STATUS_SUCCESS", "status_code": "0x0", "tree_id": 5, "share": `\\h\share`, "share_type": "FILE"}},
		{"create", p.TxAt(1), map[string]any{"command": "SMB2_COMMAND_CREATE", "filename": `dir\a.txt`,
			"disposition": "FILE_OVERWRITE_IF", "access": "normal", "fuid": fuid}},
		{"file", p.TxAt(2), map[string]any{"command": "SMB2_COMMAND_WRITE", "filename": `dir\a.txt`, "fuid": fuid,
			"status": nil}},
		{"pipe", pipe.TxAt(0), map[string]any{"dialect": "unknown", "named_pipe": `\\10.0.0.1\IPC$`, "share_type": "PIPE"}},
		{"dcerpc", pipe.TxAt(2), map[string]any{"command": "SMB2_COMMAND_WRITE",
			"dcerpc": map[string]any{"request": "REQUEST", "response": "RESPONSE", "opnum": 10, "call_id": 2,
				"req":        map[string]any{"frag_cnt": 1, "stub_data_size": 4},
				"res":        map[string]any{"frag_cnt": 1, "stub_data_size": 12},
				"interfaces": []any{map[string]any{"uuid": "12345678-1234-abcd-ef00-010203040506", "version": "1.0"}}}}},
	} {
		got := evetest.FillObject(t, eve.EventSMB, "smb", func(r *eve.Record) bool {
			return c.tx.(*Tx).FillEVE(r, applayer.ToServer)
		})
		evetest.Diff(t, c.name, got, c.want)
	}
	file := p.TxAt(2).(*Tx)
	if file.FileCount() != 1 || p.TxAt(0).(*Tx).FileCount() != 0 {
		t.Fatalf("file counts %d, %d", file.FileCount(), p.TxAt(0).(*Tx).FileCount())
	}
	got := evetest.FillObject(t, eve.EventFileinfo, "fileinfo", func(r *eve.Record) bool {
		return file.FillFileEVE(r, 0)
	})
	evetest.Diff(t, "fileinfo", got, map[string]any{"filename": `dir\a.txt`, "state": "CLOSED", "size": 4,
		"gaps": false, "tx_id": 2})
}
