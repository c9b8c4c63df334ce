package stream

import (
	"math/rand/v2"
	"testing"
)

// maskSink records delivered bytes and which positions were gaps.
type maskSink struct {
	data [2][]byte
	gap  [2][]bool
}

func (m *maskSink) Data(d Dir, b []byte) {
	m.data[d] = append(m.data[d], b...)
	for range b {
		m.gap[d] = append(m.gap[d], false)
	}
}

func (m *maskSink) Gap(d Dir, n uint32) {
	for range n {
		m.data[d] = append(m.data[d], 0)
		m.gap[d] = append(m.gap[d], true)
	}
}

// FuzzReassembly cuts a random stream into segments, then shuffles,
// duplicates, overlaps and drops some of them. Whatever the order, the
// delivered stream must equal the original wherever some segment carried
// the bytes and be a gap exactly where none did. With conflicting
// overlaps (mode bit 1) or intermediate ACKs (mode bit 2) only the absence
// of panics and the stream length are checked.
func FuzzReassembly(f *testing.F) {
	f.Add(uint64(1), uint8(0), uint16(300))
	f.Add(uint64(2), uint8(1), uint16(2000))
	f.Add(uint64(3), uint8(2), uint16(4000))
	f.Add(uint64(4), uint8(3), uint16(17))
	f.Add(uint64(5), uint8(4), uint16(1000))
	f.Add(uint64(6), uint8(8), uint16(3000))
	f.Fuzz(func(t *testing.T, seed uint64, mode uint8, size uint16) {
		rng := rand.New(rand.NewPCG(seed, uint64(mode)))
		n := int(size%4096) + 1
		orig := make([]byte, n)
		for i := range orig {
			orig[i] = byte(rng.UintN(256))
		}
		conflict, midAcks, inline := mode&1 != 0, mode&2 != 0, mode&4 != 0
		policy := Policy(mode>>3) % Policy(len(policyNames))

		type sg struct{ off, end int }
		var segs []sg
		for off := 0; off < n; {
			l := 1 + rng.IntN(300)
			end := min(off+l, n)
			segs = append(segs, sg{off, end})
			off = end
		}
		covered := make([]bool, n)
		var send []sg
		for _, s := range segs {
			if rng.IntN(8) == 0 { // missing
				continue
			}
			send = append(send, s)
			if rng.IntN(4) == 0 { // duplicate
				send = append(send, s)
			}
			if rng.IntN(4) == 0 { // overlapping re-cut
				a := max(0, s.off-rng.IntN(50))
				b := min(n, s.end+rng.IntN(50))
				send = append(send, sg{a, b})
			}
		}
		for _, s := range send {
			for i := s.off; i < s.end; i++ {
				covered[i] = true
			}
		}
		rng.Shuffle(len(send), func(i, j int) { send[i], send[j] = send[j], send[i] })

		tr := NewTracker(Options{Depth: -1, Inline: inline, Policy: policy})
		var s Session
		var m maskSink
		const cisn, sisn = 0xffffff00, 77 // client seq wraps
		tr.Process(&s, ToServer, &Segment{Seq: cisn, Flags: FlagSyn, Window: 65535, WScale: -1}, &m)
		tr.Process(&s, ToClient, &Segment{Seq: sisn, Ack: cisn + 1, Flags: FlagSyn | FlagAck, Window: 65535, WScale: -1}, &m)
		tr.Process(&s, ToServer, &Segment{Seq: cisn + 1, Ack: sisn + 1, Flags: FlagAck, Window: 65535, WScale: -1}, &m)
		scratch := make([]byte, 0, 4096)
		for _, sgm := range send {
			payload := append(scratch[:0], orig[sgm.off:sgm.end]...)
			if conflict && rng.IntN(3) == 0 {
				payload[0] ^= byte(1 + rng.UintN(255))
			}
			tr.Process(&s, ToServer, &Segment{Seq: cisn + 1 + uint32(sgm.off), Ack: sisn + 1, Flags: FlagAck, Window: 65535, WScale: -1, Payload: payload}, &m)
			if midAcks && rng.IntN(3) == 0 {
				tr.Process(&s, ToClient, &Segment{Seq: sisn + 1, Ack: cisn + 1 + uint32(rng.IntN(n+1)), Flags: FlagAck, Window: 65535, WScale: -1}, &m)
			}
		}
		tr.Process(&s, ToClient, &Segment{Seq: sisn + 1, Ack: cisn + 1 + uint32(n), Flags: FlagAck, Window: 65535, WScale: -1}, &m)
		tr.Flush(&s, &m)
		got, gap := m.data[ToServer], m.gap[ToServer]
		if len(got) != n {
			t.Fatalf("delivered %d bytes (with gaps); want %d", len(got), n)
		}
		if !conflict && !midAcks {
			for i := range n {
				if gap[i] == covered[i] {
					t.Fatalf("byte %d: gap=%v but covered=%v", i, gap[i], covered[i])
				}
				if covered[i] && got[i] != orig[i] {
					t.Fatalf("byte %d: got %#x; want %#x", i, got[i], orig[i])
				}
			}
		}
		tr.Release(&s)
		if tr.Memuse() != 0 || s.Buffered() != 0 {
			t.Fatalf("memory held after Release: %d", tr.Memuse())
		}
	})
}
