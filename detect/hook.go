package detect

import (
	"fmt"

	"vigil/rules"
)

// Rule hooks: the state written after the protocol of a rule header,
// "tcp:flow_start" or "http1:request_line" (Suricata 8's explicit hooks,
// made for firewall rules and accepted in all rules).
// Docs: https://docs.suricata.io/en/latest/firewall/firewall-design.html#rule-hooks
//
// Packet protocols (ip, tcp, udp, icmp, ...) take the packet hooks of
// Suricata 8's detect-parse.c:
//   - flow_start: the rule is evaluated only on the first packet of each
//     direction of a flow (Suricata's FLOW_PKT_TO{SERVER,CLIENT}_FIRST);
//     a packet outside any flow never sees it;
//   - all: every packet, as without a hook;
//   - pre_flow, pre_stream (before the flow or the stream is updated) are
//     not supported: Vigil inspects after both.
//
// App-layer hooks (request_line, request_complete, ...: a transaction
// progress) are not supported: Vigil inspects transactions when their
// buffers are available, not at named progress points. Rules using an
// unsupported hook are skipped as unsupported; an unknown packet hook is
// an error, as in Suricata.

// hookPacketProtos are the protocols whose hooks are packet hooks.
var hookPacketProtos = map[string]bool{
	"ip": true, "any": true, "pkthdr": true, "ipv4": true, "ip4": true, "ipv6": true, "ip6": true,
	"tcp": true, "tcp-pkt": true, "tcp-stream": true, "udp": true, "icmp": true, "icmpv6": true, "icmp6": true, "sctp": true,
}

func (b *sigBuilder) hook(r *rules.Rule) error {
	if r.Hook == "" {
		return nil
	}
	if !hookPacketProtos[r.Proto] {
		return &KeywordError{Keyword: "hook " + r.Proto + ":" + r.Hook, Pos: r.Pos,
			Err: fmt.Errorf("%w: app-layer hooks are not implemented", ErrUnsupported)}
	}
	switch r.Hook {
	case "flow_start":
		b.sig.flowStart = true
	case "all":
	case "pre_flow", "pre_stream":
		return &KeywordError{Keyword: "hook " + r.Hook, Pos: r.Pos,
			Err: fmt.Errorf("%w: Vigil inspects packets after the flow and stream updates", ErrUnsupported)}
	default:
		return &KeywordError{Keyword: "hook " + r.Hook, Pos: r.Pos, Err: errBadValue("unknown packet hook " + r.Hook)}
	}
	return nil
}

// flowStartPacket reports whether p is the first packet of its direction
// of its flow.
func flowStartPacket(p *Packet) bool {
	if !p.HasFlow {
		return false
	}
	if p.ToServer {
		return p.FlowPkts[0] == 1
	}
	return p.FlowPkts[1] == 1
}
