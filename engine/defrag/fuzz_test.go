package defrag

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/engine/packet"
)

// FuzzDefrag fragments a known datagram as the input says: each 3-byte op
// is (offset/8, length/8, flags) where flag bit 0 clears MF, bit 1 replaces
// the data with garbage and bit 2 switches to a second datagram id. Ops
// may overlap, repeat, leave holes or arrive in any order. The defragmenter
// must never panic, must keep its memory accounting within the cap, and
// any datagram it rebuilds only from genuine data must equal the original.
func FuzzDefrag(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.ops")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{0, 100, 0, 100, 100, 0, 200, 176, 1})                // in order
	f.Add([]byte{200, 176, 1, 0, 100, 0, 100, 100, 0})                // last first
	f.Add([]byte{0, 100, 0, 50, 100, 2, 100, 100, 0, 200, 176, 1})    // overlap, garbage
	f.Add([]byte{0, 100, 4, 0, 100, 0, 100, 100, 4, 100, 200, 1, 99}) // two ids
	f.Fuzz(fuzzDefragOnce)
}

var fuzzDG = datagram(3000)

func fuzzDefragOnce(t *testing.T, ops []byte) {
	{
		dg := fuzzDG
		pay := dg[20:]
		dec := decode.New(decode.Options{})
		df := New(Options{MemCap: 6000, MaxTrackers: 2, MaxFrags: 16})
		var p packet.Packet
		garbage := [2]bool{}
		for i := 0; i+2 < len(ops); i += 3 {
			off := int(ops[i]) * 8
			n := (int(ops[i+1]) + 1) * 8
			fl := ops[i+2]
			if off >= len(pay) {
				off = len(pay) - 8
			}
			n = min(n, len(pay)-off)
			var data []byte
			if fl&2 != 0 {
				data = bytes.Repeat([]byte{0xee}, n)
			}
			frag := fragment4(dg, off, n, fl&1 == 0, data)
			which := 0
			if fl&4 != 0 {
				which = 1
				binary.BigEndian.PutUint16(frag[4:], 0x1111)
			}
			if data != nil {
				garbage[which] = true
			}
			p.Ts = int64(i) * 1e8
			dec.Decode(&p, packet.LinkRaw, frag)
			out, ok := df.Add(&p)
			if df.Stats.MemUse < 0 || df.Stats.MemUse > 6000 {
				t.Fatalf("memuse %d outside [0, 6000]", df.Stats.MemUse)
			}
			if !ok {
				continue
			}
			total := int(binary.BigEndian.Uint16(out[2:])) - 20
			if total < 0 || len(out) != 20+total {
				t.Fatalf("datagram of %d bytes says total length %d", len(out), total+20)
			}
			if !garbage[which] && !bytes.Equal(out[20:], pay[:total]) {
				t.Fatalf("datagram rebuilt from genuine fragments differs from the original")
			}
			dec.DecodeIP(&p, out)
			if p.IsFragment {
				t.Fatalf("reassembled datagram still flagged as a fragment")
			}
			garbage[which] = false
		}
		df.Expire(1 << 62)
		if df.Active() != 0 || df.Stats.MemUse != 0 {
			t.Fatalf("after expiring everything: %d active, memuse %d", df.Active(), df.Stats.MemUse)
		}
	}
}
