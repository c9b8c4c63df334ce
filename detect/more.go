package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// urilen compares the length of the normalized (or raw) URI. It is a list
// of its own on the URI buffer, so it never takes part in relative chains.
// Docs: https://docs.suricata.io/en/latest/rules/http-keywords.html#urilen
func setupUrilen(b *sigBuilder, o ruleparser.Option) error {
	c, ok := o.(*ruleparser.Compare)
	if !ok {
		return errBadValue("unexpected value")
	}
	buf := BufHTTPURI
	for _, x := range c.Extra {
		if x == "raw" {
			buf = BufHTTPURIRaw
		}
	}
	prev := b.cur
	if err := b.openList(buf); err != nil {
		return err
	}
	l := b.curList()
	l.items = append(l.items, &bsizeItem{cmp: uintCmpOf(c.Cmp)})
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

func setupIPProto(b *sigBuilder, o ruleparser.Option) error {
	t, ok := o.(*ruleparser.IPProto)
	if !ok {
		return errBadValue("unexpected value")
	}
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

// appProtoTest is app-layer-protocol:[!]name.
type appProtoTest struct {
	proto   string
	negated bool
}

func (t *appProtoTest) match(p *Packet) bool {
	if t.negated && p.AppProto == "" {
		// A negated protocol never matches while detection has not
		// concluded ("unknown" state). Docs: rules/app-layer.html
		// #app-layer-protocol (note on negation).
		return false
	}
	ok := p.AppProto == t.proto
	if t.proto == "http" && p.AppProto == "http1" {
		ok = true
	}
	return ok != t.negated
}

func setupAppLayerProtocol(b *sigBuilder, o ruleparser.Option) error {
	a, ok := o.(*ruleparser.Args)
	if !ok || len(a.Args) == 0 {
		return errBadValue("unexpected value")
	}
	if len(a.Args) > 1 && !(len(a.Args) == 2 && strings.TrimSpace(a.Args[1]) == "final") {
		// The mode selects which detection result counts. "final" is the
		// protocol the flow is parsed as, which is what AppProto holds;
		// per-direction results (to_server, to_client, either) and the
		// protocol before an upgrade (original) are not modelled.
		return fmt.Errorf("app-layer-protocol mode %q: %w", strings.Join(a.Args[1:], ","), ErrUnsupported)
	}
	name := a.Args[0]
	t := &appProtoTest{}
	if strings.HasPrefix(name, "!") {
		t.negated, name = true, name[1:]
	}
	if ap, ok := appProtos[name]; ok {
		name = ap
	}
	t.proto = name
	b.sig.pkt = append(b.sig.pkt, t)
	return nil
}

// streamSizeTest is stream_size: bytes the client or server has sent on
// the TCP session so far.
type streamSizeTest struct {
	side byte // 's' server, 'c' client, 'b' both, 'e' either
	cmp  uintCmp
}

func (t *streamSizeTest) match(p *Packet) bool {
	if !p.HasStream {
		return false
	}
	s, c := uint64(p.StreamServerBytes), uint64(p.StreamClientBytes)
	switch t.side {
	case 's':
		return t.cmp.match(s)
	case 'c':
		return t.cmp.match(c)
	case 'b':
		return t.cmp.match(s) && t.cmp.match(c)
	}
	return t.cmp.match(s) || t.cmp.match(c)
}

func setupStreamSize(b *sigBuilder, o ruleparser.Option) error {
	s, ok := o.(*ruleparser.StreamSize)
	if !ok {
		return errBadValue("unexpected value")
	}
	t := &streamSizeTest{cmp: uintCmpOf(s.Cmp)}
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

// base64Item is base64_decode: it decodes bytes of the buffer into the
// thread's base64 buffer, which a following base64_data list inspects.
// Docs: https://docs.suricata.io/en/latest/rules/base64-keywords.html
type base64Item struct {
	nbytes uint32 // 0: to the end of the buffer
	offset uint32
	rel    bool
}

func (d *base64Item) relative() bool { return d.rel }
func (d *base64Item) retry() bool    { return false }

func (d *base64Item) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	start := int(d.offset)
	if d.rel {
		start += cursor
	}
	t.b64 = t.b64[:0]
	if start >= len(buf) {
		return cursor, cursor, false
	}
	src := buf[start:]
	if d.nbytes > 0 && int(d.nbytes) < len(src) {
		src = src[:d.nbytes]
	}
	t.b64 = decodeBase64(t.b64, src)
	return cursor, cursor, len(t.b64) > 0
}

// decodeBase64 appends the decoding of src to dst: as much of src as
// forms base64 (RFC 4648 alphabet, padding optional), stopping at the
// first byte outside the alphabet, as Suricata's lenient decoder does.
func decodeBase64(dst, src []byte) []byte {
	var acc uint32
	bits := 0
	for _, c := range src {
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '+':
			v = 62
		case c == '/':
			v = 63
		default:
			return dst
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>uint(bits)))
		}
	}
	return dst
}

func setupBase64Decode(b *sigBuilder, o ruleparser.Option) error {
	d, ok := o.(*ruleparser.Base64Decode)
	if !ok {
		return errBadValue("unexpected value")
	}
	it := &base64Item{rel: d.Relative}
	if d.Bytes != nil {
		it.nbytes = *d.Bytes
	}
	if d.Offset != nil {
		it.offset = *d.Offset
	}
	return b.add(it)
}

func setupBase64Data(b *sigBuilder, _ ruleparser.Option) error {
	// The base64 buffer belongs to the list that decoded it; inspecting it
	// is a new list evaluated right after.
	b.sig.lists = append(b.sig.lists, list{buf: bufBase64})
	b.cur = len(b.sig.lists) - 1
	return nil
}
