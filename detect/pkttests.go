package detect

import "vigil/ruleparser"

// Packet header and flow tests: one small type per keyword family.

// pktTest is a keyword that tests the packet header (ttl, dsize, flags...).
type pktTest interface {
	match(p *Packet) bool
}

// pktField reads one integer field of a packet for a uint comparison.
type pktField uint8

const (
	fieldDsize pktField = iota
	fieldTTL
	fieldTOS
	fieldIPID
	fieldITYPE
	fieldICODE
	fieldICMPID
	fieldICMPSeq
	fieldWindow
	fieldSeq
	fieldAck
	fieldVLANLayers // vlan.layers. Docs: rules/header-keywords.html#vlan-layers
	fieldICMPv6MTU  // icmpv6.mtu. Docs: rules/header-keywords.html#icmpv6-mtu
	fieldTCPMSS     // tcp.mss. Docs: rules/header-keywords.html#tcp-mss
	fieldFragOffset // fragoffset. Docs: rules/header-keywords.html#fragoffset
	fieldFlowAge    // flow.age. Docs: rules/flow-keywords.html#flow-age
	fieldTCPWscale  // tcp.wscale. Docs: rules/header-keywords.html#tcp-wscale
)

// cmpTest is dsize, ttl, tos, id, itype, icode, icmp_id, icmp_seq, window,
// seq and ack: a uint comparison on one packet field.
type cmpTest struct {
	field pktField
	cmp   ruleparser.UintCmp
}

func (c *cmpTest) match(p *Packet) bool {
	var v uint64
	switch c.field {
	case fieldDsize:
		v = uint64(len(p.Payload))
	case fieldTTL:
		v = uint64(p.TTL)
	case fieldTOS:
		v = uint64(p.TOS)
	case fieldIPID:
		v = uint64(p.IPID)
	case fieldITYPE, fieldICODE:
		if p.Proto != 1 && p.Proto != 58 {
			return false
		}
		if c.field == fieldITYPE {
			v = uint64(p.ICMPType)
		} else {
			v = uint64(p.ICMPCode)
		}
	case fieldICMPID, fieldICMPSeq:
		if !p.HasICMPID {
			return false
		}
		if c.field == fieldICMPID {
			v = uint64(p.ICMPID)
		} else {
			v = uint64(p.ICMPSeq)
		}
	case fieldVLANLayers:
		v = uint64(p.VLANLayers)
	case fieldICMPv6MTU:
		// Only an ICMPv6 Packet Too Big message (type 2) carries an MTU.
		if p.Proto != 58 || p.ICMPType != 2 || len(p.L4Hdr) < 8 {
			return false
		}
		h := p.L4Hdr
		v = uint64(h[4])<<24 | uint64(h[5])<<16 | uint64(h[6])<<8 | uint64(h[7])
	case fieldTCPMSS:
		mss, ok := tcpMSS(p)
		if !ok {
			return false
		}
		v = uint64(mss)
	case fieldTCPWscale:
		// The window scale option's shift; Suricata reads a shift above
		// the maximum of 14 as 0.
		o, ok := tcpOption(p, 3)
		if !ok || len(o) != 1 {
			return false
		}
		v = uint64(o[0])
		if v > 14 {
			v = 0
		}
	case fieldFragOffset:
		off, ok := fragOffset(p)
		if !ok {
			return false
		}
		v = uint64(off)
	case fieldFlowAge:
		// Whole seconds between the flow's first packet and this one,
		// each time truncated to the second as Suricata's timestamps are.
		if !p.HasFlow {
			return false
		}
		v = uint64(p.Ts/1e9 - p.FlowStartNs/1e9)
	case fieldWindow, fieldSeq, fieldAck:
		if p.Proto != 6 {
			return false
		}
		switch c.field {
		case fieldWindow:
			v = uint64(p.Window)
		case fieldSeq:
			v = uint64(p.Seq)
		default:
			v = uint64(p.Ack)
		}
	}
	return c.cmp.Match(v)
}

// flagsTest is flags: the TCP flags under a mask compared by a modifier.
// Docs: https://docs.suricata.io/en/latest/rules/header-keywords.html#flags
type flagsTest struct {
	want     uint8
	ignore   uint8 // bits masked out before comparing
	modifier byte  // 0 exact, '+' all of want (others allowed), '*' any of want, '!' none of want
	none     bool  // "0": no flags set
}

func (f *flagsTest) match(p *Packet) bool {
	if p.Proto != 6 {
		return false
	}
	got := p.TCPFlags &^ f.ignore
	if f.none {
		return got == 0
	}
	switch f.modifier {
	case '+':
		return got&f.want == f.want
	case '*':
		return got&f.want != 0
	case '!':
		return got&f.want == 0
	}
	return got == f.want
}

// sameipTest is sameip: source and destination address are equal.
type sameipTest struct{}

func (sameipTest) match(p *Packet) bool { return p.Src == p.Dst }

// flowTest is flow:...; zero value matches everything.
type flowTest struct {
	toServer, toClient  bool
	established, notEst bool
	stateless           bool
}

func (f *flowTest) match(p *Packet) bool {
	if f.toServer || f.toClient || f.established || f.notEst {
		if !p.HasFlow {
			return false
		}
	}
	if f.toServer && !p.ToServer {
		return false
	}
	if f.toClient && p.ToServer {
		return false
	}
	if f.established && !p.Established {
		return false
	}
	if f.notEst && p.Established {
		return false
	}
	return true
}

// bitTest is flowbits isset / isnotset, with '|' (any) or '&' (all) groups.
type bitTest struct {
	names []string
	isset bool
	any   bool // '|' group: one of names
}

func (b *bitTest) match(p *Packet) bool {
	if p.Flow == nil {
		return !b.isset
	}
	if b.any {
		for _, n := range b.names {
			if p.Flow.isSet(n) == b.isset {
				return true
			}
		}
		return false
	}
	for _, n := range b.names {
		if p.Flow.isSet(n) != b.isset {
			return false
		}
	}
	return true
}

// bitWrite is flowbits set / unset / toggle, run when the rule matches.
type bitWrite struct {
	names []string
	op    byte // 's' set, 'u' unset, 't' toggle
}

func (b *bitWrite) apply(f *FlowState) {
	if f == nil {
		return
	}
	for _, n := range b.names {
		switch b.op {
		case 's':
			f.set(n)
		case 'u':
			f.unset(n)
		case 't':
			if f.isSet(n) {
				f.unset(n)
			} else {
				f.set(n)
			}
		}
	}
}

// IPv4 option bits of Packet.IPOpts. The engine copies its decoder's
// option bits, which use the same layout (a test in engine checks it).
const (
	IPOptRR uint16 = 1 << iota
	IPOptEOL
	IPOptNOP
	IPOptTS
	IPOptSec
	IPOptESec
	IPOptLSRR
	IPOptSSRR
	IPOptSATID
	IPOptQS
	IPOptCIPSO
	IPOptRTRALT
	IPOptAny
)

var ipoptNames = map[string]uint16{
	"rr": IPOptRR, "eol": IPOptEOL, "nop": IPOptNOP, "ts": IPOptTS, "sec": IPOptSec,
	"esec": IPOptESec, "lsrr": IPOptLSRR, "ssrr": IPOptSSRR, "satid": IPOptSATID, "any": IPOptAny,
}

// ipoptsTest is ipopts: the IPv4 header carries the named option.
// Docs: rules/header-keywords.html#ipopts
type ipoptsTest struct{ bit uint16 }

func (t ipoptsTest) match(p *Packet) bool { return p.IPVer == 4 && p.IPOpts&t.bit != 0 }

// tcpMSS returns the value of the TCP MSS option (kind 2, length 4) of a
// TCP packet; false when the packet is not TCP or has no valid MSS
// option.
func tcpMSS(p *Packet) (uint16, bool) {
	o, ok := tcpOption(p, 2)
	if !ok || len(o) != 2 {
		return 0, false
	}
	return uint16(o[0])<<8 | uint16(o[1]), true
}

// tcpOption returns the data of the first TCP option of kind in p's
// header; false when there is none or the option list is malformed
// before it.
func tcpOption(p *Packet, kind byte) ([]byte, bool) {
	h := p.L4Hdr
	if p.Proto != 6 || len(h) < 20 {
		return nil, false
	}
	end := int(h[12]>>4) * 4
	if end > len(h) {
		end = len(h)
	}
	for i := 20; i < end; {
		switch h[i] {
		case 0: // end of option list
			return nil, false
		case 1: // no-op
			i++
			continue
		}
		if i+1 >= end || h[i+1] < 2 || i+int(h[i+1]) > end {
			return nil, false
		}
		if h[i] == kind {
			return h[i+2 : i+int(h[i+1])], true
		}
		i += int(h[i+1])
	}
	return nil, false
}

// fragOffset returns the fragment offset of the packet as Suricata's
// fragoffset compares it: for IPv4 the 13-bit header field (units of 8
// bytes), for IPv6 the offset of the Fragment extension header in bytes.
// False for an IPv6 packet without a Fragment header.
func fragOffset(p *Packet) (uint16, bool) {
	h := p.IPHdr
	switch p.IPVer {
	case 4:
		if len(h) < 20 {
			return 0, false
		}
		return (uint16(h[6])<<8 | uint16(h[7])) & 0x1fff, true
	case 6:
		if len(h) < 40 {
			return 0, false
		}
		next, i := h[6], 40
		for i+8 <= len(h) {
			switch next {
			case 44: // Fragment
				return (uint16(h[i+2])<<8 | uint16(h[i+3])) & 0xfff8, true
			case 0, 43, 60: // hop-by-hop, routing, destination options
				next, i = h[i], i+8+int(h[i+1])*8
			case 51: // AH: length in 4-byte units minus 2
				next, i = h[i], i+(int(h[i+1])+2)*4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

// vlanIDTest is vlan.id: a uint comparison on the id of one VLAN layer
// (0 outermost, -1 innermost) or, without a layer, on any of them.
// Docs: rules/vlan-keywords.html#vlan-id
type vlanIDTest struct {
	cmp       ruleparser.UintCmp
	layer     int
	anyLayer  bool
	allLayers bool // every layer matches (and there is one)
}

func (t *vlanIDTest) match(p *Packet) bool {
	n := int(p.VLANLayers)
	if n > len(p.VLANIDs) {
		n = len(p.VLANIDs)
	}
	if t.allLayers {
		for _, id := range p.VLANIDs[:n] {
			if !t.cmp.Match(uint64(id)) {
				return false
			}
		}
		return n > 0
	}
	if t.anyLayer {
		for _, id := range p.VLANIDs[:n] {
			if t.cmp.Match(uint64(id)) {
				return true
			}
		}
		return false
	}
	i := t.layer
	if i < 0 {
		i += n
	}
	return i >= 0 && i < n && t.cmp.Match(uint64(p.VLANIDs[i]))
}
