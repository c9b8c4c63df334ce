package ruleparser

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Spec describes one rule keyword: its canonical name, other spellings, the
// parser of its value and where it is documented. The keyword table (below)
// is the only list of keywords.
type Spec struct {
	// Name is the canonical name (Suricata's dotted form where one exists).
	Name string
	// Aliases are other accepted spellings (legacy underscore names).
	Aliases []string
	// Legacy are the spellings that, written right after a content in the
	// Suricata and Snort 2 dialects, act as a content modifier moving that
	// content into this buffer (http_uri, http_header, ...). Each must
	// also be in Aliases.
	Legacy []string
	// Parse parses the option's value into a typed Option. nil for pure
	// content modifiers.
	Parse func(c *optCtx) (Option, error)
	// Mod applies a content modifier to the preceding content.
	Mod func(c *optCtx, ct *Content) error
	// Doc is the documentation URL.
	Doc string
	// Only, when non-empty, lists the dialects that know the keyword;
	// elsewhere it is reported as unknown.
	Only []Dialect
}

// optCtx is what a keyword parser gets: the option head, its raw value and
// the rule's dialect.
type optCtx struct {
	head    Head
	val     string
	hasVal  bool
	dialect Dialect
	m       *posMap // maps offsets of the logical rule to positions
	valOff  int     // offset of val in the logical rule
}

// at returns the position of byte off of the value (the keyword's position
// when unknown).
func (c *optCtx) at(off int) Pos {
	if c.m == nil {
		return c.head.Pos
	}
	return c.m.pos(c.valOff + off)
}

func (c *optCtx) noValue() error {
	if c.hasVal {
		return errors.New("takes no value")
	}
	return nil
}

func (c *optCtx) need() (string, error) {
	if !c.hasVal || strings.TrimSpace(c.val) == "" {
		return "", errors.New("missing value")
	}
	return c.val, nil
}

const (
	surDoc   = "https://docs.suricata.io/en/latest/rules/"
	snortDoc = "https://docs.snort.org/rules/options/"
)

// Keywords returns a copy of the keyword table, sorted by name.
func Keywords() []Spec { return slices.Clone(table) }

var index = sync.OnceValue(func() map[string]*Spec {
	m := make(map[string]*Spec, 2*len(table))
	for i := range table {
		s := &table[i]
		m[s.Name] = s
		for _, a := range s.Aliases {
			m[a] = s
		}
	}
	return m
})

// lookup returns the spec for a keyword spelling, or nil.
func lookup(name string) *Spec { return index()[name] }

// builder assembles a rule's options, folding content modifiers into the
// preceding content.
type builder struct {
	dialect Dialect
	last    *Content
}

func (b *builder) add(r *Rule, s *Spec, c *optCtx) error {
	legacy := slices.Contains(s.Legacy, c.head.Spelled) && b.last != nil && b.dialect != DialectSnort3
	if s.Mod != nil && (s.Parse == nil || legacy) {
		if b.last == nil {
			return errors.New("content modifier without a preceding content")
		}
		if err := s.Mod(c, b.last); err != nil {
			return err
		}
		b.last.Mods = append(b.last.Mods, Mod{Name: c.head.Spelled, Pos: c.head.Pos})
		return nil
	}
	o, err := s.Parse(c)
	if err != nil {
		return err
	}
	r.Options = append(r.Options, o)
	switch x := o.(type) {
	case *Content:
		b.last = x
	case *Buffer:
		if x.Kind == Sticky {
			b.last = nil
		}
	}
	return nil
}

// Spec constructors for the common shapes.

func flag(name, doc string, aliases ...string) Spec {
	return Spec{Name: name, Aliases: aliases, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		if err := c.noValue(); err != nil {
			return nil, err
		}
		return &Flag{Head: c.head}, nil
	}}
}

func sticky(name, doc string, aliases ...string) Spec {
	return Spec{Name: name, Aliases: aliases, Doc: doc, Parse: parseSticky}
}

// legacyBuf is a sticky buffer whose legacy spelling is also a content
// modifier (Suricata/Snort 2 "content:..; http_uri;").
func legacyBuf(name, doc, legacy string) Spec {
	return Spec{Name: name, Aliases: []string{legacy}, Legacy: []string{legacy}, Doc: doc, Parse: parseSticky, Mod: modLegacyBuffer}
}

func parseSticky(c *optCtx) (Option, error) {
	if c.hasVal {
		if c.dialect != DialectSnort3 {
			return nil, errors.New("sticky buffer takes no value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		return &Buffer{Head: c.head, Kind: Sticky, Arg: v}, nil
	}
	return &Buffer{Head: c.head, Kind: Sticky}, nil
}

func xform(name, doc string) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		if err := c.noValue(); err != nil {
			return nil, err
		}
		return &Buffer{Head: c.head, Kind: Transform}, nil
	}}
}

// xformArg is a transform with an optional (opt) or required argument.
func xformArg(name, doc string, opt bool) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		if !c.hasVal {
			if opt {
				return &Buffer{Head: c.head, Kind: Transform}, nil
			}
			return nil, errors.New("missing value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		return &Buffer{Head: c.head, Kind: Transform, Arg: v}, nil
	}}
}

func uintKw(name, doc string) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		n, err := parseUint32(v)
		if err != nil {
			return nil, err
		}
		return &Uint{Head: c.head, Value: n}, nil
	}}
}

// cmpKw is an integer comparison keyword; extras lists the words allowed
// after a comma.
func cmpKw(name, doc string, extras ...string) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		parts := splitArgs(v)
		if len(parts) > 1 && len(extras) == 0 {
			return nil, fmt.Errorf("unexpected %q after the comparison", strings.Join(parts[1:], ","))
		}
		for _, p := range parts[1:] {
			if err := oneOf("modifier", p, extras...); err != nil {
				return nil, err
			}
		}
		cmp, err := parseUintCmp(parts[0])
		if err != nil {
			return nil, err
		}
		o := &Compare{Head: c.head, Cmp: cmp}
		if len(parts) > 1 {
			o.Extra = parts[1:]
		}
		return o, nil
	}}
}

// cmpOrTextKw is an integer comparison or, when the value is not one, free
// text (Suricata's integer keywords that also take names or flag lists,
// such as mqtt.type:CONNACK and mqtt.flags:dup,!retain).
func cmpOrTextKw(name, doc string) Spec {
	text := textKw(name, doc, nil)
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		if cmp, err := parseUintCmp(v); err == nil {
			return &Compare{Head: c.head, Cmp: cmp}, nil
		}
		return text.Parse(c)
	}}
}

// withAliases adds spellings to a spec.
func withAliases(s Spec, aliases ...string) Spec {
	s.Aliases = append(s.Aliases, aliases...)
	return s
}

// textKw is free text, quoted or not. check, when set, validates it.
func textKw(name, doc string, check func(string) error, aliases ...string) Spec {
	return Spec{Name: name, Aliases: aliases, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		t := &Text{Head: c.head, Value: v}
		if strings.HasPrefix(v, `"`) {
			s, err := quotedOnly(v)
			if err != nil {
				return nil, err
			}
			t.Value, t.Quoted = s, true
		} else if n := len(v) - len(strings.TrimRight(v, `\`)); n%2 == 1 {
			// An unquoted value cannot end in a lone backslash: written
			// back it would escape the ';' that ends the option.
			return nil, fmt.Errorf("dangling '\\' at the end of the value")
		}
		if check != nil {
			if err := check(t.Value); err != nil {
				return nil, err
			}
		}
		return t, nil
	}}
}

func wordSet(set ...string) func(string) error {
	return func(s string) error { return oneOf("value", strings.TrimSpace(s), set...) }
}

func isWord(s string) error {
	if !isIdent(strings.TrimSpace(s)) {
		return fmt.Errorf("bad name %q", s)
	}
	return nil
}

// listKw is a comma-separated list of optionally negated words; set, when
// non-empty, restricts the words.
func listKw(name, doc string, set ...string) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		l := &List{Head: c.head, Sep: ','}
		for _, p := range splitArgs(v) {
			it := ListItem{}
			if strings.HasPrefix(p, "!") {
				it.Negated, p = true, strings.TrimSpace(p[1:])
			}
			if p == "" {
				return nil, fmt.Errorf("empty element in %q", v)
			}
			if len(set) > 0 {
				if err := oneOf("value", p, set...); err != nil {
					return nil, err
				}
			}
			it.Value = p
			l.Items = append(l.Items, it)
		}
		return l, nil
	}}
}

// orListKw is listKw whose elements may also be separated by '|'
// (Suricata's ssl_state: "client_hello|server_hello"). Sep records '|'
// when the list used only that separator.
func orListKw(name, doc string, set ...string) Spec {
	inner := listKw(name, doc, set...)
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		orig := c.val
		bar := c.hasVal && strings.Contains(orig, "|")
		if bar {
			c.val = strings.ReplaceAll(orig, "|", ",")
		}
		o, err := inner.Parse(c)
		if l, ok := o.(*List); ok && bar && !strings.Contains(orig, ",") {
			l.Sep = '|'
		}
		return o, err
	}}
}

// argsKw keeps a comma-separated argument list; check validates it.
func argsKw(name, doc string, optional bool, check func([]string) error) Spec {
	return Spec{Name: name, Doc: doc, Parse: func(c *optCtx) (Option, error) {
		if !c.hasVal {
			if optional {
				return &Args{Head: c.head}, nil
			}
			return nil, errors.New("missing value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		a := splitArgs(v)
		for _, x := range a {
			if x == "" {
				return nil, fmt.Errorf("empty argument in %q", v)
			}
		}
		if check != nil {
			if err := check(a); err != nil {
				return nil, err
			}
		}
		return &Args{Head: c.head, Args: a}, nil
	}}
}

var (
	snort3Only = []Dialect{DialectSnort3}
	snortOnly  = []Dialect{DialectSnort2, DialectSnort3}
)

// only restricts a spec to some dialects.
func only(d []Dialect, s Spec) Spec {
	s.Only = d
	return s
}

func mod(name, doc string, f func(c *optCtx, ct *Content) error) Spec {
	return Spec{Name: name, Doc: doc, Mod: f}
}

// The keyword table: the only list of keywords. TestKeywordTable keeps it
// sorted by Name and free of duplicate spellings.
var table = []Spec{
	argsKw("absent", surDoc+"payload-keywords.html#absent", true, func(a []string) error {
		if len(a) != 1 {
			return errors.New("want at most one argument")
		}
		return oneOf("argument", a[0], "or_else")
	}),
	cmpKw("ack", surDoc+"header-keywords.html#ack"),
	argsKw("app-layer-event", surDoc+"app-layer.html#app-layer-event", false, oneWord),
	argsKw("app-layer-protocol", surDoc+"app-layer.html#app-layer-protocol", false, func(a []string) error {
		if len(a) > 2 || !isIdent(strings.TrimPrefix(a[0], "!")) {
			return fmt.Errorf("bad protocol %q", strings.Join(a, ","))
		}
		if len(a) == 2 {
			return oneOf("mode", a[1], "final", "original", "either", "to_server", "to_client", "direction")
		}
		return nil
	}),
	argsKw("asn1", surDoc+"payload-keywords.html#asn1", false, checkASN1),
	{Name: "base64_data", Doc: surDoc + "base64-keywords.html#base64-data", Parse: parseSticky},
	{Name: "base64_decode", Doc: surDoc + "base64-keywords.html#base64-decode", Parse: parseBase64Decode},
	only(snort3Only, argsKw("ber_data", snortDoc+"ber_data/", false, oneWord)),
	only(snort3Only, argsKw("ber_skip", snortDoc+"ber_skip/", false, func(a []string) error {
		if len(a) > 2 || len(a) == 2 && a[1] != "optional" {
			return fmt.Errorf("bad ber_skip %q", strings.Join(a, ","))
		}
		return nil
	})),
	cmpKw("bsize", surDoc+"payload-keywords.html#bsize"),
	only(snort3Only, cmpKw("bufferlen", snortDoc+"bufferlen/", "relative")),
	{Name: "byte_extract", Doc: surDoc + "payload-keywords.html#byte-extract", Parse: parseByteExtract},
	{Name: "byte_jump", Doc: surDoc + "payload-keywords.html#byte-jump", Parse: parseByteJump},
	{Name: "byte_math", Doc: surDoc + "payload-keywords.html#byte-math", Parse: parseByteMath},
	{Name: "byte_test", Doc: surDoc + "payload-keywords.html#byte-test", Parse: parseByteTest},
	textKw("cip_service", surDoc+"enip-keyword.html#cip-service", nil),
	textKw("classtype", surDoc+"meta.html#classtype", checkClasstype),
	xform("compress_whitespace", surDoc+"transforms.html#compress-whitespace"),
	{Name: "content", Aliases: []string{"uricontent"}, Doc: surDoc + "payload-keywords.html#content", Parse: parseContent},
	textKw("dce_iface", surDoc+"dcerpc-keywords.html#dcerpc-iface", nil, "dcerpc.iface"),
	textKw("dce_opnum", surDoc+"dcerpc-keywords.html#dcerpc-opnum", nil, "dcerpc.opnum"),
	sticky("dce_stub_data", surDoc+"dcerpc-keywords.html#dcerpc-stub-data", "dcerpc.stub_data"),
	textKw("decode-event", surDoc+"decode-layer.html", isEventName),
	{Name: "depth", Doc: surDoc + "payload-keywords.html#depth", Mod: modDepth},
	{Name: "detection_filter", Doc: surDoc + "thresholding.html#detection-filter", Parse: parseThreshold},
	{Name: "distance", Doc: surDoc + "payload-keywords.html#distance", Mod: modDistance},
	sticky("dnp3_data", surDoc+"dnp3-keywords.html#dnp3-data", "dnp3.data"),
	textKw("dnp3_func", surDoc+"dnp3-keywords.html#dnp3-func", nil, "dnp3.func"),
	textKw("dnp3_ind", surDoc+"dnp3-keywords.html#dnp3-ind", nil, "dnp3.ind"),
	textKw("dnp3_obj", surDoc+"dnp3-keywords.html#dnp3-obj", nil, "dnp3.obj"),
	sticky("dns.additionals.rrname", surDoc+"dns-keywords.html"),
	sticky("dns.answers.rrname", surDoc+"dns-keywords.html"),
	sticky("dns.authorities.rrname", surDoc+"dns-keywords.html"),
	cmpKw("dns.opcode", surDoc+"dns-keywords.html#dns-opcode"),
	sticky("dns.queries.rrname", surDoc+"dns-keywords.html"),
	sticky("dns.query", surDoc+"dns-keywords.html#dns-query", "dns_query"),
	cmpKw("dns.rcode", surDoc+"dns-keywords.html#dns-rcode"),
	sticky("dns.response.rrname", surDoc+"dns-keywords.html"),
	cmpKw("dns.rrtype", surDoc+"dns-keywords.html#dns-rrtype"),
	xform("domain", surDoc+"transforms.html#domain"),
	xform("dotprefix", surDoc+"transforms.html#dotprefix"),
	cmpKw("dsize", surDoc+"payload-keywords.html#dsize"),
	sticky("email.cc", surDoc+"email-keywords.html#email-cc"),
	sticky("email.date", surDoc+"email-keywords.html#email-date"),
	sticky("email.from", surDoc+"email-keywords.html#email-from"),
	sticky("email.message_id", surDoc+"email-keywords.html#email-message-id"),
	sticky("email.received", surDoc+"email-keywords.html#email-received"),
	sticky("email.subject", surDoc+"email-keywords.html#email-subject"),
	sticky("email.to", surDoc+"email-keywords.html#email-to"),
	sticky("email.x_mailer", surDoc+"email-keywords.html#email-x-mailer"),
	{Name: "endswith", Doc: surDoc + "payload-keywords.html#endswith", Mod: modEndswith},
	cmpKw("enip_command", surDoc+"enip-keyword.html#enip-command"),
	{Name: "fast_pattern", Doc: surDoc + "fast-pattern.html", Mod: modFastPattern},
	sticky("file.data", surDoc+"file-keywords.html#file-data", "file_data"),
	sticky("file.name", surDoc+"file-keywords.html#file-name"),
	textKw("fileext", surDoc+"file-keywords.html#fileext", nil),
	textKw("filemagic", surDoc+"file-keywords.html#filemagic", nil),
	textKw("filemd5", surDoc+"file-keywords.html#filemd5", nil),
	textKw("filename", surDoc+"file-keywords.html#filename", nil),
	textKw("filesha1", surDoc+"file-keywords.html#filesha1", nil),
	textKw("filesha256", surDoc+"file-keywords.html#filesha256", nil),
	cmpKw("filesize", surDoc+"file-keywords.html#filesize"),
	argsKw("filestore", surDoc+"file-keywords.html#filestore", true, nil),
	{Name: "flags", Aliases: []string{"tcp.flags"}, Doc: surDoc + "header-keywords.html#tcp-flags", Parse: parseFlags("FSRPAUCE012", true)},
	{Name: "flow", Doc: surDoc + "flow-keywords.html#flow", Parse: parseFlow},
	cmpKw("flow.age", surDoc+"flow-keywords.html#flow-age"),
	argsKw("flow.bytes", surDoc+"flow-keywords.html#flow-bytes", false, checkFlowCounter),
	argsKw("flow.pkts", surDoc+"flow-keywords.html#flow-pkts", false, checkFlowCounter),
	{Name: "flowbits", Doc: surDoc + "flow-keywords.html#flowbits", Parse: parseFlowbits},
	{Name: "flowint", Doc: surDoc + "flow-keywords.html#flowint", Parse: parseFlowint},
	{Name: "fragbits", Doc: surDoc + "header-keywords.html#fragbits-ip-fragmentation", Parse: parseFlags("MDR", false)},
	cmpKw("fragoffset", surDoc+"header-keywords.html#fragoffset"),
	xformArg("from_base64", surDoc+"transforms.html#from-base64", true),
	sticky("ftp.command", surDoc+"ftp-keywords.html#ftp-command"),
	sticky("ftp.command_data", surDoc+"ftp-keywords.html#ftp-command-data"),
	sticky("ftp.completion_code", surDoc+"ftp-keywords.html#ftp-completion-code"),
	cmpKw("ftp.dynamic_port", surDoc+"ftp-keywords.html#ftp-dynamic-port"),
	textKw("ftp.mode", surDoc+"ftp-keywords.html#ftp-mode", wordSet("active", "passive")),
	sticky("ftp.reply", surDoc+"ftp-keywords.html#ftp-reply"),
	textKw("ftp.reply_received", surDoc+"ftp-keywords.html#ftp-reply-received", wordSet("yes", "no", "on", "off", "true", "false", "1", "0")),
	flag("ftpbounce", surDoc+"ftp-keywords.html#ftpbounce"),
	textKw("ftpdata_command", surDoc+"ftp-keywords.html#ftpdata-command", wordSet("retr", "stor")),
	uintKw("gid", surDoc+"meta.html#gid"),
	xform("header_lowercase", surDoc+"transforms.html#header-lowercase"),
	sticky("http.accept", surDoc+"http-keywords.html#http-accept", "http_accept"),
	sticky("http.accept_enc", surDoc+"http-keywords.html#http-accept-enc", "http_accept_enc"),
	sticky("http.accept_lang", surDoc+"http-keywords.html#http-accept-lang", "http_accept_lang"),
	sticky("http.connection", surDoc+"http-keywords.html#http-connection", "http_connection"),
	sticky("http.content_len", surDoc+"http-keywords.html#http-content-len", "http_content_len"),
	sticky("http.content_type", surDoc+"http-keywords.html#http-content-type", "http_content_type"),
	legacyBuf("http.cookie", surDoc+"http-keywords.html#http-cookie", "http_cookie"),
	legacyBuf("http.cookie.raw", snortDoc+"http_raw_cookie/", "http_raw_cookie"),
	legacyBuf("http.header", surDoc+"http-keywords.html#http-header-and-http-raw-header", "http_header"),
	legacyBuf("http.header.raw", surDoc+"http-keywords.html#http-header-and-http-raw-header", "http_raw_header"),
	sticky("http.header_names", surDoc+"http-keywords.html#http-header-names", "http_header_names"),
	legacyBuf("http.host", surDoc+"http-keywords.html#http-host-and-http-raw-host", "http_host"),
	legacyBuf("http.host.raw", surDoc+"http-keywords.html#http-host-and-http-raw-host", "http_raw_host"),
	sticky("http.location", surDoc+"http-keywords.html#http-location"),
	legacyBuf("http.method", surDoc+"http-keywords.html#http-method", "http_method"),
	sticky("http.protocol", surDoc+"http-keywords.html#http-protocol", "http_protocol"),
	sticky("http.referer", surDoc+"http-keywords.html#http-referer", "http_referer"),
	legacyBuf("http.request_body", surDoc+"http-keywords.html#http-client-body", "http_client_body"),
	sticky("http.request_header", surDoc+"http-keywords.html#http-request-header"),
	sticky("http.request_line", surDoc+"http-keywords.html#http-request-line", "http_request_line"),
	legacyBuf("http.response_body", surDoc+"http-keywords.html#http-server-body", "http_server_body"),
	sticky("http.response_header", surDoc+"http-keywords.html#http-response-header"),
	sticky("http.response_line", surDoc+"http-keywords.html#http-response-line", "http_response_line"),
	sticky("http.server", surDoc+"http-keywords.html#http-server"),
	sticky("http.start", surDoc+"http-keywords.html#http-start", "http_start"),
	legacyBuf("http.stat_code", surDoc+"http-keywords.html#http-stat-code", "http_stat_code"),
	legacyBuf("http.stat_msg", surDoc+"http-keywords.html#http-stat-msg", "http_stat_msg"),
	legacyBuf("http.uri", surDoc+"http-keywords.html#http-uri-and-http-uri-raw", "http_uri"),
	legacyBuf("http.uri.raw", surDoc+"http-keywords.html#http-uri-and-http-uri-raw", "http_raw_uri"),
	legacyBuf("http.user_agent", surDoc+"http-keywords.html#http-user-agent", "http_user_agent"),
	cmpOrTextKw("http2.errorcode", surDoc+"http2-keywords.html#http2-errorcode"),
	cmpOrTextKw("http2.frametype", surDoc+"http2-keywords.html#http2-frametype"),
	sticky("http2.header_name", surDoc+"http2-keywords.html#http2-header-name"),
	cmpKw("http2.priority", surDoc+"http2-keywords.html#http2-priority"),
	textKw("http2.settings", surDoc+"http2-keywords.html#http2-settings", checkHTTP2Settings),
	cmpKw("http2.size_update", surDoc+"http2-keywords.html#http2-size-update"),
	cmpKw("http2.window", surDoc+"http2-keywords.html#http2-window"),
	only(snort3Only, sticky("http_param", snortDoc+"http_param/")),
	cmpKw("icmp_id", surDoc+"header-keywords.html#icmp-id"),
	cmpKw("icmp_seq", surDoc+"header-keywords.html#icmp-seq"),
	sticky("icmpv4.hdr", surDoc+"header-keywords.html#icmpv4-hdr"),
	sticky("icmpv6.hdr", surDoc+"header-keywords.html#icmpv6-hdr"),
	cmpKw("icmpv6.mtu", surDoc+"header-keywords.html#icmpv6-mtu"),
	cmpKw("icode", surDoc+"header-keywords.html#icode"),
	cmpKw("id", surDoc+"header-keywords.html#id"),
	textKw("ike.chosen_sa_attribute", surDoc+"ike-keywords.html", nil),
	cmpKw("ike.exchtype", surDoc+"ike-keywords.html"),
	sticky("ike.init_spi", surDoc+"ike-keywords.html"),
	sticky("ike.key_exchange_payload", surDoc+"ike-keywords.html"),
	cmpKw("ike.key_exchange_payload_length", surDoc+"ike-keywords.html"),
	sticky("ike.nonce_payload", surDoc+"ike-keywords.html"),
	cmpKw("ike.nonce_payload_length", surDoc+"ike-keywords.html"),
	sticky("ike.resp_spi", surDoc+"ike-keywords.html"),
	sticky("ike.vendor", surDoc+"ike-keywords.html"),
	{Name: "ip_proto", Doc: surDoc + "header-keywords.html#ip-proto", Parse: parseIPProto},
	textKw("ipopts", surDoc+"header-keywords.html#ipopts", wordSet("rr", "eol", "nop", "ts", "sec", "esec", "lsrr", "lsrre", "ssrr", "satid", "any")),
	sticky("ipv4.hdr", surDoc+"header-keywords.html#ipv4-hdr"),
	sticky("ipv6.hdr", surDoc+"header-keywords.html#ipv6-hdr"),
	{Name: "isdataat", Doc: surDoc + "payload-keywords.html#isdataat", Parse: parseIsdataat},
	cmpKw("itype", surDoc+"header-keywords.html#itype"),
	sticky("ja3.hash", surDoc+"ja3-keywords.html#ja3-hash", "ja3_hash"),
	sticky("ja3.string", surDoc+"ja3-keywords.html#ja3-string", "ja3_string"),
	sticky("ja3s.hash", surDoc+"ja3-keywords.html#ja3s-hash", "ja3s_hash"),
	sticky("ja3s.string", surDoc+"ja3-keywords.html#ja3s-string", "ja3s_string"),
	sticky("ja4.hash", surDoc+"ja4-keywords.html"),
	only(snort3Only, sticky("js_data", snortDoc+"js_data/")),
	textKw("krb5.ticket_encryption", surDoc+"kerberos-keywords.html#krb5-ticket-encryption", nil),
	sticky("krb5_cname", surDoc+"kerberos-keywords.html#krb5-cname", "krb5.cname"),
	cmpKw("krb5_err_code", surDoc+"kerberos-keywords.html#krb5-err-code"),
	cmpKw("krb5_msg_type", surDoc+"kerberos-keywords.html#krb5-msg-type"),
	sticky("krb5_sname", surDoc+"kerberos-keywords.html#krb5-sname", "krb5.sname"),
	textKw("ldap.request.operation", surDoc+"ldap-keywords.html", nil),
	textKw("ldap.responses.operation", surDoc+"ldap-keywords.html", nil),
	{Name: "metadata", Doc: surDoc + "meta.html#metadata", Parse: parseMetadata},
	textKw("mqtt.connack.session_present", surDoc+"mqtt-keywords.html#mqtt-connack-session-present", wordSet("yes", "true", "no", "false")),
	sticky("mqtt.connect.clientid", surDoc+"mqtt-keywords.html#mqtt-connect-clientid"),
	cmpOrTextKw("mqtt.connect.flags", surDoc+"mqtt-keywords.html#mqtt-connect-flags"),
	sticky("mqtt.connect.password", surDoc+"mqtt-keywords.html#mqtt-connect-password"),
	sticky("mqtt.connect.protocol_string", surDoc+"mqtt-keywords.html#mqtt-connect-protocol-string"),
	sticky("mqtt.connect.username", surDoc+"mqtt-keywords.html#mqtt-connect-username"),
	sticky("mqtt.connect.willmessage", surDoc+"mqtt-keywords.html#mqtt-connect-willmessage"),
	sticky("mqtt.connect.willtopic", surDoc+"mqtt-keywords.html#mqtt-connect-willtopic"),
	cmpOrTextKw("mqtt.flags", surDoc+"mqtt-keywords.html#mqtt-flags"),
	cmpKw("mqtt.protocol_version", surDoc+"mqtt-keywords.html#mqtt-protocol-version"),
	sticky("mqtt.publish.message", surDoc+"mqtt-keywords.html#mqtt-publish-message"),
	sticky("mqtt.publish.topic", surDoc+"mqtt-keywords.html#mqtt-publish-topic"),
	uintKw("mqtt.qos", surDoc+"mqtt-keywords.html#mqtt-qos"),
	withAliases(cmpKw("mqtt.reason_code", surDoc+"mqtt-keywords.html#mqtt-reason-code"), "mqtt.connack.return_code"),
	sticky("mqtt.subscribe.topic", surDoc+"mqtt-keywords.html#mqtt-subscribe-topic"),
	cmpOrTextKw("mqtt.type", surDoc+"mqtt-keywords.html#mqtt-type"),
	sticky("mqtt.unsubscribe.topic", surDoc+"mqtt-keywords.html#mqtt-unsubscribe-topic"),
	textKw("msg", surDoc+"meta.html#msg", nil),
	flag("noalert", surDoc+"flow-keywords.html#noalert"),
	{Name: "nocase", Doc: surDoc + "payload-keywords.html#nocase", Mod: modNocase},
	{Name: "offset", Doc: surDoc + "payload-keywords.html#offset", Mod: modOffset},
	{Name: "pcre", Doc: surDoc + "pcre.html", Parse: parsePCRE},
	xformArg("pcrexform", surDoc+"transforms.html#pcrexform", false),
	sticky("pkt_data", surDoc+"payload-keywords.html#pkt-data"),
	flag("prefilter", surDoc+"prefilter-keywords.html#prefilter"),
	uintKw("priority", surDoc+"meta.html#priority"),
	only(snort3Only, sticky("raw_data", snortDoc+"raw_data/")),
	{Name: "rawbytes", Doc: surDoc + "payload-keywords.html#rawbytes", Mod: modRawbytes},
	{Name: "reference", Doc: surDoc + "meta.html#reference", Parse: parseReference},
	only(snort3Only, textKw("rem", snortDoc+"rem/", nil)),
	textKw("replace", surDoc+"payload-keywords.html#replace", nil),
	textKw("requires", surDoc+"meta.html#requires", nil),
	uintKw("rev", surDoc+"meta.html#rev"),
	sticky("rfb.name", surDoc+"rfb-keywords.html"),
	textKw("rfb.secresult", surDoc+"rfb-keywords.html", nil),
	cmpKw("rfb.sectype", surDoc+"rfb-keywords.html"),
	flag("sameip", surDoc+"header-keywords.html#sameip"),
	cmpKw("seq", surDoc+"header-keywords.html#seq"),
	only(snort3Only, listKw("service", snortDoc+"service/")),
	uintKw("sid", surDoc+"meta.html#sid"),
	sticky("sip.content_length", surDoc+"sip-keywords.html"),
	sticky("sip.content_type", surDoc+"sip-keywords.html"),
	sticky("sip.from", surDoc+"sip-keywords.html"),
	sticky("sip.method", surDoc+"sip-keywords.html"),
	sticky("sip.protocol", surDoc+"sip-keywords.html"),
	sticky("sip.request_line", surDoc+"sip-keywords.html"),
	sticky("sip.response_line", surDoc+"sip-keywords.html"),
	sticky("sip.stat_code", surDoc+"sip-keywords.html"),
	sticky("sip.stat_msg", surDoc+"sip-keywords.html"),
	sticky("sip.to", surDoc+"sip-keywords.html"),
	sticky("sip.uri", surDoc+"sip-keywords.html"),
	sticky("sip.user_agent", surDoc+"sip-keywords.html"),
	sticky("sip.via", surDoc+"sip-keywords.html"),
	only(snortOnly, sticky("sip_header", snortDoc+"sip_header/")),
	only(snortOnly, textKw("sip_method", snortDoc+"sip_method/", nil)),
	only(snortOnly, textKw("sip_stat_code", snortDoc+"sip_stat_code/", nil)),
	sticky("smb.named_pipe", surDoc+"smb-keywords.html", "smb_named_pipe"),
	sticky("smb.share", surDoc+"smb-keywords.html", "smb_share"),
	sticky("smtp.helo", surDoc+"smtp-keywords.html#smtp-helo"),
	sticky("smtp.mail_from", surDoc+"smtp-keywords.html#smtp-mail-from"),
	sticky("smtp.rcpt_to", surDoc+"smtp-keywords.html#smtp-rcpt-to"),
	sticky("snmp.community", surDoc+"snmp-keywords.html#snmp-community"),
	cmpKw("snmp.pdu_type", surDoc+"snmp-keywords.html"),
	sticky("snmp.usm", surDoc+"snmp-keywords.html#snmp-usm"),
	cmpKw("snmp.version", surDoc+"snmp-keywords.html"),
	sticky("ssh.proto", surDoc+"ssh-keywords.html#ssh-proto", "ssh_proto"),
	textKw("ssh.protoversion", surDoc+"ssh-keywords.html", nil),
	sticky("ssh.software", surDoc+"ssh-keywords.html#ssh-software", "ssh_software"),
	textKw("ssh.softwareversion", surDoc+"ssh-keywords.html", nil),
	orListKw("ssl_state", surDoc+"tls-keywords.html#ssl-state", "client_hello", "server_hello", "client_keyx", "server_keyx", "unknown"),
	listKw("ssl_version", surDoc+"tls-keywords.html#ssl-version", "sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"),
	{Name: "startswith", Doc: surDoc + "payload-keywords.html#startswith", Mod: modStartswith},
	textKw("stream-event", surDoc+"decode-layer.html", isEventName),
	{Name: "stream_size", Doc: surDoc + "flow-keywords.html#stream-size", Parse: parseStreamSize},
	xform("strip_pseudo_headers", surDoc+"transforms.html#strip-pseudo-headers"),
	xform("strip_whitespace", surDoc+"transforms.html#strip-whitespace"),
	{Name: "tag", Doc: surDoc + "tag.html", Parse: parseTag},
	textKw("target", surDoc+"meta.html#target", wordSet("src_ip", "dest_ip")),
	sticky("tcp.hdr", surDoc+"header-keywords.html#tcp-hdr"),
	cmpKw("tcp.mss", surDoc+"header-keywords.html#tcp-mss"),
	{Name: "threshold", Doc: surDoc + "thresholding.html#threshold", Parse: parseThreshold},
	xform("tld", surDoc+"transforms.html#tld"),
	cmpKw("tls.cert_chain_len", surDoc+"tls-keywords.html#tls-cert-chain-len"),
	flag("tls.cert_expired", surDoc+"tls-keywords.html#tls-cert-expired"),
	sticky("tls.cert_fingerprint", surDoc+"tls-keywords.html#tls-cert-fingerprint", "tls_cert_fingerprint"),
	sticky("tls.cert_issuer", surDoc+"tls-keywords.html#tls-cert-issuer", "tls_cert_issuer"),
	sticky("tls.cert_serial", surDoc+"tls-keywords.html#tls-cert-serial", "tls_cert_serial"),
	sticky("tls.cert_subject", surDoc+"tls-keywords.html#tls-cert-subject", "tls_cert_subject"),
	flag("tls.cert_valid", surDoc+"tls-keywords.html#tls-cert-valid"),
	sticky("tls.certs", surDoc+"tls-keywords.html#tls-certs"),
	textKw("tls.fingerprint", surDoc+"tls-keywords.html#tls-fingerprint", nil),
	textKw("tls.issuerdn", surDoc+"tls-keywords.html#tls-issuerdn", nil),
	sticky("tls.random", surDoc+"tls-keywords.html#tls-random"),
	sticky("tls.random_bytes", surDoc+"tls-keywords.html#tls-random-bytes"),
	sticky("tls.random_time", surDoc+"tls-keywords.html#tls-random-time"),
	sticky("tls.sni", surDoc+"tls-keywords.html#tls-sni", "tls_sni"),
	flag("tls.store", surDoc+"tls-keywords.html#tls-store"),
	textKw("tls.subject", surDoc+"tls-keywords.html#tls-subject", nil),
	textKw("tls.version", surDoc+"tls-keywords.html#tls-version", nil),
	xform("to_lowercase", surDoc+"transforms.html#to-lowercase"),
	xform("to_md5", surDoc+"transforms.html#to-md5"),
	xform("to_sha1", surDoc+"transforms.html#to-sha1"),
	xform("to_sha256", surDoc+"transforms.html#to-sha256"),
	xform("to_uppercase", surDoc+"transforms.html#to-uppercase"),
	cmpKw("tos", surDoc+"header-keywords.html#tos"),
	cmpKw("ttl", surDoc+"header-keywords.html#ttl"),
	sticky("udp.hdr", surDoc+"header-keywords.html#udp-hdr"),
	cmpKw("urilen", surDoc+"http-keywords.html#urilen", "norm", "raw"),
	xform("url_decode", surDoc+"transforms.html#url-decode"),
	cmpKw("vlan.layers", surDoc+"header-keywords.html#vlan-layers"),
	sticky("websocket.payload", surDoc+"websocket-keywords.html"),
	cmpKw("window", surDoc+"header-keywords.html#window"),
	{Name: "within", Doc: surDoc + "payload-keywords.html#within", Mod: modWithin},
	{Name: "xbits", Doc: surDoc + "xbits.html", Parse: parseXbits},
	xformArg("xor", surDoc+"transforms.html#xor", false),
	xformArg("zlib_deflate", surDoc+"transforms.html#zlib-deflate", true),
}
