package pop3

import (
	"fmt"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the pop3 object against the schema and Suricata
// 8's field names: args and data are always arrays.
func TestFillEVE(t *testing.T) {
	p := session(t)
	for _, tc := range []struct {
		tx   int
		want map[string]any
	}{
		{0, map[string]any{"request": nil, "response": map[string]any{"success": true, "status": "OK", "header": "POP3 server ready", "data": []any{}}}},
		{2, map[string]any{"request": map[string]any{"command": "USER", "args": []any{"bob"}},
			"response": map[string]any{"success": true, "status": "OK", "header": "", "data": []any{}}}},
		{5, map[string]any{"request": map[string]any{"command": "LIST", "args": []any{}},
			"response": map[string]any{"success": true, "status": "OK", "header": "2 messages (320 octets)", "data": []any{"1 120", "2 200"}}}},
		{9, map[string]any{"request": map[string]any{"command": "DELE", "args": []any{"9"}},
			"response": map[string]any{"success": false, "status": "ERR", "header": "message 9 does not exist", "data": []any{}}}},
	} {
		got := evetest.FillObject(t, eve.EventPOP3, "pop3", func(r *eve.Record) bool { return p.Tx(tc.tx).FillEVE(r, applayer.ToClient) })
		evetest.Diff(t, fmt.Sprintf("tx %d", tc.tx), got, tc.want)
	}
	q := New()
	q.Parse(applayer.ToServer, []byte("NOOP\r\n"))
	got := evetest.FillObject(t, eve.EventPOP3, "pop3", func(r *eve.Record) bool { return q.Tx(0).FillEVE(r, applayer.ToServer) })
	evetest.Diff(t, "no reply", got, map[string]any{"request": map[string]any{"command": "NOOP", "args": []any{}}, "response": nil})
}
