package detect

import (
	"fmt"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// keywordTable is the one list of keywords detection can evaluate. A
// keyword missing here makes its rule unsupported: skipped at load and
// counted, never half-evaluated. The table is a literal so that a test can
// build an engine from a subset.
var keywordTable = []keyword{
	// Metadata: read by rules and output, nothing to evaluate.
	{name: "msg", setup: nop},
	{name: "sid", setup: nop},
	{name: "rev", setup: nop},
	{name: "gid", setup: nop},
	{name: "classtype", setup: nop},
	{name: "priority", setup: nop},
	{name: "reference", setup: nop},
	{name: "metadata", setup: nop},
	{name: "target", setup: nop},
	{name: "noalert", setup: setupNoalert},
	{name: "threshold", setup: setupThreshold},
	{name: "detection_filter", setup: setupThreshold},
	{name: "tag", setup: nop}, // parsed; tagging extra packets is not done (logged without effect)
	// prefilter picks the keyword that feeds the prefilter stage instead
	// of the fast pattern; it never changes what a rule matches (the
	// prefilter only narrows), so it is accepted as a hint. Docs:
	// rules/prefilter-keywords.html#prefilter
	{name: "prefilter", setup: nop},

	// Payload.
	{name: "content", setup: setupContent},
	{name: "pcre", setup: setupPCRE},
	{name: "service", setup: setupService},
	{name: "bufferlen", setup: setupBufferlen},
	{name: "isdataat", setup: setupIsdataat},
	{name: "bsize", setup: setupBsize},
	{name: "byte_test", setup: setupByteTest},
	{name: "byte_jump", setup: setupByteJump},
	{name: "byte_extract", setup: setupByteExtract},
	{name: "byte_math", setup: setupByteMath},
	{name: "urilen", setup: setupUrilen},
	{name: "base64_decode", setup: setupBase64Decode},
	{name: "base64_data", setup: setupBase64Data},
	{name: "pkt_data", setup: func(b *sigBuilder, _ ruleparser.Option) error { return b.openList(bufid.Packet) }},
	// Snort 3's raw_data is the packet data before normalization: Vigil
	// normalizes none (no Telnet normalizer), so it is pkt_data.
	// Docs: https://docs.snort.org/rules/options/payload/raw_data
	{name: "raw_data", setup: func(b *sigBuilder, _ ruleparser.Option) error { return b.openList(bufid.Packet) }},
	{name: "ber_data", setup: setupBER(false)}, // berkw.go
	{name: "ber_skip", setup: setupBER(true)},

	// Header.
	{name: "dsize", setup: cmpSetup(fieldDsize)},
	{name: "ttl", setup: cmpSetup(fieldTTL)},
	{name: "tos", setup: cmpSetup(fieldTOS)},
	{name: "id", setup: cmpSetup(fieldIPID)},
	{name: "itype", setup: cmpSetup(fieldITYPE)},
	{name: "icode", setup: cmpSetup(fieldICODE)},
	{name: "icmp_id", setup: cmpSetup(fieldICMPID)},
	{name: "icmp_seq", setup: cmpSetup(fieldICMPSeq)},
	{name: "window", setup: cmpSetup(fieldWindow)},
	{name: "seq", setup: cmpSetup(fieldSeq)},
	{name: "ack", setup: cmpSetup(fieldAck)},
	{name: "flags", setup: setupFlags},
	{name: "fragbits", setup: setupFragbits}, // fragbits.go
	{name: "vlan.layers", setup: cmpSetup(fieldVLANLayers)},
	{name: "icmpv6.mtu", setup: cmpSetup(fieldICMPv6MTU)},
	{name: "ipopts", setup: setupIPOpts},
	{name: "ip_proto", setup: setupIPProto},
	{name: "app-layer-protocol", setup: setupAppLayerProtocol},
	{name: "stream_size", setup: setupStreamSize},
	{name: "sameip", setup: func(b *sigBuilder, _ ruleparser.Option) error {
		b.sig.pkt = append(b.sig.pkt, sameipTest{})
		return nil
	}},

	// Flow.
	{name: "flow", setup: setupFlow},
	{name: "flowbits", setup: setupFlowbits},
	{name: "xbits", setup: setupXbits},
	{name: "flowint", setup: setupFlowint},
	{name: "flow.pkts", setup: flowCountSetup(false)},
	{name: "flow.bytes", setup: flowCountSetup(true)},

	// Transforms.
	{name: "to_lowercase", setup: transformSetup(toLower{})},
	{name: "to_uppercase", setup: transformSetup(toUpper{})},
	{name: "dotprefix", setup: transformSetup(dotPrefix{})},
	{name: "domain", setup: transformSetup(registrableDomain{})},
	{name: "tld", setup: transformSetup(publicSuffix{})},
	{name: "strip_whitespace", setup: transformSetup(stripWhitespace{})},
	{name: "compress_whitespace", setup: transformSetup(compressWhitespace{})},
	{name: "url_decode", setup: transformSetup(urlDecode{})},
	{name: "to_md5", setup: transformSetup(toMD5{})},
	{name: "to_sha1", setup: transformSetup(toSHA1{})},
	{name: "to_sha256", setup: transformSetup(toSHA256{})},
	{name: "header_lowercase", setup: transformSetup(headerLowercase{})},
	{name: "xor", setup: setupXor},
	{name: "from_base64", setup: setupFromBase64},
	{name: "pcrexform", setup: setupPcrexform},
	{name: "zlib_deflate", setup: setupZlibDeflate},

	{name: "absent", setup: setupAbsent},

	// Files (filekw.go).
	{name: "filename", setup: setupFilename},
	{name: "fileext", setup: setupFileext},
	{name: "filemd5", setup: setupFilemd5},
	{name: "filesize", setup: setupFilesize},

	// App-layer integers.
	{name: "dns.opcode", setup: setupDNSOpcode},
	{name: "tls.cert_chain_len", setup: setupCertChainLen},
	{name: "ssl_version", setup: setupSSLVersion},
	// ssl_state, tls.version (sslstate.go); Snort's SIP options
	// (sipsnort.go), whose sip_header is a sticky buffer.
	{name: "ssl_state", setup: setupSSLState},
	{name: "tls.version", setup: setupTLSVersion},
	{name: "sip_method", setup: setupSIPMethod},
	{name: "sip_stat_code", setup: setupSIPStatCode},
	{name: "dce_iface", setup: setupDceIface}, // dcerpc.iface
	{name: "dce_opnum", setup: setupDceOpnum}, // dcerpc.opnum
	{name: "ftp.dynamic_port", setup: setupFTPDynamicPort},
	{name: "ftp.mode", setup: setupFTPMode},
	{name: "ftp.reply_received", setup: setupFTPReplyReceived},
	{name: "ftpbounce", setup: setupFTPBounce},
	{name: "snmp.version", setup: u32BufSetup(bufid.SNMPVersion)},
	{name: "snmp.pdu_type", setup: u32BufSetup(bufid.SNMPPDUType)},
	{name: "krb5_msg_type", setup: u32BufSetup(bufid.KRB5MsgType)},
	{name: "krb5_err_code", setup: u32BufSetup(bufid.KRB5ErrCode)},
	{name: "krb5.ticket_encryption", setup: setupKRB5TicketEncryption},
	{name: "rfb.sectype", setup: u32BufSetup(bufid.RFBSecType)}, // rules/rfb-keywords.html#rfb-sectype
	{name: "rfb.secresult", setup: setupRFBSecResult},
	// MQTT (mqtt.go).
	{name: "mqtt.type", setup: setupMQTTType},
	{name: "mqtt.flags", setup: setupMQTTFlags},
	{name: "mqtt.qos", setup: setupMQTTQoS},
	{name: "mqtt.reason_code", setup: mqttCmpSetup(bufid.MQTTReasonCode)}, // also mqtt.connack.return_code
	{name: "mqtt.protocol_version", setup: mqttCmpSetup(bufid.MQTTProtocolVersion)},
	{name: "mqtt.connack.session_present", setup: setupMQTTSessionPresent},
	{name: "mqtt.connect.flags", setup: setupMQTTConnectFlags},
	// HTTP/2 (http2.go); http2.header_name is a sticky buffer.
	{name: "http2.frametype", setup: setupHTTP2FrameType},
	{name: "http2.errorcode", setup: setupHTTP2ErrorCode},
	{name: "http2.priority", setup: http2CmpSetup(bufid.HTTP2Priority, 1)},
	{name: "http2.window", setup: http2CmpSetup(bufid.HTTP2Window, 4)},
	{name: "http2.size_update", setup: http2CmpSetup(bufid.HTTP2SizeUpdate, 8)},
	{name: "http2.settings", setup: setupHTTP2Settings},
}

// stickyKeywords adds every buffer name (canonical and legacy) as a sticky
// buffer keyword.
func keywordMap() map[string]*keyword {
	m := make(map[string]*keyword, len(keywordTable)+len(bufByName))
	for name, buf := range bufByName {
		buf := buf
		m[name] = &keyword{name: name, setup: func(b *sigBuilder, _ ruleparser.Option) error { return b.openList(buf) }}
	}
	for i := range keywordTable {
		m[keywordTable[i].name] = &keywordTable[i]
	}
	return m
}

// Keywords reports whether detection can evaluate a parsed option. It
// satisfies rules.Keywords, so `rules check` can count loaded and skipped
// rules without compiling.
type Keywords struct{ m map[string]*keyword }

// NewKeywords returns the keyword checker for the full table.
func NewKeywords() *Keywords { return &Keywords{m: keywordMap()} }

// Check returns an error wrapping ErrUnsupported for an option detection
// cannot evaluate.
func (k *Keywords) Check(o ruleparser.Option) error {
	if _, ok := k.m[o.Keyword()]; !ok {
		return fmt.Errorf("%s: %w", o.Keyword(), ErrUnsupported)
	}
	return nil
}

func nop(*sigBuilder, ruleparser.Option) error { return nil }

func setupNoalert(b *sigBuilder, _ ruleparser.Option) error {
	b.sig.NoAlert = true
	return nil
}

func setupContent(b *sigBuilder, o ruleparser.Option) error {
	c, ok := o.(*ruleparser.Content)
	if !ok {
		return errBadValue("unexpected value")
	}
	// rawbytes is accepted and has no effect, as in Suricata (which has
	// no Telnet normalizer for it to bypass).
	legacy := c.LegacyBuffer
	if o.Spelling() == "uricontent" {
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

func setupIsdataat(b *sigBuilder, o ruleparser.Option) error {
	d, ok := o.(*ruleparser.Isdataat)
	if !ok {
		return errBadValue("unexpected value")
	}
	size, err := b.numOrVar(&d.Size)
	if err != nil {
		return err
	}
	return b.add(&isdataatItem{size: size, rel: d.Relative, negated: d.Negated})
}

func setupBsize(b *sigBuilder, o ruleparser.Option) error {
	c, ok := o.(*ruleparser.Compare)
	if !ok {
		return errBadValue("unexpected value")
	}
	return b.add(&bsizeItem{cmp: uintCmpOf(c.Cmp)})
}

func setupByteTest(b *sigBuilder, o ruleparser.Option) error {
	t, ok := o.(*ruleparser.ByteTest)
	if !ok {
		return errBadValue("unexpected value")
	}
	r, err := byteReadOf(b, t.Bytes, t.Offset, t.ByteOpts)
	if err != nil {
		return err
	}
	it := &byteTestItem{byteRead: r, negated: t.Negated}
	switch t.Op {
	case "<", ">", "=", "&", "^":
		it.op = t.Op[0]
	case "<=":
		it.op = 'l'
	case ">=":
		it.op = 'g'
	case "!=":
		it.op, it.negated = '=', !it.negated
	default:
		return errBadValue("unknown operator " + t.Op)
	}
	if it.value, err = b.numOrVar(&t.Value); err != nil {
		return err
	}
	return b.add(it)
}

func setupByteJump(b *sigBuilder, o ruleparser.Option) error {
	j, ok := o.(*ruleparser.ByteJump)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func setupByteExtract(b *sigBuilder, o ruleparser.Option) error {
	e, ok := o.(*ruleparser.ByteExtract)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func setupByteMath(b *sigBuilder, o ruleparser.Option) error {
	m, ok := o.(*ruleparser.ByteMath)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func cmpSetup(f pktField) func(*sigBuilder, ruleparser.Option) error {
	return func(b *sigBuilder, o ruleparser.Option) error {
		c, ok := o.(*ruleparser.Compare)
		if !ok {
			return errBadValue("unexpected value")
		}
		if f == fieldDsize {
			b.sig.packetOnly = true // dsize is about the packet, not the stream
		}
		b.sig.pkt = append(b.sig.pkt, &cmpTest{field: f, cmp: uintCmpOf(c.Cmp)})
		return nil
	}
}

func setupFlags(b *sigBuilder, o ruleparser.Option) error {
	f, ok := o.(*ruleparser.Flags)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func setupFlow(b *sigBuilder, o ruleparser.Option) error {
	f, ok := o.(*ruleparser.Flow)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func setupFlowbits(b *sigBuilder, o ruleparser.Option) error {
	f, ok := o.(*ruleparser.Flowbits)
	if !ok {
		return errBadValue("unexpected value")
	}
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

func transformSetup(t transform) func(*sigBuilder, ruleparser.Option) error {
	return func(b *sigBuilder, o ruleparser.Option) error {
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

func setupXor(b *sigBuilder, o ruleparser.Option) error {
	var arg string
	switch v := o.(type) {
	case *ruleparser.Buffer:
		arg = v.Arg
	case *ruleparser.Text:
		arg = v.Value
	case *ruleparser.Args:
		if len(v.Args) > 0 {
			arg = v.Args[0]
		}
	}
	key, err := parseXorKey(arg)
	if err != nil {
		return err
	}
	return transformSetup(xorTransform{key: key})(b, o)
}

func setupIPOpts(b *sigBuilder, o ruleparser.Option) error {
	t, ok := o.(*ruleparser.Text)
	if !ok {
		return errBadValue("unexpected value")
	}
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
func setupDNSOpcode(b *sigBuilder, o ruleparser.Option) error {
	c, ok := o.(*ruleparser.Compare)
	if !ok {
		return errBadValue("unexpected value")
	}
	return b.addItemToBuffer(bufid.DNSOpcode, &valueItem{size: 1, cmp: uintCmpOf(c.Cmp)})
}

// setupCertChainLen is tls.cert_chain_len: the number of certificates the
// server sent. It matches once the Certificate message was seen (an empty
// chain is not told apart from a missing one).
// Docs: rules/tls-keywords.html#tls-cert-chain-len
func setupCertChainLen(b *sigBuilder, o ruleparser.Option) error {
	c, ok := o.(*ruleparser.Compare)
	if !ok {
		return errBadValue("unexpected value")
	}
	prev := b.cur
	if err := b.openList(bufid.TLSCerts); err != nil {
		return err
	}
	cmp := uintCmpOf(c.Cmp)
	b.curList().count = &cmp
	b.cur = prev
	return nil
}

// setupAbsent is absent[:or_else] after an app-layer sticky buffer: the
// list matches when the transaction does not have the buffer (or_else:
// or, when it has it, when the list's keywords match).
// Docs: rules/payload-keywords.html#absent
func setupAbsent(b *sigBuilder, o ruleparser.Option) error {
	l := b.curList()
	if l == nil || l.buf == bufid.Packet || l.buf == bufBase64 || bufid.Specs[l.buf].Hdr {
		return errBadValue("absent must follow an app-layer sticky buffer")
	}
	mode := absentOnly
	if a, ok := o.(*ruleparser.Args); ok && len(a.Args) == 1 && a.Args[0] == "or_else" {
		mode = absentOrElse
	}
	if len(l.items) > 0 || len(l.transforms) > 0 {
		return errBadValue("absent must come right after its buffer")
	}
	l.absent = mode
	return nil
}
