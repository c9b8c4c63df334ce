package decode

import (
	"encoding/binary"
	"net/netip"

	"vigil/engine/packet"
)

// Tiny packet builders for hand-made test frames. They compute lengths and
// checksums so that each test only breaks what it means to break.

var (
	srcMAC = []byte{0x02, 0, 0, 0, 0, 1}
	dstMAC = []byte{0x02, 0, 0, 0, 0, 2}
	a4     = netip.MustParseAddr("10.0.0.1")
	b4     = netip.MustParseAddr("192.168.1.2")
	a6     = netip.MustParseAddr("2001:db8::1")
	b6     = netip.MustParseAddr("2001:db8::2")
)

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func eth(etype uint16, payload []byte) []byte {
	return cat(dstMAC, srcMAC, binary.BigEndian.AppendUint16(nil, etype), payload)
}

func vlanTag(id, etype uint16, payload []byte) []byte {
	return cat(binary.BigEndian.AppendUint16(nil, id), binary.BigEndian.AppendUint16(nil, etype), payload)
}

// ip4 builds an IPv4 header with options opts (padded by the caller).
func ip4(src, dst netip.Addr, proto uint8, opts, payload []byte) []byte {
	hl := 20 + len(opts)
	h := make([]byte, 20, hl)
	h[0] = 0x40 | byte(hl/4)
	binary.BigEndian.PutUint16(h[2:], uint16(hl+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	h[8] = 64
	h[9] = proto
	s, d := src.As4(), dst.As4()
	copy(h[12:], s[:])
	copy(h[16:], d[:])
	h = append(h, opts...)
	binary.BigEndian.PutUint16(h[10:], checksum(h, 0))
	return cat(h, payload)
}

func ip6(src, dst netip.Addr, nh uint8, payload []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6] = nh
	h[7] = 64
	s, d := src.As16(), dst.As16()
	copy(h[8:], s[:])
	copy(h[24:], d[:])
	return cat(h, payload)
}

// l4sum fills the checksum at csumOff of seg under the pseudo-header.
func l4sum(src, dst netip.Addr, proto uint8, seg []byte, csumOff int) []byte {
	p := pseudoPacket(src, dst)
	binary.BigEndian.PutUint16(seg[csumOff:], 0)
	binary.BigEndian.PutUint16(seg[csumOff:], checksum(seg, pseudoSum(p, proto, len(seg))))
	return seg
}

func tcpSeg(src, dst netip.Addr, sp, dp uint16, flags uint8, opts, payload []byte) []byte {
	hl := 20 + len(opts)
	h := make([]byte, 20, hl+len(payload))
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint32(h[4:], 1000)
	binary.BigEndian.PutUint32(h[8:], 2000)
	h[12] = byte(hl/4) << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 65535)
	seg := cat(h, opts, payload)
	return l4sum(src, dst, 6, seg, 16)
}

func udpSeg(src, dst netip.Addr, sp, dp uint16, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return l4sum(src, dst, 17, cat(h, payload), 6)
}

func icmpMsg(v6 bool, src, dst netip.Addr, typ, code uint8, rest []byte) []byte {
	m := cat([]byte{typ, code, 0, 0}, rest)
	if v6 {
		return l4sum(src, dst, 58, m, 2)
	}
	binary.BigEndian.PutUint16(m[2:], checksum(m, 0))
	return m
}

func pseudoPacket(src, dst netip.Addr) *packet.Packet {
	v := uint8(6)
	if src.Is4() {
		v = 4
	}
	return &packet.Packet{IPVersion: v, Src: src, Dst: dst}
}
