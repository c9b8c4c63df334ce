package ntp

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "ntp" object: version, mode, stratum and the
// reference id as four colon-separated hex octets.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("ntp")
	o.Uint("version", uint64(t.Version()))
	o.Uint("mode", uint64(t.Mode()))
	o.Uint("stratum", uint64(t.Stratum()))
	const digits = "0123456789abcdef"
	var b [11]byte
	for i, c := range t.ReferenceID() {
		if i > 0 {
			b[3*i-1] = ':'
		}
		b[3*i], b[3*i+1] = digits[c>>4], digits[c&15]
	}
	o.String("reference_id", string(b[:]))
	return true
}

// PacketDirRecord marks the ntp record as one written with the tuple of
// the packet that carried the message (Suricata logs NTP per packet
// direction).
func (t *Tx) PacketDirRecord() {}
