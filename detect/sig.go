package detect

import (
	"net/netip"
	"slices"

	"vigil/ruleparser"

	"vigil/detect/bufid"
	"vigil/rules"
)

// Sig is one compiled rule: the header test, the packet and flow tests,
// and one inspection list per buffer. It is immutable after Compile.
type Sig struct {
	// Num is the rule's index in the Engine (dense, for per-worker tables).
	Num  int
	Rule *rules.Rule

	// Header.
	proto     protoMatch
	appProto  bufid.Proto // app-layer protocol the rule is written for (ProtoUnknown none)
	src, dst  *rules.AddrSet
	sp, dp    *rules.PortSet
	bidir     bool
	flowStart bool // the tcp:flow_start hook: first packet of each direction only (hook.go)
	anyHeader bool // header-less or all "any": no address/port test needed
	// services are Snort 3 service protocols: on a flow of one of them the
	// header ports are not required, on a flow of another identified
	// protocol the rule does not apply (serviceMatch).
	services []bufid.Proto

	pkt   []pktTest  // header keywords
	flow  flowTest   // flow:... options
	state []bitTest  // flowbits isset/isnotset
	lists []list     // one inspection list per buffer, in rule order
	post  []bitWrite // flowbits set/unset/toggle on match
	// xtest are the xbits isset/isnotset tests, xpost the xbits
	// set/unset/toggle run on match (xbits.go).
	xtest, xpost []xbitOp
	// itest are the flowint tests, ipost the flowint =, +, - run on
	// match (flowint.go).
	itest, ipost []flowintOp
	// txDir is the direction of the app-layer buffers the rule inspects
	// (bufid.AnyDir when it has none or mixes them).
	txDir dir
	// txPerDir is set when every app-layer buffer of the rule exists in
	// both directions (http.header, dns.answers.rrname, ...): Suricata
	// keeps inspection state per direction, so such a rule can alert once
	// on the request and once on the response of one transaction.
	txPerDir bool
	// txBothDirs is set when the rule has buffers of the request side and
	// of the response side: it stays a candidate until both sides were
	// final (a side's final inspection alone cannot rule it out).
	txBothDirs bool
	// NoAlert: the rule matches (and runs its post actions) but raises no
	// alert (noalert, flowbits:noalert).
	NoAlert bool
	// bypass: a match bypasses the packet's flow (FlowState.Bypassed).
	bypass bool
	// alsoAlert: a pass rule that matches alerts too (the alert keyword).
	alsoAlert bool

	// threshold and detFilter are the rule's threshold and
	// detection_filter (nil: none); the Thresholder applies them.
	threshold *thresholdSpec
	detFilter *thresholdSpec

	// stream marks payload rules that TCP sessions inspect on the
	// reassembled stream rather than per packet: they can match TCP, have
	// a payload list and nothing that needs the packet itself (dsize,
	// flow:no_stream).
	stream     bool
	packetOnly bool
	// pktStream marks stream rules that a TCP session's packets are
	// inspected with too (anchoredPayload): the raw stream first when
	// its data is ready, else the packet's payload, once per packet.
	pktStream  bool
	onlyStream bool

	// fast is the fast pattern chosen for the prefilter (nil: none).
	fast *fastPattern

	// pdOnly marks protocol-detection-only rules: app-layer-protocol
	// plus at most a flow direction and flowbits:set. Like Suricata's
	// SIG_TYPE_PDONLY they are evaluated only on the packet that carries
	// the end of protocol detection of its direction
	// (Packet.ProtoDetectDone), so they alert once per direction rather
	// than on every packet of the flow.
	pdOnly bool
	// ipOnly marks IP-only rules (iponly.go): evaluated on the first
	// packet of each direction of a flow only.
	ipOnly bool
	// payload marks rules that inspect the packet payload or the stream
	// (a list on bufid.Packet or base64_data): skipped on packets with
	// NoPayload.
	payload bool
}

// list is an inspection list: payload keywords run in order over one
// buffer (after its transforms).
type list struct {
	buf        Buf
	transforms []transform
	items      []item
	// count, when set, compares the number of instances of buf instead of
	// inspecting them (tls.cert_chain_len).
	count *ruleparser.UintCmp
	// absent (absent keyword): absentOnly matches only when the buffer is
	// absent; absentOrElse matches when it is absent or else when the
	// list's keywords match.
	absent absentMode
}

type absentMode uint8

const (
	absentNone absentMode = iota
	absentOnly
	absentOrElse
)

// fastPattern is the one literal a rule contributes to the prefilter of
// its buffer.
type fastPattern struct {
	buf    Buf
	bytes  []byte
	nocase bool
	// xforms are the transforms of the pattern's list: the prefilter
	// scans the buffer after them (nil: the buffer as is).
	xforms []transform
}

// TxBased reports whether the rule inspects app-layer transaction buffers
// (and so runs per transaction rather than per packet).
func (s *Sig) TxBased() bool {
	for i := range s.lists {
		if b := s.lists[i].buf; b != bufid.Packet && b != bufBase64 && !bufid.Specs[b].Hdr {
			return true
		}
	}
	return false
}

// protoMatch is the header protocol test.
type protoMatch struct {
	ipProto uint8 // 0: any IP protocol
	ipv6    int8  // 0 either, 4 or 6 only (ip/ipv6 words are not modelled further)
}

// headerMatch tests the rule header against a packet. It reports whether
// the packet matches in the written direction or, for "<>", either way.
func (s *Sig) headerMatch(p *Packet) bool {
	if s.proto.ipProto != 0 && (s.proto.ipProto != p.Proto || p.Fragment) {
		return false
	}
	svc := false
	if len(s.services) > 0 {
		var known bool
		if svc, known = s.serviceMatch(p); known && !svc {
			return false
		}
	}
	if s.anyHeader {
		return true
	}
	if s.match4(p.Src, p.SrcPort, p.Dst, p.DstPort, svc) {
		return true
	}
	return s.bidir && s.match4(p.Dst, p.DstPort, p.Src, p.SrcPort, svc)
}

// serviceMatch applies Snort 3's service option: on a flow whose service
// is identified (its app-layer protocol, or a service only Snort names)
// the rule applies when the service is one of the rule's, ports aside;
// on a flow of no identified service the header's ports decide (known
// false).
func (s *Sig) serviceMatch(p *Packet) (match, known bool) {
	if p.AppProto != bufid.ProtoUnknown && p.AppProto != bufid.ProtoFailed {
		known = true
		if slices.Contains(s.services, p.AppProto) {
			return true, true
		}
	}
	if p.Service != bufid.ProtoUnknown {
		return slices.Contains(s.services, p.Service), true
	}
	return false, known
}

func (s *Sig) match4(sa netip.Addr, sp uint16, da netip.Addr, dp uint16, anyPort bool) bool {
	if s.src != nil && !s.src.Contains(sa) {
		return false
	}
	if s.dst != nil && !s.dst.Contains(da) {
		return false
	}
	if anyPort {
		return true // the flow is one of the rule's services: ports do not matter
	}
	// Ports only mean something for protocols with ports; Suricata ignores
	// them for ICMP and other protocols.
	if s.sp != nil && !s.sp.Contains(sp) {
		return false
	}
	if s.dp != nil && !s.dp.Contains(dp) {
		return false
	}
	return true
}

// Blocks reports whether the rule's action drops or rejects traffic (what
// an inline IPS blocks).
func (s *Sig) Blocks() bool {
	switch s.Rule.Action {
	case ruleparser.ActionDrop, ruleparser.ActionReject, ruleparser.ActionRejectSrc,
		ruleparser.ActionRejectDst, ruleparser.ActionRejectBoth, ruleparser.ActionSdrop:
		return true
	}
	return false
}

// Passes reports whether the rule's action is pass: a match raises no
// alert and stops the inspection of the packet and of its flow.
func (s *Sig) Passes() bool { return s.Rule.Action == ruleparser.ActionPass }

// Metadata returns the rule's metadata pairs grouped by key, in rule order.
func (s *Sig) Metadata() (keys []string, values [][]string) {
	for _, m := range s.Rule.Metadata {
		for _, kv := range m.Pairs {
			i := slices.Index(keys, kv.Key)
			if i < 0 {
				keys = append(keys, kv.Key)
				values = append(values, nil)
				i = len(keys) - 1
			}
			values[i] = append(values[i], kv.Value)
		}
	}
	return keys, values
}
