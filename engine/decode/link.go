package decode

import (
	"encoding/binary"

	"vigil/engine/packet"
)

// EtherTypes the decoder follows.
const (
	etherIPv4      = 0x0800
	etherARP       = 0x0806
	etherTEB       = 0x6558 // transparent Ethernet bridging (GRE, Geneve)
	etherERSPAN3   = 0x22eb
	etherVLAN      = 0x8100
	etherQinQ      = 0x88a8
	etherQinQOld   = 0x9100
	etherIPv6      = 0x86dd
	etherPPP       = 0x880b
	etherMPLS      = 0x8847
	etherMPLSMulti = 0x8848
	etherPPPoEDisc = 0x8863
	etherPPPoESess = 0x8864
	etherERSPAN2   = 0x88be
)

// ethernet decodes an Ethernet II frame starting at off; b ends where the
// frame ends.
func (d *Decoder) ethernet(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.Ethernet++
	if len(b)-off < 14 {
		d.invalid(p, packet.EventEthernetPktTooSmall)
		return
	}
	if p.L2Off < 0 {
		p.L2Off = off
	}
	d.etherType(p, b, off+14, be16(b, off+12))
}

// etherType dispatches on an EtherType for the payload at off.
func (d *Decoder) etherType(p *packet.Packet, b []byte, off int, et uint16) {
	switch et {
	case etherIPv4:
		d.ipv4(p, b, off)
	case etherIPv6:
		d.ipv6(p, b, off)
	case etherVLAN, etherQinQ, etherQinQOld:
		d.vlan(p, b, off)
	case etherMPLS, etherMPLSMulti:
		d.mpls(p, b, off)
	case etherPPPoESess:
		d.pppoe(p, b, off)
	case etherTEB:
		d.ethernet(p, b, off)
	}
	// ARP, PPPoE discovery, LLC (type < 0x600) and the rest carry no IP.
}

// vlan decodes one 802.1Q/802.1ad tag.
func (d *Decoder) vlan(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.VLAN++
	if len(b)-off < 4 {
		d.invalid(p, packet.EventVLANHeaderTooSmall)
		return
	}
	if p.VLANCount >= 3 {
		d.invalid(p, packet.EventVLANTooManyLayers)
		return
	}
	if int(p.VLANCount) < len(p.VLAN) {
		p.VLAN[p.VLANCount] = be16(b, off) & 0x0fff
	}
	p.VLANCount++
	et := be16(b, off+2)
	switch et {
	case etherIPv4, etherIPv6, etherVLAN, etherQinQ, etherQinQOld, etherMPLS, etherMPLSMulti, etherPPPoESess, etherPPPoEDisc, etherARP:
	default:
		if et >= 0x600 {
			d.event(p, packet.EventVLANUnknownType)
		}
	}
	d.etherType(p, b, off+4, et)
}

// mpls decodes an MPLS label stack and guesses what follows the bottom
// label: explicit-null labels name it; otherwise the first nibble says IPv4
// (4), IPv6 (6) or a pseudowire control word (0) followed by Ethernet.
func (d *Decoder) mpls(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.MPLS++
	var label uint32
	for {
		if len(b)-off < 4 {
			d.invalid(p, packet.EventMPLSHeaderTooSmall)
			return
		}
		e := be32(b, off)
		label = e >> 12
		if int(p.MPLSCount) < len(p.MPLS) {
			p.MPLS[p.MPLSCount] = label
		}
		if p.MPLSCount < 255 {
			p.MPLSCount++
		}
		off += 4
		if e&0x100 != 0 { // bottom of stack
			break
		}
	}
	switch {
	case label == 0:
		d.ipv4(p, b, off)
		return
	case label == 2:
		d.ipv6(p, b, off)
		return
	case label == 1:
		d.event(p, packet.EventMPLSBadLabelRouterAlert)
		return
	case label == 3:
		d.event(p, packet.EventMPLSBadLabelImplicitNull)
		return
	case label < 16:
		d.event(p, packet.EventMPLSBadLabelReserved)
		return
	}
	if len(b)-off < 1 {
		d.invalid(p, packet.EventMPLSPktTooSmall)
		return
	}
	switch b[off] >> 4 {
	case 4:
		d.ipv4(p, b, off)
	case 6:
		d.ipv6(p, b, off)
	case 0: // pseudowire control word, then Ethernet
		if len(b)-off < 4+14 {
			d.invalid(p, packet.EventMPLSPktTooSmall)
			return
		}
		d.ethernet(p, b, off+4)
	default:
		d.event(p, packet.EventMPLSUnknownPayloadType)
	}
}

// pppoe decodes a PPPoE session header and the PPP protocol after it.
func (d *Decoder) pppoe(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.PPPoE++
	if len(b)-off < 8 {
		d.invalid(p, packet.EventPPPoEPktTooSmall)
		return
	}
	if b[off] != 0x11 {
		d.invalid(p, packet.EventPPPoEWrongCode)
		return
	}
	if b[off+1] != 0 { // session data has code 0
		d.invalid(p, packet.EventPPPoEWrongCode)
		return
	}
	plen := int(be16(b, off+4))
	if plen < 2 || off+6+plen > len(b) {
		d.invalid(p, packet.EventPPPoEPktTooSmall)
		return
	}
	b = b[:off+6+plen]
	d.ppp(p, b, off+6)
}

// ppp decodes a PPP protocol field at off: 2 bytes, or 1 byte when
// protocol-field compression (RFC 1661 6.5) made it odd.
func (d *Decoder) ppp(p *packet.Packet, b []byte, off int) {
	if len(b)-off < 1 {
		d.invalid(p, packet.EventPPPPktTooSmall)
		return
	}
	if b[off] == 0xff {
		// HDLC-like framing (RFC 1662): address 0xff and control 0x03
		// before the protocol field.
		if len(b)-off < 3 {
			d.invalid(p, packet.EventPPPPktTooSmall)
			return
		}
		off += 2
	}
	proto := uint16(b[off])
	if proto&1 != 0 {
		off-- // fake a 2-byte field so the payload offsets below hold
	} else {
		if len(b)-off < 2 {
			d.invalid(p, packet.EventPPPPktTooSmall)
			return
		}
		proto = be16(b, off)
	}
	switch proto {
	case 0x0021:
		if len(b)-off-2 < 20 {
			d.invalid(p, packet.EventPPPIP4PktTooSmall)
			return
		}
		d.ipv4(p, b, off+2)
	case 0x0057:
		if len(b)-off-2 < 40 {
			d.invalid(p, packet.EventPPPIP6PktTooSmall)
			return
		}
		d.ipv6(p, b, off+2)
	case 0x002d, 0x002f, 0x00fd, 0x00fb: // VJ compressed TCP/IP, compressed datagrams
		d.event(p, packet.EventPPPUnsupProto)
	default:
		if proto&0x0001 == 0 { // PPP protocol numbers are odd
			d.invalid(p, packet.EventPPPWrongType)
		}
	}
}

// sll decodes Linux cooked capture v1 (16-byte header, protocol last).
func (d *Decoder) sll(p *packet.Packet, b []byte) {
	d.Stats.SLL++
	if len(b) < 16 {
		d.invalid(p, packet.EventSLLPktTooSmall)
		return
	}
	p.L2Off = 0
	d.etherType(p, b, 16, be16(b, 14))
}

// sll2 decodes Linux cooked capture v2 (20-byte header, protocol first).
func (d *Decoder) sll2(p *packet.Packet, b []byte) {
	d.Stats.SLL++
	if len(b) < 20 {
		d.invalid(p, packet.EventSLLPktTooSmall)
		return
	}
	p.L2Off = 0
	d.etherType(p, b, 20, be16(b, 0))
}

// null decodes BSD loopback (host byte order family) and OpenBSD loop
// (network byte order) headers.
func (d *Decoder) null(p *packet.Packet, b []byte, loop bool) {
	d.Stats.Null++
	if len(b) < 4 {
		d.invalid(p, packet.EventLTNullPktTooSmall)
		return
	}
	p.L2Off = 0
	fam := binary.BigEndian.Uint32(b)
	if !loop && fam > 0xffff { // written in little-endian host order
		fam = binary.LittleEndian.Uint32(b)
	}
	switch fam {
	case 2: // AF_INET
		d.ipv4(p, b, 4)
	case 10, 24, 28, 30: // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, Darwin
		d.ipv6(p, b, 4)
	default:
		d.event(p, packet.EventLTNullUnsupportedType)
	}
}

// rawIP decodes an IP packet whose version is read from the first nibble.
func (d *Decoder) rawIP(p *packet.Packet, b []byte, off int) {
	if len(b)-off < 1 {
		d.invalid(p, packet.EventIPv4PktTooSmall)
		return
	}
	switch b[off] >> 4 {
	case 4:
		d.ipv4(p, b, off)
	case 6:
		d.ipv6(p, b, off)
	default:
		d.invalid(p, packet.EventIPRawInvalidIPVersion)
	}
}
