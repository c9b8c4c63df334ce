package flow

import (
	"encoding/binary"
	"net/netip"
)

// IP protocol numbers the table treats specially.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// TCP flag bits as they appear in the TCP header.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
)

// Tuple is what the caller knows about one packet: the fields the flow key
// is built from plus the few the table needs to pick a direction and fill
// the EVE record. IPv4 addresses are stored as IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d, what netip.Addr.As16 returns) with Family 4.
type Tuple struct {
	Src, Dst         [16]byte
	SrcPort, DstPort uint16
	Proto            uint8
	Family           uint8     // 4 or 6
	VLAN             [3]uint16 // VLAN ids, outermost first, 0 when absent
	Tunnel           uint32    // tunnel id (e.g. VXLAN VNI), 0 when absent
	// TCPFlags are the TCP header flags (TCPSyn, ...); 0 for other protocols.
	TCPFlags uint8
	// ICMPType and ICMPCode are the ICMP (v4 or v6) type and code; they
	// are recorded for the flow record and the Community ID, not keyed on.
	// For ICMP pass the echo identifier (or 0) as both ports.
	ICMPType, ICMPCode uint8
}

// SetAddrs fills Src, Dst and Family from netip addresses. It does not
// allocate.
func (t *Tuple) SetAddrs(src, dst netip.Addr) {
	t.Src = src.As16()
	t.Dst = dst.As16()
	t.Family = 6
	if src.Unmap().Is4() {
		t.Family = 4
	}
}

// Key identifies a flow in both directions: the endpoint that sorts lower
// (address, then port) is always stored first, so A→B and B→A build the
// same Key. It is comparable and fixed-size (48 bytes).
type Key struct {
	LoAddr, HiAddr [16]byte
	LoPort, HiPort uint16
	Proto          uint8
	Family         uint8
	VLAN           [3]uint16
	Tunnel         uint32
}

// KeyOf builds the normalized key of t. swapped reports whether t's source
// is the key's Hi endpoint.
func KeyOf(t *Tuple) (k Key, swapped bool) {
	k.Proto, k.Family, k.VLAN, k.Tunnel = t.Proto, t.Family, t.VLAN, t.Tunnel
	if endpointLess(&t.Dst, t.DstPort, &t.Src, t.SrcPort) {
		swapped = true
		k.LoAddr, k.LoPort, k.HiAddr, k.HiPort = t.Dst, t.DstPort, t.Src, t.SrcPort
	} else {
		k.LoAddr, k.LoPort, k.HiAddr, k.HiPort = t.Src, t.SrcPort, t.Dst, t.DstPort
	}
	return k, swapped
}

func endpointLess(a *[16]byte, ap uint16, b *[16]byte, bp uint16) bool {
	for i := range 16 {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return ap < bp
}

// Addr returns one endpoint address of the key as a netip.Addr (IPv4
// unmapped). lo selects the Lo endpoint.
func (k *Key) Addr(lo bool) netip.Addr {
	a := k.HiAddr
	if lo {
		a = k.LoAddr
	}
	ad := netip.AddrFrom16(a)
	if k.Family == 4 {
		return ad.Unmap()
	}
	return ad
}

// Hash returns a 64-bit hash of the key. Because keys are normalized it is
// symmetric: both directions of a flow hash the same. It is deterministic
// across runs and processes (no random seed), which replay depends on.
func (k *Key) Hash() uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(0x243F6A8885A308D3)
	w := [6]uint64{
		binary.LittleEndian.Uint64(k.LoAddr[:8]),
		binary.LittleEndian.Uint64(k.LoAddr[8:]),
		binary.LittleEndian.Uint64(k.HiAddr[:8]),
		binary.LittleEndian.Uint64(k.HiAddr[8:]),
		uint64(k.LoPort) | uint64(k.HiPort)<<16 | uint64(k.Proto)<<32 | uint64(k.Family)<<40,
		// A third tag (rare) is folded in without changing the hash
		// of keys without one.
		uint64(k.VLAN[0]) | uint64(k.VLAN[1])<<16 | uint64(k.Tunnel)<<32 ^ uint64(k.VLAN[2])<<48,
	}
	for _, x := range w {
		h = mix64((h ^ x) * m)
	}
	return h
}

// PairHash is Key.Hash of the key with only the address pair a, b set (no
// ports, protocol, VLAN or tunnel). Replay's dispatcher picks a worker by
// it: it is symmetric, so both directions of every flow between two hosts
// share a worker, and every fragment of a datagram carries the addresses
// (not the ports), so all of them reach that worker's defragmenter. It
// does not allocate.
func PairHash(a, b netip.Addr) uint64 {
	var t Tuple
	t.SetAddrs(a, b)
	k, _ := KeyOf(&t)
	return k.Hash()
}

// mix64 is the splitmix64 finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
