package packet

import "encoding/binary"

// FlowHash returns a symmetric hash of the packet's (addresses, ports,
// protocol): A→B and B→A hash equal, so a dispatcher that picks a worker by
// FlowHash sends both directions of a flow to the same worker. For tunnelled
// packets it hashes the inner 5-tuple (the one in Src/Dst/SrcPort/DstPort).
// Packets without an IP layer hash to 0. It does not allocate.
func (p *Packet) FlowHash() uint32 {
	if p.IPVersion == 0 {
		return 0
	}
	a, b := p.Src.As16(), p.Dst.As16()
	ap, bp := p.SrcPort, p.DstPort
	// Order the endpoints so both directions feed the mixer the same bytes.
	if c := compare16(&a, &b); c > 0 || (c == 0 && ap > bp) {
		a, b = b, a
		ap, bp = bp, ap
	}
	h := uint64(p.Proto)<<32 | uint64(ap)<<16 | uint64(bp)
	h = mix(h ^ binary.LittleEndian.Uint64(a[0:8]))
	h = mix(h ^ binary.LittleEndian.Uint64(a[8:16]))
	h = mix(h ^ binary.LittleEndian.Uint64(b[0:8]))
	h = mix(h ^ binary.LittleEndian.Uint64(b[8:16]))
	return uint32(h ^ h>>32)
}

func compare16(a, b *[16]byte) int {
	x, y := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if x == y {
		x, y = binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:])
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// mix is the splitmix64 finaliser: cheap and well distributed.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
