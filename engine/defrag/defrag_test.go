package defrag

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand"
	"net/netip"
	"testing"

	"vigil/engine/decode"
	"vigil/engine/packet"
	"vigil/engine/pcapfile"
	"vigil/internal/testutil"
)

// replay decodes a capture and feeds fragments to a Defragger; it returns
// the defragger, and the decoded reassembled datagrams' checksum states.
func replay(t *testing.T, path string) (*Defragger, []packet.Packet) {
	t.Helper()
	r, err := pcapfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dec := decode.New(decode.Options{Checksum: decode.ChecksumAll})
	df := New(Options{})
	var p packet.Packet
	var out []packet.Packet
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Logf("%v", err)
			break
		}
		p.Ts = rec.Ts
		p.PcapCnt++
		dec.Decode(&p, rec.LinkType, rec.Data)
		if !p.IsFragment {
			continue
		}
		if dg, ok := df.Add(&p); ok {
			dec.DecodeIP(&p, dg)
			q := p
			q.Data = append([]byte(nil), dg...)
			out = append(out, q)
		}
	}
	return df, out
}

func TestRealCaptures(t *testing.T) {
	tests := []struct {
		rel         string
		reassembled int  // tshark -Y ip.fragments / ipv6.fragments
		csumGood    bool // tshark validates the reassembled L4 checksums
		nested      bool // a reassembled datagram carries another fragment header
	}{
		{"pcaps/bench/malcolm__DNS.pcap", 4, true, false},
		// GTP-U with fragmented outer UDP; tshark finds 85 of the 86
		// reassembled UDP checksums bad too, so they are not checked.
		{"pcaps/bench/malcolm__Tunnels.pcap", 86, false, false},
		// Suricata-verify's nested fragment case: the first datagram
		// reassembles into another fragment (tshark counts it twice).
		{"verify/ipv6-malformed-fragments-36/frag-36.pcap", 1, false, true},
	}
	shared := testutil.SharedDir(t)
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			df, dgs := replay(t, shared+"/"+tt.rel)
			if len(dgs) != tt.reassembled {
				t.Errorf("reassembled %d datagrams; tshark reassembles %d (stats %+v)", len(dgs), tt.reassembled, df.Stats)
			}
			for _, p := range dgs {
				if p.Invalid || p.IsFragment && !tt.nested {
					t.Errorf("pkt %d: reassembled datagram invalid=%v fragment=%v events %v", p.PcapCnt, p.Invalid, p.IsFragment, p.EventList())
				}
				if p.IPVersion == 4 && p.IPCsum != packet.CsumValid {
					t.Errorf("pkt %d: reassembled IPv4 header checksum %v", p.PcapCnt, p.IPCsum)
				}
				if tt.csumGood && (p.IsUDP() || p.IsTCP()) && p.L4Csum != packet.CsumValid {
					t.Errorf("pkt %d: reassembled %d-byte datagram has a bad L4 checksum", p.PcapCnt, len(p.Data))
				}
			}
			t.Logf("stats %+v", df.Stats)
		})
	}
}

// datagram builds an IPv4 UDP datagram with a valid checksum and a payload
// of n bytes.
func datagram(n int) []byte {
	pay := make([]byte, n)
	for i := range pay {
		pay[i] = byte(i*7 + i>>8)
	}
	udp := make([]byte, 8+n)
	binary.BigEndian.PutUint16(udp[0:], 1111)
	binary.BigEndian.PutUint16(udp[2:], 2222)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+n))
	copy(udp[8:], pay)
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	binary.BigEndian.PutUint16(ip[4:], 0xbeef)
	ip[8] = 64
	ip[9] = 17
	copy(ip[12:], []byte{10, 0, 0, 1})
	copy(ip[16:], []byte{10, 0, 0, 2})
	// UDP checksum over the pseudo header.
	var s uint32
	sum := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			s += uint32(b[i])<<8 | uint32(b[i+1])
		}
		if len(b)%2 == 1 {
			s += uint32(b[len(b)-1]) << 8
		}
	}
	sum(ip[12:20])
	s += 17 + uint32(len(udp))
	sum(udp)
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	binary.BigEndian.PutUint16(udp[6:], ^uint16(s))
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	return append(ip, udp...)
}

// fragment4 cuts the IPv4 datagram dg into a fragment carrying payload
// bytes [off, off+n) (off a multiple of 8); data overrides the bytes.
func fragment4(dg []byte, off, n int, more bool, data []byte) []byte {
	hl := int(dg[0]&0xf) * 4
	f := append([]byte(nil), dg[:hl]...)
	if data == nil {
		data = dg[hl+off : hl+off+n]
	}
	f = append(f, data...)
	binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
	fo := uint16(off / 8)
	if more {
		fo |= 0x2000
	}
	binary.BigEndian.PutUint16(f[6:], fo)
	binary.BigEndian.PutUint16(f[10:], 0)
	binary.BigEndian.PutUint16(f[10:], ipChecksum(f[:hl]))
	return f
}

// ipv6Frag builds an IPv6 fragment of an upper-layer payload up (next
// header 17), with a destination options header before the fragment
// header to check the unfragmentable part is kept.
func ipv6Frag(up []byte, off, n int, more bool, id uint32) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	h[6] = 60 // dest opts
	h[7] = 64
	copy(h[8:], netip.MustParseAddr("2001:db8::1").AsSlice())
	copy(h[24:], netip.MustParseAddr("2001:db8::2").AsSlice())
	dopt := []byte{44, 0, 1, 4, 0, 0, 0, 0} // next: fragment; PadN
	fh := make([]byte, 8)
	fh[0] = 17
	fo := uint16(off)
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(fh[2:], fo)
	binary.BigEndian.PutUint32(fh[4:], id)
	f := append(append(append(h, dopt...), fh...), up[off:off+n]...)
	binary.BigEndian.PutUint16(f[4:], uint16(len(f)-40))
	return f
}

func TestReassembleInOrderAndShuffled(t *testing.T) {
	dg := datagram(3000)
	hl := 20
	pay := len(dg) - hl
	var frags [][]byte
	for off := 0; off < pay; off += 800 {
		n := min(800, pay-off)
		frags = append(frags, fragment4(dg, off, n, off+n < pay, nil))
	}
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		order := rng.Perm(len(frags))
		if trial == 0 {
			for i := range order {
				order[i] = i
			}
		}
		dec := decode.New(decode.Options{Checksum: decode.ChecksumAll})
		df := New(Options{})
		var p packet.Packet
		var got []byte
		for i, fi := range order {
			p.Ts = int64(i) * 1e6
			dec.Decode(&p, packet.LinkRaw, frags[fi])
			if !p.IsFragment {
				t.Fatalf("fragment %d not flagged", fi)
			}
			out, ok := df.Add(&p)
			if ok != (i == len(order)-1) {
				t.Fatalf("order %v: complete after %d fragments", order, i+1)
			}
			if ok {
				got = out
			}
		}
		if !bytes.Equal(got, dg) {
			t.Fatalf("order %v: reassembled datagram differs from the original", order)
		}
		dec.DecodeIP(&p, got)
		if p.L4Csum != packet.CsumValid || p.DstPort != 2222 || len(p.Payload) != 3000 {
			t.Fatalf("reassembled decode: csum %v port %d payload %d", p.L4Csum, p.DstPort, len(p.Payload))
		}
		if df.Active() != 0 || df.Stats.MemUse != 0 {
			t.Fatalf("after completion: %d active, memuse %d", df.Active(), df.Stats.MemUse)
		}
	}
}

func TestIPv6(t *testing.T) {
	up := datagram(2000)[20:] // the UDP segment; checksum not checked here
	var frags [][]byte
	for off := 0; off < len(up); off += 512 {
		n := min(512, len(up)-off)
		frags = append(frags, ipv6Frag(up, off, n, off+n < len(up), 77))
	}
	dec := decode.New(decode.Options{Checksum: decode.ChecksumNone})
	df := New(Options{})
	var p packet.Packet
	var got []byte
	for i := len(frags) - 1; i >= 0; i-- {
		dec.Decode(&p, packet.LinkRaw, frags[i])
		if out, ok := df.Add(&p); ok {
			got = out
		}
	}
	if got == nil {
		t.Fatalf("not reassembled; stats %+v", df.Stats)
	}
	dec.DecodeIP(&p, got)
	if p.Proto != 17 || !p.IsUDP() || len(p.Payload) != 2000 || p.IP6Exts != packet.IP6ExtDstOpts || p.NumEvents != 1 || !p.HasEvent(packet.EventIPv6DstOptsOnlyPadding) {
		t.Fatalf("reassembled IPv6: proto %d udp %v payload %d exts %b events %v", p.Proto, p.IsUDP(), len(p.Payload), p.IP6Exts, p.EventList())
	}
	if !bytes.Equal(p.Payload, up[8:]) {
		t.Fatalf("payload differs")
	}
	if df.Stats.IPv6Reassembled != 1 || df.Stats.IPv6Fragments != uint64(len(frags)) {
		t.Fatalf("stats %+v", df.Stats)
	}
}

func TestOverlapPolicies(t *testing.T) {
	// A 24-byte payload sent as X=[8,16) "X", Y=[0,16) "Y" (starts before
	// X), W=[8,16) "W" (same offset as X, later), Z=[16,24) "Z" (last).
	dg := datagram(16) // 24 bytes of UDP segment
	fill := func(c byte, n int) []byte { return bytes.Repeat([]byte{c}, n) }
	frags := [][]byte{
		fragment4(dg, 8, 8, true, fill('X', 8)),
		fragment4(dg, 0, 16, true, fill('Y', 16)),
		fragment4(dg, 8, 8, true, fill('W', 8)),
		fragment4(dg, 16, 8, false, fill('Z', 8)),
	}
	tests := []struct {
		policy Policy
		want   string
	}{
		// BSD: the lowest offset wins, ties go to the first arrival.
		{PolicyBSD, "YYYYYYYYYYYYYYYYZZZZZZZZ"},
		{PolicyFirst, "YYYYYYYYXXXXXXXXZZZZZZZZ"},
		{PolicyLast, "YYYYYYYYWWWWWWWWZZZZZZZZ"},
	}
	for _, tt := range tests {
		dec := decode.New(decode.Options{})
		df := New(Options{Policy: tt.policy})
		var p packet.Packet
		var got []byte
		overlaps := 0
		for _, f := range frags {
			dec.Decode(&p, packet.LinkRaw, f)
			if out, ok := df.Add(&p); ok {
				got = out
			}
			if p.HasEvent(packet.EventIPv4FragOverlap) {
				overlaps++
			}
		}
		if len(got) < 20 || string(got[20:]) != tt.want {
			t.Errorf("policy %d: datagram %q; want payload %q", tt.policy, got, tt.want)
		}
		if overlaps != 2 || df.Stats.Overlaps != 2 {
			t.Errorf("policy %d: %d overlap events (stats %d); want 2", tt.policy, overlaps, df.Stats.Overlaps)
		}
	}
}

func TestTimeoutAndCaps(t *testing.T) {
	dg := datagram(3000)
	first := fragment4(dg, 0, 800, true, nil)
	dec := decode.New(decode.Options{})
	var p packet.Packet

	t.Run("timeout", func(t *testing.T) {
		df := New(Options{Timeout: 10e9})
		p.Ts = 0
		dec.Decode(&p, packet.LinkRaw, first)
		df.Add(&p)
		df.Expire(5e9)
		if df.Active() != 1 {
			t.Fatalf("expired too early")
		}
		df.Expire(11e9)
		if df.Active() != 0 || df.Stats.Timeouts != 1 || df.Stats.MemUse != 0 {
			t.Fatalf("after timeout: active %d stats %+v", df.Active(), df.Stats)
		}
	})
	t.Run("max trackers", func(t *testing.T) {
		df := New(Options{MaxTrackers: 4})
		for id := 0; id < 10; id++ {
			f := append([]byte(nil), first...)
			binary.BigEndian.PutUint16(f[4:], uint16(id))
			dec.Decode(&p, packet.LinkRaw, f)
			df.Add(&p)
		}
		if df.Active() != 4 || df.Stats.Evictions != 6 {
			t.Fatalf("active %d evictions %d; want 4, 6", df.Active(), df.Stats.Evictions)
		}
	})
	t.Run("memcap", func(t *testing.T) {
		df := New(Options{MemCap: 2000})
		for id := 0; id < 5; id++ {
			f := append([]byte(nil), first...)
			binary.BigEndian.PutUint16(f[4:], uint16(id))
			dec.Decode(&p, packet.LinkRaw, f)
			df.Add(&p)
			if df.Stats.MemUse > 2000 {
				t.Fatalf("memuse %d above the cap", df.Stats.MemUse)
			}
		}
		if df.Stats.Evictions == 0 {
			t.Fatalf("no eviction under a 2000-byte memcap: %+v", df.Stats)
		}
		big := fragment4(datagram(3000), 0, 2400, true, nil)
		dec.Decode(&p, packet.LinkRaw, big)
		if _, ok := df.Add(&p); ok || !p.HasEvent(packet.EventIPv4FragIgnored) || df.Stats.MemcapDrops != 1 {
			t.Fatalf("fragment larger than the memcap: events %v stats %+v", p.EventList(), df.Stats)
		}
	})
	t.Run("too large", func(t *testing.T) {
		df := New(Options{})
		f := fragment4(datagram(3000), 0, 800, true, nil)
		binary.BigEndian.PutUint16(f[6:], 0x2000|8190) // offset 65520
		dec.Decode(&p, packet.LinkRaw, f)
		if _, ok := df.Add(&p); ok || df.Stats.TooLarge != 1 || !p.HasEvent(packet.EventIPv4FragPktTooLarge) {
			t.Fatalf("oversized fragment: events %v stats %+v", p.EventList(), df.Stats)
		}
	})
}

func TestAddAllocs(t *testing.T) {
	dg := datagram(3000)
	var frags [][]byte
	for off := 0; off < 3008; off += 1024 {
		n := min(1024, 3008-off)
		frags = append(frags, fragment4(dg, off, n, off+n < 3008, nil))
	}
	dec := decode.New(decode.Options{})
	df := New(Options{})
	var p packet.Packet
	var id uint16
	run := func() {
		id++
		for i, f := range frags {
			binary.BigEndian.PutUint16(f[4:], id) // a fresh datagram each round
			p.Ts += 1e6
			dec.Decode(&p, packet.LinkRaw, f)
			if out, ok := df.Add(&p); ok != (i == len(frags)-1) {
				t.Fatalf("fragment %d: complete=%v", i, ok)
			} else if ok {
				dec.DecodeIP(&p, out)
			}
		}
	}
	run()
	if n := testing.AllocsPerRun(200, run); n != 0 {
		t.Fatalf("reassembling a datagram allocates %v times; want 0", n)
	}
}
