package decode

import (
	"vigil/engine/packet"
)

// tcp decodes a TCP header with options (RFC 9293) at off.
func (d *Decoder) tcp(p *packet.Packet, b []byte, off int) {
	d.Stats.TCP++
	n := len(b) - off
	if n < 20 {
		d.invalid(p, packet.EventTCPPktTooSmall)
		return
	}
	hlen := int(b[off+12]>>4) * 4
	if hlen < 20 || hlen > n {
		d.invalid(p, packet.EventTCPHLenTooSmall)
		return
	}
	p.L4Off = off
	p.SrcPort, p.DstPort = be16(b, off), be16(b, off+2)
	t := &p.TCP
	t.Seq, t.Ack = be32(b, off+4), be32(b, off+8)
	t.Flags = b[off+13]
	t.Window = be16(b, off+14)
	t.Urgent = be16(b, off+18)
	t.HdrLen = uint8(hlen)
	if hlen > 20 {
		d.tcpOptions(p, b[off+20:off+hlen])
	}
	p.PayloadOff = off + hlen
	p.Payload = b[off+hlen:]
	if d.opts.Checksum == ChecksumAll {
		if d.l4Checksum(p, b[off:], packet.ProtoTCP) {
			p.L4Csum = packet.CsumValid
		} else {
			p.L4Csum = packet.CsumInvalid
			d.Stats.TCPCsumInvalid++
		}
	}
}

// tcpOptions parses TCP options; a bad option length ends parsing with an
// event but leaves the packet valid, as Suricata does.
func (d *Decoder) tcpOptions(p *packet.Packet, o []byte) {
	t := &p.TCP
	for i := 0; i < len(o); {
		k := o[i]
		if k == 0 { // end of option list
			return
		}
		if k == 1 { // NOP
			i++
			continue
		}
		if len(o)-i < 2 {
			d.event(p, packet.EventTCPOptInvalidLen)
			return
		}
		l := int(o[i+1])
		if l < 2 || l > len(o)-i {
			d.event(p, packet.EventTCPOptInvalidLen)
			return
		}
		v := o[i : i+l]
		var bit uint8
		ok := true
		switch k {
		case 2:
			bit, ok = packet.TCPOptMSS, l == 4
			if ok {
				t.MSS = be16(v, 2)
			}
		case 3:
			bit, ok = packet.TCPOptWScale, l == 3
			if ok {
				t.WScale = v[2]
			}
		case 4:
			bit, ok = packet.TCPOptSACKPerm, l == 2
		case 5:
			bit, ok = packet.TCPOptSACK, l >= 10 && l <= 34 && (l-2)%8 == 0
		case 8:
			bit, ok = packet.TCPOptTimestamp, l == 10
			if ok {
				t.TSVal, t.TSEcr = be32(v, 2), be32(v, 6)
			}
		case 19:
			bit, ok = packet.TCPOptMD5, l == 18
		case 29:
			bit, ok = packet.TCPOptAO, l >= 4
		case 34:
			bit, ok = packet.TCPOptTFO, l == 2 || (l >= 6 && l <= 18)
		}
		if !ok {
			d.event(p, packet.EventTCPOptInvalidLen)
			return
		}
		if bit != 0 {
			if t.Opts&bit != 0 {
				d.event(p, packet.EventTCPOptDuplicate)
			}
			t.Opts |= bit
		}
		i += l
	}
}

// udp decodes a UDP header (RFC 768) at off, then the UDP tunnels.
func (d *Decoder) udp(p *packet.Packet, b []byte, off int) {
	d.Stats.UDP++
	n := len(b) - off
	if n < 8 {
		d.invalid(p, packet.EventUDPHLenTooSmall)
		return
	}
	ulen := int(be16(b, off+4))
	if ulen < 8 {
		d.invalid(p, packet.EventUDPHLenInvalid)
		return
	}
	if n < ulen {
		d.invalid(p, packet.EventUDPPktTooSmall)
		return
	}
	if n != ulen {
		d.invalid(p, packet.EventUDPHLenInvalid)
		return
	}
	p.L4Off = off
	p.SrcPort, p.DstPort = be16(b, off), be16(b, off+2)
	p.UDPLen = uint16(ulen)
	p.PayloadOff = off + 8
	p.Payload = b[off+8 : off+ulen]
	if d.opts.Checksum == ChecksumAll {
		switch {
		case be16(b, off+6) == 0 && p.IPVersion == 4:
			p.L4Csum = packet.CsumValid // checksum not computed by sender
		case be16(b, off+6) == 0:
			// Zero over IPv6 is only legal for tunnels (RFC 6935); leave it.
		case d.l4Checksum(p, b[off:off+ulen], packet.ProtoUDP):
			p.L4Csum = packet.CsumValid
		default:
			p.L4Csum = packet.CsumInvalid
			d.Stats.UDPCsumInvalid++
		}
	}
	pay := p.Payload
	switch {
	case int(p.DstPort) == d.opts.VXLANPort && len(pay) >= 8+14 && pay[0]&0x08 != 0:
		d.vxlan(p, b[:off+ulen], off+8)
	case int(p.DstPort) == d.opts.GenevePort && len(pay) >= 8 && pay[0]>>6 == 0:
		d.geneve(p, b[:off+ulen], off+8)
	case (int(p.DstPort) == d.opts.TeredoPort || int(p.SrcPort) == d.opts.TeredoPort) && len(pay) >= 40:
		d.teredo(p, b[:off+ulen], off+8)
	}
}

// vxlan decodes a VXLAN header (RFC 7348) and the inner Ethernet frame.
func (d *Decoder) vxlan(p *packet.Packet, b []byte, off int) {
	d.Stats.VXLAN++
	vni := be32(b, off+4) >> 8
	et := be16(b, off+8+12)
	switch et {
	case etherIPv4, etherIPv6, etherVLAN, etherQinQ, etherARP:
	default:
		d.event(p, packet.EventVXLANUnknownPayloadType)
		return
	}
	d.tunnel(p, packet.TunnelVXLAN, vni)
	d.ethernet(p, b, off+8)
}

// geneve decodes a Geneve header (RFC 8926) and the inner packet.
func (d *Decoder) geneve(p *packet.Packet, b []byte, off int) {
	d.Stats.Geneve++
	hl := 8 + int(b[off]&0x3f)*4
	if len(b)-off < hl {
		return // not Geneve after all: leave it as UDP payload
	}
	vni := be32(b, off+4) >> 8
	in := off + hl
	switch be16(b, off+2) {
	case etherTEB:
		d.tunnel(p, packet.TunnelGeneve, vni)
		d.ethernet(p, b, in)
	case etherIPv4:
		d.tunnel(p, packet.TunnelGeneve, vni)
		d.ipv4(p, b, in)
	case etherIPv6:
		d.tunnel(p, packet.TunnelGeneve, vni)
		d.ipv6(p, b, in)
	default:
		d.event(p, packet.EventGeneveUnknownPayloadType)
	}
}

// teredo decodes IPv6 in UDP (RFC 4380) when the payload really looks like
// an IPv6 packet, skipping the optional authentication and origin headers.
func (d *Decoder) teredo(p *packet.Packet, b []byte, off int) {
	if len(b)-off >= 2 && b[off] == 0 && b[off+1] == 1 { // authentication
		if len(b)-off < 13 {
			return
		}
		off += 13 + int(b[off+2]) + int(b[off+3])
	}
	if len(b)-off >= 8 && b[off] == 0 && b[off+1] == 0 { // origin indication
		off += 8
	}
	if len(b)-off < 40 || b[off]>>4 != 6 {
		return
	}
	// The inner IPv6 payload must fill the UDP payload exactly and carry a
	// sane next header; otherwise this is some other protocol on the port.
	if 40+int(be16(b, off+4)) != len(b)-off {
		return
	}
	switch b[off+6] {
	case packet.ProtoTCP, packet.ProtoUDP, packet.ProtoICMPv6, packet.ProtoNone, packet.ProtoHopOpts, packet.ProtoFragment, packet.ProtoDstOpts, packet.ProtoRouting:
	default:
		return
	}
	d.Stats.Teredo++
	d.tunnel(p, packet.TunnelTeredo, 0)
	d.ipv6(p, b, off)
}

// gre decodes a GRE header (RFC 2784/2890, version 1 from RFC 2637) and the
// encapsulated packet.
func (d *Decoder) gre(p *packet.Packet, b []byte, off int) {
	if !d.enter(p) {
		return
	}
	d.Stats.GRE++
	if len(b)-off < 4 {
		d.invalid(p, packet.EventGREPktTooSmall)
		return
	}
	f0, f1 := b[off], b[off+1]
	proto := be16(b, off+2)
	hl := 4
	var key uint32
	hasSeq := f0&0x10 != 0
	switch f1 & 0x07 {
	case 0:
		if f0&0x07 != 0 {
			d.invalid(p, packet.EventGREVersion0Recur)
			return
		}
		if f1&0xf8 != 0 {
			d.invalid(p, packet.EventGREVersion0Flags)
			return
		}
		if f0&0xc0 != 0 { // checksum or routing present: 4 bytes
			hl += 4
		}
		if f0&0x20 != 0 {
			if len(b)-off >= hl+4 {
				key = be32(b, off+hl)
			}
			hl += 4
		}
		if hasSeq {
			hl += 4
		}
		if len(b)-off < hl {
			d.invalid(p, packet.EventGREVersion0HdrTooBig)
			return
		}
		if f0&0x40 != 0 { // source route entries until a null one
			for {
				if len(b)-off < hl+4 {
					d.invalid(p, packet.EventGREVersion0MalformedSREHdr)
					return
				}
				srelen := int(b[off+hl+3])
				if be16(b, off+hl) == 0 && srelen == 0 {
					hl += 4
					break
				}
				hl += 4 + srelen
			}
		}
	case 1:
		switch {
		case f0&0x80 != 0:
			d.invalid(p, packet.EventGREVersion1Chksum)
		case f0&0x40 != 0:
			d.invalid(p, packet.EventGREVersion1Route)
		case f0&0x08 != 0:
			d.invalid(p, packet.EventGREVersion1SSR)
		case f0&0x07 != 0:
			d.invalid(p, packet.EventGREVersion1Recur)
		case f1&0x78 != 0:
			d.invalid(p, packet.EventGREVersion1Flags)
		case f0&0x20 == 0:
			d.invalid(p, packet.EventGREVersion1NoKey)
		case proto != etherPPP:
			d.invalid(p, packet.EventGREVersion1WrongProtocol)
		}
		if p.Invalid {
			return
		}
		hl = 8
		if hasSeq {
			hl += 4
		}
		if f1&0x80 != 0 { // acknowledgment number
			hl += 4
		}
		if len(b)-off < hl {
			d.invalid(p, packet.EventGREVersion1HdrTooBig)
			return
		}
		key = be32(b, off+4)
		if len(b)-off == hl {
			return // keepalive / ack only
		}
		d.tunnel(p, packet.TunnelGRE, key)
		// PPP in enhanced GRE may omit the address/control bytes.
		in := off + hl
		if len(b)-in >= 2 && b[in] == 0xff && b[in+1] == 0x03 {
			in += 2
		}
		d.ppp(p, b, in)
		return
	default:
		d.invalid(p, packet.EventGREWrongVersion)
		return
	}
	in := off + hl
	switch proto {
	case etherIPv4:
		d.tunnel(p, packet.TunnelGRE, key)
		d.ipv4(p, b, in)
	case etherIPv6:
		d.tunnel(p, packet.TunnelGRE, key)
		d.ipv6(p, b, in)
	case etherTEB:
		d.tunnel(p, packet.TunnelGRE, key)
		d.ethernet(p, b, in)
	case etherERSPAN2:
		d.Stats.ERSPAN++
		if !hasSeq { // ERSPAN type I: no header, Ethernet follows
			d.tunnel(p, packet.TunnelERSPAN, 0)
			d.ethernet(p, b, in)
			return
		}
		d.erspan(p, b, in, 1)
	case etherERSPAN3:
		d.Stats.ERSPAN++
		d.erspan(p, b, in, 2)
	case etherVLAN, etherQinQ, etherMPLS, etherMPLSMulti:
		d.tunnel(p, packet.TunnelGRE, key)
		d.etherType(p, b, in, proto)
	}
}

// erspan decodes an ERSPAN type II (version 1) or type III (version 2)
// header and the mirrored Ethernet frame.
func (d *Decoder) erspan(p *packet.Packet, b []byte, off int, want uint8) {
	hl := 8
	if want == 2 {
		hl = 12
	}
	if len(b)-off < hl {
		d.invalid(p, packet.EventERSPANHeaderTooSmall)
		return
	}
	if ver := b[off] >> 4; ver != want {
		d.invalid(p, packet.EventERSPANUnsupportedVersion)
		return
	}
	session := uint32(be16(b, off+2) & 0x03ff)
	if vlan := be16(b, off) & 0x0fff; vlan != 0 {
		if p.VLANCount >= 2 {
			d.invalid(p, packet.EventERSPANTooManyVLANLayers)
			return
		}
		p.VLAN[p.VLANCount] = vlan
		p.VLANCount++
	}
	if want == 2 && b[off+11]&0x01 != 0 { // platform-specific subheader
		hl += 8
		if len(b)-off < hl {
			d.invalid(p, packet.EventERSPANHeaderTooSmall)
			return
		}
	}
	d.tunnel(p, packet.TunnelERSPAN, session)
	d.ethernet(p, b, off+hl)
}

// icmpv4 decodes an ICMP header (RFC 792) at off.
func (d *Decoder) icmpv4(p *packet.Packet, b []byte, off int) {
	d.Stats.ICMPv4++
	if len(b)-off < 8 {
		d.invalid(p, packet.EventICMPv4PktTooSmall)
		return
	}
	p.L4Off = off
	ic := &p.ICMP
	ic.Type, ic.Code = b[off], b[off+1]
	p.PayloadOff = off + 8
	p.Payload = b[off+8:]
	maxCode := uint8(0)
	embedded := false
	switch ic.Type {
	case 0, 8, 13, 14, 15, 16, 17, 18: // echo, timestamp, info, mask
		ic.ID, ic.Seq, ic.HasIDSeq = be16(b, off+4), be16(b, off+6), true
	case 3:
		maxCode, embedded = 15, true
	case 4:
		embedded = true
	case 5:
		maxCode, embedded = 3, true
	case 9:
		maxCode = 16
	case 10:
	case 11:
		maxCode, embedded = 1, true
	case 12:
		maxCode, embedded = 2, true
	case 6, 19, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43:
		maxCode = 255 // alternate address, reserved, traceroute, photuris, extended echo
	default:
		d.event(p, packet.EventICMPv4UnknownType)
		maxCode = 255
	}
	if ic.Code > maxCode {
		d.event(p, packet.EventICMPv4UnknownCode)
		// Suricata reads the embedded header of an error message only
		// when its code is known.
		embedded = false
	}
	if e := b[off+8:]; embedded && len(e) > 0 {
		switch {
		case len(e) < 20:
			d.event(p, packet.EventICMPv4IPv4TruncPkt)
		case e[0]>>4 != 4:
			d.event(p, packet.EventICMPv4IPv4UnknownVer)
		}
	}
	if d.opts.Checksum == ChecksumAll {
		if checksum(b[off:], 0) == 0 {
			p.L4Csum = packet.CsumValid
		} else {
			p.L4Csum = packet.CsumInvalid
			d.Stats.ICMPCsumInvalid++
		}
	}
}

// icmpv6 decodes an ICMPv6 header (RFC 4443) at off.
func (d *Decoder) icmpv6(p *packet.Packet, b []byte, off int) {
	d.Stats.ICMPv6++
	if len(b)-off < 8 {
		d.invalid(p, packet.EventICMPv6PktTooSmall)
		return
	}
	p.L4Off = off
	ic := &p.ICMP
	ic.Type, ic.Code = b[off], b[off+1]
	p.PayloadOff = off + 8
	p.Payload = b[off+8:]
	maxCode := uint8(0)
	embedded := false
	switch t := ic.Type; {
	case t == 1:
		maxCode, embedded = 8, true
	case t == 2:
		embedded = true
	case t == 3:
		maxCode, embedded = 1, true
	case t == 4:
		maxCode, embedded = 4, true
	case t == 128 || t == 129:
		ic.ID, ic.Seq, ic.HasIDSeq = be16(b, off+4), be16(b, off+6), true
	case t >= 130 && t <= 132, t == 143: // MLD
		if p.TTL != 1 {
			d.event(p, packet.EventICMPv6MLDMessageWithInvalidHL)
		}
	case t == 138 || t == 139 || t == 140:
		maxCode = 255
	case t >= 133 && t <= 161:
	case t == 100 || t == 101 || t == 200 || t == 201:
		d.event(p, packet.EventICMPv6ExperimentationType)
		maxCode = 255
	case t == 0 || t == 127 || t == 255:
		d.event(p, packet.EventICMPv6UnknownType)
		maxCode = 255
	default:
		d.event(p, packet.EventICMPv6UnassignedType)
		maxCode = 255
	}
	if ic.Code > maxCode {
		d.event(p, packet.EventICMPv6UnknownCode)
	}
	if embedded {
		e := b[off+8:]
		switch {
		case len(e) < 40:
			d.event(p, packet.EventICMPv6IPv6TruncPkt)
		case e[0]>>4 != 6:
			d.event(p, packet.EventICMPv6IPv6UnknownVersion)
		}
	}
	if d.opts.Checksum == ChecksumAll {
		if d.l4Checksum(p, b[off:], packet.ProtoICMPv6) {
			p.L4Csum = packet.CsumValid
		} else {
			p.L4Csum = packet.CsumInvalid
			d.Stats.ICMPCsumInvalid++
		}
	}
}
