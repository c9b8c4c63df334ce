package detect

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"vigil/detect/bufid"
	"vigil/detect/content"
	"vigil/ruleparser"
	"vigil/rules"
)

// ErrUnsupported marks a keyword (or a use of one) that Vigil parses but
// cannot evaluate. A rule that uses one is skipped at load, never loaded
// half-evaluated.
var ErrUnsupported = errors.New("not supported")

type badValue string

func (e badValue) Error() string { return string(e) }

func errBadValue(msg string) error { return badValue(msg) }

// KeywordError says which option stopped a rule from compiling.
type KeywordError struct {
	Keyword string
	Pos     ruleparser.Pos
	Err     error
}

func (e *KeywordError) Error() string {
	return fmt.Sprintf("%s: %s: %v", e.Pos, e.Keyword, e.Err)
}

func (e *KeywordError) Unwrap() error { return e.Err }

// sigBuilder is the state of compiling one rule: the signature so far and
// the list that sticky buffers and payload keywords currently append to.
type sigBuilder struct {
	sig         *Sig
	cur         int // index of the current list in sig.lists; -1 until one opens
	vars        map[string]int8
	isHTTPProto bool
	// lastContent is the most recent content (for Snort 2 modifiers that
	// come later are folded by the parser; kept for relative pcre).
	lastItem item
	// lastPM is the list that received the most recent content or pcre,
	// -1 before any. A relative keyword outside a sticky buffer attaches
	// there: after a Snort-style modifier (uricontent, http_uri, ...)
	// "isdataat:N,relative" or "byte_extract:...,relative" continue the
	// modifier's buffer, as Suricata resolves relative keywords against
	// the last content or pcre of any list.
	lastPM int
}

// compileRule turns a loaded rule into a Sig. The error is a *KeywordError
// wrapping ErrUnsupported for a keyword Vigil cannot evaluate.
func compileRule(r *rules.Rule, num int, tbl *KeywordTable) (*Sig, error) {
	s := &Sig{Num: num, Rule: r, txDir: bufid.AnyDir}
	b := &sigBuilder{sig: s, cur: -1, lastPM: -1, vars: map[string]int8{}}
	if err := b.header(r); err != nil {
		return nil, err
	}
	for _, o := range r.Options {
		kw, ok := tbl.byName[o.Keyword()]
		if !ok || kw.compile == nil {
			return nil, &KeywordError{Keyword: o.Keyword(), Pos: o.Position(), Err: unsupportedError(o.Keyword())}
		}
		if err := kw.compile(b, o); err != nil {
			return nil, &KeywordError{Keyword: o.Keyword(), Pos: o.Position(), Err: err}
		}
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// transportOf maps app-layer protocols to the transport the rule then
// implies (0: either).
var transportOf = [bufid.NumProtos]uint8{
	bufid.ProtoHTTP: 6, bufid.ProtoHTTP1: 6, bufid.ProtoTLS: 6, bufid.ProtoSSH: 6, bufid.ProtoFTP: 6,
	bufid.ProtoSMTP: 6, bufid.ProtoSMB: 6, bufid.ProtoHTTP2: 6, bufid.ProtoIMAP: 6, bufid.ProtoPOP3: 6,
	bufid.ProtoRFB: 6, bufid.ProtoPgSQL: 6, bufid.ProtoTelnet: 6, bufid.ProtoFTPData: 6, bufid.ProtoModbus: 6,
	bufid.ProtoWebSocket: 6,
	bufid.ProtoDHCP:      17, bufid.ProtoTFTP: 17, bufid.ProtoQUIC: 17, bufid.ProtoIKE: 17, bufid.ProtoNTP: 17, bufid.ProtoSNMP: 17,
}

func (b *sigBuilder) header(r *rules.Rule) error {
	s := b.sig
	if err := b.hook(r); err != nil {
		return err
	}
	switch p := r.Proto; p {
	case "ip", "any", "pkthdr", "ipv4", "ip4", "ipv6", "ip6":
		if p == "ipv6" || p == "ip6" {
			s.proto.ipv6 = 6
		}
		if p == "ipv4" || p == "ip4" {
			s.proto.ipv6 = 4
		}
	case "tcp", "tcp-pkt", "tcp-stream":
		s.proto.ipProto = 6
		// tcp-pkt rules inspect packets only, tcp-stream rules the
		// reassembled stream only.
		s.packetOnly = p == "tcp-pkt"
		s.onlyStream = p == "tcp-stream"
	case "udp":
		s.proto.ipProto = 17
	case "icmp":
		s.proto.ipProto = 1
	case "icmpv6", "icmp6":
		s.proto.ipProto = 58
	default:
		ap, ok := bufid.LookupRuleProto(p)
		if !ok {
			return &KeywordError{Keyword: "protocol " + p, Pos: r.Pos, Err: ErrUnsupported}
		}
		// ProtoHTTP1 is HTTP/1 only; ProtoHTTP is both versions (http2.go).
		s.appProto = ap
		s.proto.ipProto = transportOf[ap]
		b.isHTTPProto = ap == bufid.ProtoHTTP || ap == bufid.ProtoHTTP1
	}
	h := r.Header
	if h.HeaderLess {
		s.anyHeader = true
		return nil
	}
	s.bidir = h.Dir == ruleparser.DirBoth
	if h.Src != nil && !h.Src.IsAny() {
		s.src = h.Src
	}
	if h.Dst != nil && !h.Dst.IsAny() {
		s.dst = h.Dst
	}
	if h.SrcPorts != nil && !h.SrcPorts.IsAny() {
		s.sp = h.SrcPorts
	}
	if h.DstPorts != nil && !h.DstPorts.IsAny() {
		s.dp = h.DstPorts
	}
	s.anyHeader = s.src == nil && s.dst == nil && s.sp == nil && s.dp == nil
	return nil
}

// openList starts a new inspection list on buf (a sticky buffer).
func (b *sigBuilder) openList(buf Buf) error {
	spec := bufid.Specs[buf]
	if spec.Tx() {
		if b.sig.appProto != bufid.ProtoUnknown && b.sig.appProto != spec.Proto && !dceOnSMB(spec.Proto, b.sig.appProto) &&
			!httpBufOn(spec.Proto, b.sig.appProto) && !httpNarrows(spec.Proto, b.sig.appProto) &&
			!fileBufOn(spec.Proto, b.sig.appProto) && !fileNarrows(spec.Proto, b.sig.appProto) && !tlsOnQUIC(buf, b.sig.appProto) {
			return fmt.Errorf("buffer %s needs app-layer protocol %s, rule is %s: %w", spec.Name, spec.Proto, b.sig.appProto, ErrUnsupported)
		}
		if !dceOnSMB(spec.Proto, b.sig.appProto) && !httpBufOn(spec.Proto, b.sig.appProto) &&
			!fileBufOn(spec.Proto, b.sig.appProto) && !tlsOnQUIC(buf, b.sig.appProto) {
			b.sig.appProto = spec.Proto
		}
		if tp := transportOf[spec.Proto]; tp != 0 && !tlsOnQUIC(buf, b.sig.appProto) {
			if b.sig.proto.ipProto != 0 && b.sig.proto.ipProto != tp {
				return errBadValue("buffer " + spec.Name + " cannot match this protocol")
			}
			b.sig.proto.ipProto = tp
		}
	}
	if !spec.Multi {
		// Naming a single-instance buffer again continues its list, so
		// relative keywords chain across the repetition ("tcp.hdr;
		// content:A; tcp.hdr; content:B; distance:8;"), as Suricata keeps
		// one list per buffer.
		for i := range b.sig.lists {
			if b.sig.lists[i].buf == buf {
				if i != b.cur {
					b.cur = i
					b.lastItem = nil
				}
				return nil
			}
		}
	}
	b.sig.lists = append(b.sig.lists, list{buf: buf})
	b.cur = len(b.sig.lists) - 1
	b.lastItem = nil
	return nil
}

// curList returns the current list, or nil.
func (b *sigBuilder) curList() *list {
	if b.cur < 0 {
		return nil
	}
	return &b.sig.lists[b.cur]
}

// listFor returns the list a payload keyword appends to: the current
// sticky buffer, else the packet payload.
func (b *sigBuilder) listFor() (*list, error) {
	if b.cur < 0 {
		if err := b.openList(bufid.Packet); err != nil {
			return nil, err
		}
	}
	return b.curList(), nil
}

func (b *sigBuilder) add(it item) error {
	if _, isContent := it.(*contentItem); b.cur < 0 && !isContent && it.relative() && b.lastPM >= 0 {
		l := &b.sig.lists[b.lastPM]
		l.items = append(l.items, it)
		b.notePM(it, b.lastPM)
		b.lastItem = it
		return nil
	}
	l, err := b.listFor()
	if err != nil {
		return err
	}
	l.items = append(l.items, it)
	b.notePM(it, b.cur)
	b.lastItem = it
	return nil
}

// notePM records list idx as the last one to receive a content or pcre.
func (b *sigBuilder) notePM(it item, idx int) {
	switch it.(type) {
	case *contentItem, *pcreItem:
		b.lastPM = idx
	}
}

func (b *sigBuilder) numOrVar(v *ruleparser.NumOrVar) (numOrVar, error) {
	if v == nil {
		return numOrVar{v: -1}, nil
	}
	if v.IsVar() {
		slot, ok := b.vars[v.Var]
		if !ok {
			return numOrVar{}, errBadValue("unknown byte variable " + v.Var)
		}
		return numOrVar{v: slot, set: true}, nil
	}
	return numOrVar{n: v.Num, v: -1, set: true}, nil
}

func (b *sigBuilder) newVar(name string) (int8, error) {
	if slot, ok := b.vars[name]; ok {
		return slot, nil
	}
	if len(b.vars) >= maxVars {
		return 0, errBadValue("too many byte variables")
	}
	slot := int8(len(b.vars))
	b.vars[name] = slot
	return slot, nil
}

// finish picks the fast pattern and checks the rule as a whole.
func (b *sigBuilder) finish() error {
	s := b.sig
	s.pdOnly = isPDOnly(s)
	if r := s.Rule; r != nil {
		// An explicit hook (tcp:all, tcp:flow_start) means not IP-only.
		s.ipOnly = !r.Header.HeaderLess && r.Hook == "" && isIPOnly(s, r.Header.SrcNegated, r.Header.DstNegated)
	}
	for i := range s.lists {
		if s.lists[i].buf == bufid.Packet || s.lists[i].buf == bufBase64 {
			s.payload = true
		}
	}
	for i := range s.lists {
		if s.lists[i].buf == bufBase64 {
			continue
		}
		if bufid.Specs[s.lists[i].buf].Tx() {
			d := bufid.Specs[s.lists[i].buf].Dir
			switch {
			case d == bufid.AnyDir:
			case s.txDir == bufid.AnyDir:
				s.txDir = d
			case s.txDir != d:
				// Buffers of both directions: Suricata inspects each side
				// of the transaction as it completes.
				s.txDir = bufid.AnyDir
				s.txBothDirs = true
			}
		}
	}
	if s.txBothDirs {
		s.txDir = bufid.AnyDir // a later one-sided buffer does not narrow it again
	}
	s.txPerDir = false
	for i := range s.lists {
		if s.lists[i].buf == bufBase64 {
			continue
		}
		spec := &bufid.Specs[s.lists[i].buf]
		if !spec.Tx() {
			continue
		}
		if spec.Dir != bufid.AnyDir {
			s.txPerDir = false
			break
		}
		s.txPerDir = true
	}
	s.fast = pickFastPattern(s)
	if (s.proto.ipProto == 0 || s.proto.ipProto == 6) && !s.packetOnly && !s.TxBased() {
		for i := range s.lists {
			if s.lists[i].buf == bufid.Packet && len(s.lists[i].items) > 0 {
				s.stream = true
			}
		}
		s.pktStream = s.stream && !s.onlyStream && anchoredPayload(s)
	}
	return nil
}

// anchoredPayload reports whether a stream rule also inspects TCP packets
// one by one, as Suricata's SigConsolidateTcpBuffer decides: a payload
// content anchored with depth, offset or startswith (its position means
// something in a packet, not in a stream chunk), or a stream_size test.
func anchoredPayload(s *Sig) bool {
	for i := range s.lists {
		if s.lists[i].buf != bufid.Packet {
			continue
		}
		for _, it := range s.lists[i].items {
			if c, ok := it.(*contentItem); ok && (c.depth.set || c.offset.set || c.starts) {
				return true
			}
		}
	}
	for _, t := range s.pkt {
		if _, ok := t.(*streamSizeTest); ok {
			return true
		}
	}
	return false
}

// pickFastPattern chooses the rule's prefilter literal as Suricata does:
// an explicit fast_pattern wins; otherwise the longest non-negated content,
// preferring app-layer buffers over the packet payload. Contents inside a
// transformed list are used after the transform (the prefilter sees the
// transformed buffer too).
func pickFastPattern(s *Sig) *fastPattern {
	var best *fastPattern
	bestScore := -1
	for i := range s.lists {
		l := &s.lists[i]
		if l.buf == bufBase64 || bufid.Specs[l.buf].Hdr {
			continue // decoded at inspection time, or a header: nothing to prefilter
		}
		for _, it := range l.items {
			ci, ok := it.(*contentItem)
			if !ok || ci.negated || ci.n == 0 {
				continue
			}
			// Suricata's order: an explicit fast_pattern; then app-layer
			// buffers before the payload, except http.method, which comes
			// after it (its few values match every request); then the
			// longest content; then the most varied one.
			score := ci.n<<8 | patternStrength(ci.needle.Bytes())
			switch {
			case ci.fastExplicit:
				score += 3 << 28
			case l.buf == bufid.HTTPMethod:
			case l.buf != bufid.Packet:
				score += 2 << 28
			default:
				score += 1 << 28
			}
			if score > bestScore {
				bestScore = score
				pat := ci.needle.Bytes()
				if ci.fpChop {
					pat = pat[ci.fpOffset:min(len(pat), ci.fpOffset+ci.fpLength)]
				}
				best = &fastPattern{buf: l.buf, bytes: pat, nocase: ci.needle.Nocase(), xforms: l.transforms}
			}
		}
	}
	return best
}

// contentFrom builds a content item from the parsed option.
func (b *sigBuilder) contentFrom(c *ruleparser.Content) (*contentItem, error) {
	ci := &contentItem{
		needle:  content.NewNeedle(c.Pattern, c.Nocase),
		n:       len(c.Pattern),
		negated: c.Negated,
		starts:  c.Startswith,
		ends:    c.Endswith,
	}
	var err error
	if ci.offset, err = b.numOrVar(c.Offset); err != nil {
		return nil, err
	}
	if ci.depth, err = b.numOrVar(c.Depth); err != nil {
		return nil, err
	}
	if ci.distance, err = b.numOrVar(c.Distance); err != nil {
		return nil, err
	}
	if ci.within, err = b.numOrVar(c.Within); err != nil {
		return nil, err
	}
	ci.rel = ci.distance.set || ci.within.set
	if ci.starts {
		ci.offset = numOrVar{n: 0, v: -1, set: true}
	}
	if fp := c.FastPattern; fp != nil {
		ci.fastExplicit = true
		if fp.Chop && fp.Length > 0 && fp.Offset+fp.Length <= len(c.Pattern) {
			ci.fpChop, ci.fpOffset, ci.fpLength = true, fp.Offset, fp.Length
		}
	}
	return ci, nil
}

// flagBits maps Suricata/Snort flag letters to TCP header bits.
func flagBits(s string) (uint8, error) {
	var v uint8
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'F', 'f':
			v |= tcpFIN
		case 'S', 's':
			v |= tcpSYN
		case 'R', 'r':
			v |= tcpRST
		case 'P', 'p':
			v |= tcpPSH
		case 'A', 'a':
			v |= tcpACK
		case 'U', 'u':
			v |= tcpURG
		case 'C', 'c', '2':
			v |= tcpCWR
		case 'E', 'e', '1':
			v |= tcpECE
		case '0':
		default:
			return 0, errBadValue("unknown tcp flag " + string(s[i]))
		}
	}
	return v, nil
}

func uintCmpOf(c ruleparser.UintCmp) ruleparser.UintCmp {
	op := map[ruleparser.CmpOp]ruleparser.CmpOp{
		ruleparser.CmpEq: ruleparser.CmpEq, ruleparser.CmpNe: ruleparser.CmpNe, ruleparser.CmpLt: ruleparser.CmpLt,
		ruleparser.CmpGt: ruleparser.CmpGt, ruleparser.CmpLe: ruleparser.CmpLe, ruleparser.CmpGe: ruleparser.CmpGe,
		ruleparser.CmpRange: ruleparser.CmpRange, ruleparser.CmpNotRange: ruleparser.CmpNotRange,
		ruleparser.CmpRangeIncl: ruleparser.CmpRangeIncl,
	}[c.Op]
	return ruleparser.UintCmp{Op: op, A: c.A, B: c.B}
}

func byteReadOf(b *sigBuilder, nbytes, offset ruleparser.NumOrVar, o ruleparser.ByteOpts) (byteRead, error) {
	r := byteRead{rel: o.Relative, str: o.String, base: 10}
	var err error
	if r.nbytes, err = b.numOrVar(&nbytes); err != nil {
		return r, err
	}
	if r.offset, err = b.numOrVar(&offset); err != nil {
		return r, err
	}
	switch o.Endian {
	case "little":
		r.little = true
	case "dce":
		// The endianness of the DCERPC PDU the stub came from.
		r.dce = true
	}
	switch o.Base {
	case "hex":
		r.base = 16
	case "oct":
		r.base = 8
	}
	if o.HasMask {
		if o.Bitmask == 0 {
			return r, errBadValue("bitmask must not be 0")
		}
		r.hasMask, r.mask = true, o.Bitmask
		r.maskBits = uint(bits.TrailingZeros64(o.Bitmask))
	}
	if !r.str && !r.nbytes.set {
		return r, errBadValue("missing byte count")
	}
	if !r.str && r.nbytes.v < 0 && (r.nbytes.n < 0 || r.nbytes.n > 8) {
		return r, errBadValue("byte count must be 1 to 8")
	}
	return r, nil
}

// slimRule returns the part of r a compiled Sig needs at run time: the
// identity and alert fields, the metadata and reference options EVE
// logs, and the target option (scoring). The parsed options, the AST and
// the rule text are left behind, so that the ruleset can be collected once
// compiled: they were most of the Go heap after loading, and every garbage
// collection scanned them.
func slimRule(r *rules.Rule) *rules.Rule {
	c := *r
	c.AST = nil
	c.Msg = strings.Clone(r.Msg)
	c.Classtype = strings.Clone(r.Classtype)
	c.Proto = strings.Clone(r.Proto)
	c.Hook = strings.Clone(r.Hook)
	c.Options, c.Metadata, c.References = nil, nil, nil
	c.Target = strings.Clone(r.Target) // who the victim is (scoring, EVE)
	for _, o := range r.Metadata {
		m := &ruleparser.Metadata{Head: cloneHead(o.Head), Pairs: make([]ruleparser.KV, len(o.Pairs))}
		for i, kv := range o.Pairs {
			m.Pairs[i] = ruleparser.KV{Key: strings.Clone(kv.Key), Value: strings.Clone(kv.Value)}
		}
		c.Metadata = append(c.Metadata, m)
		c.Options = append(c.Options, m)
	}
	for _, o := range r.References {
		ref := &ruleparser.Reference{Head: cloneHead(o.Head), Type: strings.Clone(o.Type), Value: strings.Clone(o.Value)}
		c.References = append(c.References, ref)
		c.Options = append(c.Options, ref)
	}
	return &c
}

func cloneHead(h ruleparser.Head) ruleparser.Head {
	h.Spelled = strings.Clone(h.Spelled)
	return h
}

// patternStrength scores how varied a pattern is, the fast pattern
// tie-break between contents of equal length: a byte counts more the
// first time it appears, and more when it is not a letter (rarer in
// traffic). Capped to fit the low byte of pickFastPattern's score.
func patternStrength(b []byte) int {
	var seen [256]bool
	n := 0
	for _, c := range b {
		switch {
		case seen[c]:
			n++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n += 3
		case c >= 0x20 && c < 0x7f:
			n += 4
		default:
			n += 6
		}
		seen[c] = true
	}
	return min(n, 255)
}
