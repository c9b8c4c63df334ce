package decode

import (
	"net/netip"

	"vigil/engine/packet"
)

// ipv4 decodes an IPv4 header at off (RFC 791) and what it carries.
func (d *Decoder) ipv4(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.IPv4++
	if len(b)-off < 20 {
		d.invalid(p, packet.EventIPv4PktTooSmall)
		return
	}
	if b[off]>>4 != 4 {
		d.invalid(p, packet.EventIPv4WrongIPVersion)
		return
	}
	hlen := int(b[off]&0x0f) * 4
	if hlen < 20 {
		d.invalid(p, packet.EventIPv4HLenTooSmall)
		return
	}
	iplen := int(be16(b, off+2))
	if iplen < hlen {
		d.invalid(p, packet.EventIPv4IPLenSmallerThanHLen)
		return
	}
	if len(b)-off < iplen {
		d.invalid(p, packet.EventIPv4TruncPkt)
		return
	}
	b = b[:off+iplen] // drop link-layer padding
	if p.IPVersion != 0 {
		d.enterTunnelIP(p)
	}
	p.IPVersion = 4
	p.L3Off = off
	p.IPHdrLen = uint16(hlen)
	p.IPLen = uint16(iplen)
	p.TOS = b[off+1]
	p.IPID = uint32(be16(b, off+4))
	fo := be16(b, off+6)
	p.FragFlags = 0
	if fo&0x2000 != 0 {
		p.FragFlags |= packet.FragMF
	}
	if fo&0x4000 != 0 {
		p.FragFlags |= packet.FragDF
	}
	if fo&0x8000 != 0 {
		p.FragFlags |= packet.FragRB
	}
	p.TTL = b[off+8]
	p.Proto = b[off+9]
	p.Src = netip.AddrFrom4([4]byte(b[off+12 : off+16]))
	p.Dst = netip.AddrFrom4([4]byte(b[off+16 : off+20]))
	if d.addrsOnly {
		return
	}
	if hlen > 20 && !d.ipv4Options(p, b[off+20:off+hlen]) {
		p.Invalid = true
		return
	}
	if d.opts.Checksum == ChecksumAll {
		if checksum(b[off:off+hlen], 0) == 0 {
			p.IPCsum = packet.CsumValid
		} else {
			p.IPCsum = packet.CsumInvalid
			d.Stats.IPv4CsumInvalid++
		}
	}
	payOff := off + hlen
	p.Payload = b[payOff:]
	if fragOff := uint32(fo&0x1fff) * 8; fragOff != 0 || fo&0x2000 != 0 {
		d.Stats.Fragments++
		p.IsFragment = true
		p.Frag = packet.Frag{DataOff: payOff, DataLen: iplen - hlen, Offset: fragOff, More: fo&0x2000 != 0, HdrOff: -1, NextHdrOff: -1, NextHdr: p.Proto}
		if fragOff+uint32(iplen-hlen) > 65535 {
			d.event(p, packet.EventIPv4FragPktTooLarge)
		}
		return
	}
	if p.Proto == packet.ProtoICMPv6 {
		d.invalid(p, packet.EventIPv4ICMPv6)
		return
	}
	d.transport(p, b, payOff, p.Proto)
}

// ipv4Options validates IPv4 options (RFC 791 and the RFCs of each option)
// and records which were present. It returns false when the options are
// malformed, which makes the packet invalid as in Suricata.
func (d *Decoder) ipv4Options(p *packet.Packet, o []byte) bool {
	p.IPOpts |= packet.IPOptAny
	var seen [256 / 64]uint64
	for i := 0; i < len(o); {
		t := o[i]
		switch t {
		case 0: // end of list
			p.IPOpts |= packet.IPOptEOL
			return true
		case 1: // no operation
			p.IPOpts |= packet.IPOptNOP
			i++
			continue
		}
		if len(o)-i < 2 {
			d.event(p, packet.EventIPv4OptEOLRequired)
			return false
		}
		l := int(o[i+1])
		if l < 2 {
			d.event(p, packet.EventIPv4OptInvalidLen)
			return false
		}
		if l > len(o)-i {
			d.event(p, packet.EventIPv4OptMalformed)
			return false
		}
		if seen[t/64]&(1<<(t%64)) != 0 {
			d.event(p, packet.EventIPv4OptDuplicate)
			return false
		}
		seen[t/64] |= 1 << (t % 64)
		v := o[i : i+l]
		ok := true
		switch t {
		case 7, 131, 137: // record route, loose / strict source route
			// pointer >= 4, on a 4-byte boundary, at most one past the end
			ok = l >= 3 && v[2] >= 4 && (v[2]-4)%4 == 0 && int(v[2]) <= l+1 && (l-3)%4 == 0
			switch t {
			case 7:
				p.IPOpts |= packet.IPOptRR
			case 131:
				p.IPOpts |= packet.IPOptLSRR
			default:
				p.IPOpts |= packet.IPOptSSRR
			}
		case 68: // timestamp
			ok = l >= 4 && v[2] >= 5 && int(v[2]) <= l+1
			p.IPOpts |= packet.IPOptTS
		case 130: // security (RFC 1108)
			ok = l == 11
			p.IPOpts |= packet.IPOptSec
		case 133:
			ok = l >= 3
			p.IPOpts |= packet.IPOptESec
		case 136: // stream id
			ok = l == 4
			p.IPOpts |= packet.IPOptSATID
		case 148: // router alert (RFC 2113)
			ok = l == 4
			p.IPOpts |= packet.IPOptRTRALT
		case 25: // quick start (RFC 4782)
			ok = l == 8
			p.IPOpts |= packet.IPOptQS
		case 134: // CIPSO
			ok = l >= 6
			p.IPOpts |= packet.IPOptCIPSO
		default:
			d.event(p, packet.EventIPv4OptUnknown)
		}
		if !ok {
			d.event(p, packet.EventIPv4OptInvalidLen)
			return false
		}
		i += l
	}
	return true
}

// IPv6 extension header bookkeeping for duplicates.
const (
	seenHH = 1 << iota
	seenRH
	seenFH
	seenDH
	seenDH2
	seenAH
	seenEH
)

// ipv6 decodes an IPv6 header at off (RFC 8200), its extension headers and
// what they carry.
func (d *Decoder) ipv6(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.IPv6++
	if len(b)-off < 40 {
		d.invalid(p, packet.EventIPv6PktTooSmall)
		return
	}
	if b[off]>>4 != 6 {
		d.invalid(p, packet.EventIPv6WrongIPVersion)
		return
	}
	plen := int(be16(b, off+4))
	if len(b)-off-40 < plen {
		d.invalid(p, packet.EventIPv6TruncPkt)
		return
	}
	b = b[:off+40+plen]
	if p.IPVersion != 0 {
		d.enterTunnelIP(p)
	}
	p.IPVersion = 6
	p.L3Off = off
	p.IPLen = uint16(min(40+plen, 65535))
	p.TOS = byte(be16(b, off) >> 4)
	p.FlowLabel = be32(b, off) & 0x000fffff
	p.TTL = b[off+7]
	p.Src = netip.AddrFrom16([16]byte(b[off+8 : off+24]))
	p.Dst = netip.AddrFrom16([16]byte(b[off+24 : off+40]))
	if d.addrsOnly {
		return
	}

	nh := b[off+6]
	nhOff := off + 6 // offset of the byte that holds nh
	cur := off + 40
	var seen uint8
	for {
		switch nh {
		case packet.ProtoHopOpts, packet.ProtoDstOpts, packet.ProtoRouting, packet.ProtoAH:
			if len(b)-cur < 8 {
				d.invalid(p, packet.EventIPv6TruncExtHdr)
				return
			}
			var hl int
			if nh == packet.ProtoAH {
				hl = (int(b[cur+1]) + 2) * 4
			} else {
				hl = (int(b[cur+1]) + 1) * 8
			}
			if len(b)-cur < hl {
				d.invalid(p, packet.EventIPv6TruncExtHdr)
				return
			}
			h := b[cur : cur+hl]
			switch nh {
			case packet.ProtoHopOpts:
				p.IP6Exts |= packet.IP6ExtHopOpts
				if seen&seenHH != 0 {
					d.event(p, packet.EventIPv6ExtHdrDuplHH)
				}
				seen |= seenHH
				d.ip6Options(p, h[2:], true)
			case packet.ProtoDstOpts:
				p.IP6Exts |= packet.IP6ExtDstOpts
				// One may precede a routing header and one end the chain.
				if seen&seenDH2 != 0 || (seen&seenDH != 0 && seen&seenRH == 0) {
					d.event(p, packet.EventIPv6ExtHdrDuplDH)
				}
				if seen&seenDH != 0 {
					seen |= seenDH2
				}
				seen |= seenDH
				d.ip6Options(p, h[2:], false)
			case packet.ProtoRouting:
				p.IP6Exts |= packet.IP6ExtRouting
				if seen&seenRH != 0 {
					d.event(p, packet.EventIPv6ExtHdrDuplRH)
				}
				seen |= seenRH
				if h[2] == 0 {
					d.event(p, packet.EventIPv6RHType0)
				}
			case packet.ProtoAH:
				p.IP6Exts |= packet.IP6ExtAH
				if seen&seenAH != 0 {
					d.event(p, packet.EventIPv6ExtHdrDuplAH)
				}
				seen |= seenAH
				if h[2] != 0 || h[3] != 0 {
					d.event(p, packet.EventIPv6ExtHdrAHResNotNull)
				}
			}
			nhOff = cur
			nh = h[0]
			cur += hl
			continue
		case packet.ProtoFragment:
			if len(b)-cur < 8 {
				d.invalid(p, packet.EventIPv6TruncExtHdr)
				return
			}
			p.IP6Exts |= packet.IP6ExtFragment
			if seen&seenFH != 0 {
				d.event(p, packet.EventIPv6ExtHdrDuplFH)
			}
			seen |= seenFH
			if b[cur+1] != 0 {
				d.event(p, packet.EventIPv6FHNonZeroReservedField)
			}
			fo := be16(b, cur+2)
			fragOff := uint32(fo&0xfff8) & 0xfff8
			more := fo&1 != 0
			p.IPID = be32(b, cur+4)
			if more {
				p.FragFlags |= packet.FragMF
			}
			if fragOff == 0 && !more {
				// An atomic fragment: nothing to reassemble, decode on.
				d.event(p, packet.EventIPv6ExtHdrUselessFH)
				nhOff = cur
				nh = b[cur]
				cur += 8
				continue
			}
			d.Stats.Fragments++
			dataLen := len(b) - cur - 8
			if more && dataLen%8 != 0 {
				d.event(p, packet.EventIPv6FragInvalidLength)
			}
			if fragOff+uint32(dataLen) > 65535 {
				d.event(p, packet.EventIPv6FragPktTooLarge)
			}
			p.IsFragment = true
			p.Proto = b[cur]
			p.IPHdrLen = uint16(cur + 8 - off)
			p.Frag = packet.Frag{DataOff: cur + 8, DataLen: dataLen, Offset: fragOff, More: more, HdrOff: cur, NextHdrOff: nhOff, NextHdr: b[cur]}
			p.Payload = b[cur+8:]
			return
		case packet.ProtoESP:
			p.IP6Exts |= packet.IP6ExtESP
			if seen&seenEH != 0 {
				d.event(p, packet.EventIPv6ExtHdrDuplEH)
			}
			d.Stats.ESP++
			if len(b)-cur < 8 {
				d.event(p, packet.EventESPPktTooSmall)
			}
			p.Proto = nh
			p.IPHdrLen = uint16(cur - off)
			p.Payload = b[cur:]
			return
		case packet.ProtoNone:
			if len(b) > cur {
				d.event(p, packet.EventIPv6DataAfterNoneHeader)
			}
			p.Proto = nh
			p.IPHdrLen = uint16(cur - off)
			p.Payload = b[cur:]
			return
		}
		break
	}
	p.Proto = nh
	p.IPHdrLen = uint16(cur - off)
	p.Payload = b[cur:]
	if nh == packet.ProtoICMP {
		d.invalid(p, packet.EventIPv6ICMPv4)
		return
	}
	d.transport(p, b, cur, nh)
}

// ip6Options checks the TLV options of a hop-by-hop or destination options
// header (RFC 8200 4.2).
func (d *Decoder) ip6Options(p *packet.Packet, o []byte, hop bool) {
	onlyPad := true
	for i := 0; i < len(o); {
		t := o[i]
		if t == 0 { // Pad1
			i++
			continue
		}
		if len(o)-i < 2 || len(o)-i-2 < int(o[i+1]) {
			d.event(p, packet.EventIPv6ExtHdrInvalidOptLen)
			return
		}
		l := int(o[i+1])
		switch t {
		case 1: // PadN
			if l == 0 {
				d.event(p, packet.EventIPv6ZeroLenPadN)
			}
		case 0x05, 0xc2, 0xc9, 0x04, 0x07, 0x08, 0x26, 0x6d, 0x8b, 0x1e, 0x3e, 0x5e, 0x7e, 0x9e, 0xbe, 0xde, 0xfe:
			// router alert, jumbo, home address, tunnel encap limit,
			// CALIPSO, SMF_DPD, quick start, RPL, ILNP, experimental
			onlyPad = false
		default:
			onlyPad = false
			if hop {
				d.event(p, packet.EventIPv6HopOptsUnknownOpt)
			} else {
				d.event(p, packet.EventIPv6DstOptsUnknownOpt)
			}
		}
		i += 2 + l
	}
	if onlyPad {
		if hop {
			d.event(p, packet.EventIPv6HopOptsOnlyPadding)
		} else {
			d.event(p, packet.EventIPv6DstOptsOnlyPadding)
		}
	}
}

// enterTunnelIP is called when a second IP header is about to be decoded:
// it keeps the outermost addresses and clears the per-layer fields the
// inner header will fill.
func (d *Decoder) enterTunnelIP(p *packet.Packet) {
	saveOuter(p)
	if p.TunnelDepth < 255 {
		p.TunnelDepth++
	}
	p.IPOpts, p.IP6Exts, p.FragFlags, p.IPID, p.FlowLabel = 0, 0, 0, 0, 0
	p.L4Off, p.PayloadOff = -1, -1
	p.SrcPort, p.DstPort, p.UDPLen = 0, 0, 0
	p.TCP, p.ICMP = packet.TCP{}, packet.ICMP{}
	p.IPCsum, p.L4Csum = packet.CsumNotChecked, packet.CsumNotChecked
	p.Payload = nil
}

// transport dispatches on the IP protocol of the payload at off.
func (d *Decoder) transport(p *packet.Packet, b []byte, off int, proto uint8) {
	switch proto {
	case packet.ProtoTCP:
		d.tcp(p, b, off)
	case packet.ProtoUDP:
		d.udp(p, b, off)
	case packet.ProtoICMP:
		d.icmpv4(p, b, off)
	case packet.ProtoICMPv6:
		d.icmpv6(p, b, off)
	case packet.ProtoGRE:
		d.gre(p, b, off)
	case packet.ProtoIPIP:
		d.Stats.IPIP++
		if p.IPVersion == 6 && len(b)-off < 20 {
			d.invalid(p, packet.EventIPv6IPv4InIPv6TooSmall)
			return
		}
		if p.IPVersion == 6 && b[off]>>4 != 4 {
			d.invalid(p, packet.EventIPv6IPv4InIPv6WrongVersion)
			return
		}
		d.tunnel(p, packet.TunnelIPIP, 0)
		d.ipv4(p, b, off)
	case packet.ProtoIPv6:
		d.Stats.IPIP++
		if p.IPVersion == 6 && len(b)-off < 40 {
			d.invalid(p, packet.EventIPv6IPv6InIPv6TooSmall)
			return
		}
		if p.IPVersion == 6 && b[off]>>4 != 6 {
			d.invalid(p, packet.EventIPv6IPv6InIPv6WrongVersion)
			return
		}
		d.tunnel(p, packet.TunnelIPIP, 0)
		d.ipv6(p, b, off)
	case packet.ProtoSCTP:
		d.Stats.SCTP++
		if len(b)-off < 12 {
			d.invalid(p, packet.EventSCTPPktTooSmall)
			return
		}
		p.L4Off = off
		p.SrcPort, p.DstPort = be16(b, off), be16(b, off+2)
		p.PayloadOff = off + 12
		p.Payload = b[off+12:]
	case packet.ProtoESP:
		d.Stats.ESP++
		if len(b)-off < 8 {
			d.event(p, packet.EventESPPktTooSmall)
		}
	}
}

// saveOuter keeps the outermost IP addresses before an inner header
// replaces them.
func saveOuter(p *packet.Packet) {
	if !p.OuterSrc.IsValid() && p.IPVersion != 0 {
		p.OuterSrc, p.OuterDst, p.OuterProto = p.Src, p.Dst, p.Proto
	}
}

// tunnel records that the next layer is an encapsulated packet.
func (d *Decoder) tunnel(p *packet.Packet, t packet.Tunnel, id uint32) {
	saveOuter(p)
	if p.Tunnel == packet.TunnelNone || t != packet.TunnelIPIP {
		p.Tunnel = t
		if id != 0 {
			p.TunnelID = id
		}
	}
}
