package websocket

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// PacketDirRecord marks the websocket record as one written with the
// tuple of its packet, as Suricata does.
func (t *Tx) PacketDirRecord() {}

// FillEVE adds Suricata 8's "websocket" object: fin, mask (masked frames
// only) and the opcode's name. The payload fields are off by default in
// Suricata and not written.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("websocket")
	o.Bool("fin", t.Fin)
	if t.Masked {
		o.Uint("mask", uint64(t.Mask))
	}
	o.String("opcode", OpcodeName(t.Opcode))
	return true
}
