package websocket

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// FuzzWebSocket feeds the input as stream data of both directions, whole
// and split in two, and checks that nothing panics, payloads stay within
// MaxPayload and the fixed-size buffers keep their size.
func FuzzWebSocket(f *testing.F) {
	f.Add(frameBytes(0x81, []byte{1, 2, 3, 4}, []byte("hello")), 3)
	f.Add(frameBytes(0xc1, nil, []byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}), 2)
	f.Add(append(frameBytes(0x01, nil, []byte("ab")), frameBytes(0x80, nil, []byte("cd"))...), 5)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		p := New()
		if cut < 0 || cut > len(data) {
			cut = len(data) / 2
		}
		p.Parse(applayer.ToServer, data[:cut])
		p.Parse(applayer.ToServer, data[cut:])
		p.Parse(applayer.ToClient, data)
		for i := 0; i < p.txs.Len(); i++ {
			tx := p.Tx(i)
			if len(tx.Payload) > MaxPayload {
				t.Fatalf("payload of %d bytes", len(tx.Payload))
			}
			if len(tx.Buffer(tx.Dir(), bufid.WebSocketOpcode)) != 1 || len(tx.Buffer(tx.Dir(), bufid.WebSocketFlags)) != 1 {
				t.Fatal("opcode or flags buffer size")
			}
			if m := tx.Buffer(tx.Dir(), bufid.WebSocketMask); m != nil && len(m) != 4 {
				t.Fatalf("mask of %d bytes", len(m))
			}
		}
	})
}
