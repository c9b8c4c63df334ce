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
