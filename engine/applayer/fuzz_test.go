package applayer

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/internal/testutil"
)

// FuzzDetect feeds arbitrary bytes in pieces to detection over both
// transports. Invariants: no panic; once decided, the protocol never
// changes (UDP's failed aside, see Detect); the per-direction copy never
// exceeds the limit.
func FuzzDetect(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.seed") {
		f.Add(b, uint8(0), uint16(1234), uint16(53))
		f.Add(b, uint8(3), uint16(80), uint16(40000))
	}
	reg := NewRegistry(64, DefaultEntries()...)
	f.Fuzz(func(t *testing.T, data []byte, step uint8, sp, dp uint16) {
		for _, tr := range []Transport{TCP, UDP} {
			var d Detection
			n := int(step&31) + 1
			decided := bufid.ProtoUnknown
			for i := 0; i < len(data); i += n {
				dir := Direction((i / n) & 1)
				if step&0x80 != 0 {
					dir = ToServer
				}
				got := reg.Detect(&d, tr, dir, data[i:min(i+n, len(data))], sp, dp)
				// On UDP a failed flow may still be decided by the other
				// direction's first datagram; a protocol never changes.
				if decided != bufid.ProtoUnknown && got != decided && !(tr == UDP && decided == bufid.ProtoFailed) {
					t.Fatalf("protocol changed from %v to %v", decided, got)
				}
				decided = got
				if len(d.buf[0]) > 64 || len(d.buf[1]) > 64 {
					t.Fatalf("detection kept %d/%d bytes", len(d.buf[0]), len(d.buf[1]))
				}
			}
		}
	})
}
