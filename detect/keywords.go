package detect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

func setupNoalert(b *sigBuilder, _ *ruleparser.Flag) error {
	b.sig.NoAlert, b.sig.alsoAlert = true, false
	return nil
}

// setupAlert makes the rule alert whatever its action (a pass rule that
// alerts: "alert then pass"); the later of alert and noalert wins, as
// each sets or clears the rule's alert action. Docs: rules/noalert.html.
func setupAlert(b *sigBuilder, _ *ruleparser.Flag) error {
	b.sig.NoAlert, b.sig.alsoAlert = false, true
	return nil
}

// setupBypass marks a rule whose match bypasses its flow: the rest of
// the flow is not inspected (Suricata's local bypass). Docs:
// rules/flow-keywords.html#bypass.
func setupBypass(b *sigBuilder, _ *ruleparser.Flag) error {
	b.sig.bypass = true
	return nil
}

func setupContent(b *sigBuilder, c *ruleparser.Content) error {
	// rawbytes is accepted and has no effect, as in Suricata (which has
	// no Telnet normalizer for it to bypass).
	legacy := c.LegacyBuffer
	if c.Spelling() == "uricontent" {
		legacy = "http.uri"
	}
	if legacy != "" {
		buf, ok := bufByName[legacy]
		if !ok {
			return fmt.Errorf("content modifier %s: %w", legacy, ErrUnsupported)
		}
		// A Snort 2 style modifier puts this one content in its buffer;
		// following contents return to their own list (Suricata keeps a
		// list per buffer and relative keywords chain within it).
		return b.addToBuffer(buf, c)
	}
	ci, err := b.contentFrom(c)
	if err != nil {
		return err
	}
	return b.add(ci)
}

// addToBuffer appends a content to the list of buf, reusing the last list
// of that buffer so that relative modifiers chain as in Suricata.
func (b *sigBuilder) addToBuffer(buf Buf, c *ruleparser.Content) error {
	ci, err := b.contentFrom(c)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(buf, ci)
}

// addItemToBuffer appends any payload item to the last list of buf,
// opening one when the rule has none yet.
func (b *sigBuilder) addItemToBuffer(buf Buf, it item) error {
	idx := -1
	for i := len(b.sig.lists) - 1; i >= 0; i-- {
		if b.sig.lists[i].buf == buf {
			idx = i
			break
		}
	}
	if idx < 0 {
		prev := b.cur
		if err := b.openList(buf); err != nil {
			return err
		}
		idx, b.cur = b.cur, prev
	}
	b.sig.lists[idx].items = append(b.sig.lists[idx].items, it)
	b.notePM(it, idx)
	return nil
}

func setupIsdataat(b *sigBuilder, d *ruleparser.Isdataat) error {
	size, err := b.numOrVar(&d.Size)
	if err != nil {
		return err
	}
	return b.add(&isdataatItem{size: size, rel: d.Relative, negated: d.Negated})
}

func setupBsize(b *sigBuilder, c *ruleparser.Compare) error {
	return b.add(&bsizeItem{cmp: c.Cmp})
}

func setupByteTest(b *sigBuilder, t *ruleparser.ByteTest) error {
	r, err := byteReadOf(b, t.Bytes, t.Offset, t.ByteOpts)
	if err != nil {
		return err
	}
	it := &byteTestItem{byteRead: r, op: t.Op, negated: t.Negated}
	if it.value, err = b.numOrVar(&t.Value); err != nil {
		return err
	}
	return b.add(it)
}

func setupByteJump(b *sigBuilder, j *ruleparser.ByteJump) error {
	r, err := byteReadOf(b, j.Bytes, j.Offset, j.ByteOpts)
	if err != nil {
		return err
	}
	it := &byteJumpItem{byteRead: r, mult: int64(j.Multiplier), align: j.Align, fromBegin: j.FromBeginning, fromEnd: j.FromEnd}
	if it.post, err = b.numOrVar(j.PostOffset); err != nil {
		return err
	}
	return b.add(it)
}

func setupByteExtract(b *sigBuilder, e *ruleparser.ByteExtract) error {
	r, err := byteReadOf(b, ruleparser.NumOrVar{Num: int64(e.Bytes)}, ruleparser.NumOrVar{Num: e.Offset}, e.ByteOpts)
	if err != nil {
		return err
	}
	slot, err := b.newVar(e.Var)
	if err != nil {
		return err
	}
	return b.add(&byteExtractItem{byteRead: r, slot: slot, mult: uint64(e.Multiplier), align: uint64(e.Align)})
}

func setupByteMath(b *sigBuilder, m *ruleparser.ByteMath) error {
	r, err := byteReadOf(b, m.Bytes, m.Offset, m.ByteOpts)
	if err != nil {
		return err
	}
	it := &byteMathItem{byteRead: r}
	switch m.Oper {
	case "+", "-", "*", "/":
		it.oper = m.Oper[0]
	case "<<":
		it.oper = '<'
	case ">>":
		it.oper = '>'
	default:
		return errBadValue("unknown operator " + m.Oper)
	}
	if it.rvalue, err = b.numOrVar(&m.RValue); err != nil {
		return err
	}
	if it.slot, err = b.newVar(m.Result); err != nil {
		return err
	}
	return b.add(it)
}

func cmpSetup(f pktField) func(*sigBuilder, *ruleparser.Compare) error {
	return func(b *sigBuilder, c *ruleparser.Compare) error {
		if f == fieldDsize {
			b.sig.packetOnly = true // dsize is about the packet, not the stream
		}
		b.sig.pkt = append(b.sig.pkt, &cmpTest{field: f, cmp: c.Cmp})
		return nil
	}
}

func setupFlags(b *sigBuilder, f *ruleparser.Flags) error {
	want, err := flagBits(f.Bits)
	if err != nil {
		return err
	}
	ignore, err := flagBits(f.Mask)
	if err != nil {
		return err
	}
	t := &flagsTest{want: want, ignore: ignore, modifier: f.Modifier, none: f.Bits == "0"}
	if t.modifier == '=' {
		t.modifier = 0
	}
	b.sig.pkt = append(b.sig.pkt, t)
	return nil
}

func setupFlow(b *sigBuilder, f *ruleparser.Flow) error {
	for _, opt := range f.Opts {
		switch opt {
		case ruleparser.FlowToServer, ruleparser.FlowFromClient:
			b.sig.flow.toServer = true
		case ruleparser.FlowToClient, ruleparser.FlowFromServer:
			b.sig.flow.toClient = true
		case ruleparser.FlowEstablished:
			b.sig.flow.established = true
		case ruleparser.FlowNotEstablished:
			b.sig.flow.notEst = true
		case ruleparser.FlowStateless:
			b.sig.flow.stateless = true
		case ruleparser.FlowNoStream:
			b.sig.packetOnly = true
		case ruleparser.FlowOnlyStream:
			// Payload rules of TCP sessions are inspected on the stream
			// already; only_stream also stops per-packet inspection of
			// packets outside a session.
			b.sig.onlyStream = true
		default:
			return fmt.Errorf("flow option %s: %w", opt, ErrUnsupported)
		}
	}
	return nil
}

func setupFlowbits(b *sigBuilder, f *ruleparser.Flowbits) error {
	switch f.Cmd {
	case "noalert":
		b.sig.NoAlert = true
	case "isset", "isnotset":
		b.sig.state = append(b.sig.state, bitTest{names: f.Names, isset: f.Cmd == "isset", any: f.Op == '|'})
	case "set", "unset", "toggle":
		if f.Op == '|' {
			return errBadValue("'|' is only valid with isset and isnotset")
		}
		b.sig.post = append(b.sig.post, bitWrite{names: f.Names, op: f.Cmd[0]})
	default:
		return fmt.Errorf("flowbits %s: %w", f.Cmd, ErrUnsupported)
	}
	return nil
}

func transformSetup(t transform) func(*sigBuilder, *ruleparser.Buffer) error {
	return func(b *sigBuilder, _ *ruleparser.Buffer) error {
		l := b.curList()
		if l == nil || l.buf == bufBase64 {
			return errBadValue("a transform must follow a sticky buffer")
		}
		if len(l.items) > 0 {
			// A transform after keywords of the buffer starts a second
			// instance of the buffer with the transforms so far plus this
			// one: the keywords before inspect the buffer as it was, the
			// ones after inspect the transformed buffer (Suricata 8,
			// e.g. `http.uri; content:"?arg="; from_base64: offset 5;
			// content:"secret";`).
			prev := l.transforms
			b.sig.lists = append(b.sig.lists, list{buf: l.buf})
			b.cur = len(b.sig.lists) - 1
			b.lastItem = nil
			l = b.curList()
			l.transforms = append(l.transforms, prev...)
		}
		l.transforms = append(l.transforms, t)
		return nil
	}
}

func setupXor(b *sigBuilder, o *ruleparser.Buffer) error {
	key, err := parseXorKey(o.Arg)
	if err != nil {
		return err
	}
	return transformSetup(xorTransform{key: key})(b, o)
}

func setupIPOpts(b *sigBuilder, t *ruleparser.Text) error {
	bit, ok := ipoptNames[t.Value]
	if !ok {
		// lsrre (a malformed loose source route) is not decoded.
		return fmt.Errorf("ipopts %q: %w", t.Value, ErrUnsupported)
	}
	b.sig.pkt = append(b.sig.pkt, ipoptsTest{bit: bit})
	return nil
}

// setupDNSOpcode is dns.opcode:[!]N, the opcode of the DNS message of the
// inspected direction. Docs: rules/dns-keywords.html#dns-opcode
func setupDNSOpcode(b *sigBuilder, c *ruleparser.Compare) error {
	return b.addItemToBuffer(bufid.DNSOpcode, &valueItem{size: 1, cmp: c.Cmp})
}

// setupDNSRcode is dns.rcode:[!]N or a range, the rcode (the low four
// bits of the header flags) of the DNS message of the direction inspected:
// requests and responses each with their own, never the other's.
// Docs: rules/dns-keywords.html#dns-rcode
func setupDNSRcode(b *sigBuilder, c *ruleparser.Compare) error {
	return b.addItemToBuffer(bufid.DNSRcode, &valueItem{size: 2, cmp: c.Cmp})
}

// setupDNSRRType is dns.rrtype:[!]N, a multi-integer over the rrtypes of
// the message of the direction: the questions of a request, the answers of
// a response; it matches when any of them does.
// Docs: rules/dns-keywords.html#dns-rrtype
func setupDNSRRType(b *sigBuilder, c *ruleparser.Compare) error {
	return b.addItemToBuffer(bufid.DNSRRType, &valueItem{size: 2, cmp: c.Cmp})
}

// setupCertChainLen is tls.cert_chain_len: the number of certificates the
// server sent. It matches once the Certificate message was seen (an empty
// chain is not told apart from a missing one).
// Docs: rules/tls-keywords.html#tls-cert-chain-len
func setupCertChainLen(b *sigBuilder, c *ruleparser.Compare) error {
	prev := b.cur
	if err := b.openList(bufid.TLSCerts); err != nil {
		return err
	}
	cmp := c.Cmp
	b.curList().count = &cmp
	b.cur = prev
	return nil
}

// setupAbsent is absent[:or_else] after an app-layer sticky buffer: the
// list matches when the transaction does not have the buffer (or_else:
// or, when it has it, when the list's keywords match).
// Docs: rules/payload-keywords.html#absent
func setupAbsent(b *sigBuilder, o *ruleparser.Args) error {
	l := b.curList()
	if l == nil || l.buf == bufid.Packet || l.buf == bufBase64 || bufid.Specs[l.buf].Hdr {
		return errBadValue("absent must follow an app-layer sticky buffer")
	}
	mode := absentOnly
	if len(o.Args) == 1 && o.Args[0] == "or_else" {
		mode = absentOrElse
	}
	if len(l.items) > 0 || len(l.transforms) > 0 {
		return errBadValue("absent must come right after its buffer")
	}
	l.absent = mode
	return nil
}

// checkAbsent validates absent's optional argument: or_else.
func checkAbsent(a []string) error {
	if len(a) != 1 {
		return errors.New("want at most one argument")
	}
	return ruleparser.OneOf("argument", a[0], "or_else")
}

// compileSameip is sameip: source and destination address are equal.
func compileSameip(b *sigBuilder, _ *ruleparser.Flag) error {
	b.sig.pkt = append(b.sig.pkt, sameipTest{})
	return nil
}

// setupVLANID is vlan.id:[op]ID[,LAYER], LAYER from -3 (innermost of
// three) to 2, "all" (every layer must match) or "any" (the default:
// one layer must match).
// Docs: rules/vlan-keywords.html#vlan-id
func setupVLANID(b *sigBuilder, t *ruleparser.Text) error {
	v, layer, hasLayer := strings.Cut(t.Value, ",")
	cmp, err := ruleparser.ParseUintCmp(v)
	if err != nil {
		return fmt.Errorf("vlan.id: %w", err)
	}
	layer = strings.TrimSpace(layer)
	vt := &vlanIDTest{cmp: cmp, anyLayer: !hasLayer || layer == "any", allLayers: layer == "all"}
	if hasLayer && !vt.anyLayer && !vt.allLayers {
		n, err := strconv.Atoi(strings.TrimSpace(layer))
		if err != nil || n < -3 || n > 2 {
			return fmt.Errorf("vlan.id: bad layer %q (want -3..2)", strings.TrimSpace(layer))
		}
		vt.layer = n
	}
	b.sig.pkt = append(b.sig.pkt, vt)
	return nil
}
