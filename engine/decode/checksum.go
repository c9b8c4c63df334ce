package decode

import (
	"encoding/binary"

	"vigil/engine/packet"
)

// checksum returns the Internet checksum (RFC 1071) of b folded together
// with the partial sum init. A correct header or segment checksums to 0.
func checksum(b []byte, init uint64) uint16 {
	s := init
	for len(b) >= 8 {
		s += uint64(binary.BigEndian.Uint32(b)) + uint64(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
	}
	if len(b) >= 4 {
		s += uint64(binary.BigEndian.Uint32(b))
		b = b[4:]
	}
	if len(b) >= 2 {
		s += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint64(b[0]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// pseudoSum returns the partial sum of the IPv4 or IPv6 pseudo-header.
func pseudoSum(p *packet.Packet, proto uint8, length int) uint64 {
	var s uint64
	if p.IPVersion == 4 {
		a, b := p.Src.As4(), p.Dst.As4()
		s = uint64(binary.BigEndian.Uint32(a[:])) + uint64(binary.BigEndian.Uint32(b[:]))
	} else {
		a, b := p.Src.As16(), p.Dst.As16()
		for i := 0; i < 16; i += 4 {
			s += uint64(binary.BigEndian.Uint32(a[i:])) + uint64(binary.BigEndian.Uint32(b[i:]))
		}
	}
	return s + uint64(proto) + uint64(length)
}

// l4Checksum reports whether the transport segment seg (header and data)
// carries a correct checksum under p's pseudo-header.
func (d *Decoder) l4Checksum(p *packet.Packet, seg []byte, proto uint8) bool {
	return checksum(seg, pseudoSum(p, proto, len(seg))) == 0
}
