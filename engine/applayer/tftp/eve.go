package tftp

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "tftp" object: the packet kind (read, write,
// or error for the other opcodes), the file name and the mode.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("tftp")
	switch t.Opcode {
	case OpRead:
		o.String("packet", "read")
	case OpWrite:
		o.String("packet", "write")
	default:
		o.String("packet", "error")
	}
	o.String("file", t.File)
	o.String("mode", t.Mode)
	return true
}
