package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// urilen compares the length of the normalized (or raw) URI. It is a list
// of its own on the URI buffer, so it never takes part in relative chains.
// Docs: https://docs.suricata.io/en/latest/rules/http-keywords.html#urilen
func setupUrilen(b *sigBuilder, c *ruleparser.Compare) error {
	buf := bufid.HTTPURI
	for _, x := range c.Extra {
		if x == "raw" {
			buf = bufid.HTTPURIRaw
		}
	}
	prev := b.cur
	if err := b.openList(buf); err != nil {
		return err
	}
	l := b.curList()
	l.items = append(l.items, &bsizeItem{cmp: c.Cmp})
	b.cur = prev
	return nil
}

// ipProtoTest is ip_proto:[!<>]N.
type ipProtoTest struct {
	op    byte
	proto uint8
}

func (t *ipProtoTest) match(p *Packet) bool {
	switch t.op {
	case '!':
		return p.Proto != t.proto
	case '<':
		return p.Proto < t.proto
	case '>':
		return p.Proto > t.proto
	}
	return p.Proto == t.proto
}

var ipProtoNames = map[string]uint8{"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "ipv6": 41, "gre": 47,
	"esp": 50, "ah": 51, "ipv6-icmp": 58, "icmpv6": 58, "pim": 103, "sctp": 132}

func setupIPProto(b *sigBuilder, t *ruleparser.IPProto) error {
	n, err := strconv.ParseUint(t.Proto, 10, 8)
	if err != nil {
		p, ok := ipProtoNames[strings.ToLower(t.Proto)]
		if !ok {
			return errBadValue("unknown protocol " + t.Proto)
		}
		n = uint64(p)
	}
	b.sig.pkt = append(b.sig.pkt, &ipProtoTest{op: t.Op, proto: uint8(n)})
	return nil
}

// appProtoMode selects which detection result app-layer-protocol
// compares. Docs: rules/app-layer.html#app-layer-protocol
type appProtoMode uint8

const (
	alpFlow      appProtoMode = iota // no mode: the flow's protocol
	alpToServer                      // the to_server direction's own result
	alpToClient                      // the to_client direction's own result
	alpDirection                     // the result of the packet's direction
	alpEither                        // either direction's result
	alpFinal                         // the flow's protocol after any change
	alpOriginal                      // the flow's protocol before a change
)

var appProtoModes = map[string]appProtoMode{
	"to_server": alpToServer, "to_client": alpToClient, "direction": alpDirection,
	"either": alpEither, "final": alpFinal, "original": alpOriginal,
}

// appProtoTest is app-layer-protocol:[!]name[,mode].
type appProtoTest struct {
	proto   bufid.Proto // protoNone for a name Vigil does not know
	negated bool
	mode    appProtoMode
}

func (t *appProtoTest) match(p *Packet) bool {
	switch t.mode {
	case alpToServer:
		return t.is(p.AppProtoDir[0])
	case alpToClient:
		return t.is(p.AppProtoDir[1])
	case alpDirection:
		if p.ToServer {
			return t.is(p.AppProtoDir[0])
		}
		return t.is(p.AppProtoDir[1])
	case alpEither:
		if t.negated {
			return t.is(p.AppProtoDir[0]) && t.is(p.AppProtoDir[1])
		}
		return t.is(p.AppProtoDir[0]) || t.is(p.AppProtoDir[1])
	case alpOriginal:
		// Set only when the protocol changed; unknown otherwise, so
		// neither name nor negation matches a flow that never changed.
		return t.is(p.AppProtoOrig)
	}
	return t.is(p.AppProto)
}

// protoNone stands for a protocol name no flow can have: it never equals
// a detection result.
const protoNone = bufid.NumProtos

// is compares one detection result, proto being ProtoUnknown while
// undecided.
func (t *appProtoTest) is(proto bufid.Proto) bool {
	if t.negated && proto == bufid.ProtoUnknown {
		// A negated protocol never matches while detection has not
		// concluded ("unknown" state). Docs: rules/app-layer.html
		// #app-layer-protocol (note on negation).
		return false
	}
	ok := proto == t.proto
	switch t.proto {
	case bufid.ProtoHTTP: // either HTTP version (Suricata's AppProtoEquals)
		ok = ok || proto == bufid.ProtoHTTP1 || proto == bufid.ProtoHTTP2
	case bufid.ProtoHTTP1: // flows report HTTP/1 as ProtoHTTP
		ok = proto == bufid.ProtoHTTP
	}
	return ok != t.negated
}

// checkAppLayerProtocol validates app-layer-protocol:[!]proto[,mode].
func checkAppLayerProtocol(a []string) error {
	if len(a) > 2 || !ruleparser.IsIdent(strings.TrimPrefix(a[0], "!")) {
		return fmt.Errorf("bad protocol %q", strings.Join(a, ","))
	}
	if len(a) == 2 {
		return ruleparser.OneOf("mode", a[1], "final", "original", "either", "to_server", "to_client", "direction")
	}
	return nil
}

func setupAppLayerProtocol(b *sigBuilder, a *ruleparser.Args) error {
	if len(a.Args) == 0 {
		return errBadValue("unexpected value")
	}
	if len(a.Args) > 2 {
		return errBadValue("app-layer-protocol takes a protocol and at most one mode")
	}
	name := a.Args[0]
	t := &appProtoTest{}
	if len(a.Args) == 2 {
		m, ok := appProtoModes[strings.TrimSpace(a.Args[1])]
		if !ok {
			return errBadValue(fmt.Sprintf("unknown app-layer-protocol mode %q", a.Args[1]))
		}
		t.mode = m
	}
	if strings.HasPrefix(name, "!") {
		t.negated, name = true, name[1:]
	}
	switch ap, ok := bufid.LookupRuleProto(name); {
	case ok:
		t.proto = ap
	case name == "failed":
		t.proto = bufid.ProtoFailed
	default:
		t.proto = protoNone
	}
	b.sig.pkt = append(b.sig.pkt, t)
	return nil
}

// streamSizeTest is stream_size: bytes the client or server has sent on
// the TCP session so far.
type streamSizeTest struct {
	side byte // 's' server, 'c' client, 'b' both, 'e' either
	cmp  ruleparser.UintCmp
}

func (t *streamSizeTest) match(p *Packet) bool {
	if !p.HasStream {
		return false
	}
	s, c := uint64(p.StreamServerBytes), uint64(p.StreamClientBytes)
	switch t.side {
	case 's':
		return t.cmp.Match(s)
	case 'c':
		return t.cmp.Match(c)
	case 'b':
		return t.cmp.Match(s) && t.cmp.Match(c)
	}
	return t.cmp.Match(s) || t.cmp.Match(c)
}

func setupStreamSize(b *sigBuilder, s *ruleparser.StreamSize) error {
	t := &streamSizeTest{cmp: s.Cmp}
	switch s.Side {
	case "server", "to_client":
		t.side = 's'
	case "client", "to_server":
		t.side = 'c'
	case "both":
		t.side = 'b'
	case "either", "":
		t.side = 'e'
	default:
		return errBadValue("unknown side " + s.Side)
	}
	b.sig.pkt = append(b.sig.pkt, t)
	return nil
}

// isPDOnly tells whether s is a protocol-detection-only rule (see
// Sig.pdOnly): it has app-layer-protocol, no app-layer protocol in its
// header, no buffers, and nothing else but a flow direction and
// flowbits:set.
func isPDOnly(s *Sig) bool {
	if s.appProto != bufid.ProtoUnknown || len(s.lists) > 0 || len(s.state) > 0 || len(s.xtest) > 0 || len(s.itest) > 0 || len(s.ipost) > 0 {
		return false
	}
	f := s.flow
	if f.established || f.notEst || f.stateless || s.onlyStream || s.packetOnly {
		return false
	}
	for i := range s.post {
		if s.post[i].op != 's' {
			return false
		}
	}
	for i := range s.xpost {
		if s.xpost[i].cmd != 's' {
			return false
		}
	}
	pd := false
	for _, t := range s.pkt {
		if _, ok := t.(*appProtoTest); !ok {
			return false
		}
		pd = true
	}
	return pd
}
