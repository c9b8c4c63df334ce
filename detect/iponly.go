package detect

import "vigil/detect/bufid"

// isIPOnly tells whether s is an IP-only rule, as Suricata defines them
// (detect-engine-build.c SignatureIsIPOnly): no app-layer protocol, no
// payload or buffer, no flow keyword, and beyond the header only keywords
// that Suricata marks IP-only compatible (threshold, detection_filter,
// tag, xbits, flowbits:set, and the proto modifiers ip_proto and
// l3_proto), with no negated address. Suricata inspects such a rule on the
// first packet of each direction of a flow (and on every packet outside
// a flow), so it alerts at most once per direction of a flow, not on
// every packet. A rule with a negated address ($EXTERNAL_NET as
// !$HOME_NET) is "like IP-only" and inspects every packet.
func isIPOnly(s *Sig, srcNeg, dstNeg bool) bool {
	if srcNeg || dstNeg || s.pdOnly || s.appProto != bufid.ProtoUnknown || len(s.services) > 0 {
		return false
	}
	if len(s.lists) > 0 || len(s.state) > 0 || len(s.itest) > 0 || len(s.ipost) > 0 {
		return false
	}
	f := s.flow
	if f.toServer || f.toClient || f.established || f.notEst || f.stateless || s.onlyStream || s.packetOnly {
		return false
	}
	for i := range s.post {
		if s.post[i].op != 's' {
			return false
		}
	}
	for _, t := range s.pkt {
		switch t.(type) {
		case *ipProtoTest, *l3protoTest:
		default:
			return false
		}
	}
	return true
}

// firstInDir reports whether p is the first packet of its direction of
// its flow (always true outside a flow): where IP-only rules run.
func (p *Packet) firstInDir() bool {
	if !p.HasFlow {
		return true
	}
	if p.ToServer {
		return p.FlowPkts[0] <= 1
	}
	return p.FlowPkts[1] <= 1
}
