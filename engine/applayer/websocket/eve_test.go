package websocket

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

func TestFillEVE(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, frameBytes(0x81, []byte{0, 0, 1, 0}, []byte("hi")))
	p.Parse(applayer.ToClient, frameBytes(0x0a, nil, nil))
	for i, want := range []map[string]any{
		{"fin": true, "mask": 256, "opcode": "text"},
		{"fin": false, "mask": nil, "opcode": "pong"},
	} {
		tx := p.Tx(i)
		got := evetest.FillObject(t, eve.EventWebSocket, "websocket", func(r *eve.Record) bool {
			return tx.FillEVE(r, tx.Dir())
		})
		evetest.Diff(t, OpcodeName(tx.Opcode), got, want)
	}
}
