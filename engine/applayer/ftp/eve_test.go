package ftp

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// ftpObject encodes the ftp object of tx and decodes it back.
func ftpObject(t *testing.T, tx *Tx) map[string]any {
	t.Helper()
	var r eve.Record
	r.Type, r.Time = eve.EventFTP, evetest.T0
	if !tx.FillEVE(&r, S) {
		t.Fatal("FillEVE reported no object")
	}
	line := (&eve.Encoder{}).Encode(&r)
	evetest.Validate(t, line)
	var got struct {
		FTP map[string]any `json:"ftp"`
	}
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatal(err)
	}
	return got.FTP
}

// TestFillEVE checks the ftp object of each form: the greeting (no
// command), a multi-line reply, a passive and an active port, a command
// still waiting for its reply, and a truncated command line.
func TestFillEVE(t *testing.T) {
	p := New()
	feed(p, 1000)
	long := make([]byte, MaxLine+10)
	for i := range long {
		long[i] = 'a'
	}
	copy(long, "RETR ")
	p.Parse(S, append(long, "\r\n"...))
	tests := []struct {
		tx   int
		want map[string]any
	}{
		{0, map[string]any{"completion_code": []any{"220"}, "reply": []any{"220-Welcome", "220-to the server", "ready"},
			"reply_received": "yes", "reply_truncated": false}},
		{1, map[string]any{"command": "USER", "command_data": "anonymous", "command_truncated": false,
			"completion_code": []any{"331"}, "reply": []any{"Please specify the password."},
			"reply_received": "yes", "reply_truncated": false}},
		{4, map[string]any{"command": "PASV", "completion_code": []any{"227"},
			"reply": []any{"Entering Passive Mode (192,168,0,10,195,80)."}, "dynamic_port": 50000.0,
			"reply_received": "yes", "reply_truncated": false}},
		{6, map[string]any{"command": "PORT", "command_data": "192,168,0,13,234,10", "command_truncated": false,
			"completion_code": []any{"200"}, "reply": []any{"PORT command successful."}, "dynamic_port": 59914.0,
			"mode": "active", "reply_received": "yes", "reply_truncated": false}},
		{7, map[string]any{"command": "STOR", "command_data": "up.bin", "command_truncated": false,
			"completion_code": []any{"150"}, "reply": []any{"Ok to send data."},
			"reply_received": "no", "reply_truncated": false}},
		{8, map[string]any{"command": "RETR", "command_data": string(long[5:MaxLine]), "command_truncated": true,
			"reply_received": "no", "reply_truncated": false}},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, ftpObject(t, p.Tx(tc.tx))); d != "" {
			t.Errorf("tx %d (-want +got):\n%s", tc.tx, d)
		}
	}
}
