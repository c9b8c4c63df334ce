package detect

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// keyword is one entry of the keyword table: what the parser needs (name,
// spellings, value parser, documentation) and how to compile the parsed
// option into a signature. compile is nil for a keyword Vigil parses but
// cannot evaluate: a rule using it is skipped as unsupported.
type keyword struct {
	ruleparser.Keyword
	compile func(b *sigBuilder, o ruleparser.Option) error
	// supported, when set, tells without compiling whether compile
	// would refuse an option as unsupported (Check): for a keyword that
	// evaluates some of its values only.
	supported func(o ruleparser.Option) error
}

// spec pairs a keyword's value parser with its compile step. Both use the
// same option type T, so the Go compiler checks that the compile step gets
// what the parser produces; the one conversion back from the
// ruleparser.Option the AST holds is here, and cannot fail for an option
// the parser built from this entry.
func spec[T ruleparser.Option](k ruleparser.Keyword, parse func(*ruleparser.Arg) (T, error), compile func(*sigBuilder, T) error) keyword {
	k.Parse = func(a *ruleparser.Arg) (ruleparser.Option, error) {
		o, err := parse(a)
		if err != nil {
			return nil, err
		}
		return o, nil
	}
	e := keyword{Keyword: k}
	if compile != nil {
		e.compile = func(b *sigBuilder, o ruleparser.Option) error {
			t, ok := o.(T)
			if !ok {
				return errBadValue(fmt.Sprintf("option %s was not parsed by its keyword's parser", o.Keyword()))
			}
			return compile(b, t)
		}
	}
	return e
}

// kw names a keyword: canonical name, documentation URL and other
// spellings.
func kw(name, doc string, aliases ...string) ruleparser.Keyword {
	return ruleparser.Keyword{Name: name, Doc: doc, Aliases: aliases}
}

// sticky is a sticky buffer keyword. It compiles when detect has the
// buffer (bufByName); otherwise rules using it are unsupported.
func sticky(k ruleparser.Keyword) keyword {
	buf, ok := bufByName[k.Name]
	if !ok {
		return spec(k, ruleparser.ParseSticky, nil)
	}
	return spec(k, ruleparser.ParseSticky, compileOpen(buf))
}

// legacyBuf is a sticky buffer whose legacy spelling is also a content
// modifier (Suricata/Snort 2 "content:..; http_uri;").
func legacyBuf(name, doc, legacy string) keyword {
	e := sticky(kw(name, doc, legacy))
	e.Legacy = []string{legacy}
	e.Mod = ruleparser.ModLegacyBuffer
	return e
}

// mod is a content modifier written as an option of its own (nocase,
// depth, ...); the parser folds it into the preceding content, so it never
// reaches compile as an option.
func mod(name, doc string, f func(*ruleparser.Arg, *ruleparser.Content) error) keyword {
	return keyword{Keyword: ruleparser.Keyword{Name: name, Doc: doc, Mod: f}}
}

var (
	snort3Only = []ruleparser.Dialect{ruleparser.DialectSnort3}
	snortOnly  = []ruleparser.Dialect{ruleparser.DialectSnort2, ruleparser.DialectSnort3}
)

// only restricts a keyword to some dialects; elsewhere it is unknown.
func only(d []ruleparser.Dialect, e keyword) keyword {
	e.Only = d
	return e
}

// withSupported sets an entry's supported check.
func withSupported(e keyword, f func(ruleparser.Option) error) keyword {
	e.supported = f
	return e
}

// nop compiles an option that has nothing to evaluate (metadata read by
// rules and output, hints).
func nop[T any](*sigBuilder, T) error { return nil }

// compileOpen opens a list of the sticky buffer buf.
func compileOpen(buf Buf) func(*sigBuilder, *ruleparser.Buffer) error {
	return func(b *sigBuilder, _ *ruleparser.Buffer) error { return b.openList(buf) }
}

const (
	surDoc   = "https://docs.suricata.io/en/latest/rules/"
	snortDoc = "https://docs.snort.org/rules/options/"
)

// table is the one list of keywords, sorted by name: the parser takes
// every keyword's spellings and value parser from it (through Keywords()),
// and compiling takes the compile step. TestKeywordTable keeps it sorted
// and its spellings unique; TestEveryKeyword parses, prints, re-parses and
// compiles a sample of each entry. A keyword whose compile step is nil is
// parsed but not evaluated. The table is a literal, not init()
// registration, so that a test can build a Keywords from a subset.
var table = []keyword{
	spec(kw("absent", surDoc+"payload-keywords.html#absent"), ruleparser.ArgsWith(true, checkAbsent), setupAbsent),
	// Suricata 8's canonical names of ack, seq and window are tcp.ack,
	// tcp.seq and tcp.window; rules use both.
	spec(kw("ack", surDoc+"header-keywords.html#ack", "tcp.ack"), ruleparser.ParseCompare, cmpSetup(fieldAck)),
	spec(kw("alert", surDoc+"noalert.html#alert"), ruleparser.ParseFlag, setupAlert),
	withSupported(spec(kw("app-layer-event", surDoc+"app-layer.html#app-layer-event"), ruleparser.ArgsWith(false, ruleparser.OneWord), setupAppLayerEvent), supportedAppLayerEvent),
	spec(kw("app-layer-protocol", surDoc+"app-layer.html#app-layer-protocol"), ruleparser.ArgsWith(false, checkAppLayerProtocol), setupAppLayerProtocol),
	spec(kw("asn1", surDoc+"payload-keywords.html#asn1"), ruleparser.ArgsWith(false, checkASN1), setupASN1),
	spec(kw("base64_data", surDoc+"base64-keywords.html#base64-data"), ruleparser.ParseSticky, setupBase64Data),
	spec(kw("base64_decode", surDoc+"base64-keywords.html#base64-decode"), ruleparser.ParseBase64Decode, setupBase64Decode),
	only(snort3Only, spec(kw("ber_data", snortDoc+"ber_data/"), ruleparser.ArgsWith(false, ruleparser.OneWord), setupBER(false))),
	only(snort3Only, spec(kw("ber_skip", snortDoc+"ber_skip/"), ruleparser.ArgsWith(false, checkBerSkip), setupBER(true))),
	spec(kw("bsize", surDoc+"payload-keywords.html#bsize"), ruleparser.ParseCompare, setupBsize),
	only(snort3Only, spec(kw("bufferlen", snortDoc+"bufferlen/"), ruleparser.CompareWith("relative"), setupBufferlen)),
	spec(kw("bypass", surDoc+"flow-keywords.html#bypass"), ruleparser.ParseFlag, setupBypass),
	spec(kw("byte_extract", surDoc+"payload-keywords.html#byte-extract"), ruleparser.ParseByteExtract, setupByteExtract),
	spec(kw("byte_jump", surDoc+"payload-keywords.html#byte-jump"), ruleparser.ParseByteJump, setupByteJump),
	spec(kw("byte_math", surDoc+"payload-keywords.html#byte-math"), ruleparser.ParseByteMath, setupByteMath),
	spec(kw("byte_test", surDoc+"payload-keywords.html#byte-test"), ruleparser.ParseByteTest, setupByteTest),
	spec(kw("cip_service", surDoc+"enip-keyword.html#cip-service"), ruleparser.ParseText, setupCIPService),
	spec(kw("classtype", surDoc+"meta.html#classtype"), ruleparser.TextWith(ruleparser.CheckClasstype), nop),
	spec(kw("compress_whitespace", surDoc+"transforms.html#compress-whitespace"), ruleparser.ParseTransform, transformSetup(compressWhitespace{})),
	spec(kw("content", surDoc+"payload-keywords.html#content", "uricontent"), ruleparser.ParseContent, setupContent),
	spec(kw("dce_iface", surDoc+"dcerpc-keywords.html#dcerpc-iface", "dcerpc.iface"), ruleparser.ParseText, setupDceIface),
	spec(kw("dce_opnum", surDoc+"dcerpc-keywords.html#dcerpc-opnum", "dcerpc.opnum"), ruleparser.ParseText, setupDceOpnum),
	sticky(kw("dce_stub_data", surDoc+"dcerpc-keywords.html#dcerpc-stub-data", "dcerpc.stub_data")),
	spec(kw("decode-event", surDoc+"decode-layer.html"), ruleparser.TextWith(ruleparser.CheckEventName), nil),
	mod("depth", surDoc+"payload-keywords.html#depth", ruleparser.ModDepth),
	spec(kw("detection_filter", surDoc+"thresholding.html#detection-filter"), ruleparser.ParseThreshold, setupThreshold),
	spec(kw("dhcp.leasetime", surDoc+"dhcp-keywords.html#dhcp-leasetime"), ruleparser.ParseText, enipUint(bufid.DHCPLeaseTime, 4, noNames)),
	spec(kw("dhcp.rebinding_time", surDoc+"dhcp-keywords.html#dhcp-rebinding-time"), ruleparser.ParseText, enipUint(bufid.DHCPRebindingTime, 4, noNames)),
	spec(kw("dhcp.renewal_time", surDoc+"dhcp-keywords.html#dhcp-renewal-time"), ruleparser.ParseText, enipUint(bufid.DHCPRenewalTime, 4, noNames)),
	mod("distance", surDoc+"payload-keywords.html#distance", ruleparser.ModDistance),
	sticky(kw("dnp3_data", surDoc+"dnp3-keywords.html#dnp3-data", "dnp3.data")),
	spec(kw("dnp3_func", surDoc+"dnp3-keywords.html#dnp3-func", "dnp3.func"), ruleparser.ParseText, setupDNP3Func),
	spec(kw("dnp3_ind", surDoc+"dnp3-keywords.html#dnp3-ind", "dnp3.ind"), ruleparser.ParseText, setupDNP3Ind),
	spec(kw("dnp3_obj", surDoc+"dnp3-keywords.html#dnp3-obj", "dnp3.obj"), ruleparser.ParseText, setupDNP3Obj),
	sticky(kw("dns.additionals.rrname", surDoc+"dns-keywords.html")),
	// dns.answer.name and dns.query.name (Suricata 8) inspect the same
	// names, in requests and responses alike.
	sticky(kw("dns.answers.rrname", surDoc+"dns-keywords.html", "dns.answer.name")),
	sticky(kw("dns.authorities.rrname", surDoc+"dns-keywords.html")),
	spec(kw("dns.opcode", surDoc+"dns-keywords.html#dns-opcode"), ruleparser.ParseCompare, setupDNSOpcode),
	sticky(kw("dns.queries.rrname", surDoc+"dns-keywords.html", "dns.query.name")),
	sticky(kw("dns.query", surDoc+"dns-keywords.html#dns-query", "dns_query")),
	spec(kw("dns.rcode", surDoc+"dns-keywords.html#dns-rcode"), ruleparser.ParseCompare, setupDNSRcode),
	sticky(kw("dns.response.rrname", surDoc+"dns-keywords.html")),
	spec(kw("dns.rrtype", surDoc+"dns-keywords.html#dns-rrtype"), ruleparser.ParseCompare, setupDNSRRType),
	spec(kw("domain", surDoc+"transforms.html#domain"), ruleparser.ParseTransform, transformSetup(registrableDomain{})),
	spec(kw("dotprefix", surDoc+"transforms.html#dotprefix"), ruleparser.ParseTransform, transformSetup(dotPrefix{})),
	spec(kw("dsize", surDoc+"payload-keywords.html#dsize"), ruleparser.ParseCompare, cmpSetup(fieldDsize)),
	sticky(kw("email.cc", surDoc+"email-keywords.html#email-cc")),
	sticky(kw("email.date", surDoc+"email-keywords.html#email-date")),
	sticky(kw("email.from", surDoc+"email-keywords.html#email-from")),
	sticky(kw("email.message_id", surDoc+"email-keywords.html#email-message-id")),
	sticky(kw("email.received", surDoc+"email-keywords.html#email-received")),
	sticky(kw("email.subject", surDoc+"email-keywords.html#email-subject")),
	sticky(kw("email.to", surDoc+"email-keywords.html#email-to")),
	sticky(kw("email.x_mailer", surDoc+"email-keywords.html#email-x-mailer")),
	mod("endswith", surDoc+"payload-keywords.html#endswith", ruleparser.ModEndswith),
	spec(kw("enip.capabilities", surDoc+"enip-keyword.html#enip-capabilities"), ruleparser.ParseText, enipUint(bufid.ENIPCapabilities, 2, noNames)),
	spec(kw("enip.cip_attribute", surDoc+"enip-keyword.html#enip-cip-attribute"), ruleparser.ParseText, enipList(bufid.ENIPCIPAttribute, 4)),
	spec(kw("enip.cip_class", surDoc+"enip-keyword.html#enip-cip-class"), ruleparser.ParseText, enipList(bufid.ENIPCIPClass, 4)),
	spec(kw("enip.cip_extendedstatus", surDoc+"enip-keyword.html#enip-cip-extendedstatus"), ruleparser.ParseText, enipList(bufid.ENIPCIPExtStatus, 2)),
	spec(kw("enip.cip_instance", surDoc+"enip-keyword.html#enip-cip-instance"), ruleparser.ParseText, enipList(bufid.ENIPCIPInstance, 4)),
	spec(kw("enip.cip_status", surDoc+"enip-keyword.html#enip-cip-status"), ruleparser.ParseText, enipList(bufid.ENIPCIPStatus, 1)),
	spec(kw("enip.device_type", surDoc+"enip-keyword.html#enip-device-type"), ruleparser.ParseText, enipUint(bufid.ENIPDeviceType, 2, noNames)),
	spec(kw("enip.identity_status", surDoc+"enip-keyword.html#enip-identity-status"), ruleparser.ParseText, enipUint(bufid.ENIPIdentityStatus, 2, noNames)),
	spec(kw("enip.product_code", surDoc+"enip-keyword.html#enip-product-code"), ruleparser.ParseText, enipUint(bufid.ENIPProductCode, 2, noNames)),
	sticky(kw("enip.product_name", surDoc+"enip-keyword.html#enip-product-name")),
	spec(kw("enip.protocol_version", surDoc+"enip-keyword.html#enip-protocol-version"), ruleparser.ParseText, enipUint(bufid.ENIPProtocolVersion, 2, noNames)),
	spec(kw("enip.revision", surDoc+"enip-keyword.html#enip-revision"), ruleparser.ParseText, enipUint(bufid.ENIPRevision, 2, noNames)),
	spec(kw("enip.serial", surDoc+"enip-keyword.html#enip-serial"), ruleparser.ParseText, enipUint(bufid.ENIPSerial, 4, noNames)),
	sticky(kw("enip.service_name", surDoc+"enip-keyword.html#enip-service-name")),
	spec(kw("enip.state", surDoc+"enip-keyword.html#enip-state"), ruleparser.ParseText, enipUint(bufid.ENIPState, 1, noNames)),
	spec(kw("enip.status", surDoc+"enip-keyword.html#enip-status"), ruleparser.ParseText, enipUint(bufid.ENIPStatus, 4, byName(enipStatuses))),
	spec(kw("enip.vendor_id", surDoc+"enip-keyword.html#enip-vendor-id"), ruleparser.ParseText, enipUint(bufid.ENIPVendorID, 2, noNames)),
	spec(kw("enip_command", surDoc+"enip-keyword.html#enip-command"), ruleparser.ParseText, enipUint(bufid.ENIPCommand, 2, byName(enipCommands))),
	spec(kw("entropy", surDoc+"payload-keywords.html#entropy"), ruleparser.ArgsWith(false, checkEntropy), setupEntropy),
	mod("fast_pattern", surDoc+"fast-pattern.html", ruleparser.ModFastPattern),
	sticky(kw("file.data", surDoc+"file-keywords.html#file-data", "file_data")),
	sticky(kw("file.name", surDoc+"file-keywords.html#file-name")),
	spec(kw("fileext", surDoc+"file-keywords.html#fileext"), ruleparser.ParseText, setupFileext),
	spec(kw("filemagic", surDoc+"file-keywords.html#filemagic"), ruleparser.ParseText, nil),
	spec(kw("filemd5", surDoc+"file-keywords.html#filemd5"), ruleparser.ParseText, setupFilemd5),
	spec(kw("filename", surDoc+"file-keywords.html#filename"), ruleparser.ParseText, setupFilename),
	spec(kw("filesha1", surDoc+"file-keywords.html#filesha1"), ruleparser.ParseText, nil),
	spec(kw("filesha256", surDoc+"file-keywords.html#filesha256"), ruleparser.ParseText, nil),
	spec(kw("filesize", surDoc+"file-keywords.html#filesize"), ruleparser.ParseCompare, setupFilesize),
	spec(kw("filestore", surDoc+"file-keywords.html#filestore"), ruleparser.ArgsWith(true, nil), nil),
	spec(kw("flags", surDoc+"header-keywords.html#tcp-flags", "tcp.flags"), ruleparser.FlagsParser("FSRPAUCE012", true), setupFlags),
	spec(kw("flow", surDoc+"flow-keywords.html#flow"), ruleparser.ParseFlow, setupFlow),
	spec(kw("flow.age", surDoc+"flow-keywords.html#flow-age"), ruleparser.ParseCompare, cmpSetup(fieldFlowAge)),
	spec(kw("flow.bytes", surDoc+"flow-keywords.html#flow-bytes"), ruleparser.ArgsWith(false, ruleparser.CheckFlowCounter), flowCountSetup(true)),
	spec(kw("flow.bytes_toclient", surDoc+"flow-keywords.html#flow-bytes"), ruleparser.ParseCompare, flowCountDirSetup(true, bufid.ToClient)),
	spec(kw("flow.bytes_toserver", surDoc+"flow-keywords.html#flow-bytes"), ruleparser.ParseCompare, flowCountDirSetup(true, bufid.ToServer)),
	spec(kw("flow.pkts", surDoc+"flow-keywords.html#flow-pkts"), ruleparser.ArgsWith(false, ruleparser.CheckFlowCounter), flowCountSetup(false)),
	spec(kw("flow.pkts_toclient", surDoc+"flow-keywords.html#flow-pkts"), ruleparser.ParseCompare, flowCountDirSetup(false, bufid.ToClient)),
	spec(kw("flow.pkts_toserver", surDoc+"flow-keywords.html#flow-pkts"), ruleparser.ParseCompare, flowCountDirSetup(false, bufid.ToServer)),
	spec(kw("flowbits", surDoc+"flow-keywords.html#flowbits"), ruleparser.ParseFlowbits, setupFlowbits),
	spec(kw("flowint", surDoc+"flow-keywords.html#flowint"), ruleparser.ParseFlowint, setupFlowint),
	spec(kw("flowvar", surDoc+"flow-keywords.html"), ruleparser.TextWith(checkVarTest), varTestSetup(true)),
	spec(kw("fragbits", surDoc+"header-keywords.html#fragbits-ip-fragmentation"), ruleparser.FlagsParser("MDR", false), setupFragbits),
	spec(kw("fragoffset", surDoc+"header-keywords.html#fragoffset"), ruleparser.ParseCompare, cmpSetup(fieldFragOffset)),
	spec(kw("from_base64", surDoc+"transforms.html#from-base64"), ruleparser.TransformArg(true), setupFromBase64),
	sticky(kw("ftp.command", surDoc+"ftp-keywords.html#ftp-command")),
	sticky(kw("ftp.command_data", surDoc+"ftp-keywords.html#ftp-command-data")),
	sticky(kw("ftp.completion_code", surDoc+"ftp-keywords.html#ftp-completion-code")),
	spec(kw("ftp.dynamic_port", surDoc+"ftp-keywords.html#ftp-dynamic-port"), ruleparser.ParseCompare, setupFTPDynamicPort),
	spec(kw("ftp.mode", surDoc+"ftp-keywords.html#ftp-mode"), ruleparser.TextWith(ruleparser.WordSet("active", "passive")), setupFTPMode),
	sticky(kw("ftp.reply", surDoc+"ftp-keywords.html#ftp-reply")),
	spec(kw("ftp.reply_received", surDoc+"ftp-keywords.html#ftp-reply-received"), ruleparser.TextWith(ruleparser.WordSet("yes", "no", "on", "off", "true", "false", "1", "0")), setupFTPReplyReceived),
	spec(kw("ftpbounce", surDoc+"ftp-keywords.html#ftpbounce"), ruleparser.ParseFlag, setupFTPBounce),
	spec(kw("ftpdata_command", surDoc+"ftp-keywords.html#ftpdata-command"), ruleparser.TextWith(ruleparser.WordSet("retr", "stor")), setupFTPDataCommand),
	spec(kw("gid", surDoc+"meta.html#gid"), ruleparser.ParseUint, nop),
	spec(kw("gunzip", surDoc+"transforms.html#gunzip"), ruleparser.TransformArg(true), setupGunzip),
	spec(kw("header_lowercase", surDoc+"transforms.html#header-lowercase"), ruleparser.ParseTransform, transformSetup(headerLowercase{})),
	spec(kw("hostbits", surDoc+"xbits.html"), ruleparser.ArgsWith(false, checkHostbits), setupHostbits),
	sticky(kw("http.accept", surDoc+"http-keywords.html#http-accept", "http_accept")),
	sticky(kw("http.accept_enc", surDoc+"http-keywords.html#http-accept-enc", "http_accept_enc")),
	sticky(kw("http.accept_lang", surDoc+"http-keywords.html#http-accept-lang", "http_accept_lang")),
	sticky(kw("http.connection", surDoc+"http-keywords.html#http-connection", "http_connection")),
	sticky(kw("http.content_len", surDoc+"http-keywords.html#http-content-len", "http_content_len")),
	sticky(kw("http.content_type", surDoc+"http-keywords.html#http-content-type", "http_content_type")),
	legacyBuf("http.cookie", surDoc+"http-keywords.html#http-cookie", "http_cookie"),
	legacyBuf("http.cookie.raw", snortDoc+"http_raw_cookie/", "http_raw_cookie"),
	legacyBuf("http.header", surDoc+"http-keywords.html#http-header-and-http-raw-header", "http_header"),
	legacyBuf("http.header.raw", surDoc+"http-keywords.html#http-header-and-http-raw-header", "http_raw_header"),
	sticky(kw("http.header_names", surDoc+"http-keywords.html#http-header-names", "http_header_names")),
	legacyBuf("http.host", surDoc+"http-keywords.html#http-host-and-http-raw-host", "http_host"),
	legacyBuf("http.host.raw", surDoc+"http-keywords.html#http-host-and-http-raw-host", "http_raw_host"),
	sticky(kw("http.location", surDoc+"http-keywords.html#http-location")),
	legacyBuf("http.method", surDoc+"http-keywords.html#http-method", "http_method"),
	sticky(kw("http.protocol", surDoc+"http-keywords.html#http-protocol", "http_protocol")),
	sticky(kw("http.referer", surDoc+"http-keywords.html#http-referer", "http_referer")),
	legacyBuf("http.request_body", surDoc+"http-keywords.html#http-client-body", "http_client_body"),
	sticky(kw("http.request_header", surDoc+"http-keywords.html#http-request-header")),
	sticky(kw("http.request_line", surDoc+"http-keywords.html#http-request-line", "http_request_line")),
	legacyBuf("http.response_body", surDoc+"http-keywords.html#http-server-body", "http_server_body"),
	sticky(kw("http.response_header", surDoc+"http-keywords.html#http-response-header")),
	sticky(kw("http.response_line", surDoc+"http-keywords.html#http-response-line", "http_response_line")),
	sticky(kw("http.server", surDoc+"http-keywords.html#http-server")),
	sticky(kw("http.start", surDoc+"http-keywords.html#http-start", "http_start")),
	legacyBuf("http.stat_code", surDoc+"http-keywords.html#http-stat-code", "http_stat_code"),
	legacyBuf("http.stat_msg", surDoc+"http-keywords.html#http-stat-msg", "http_stat_msg"),
	legacyBuf("http.uri", surDoc+"http-keywords.html#http-uri-and-http-uri-raw", "http_uri"),
	legacyBuf("http.uri.raw", surDoc+"http-keywords.html#http-uri-and-http-uri-raw", "http_raw_uri"),
	legacyBuf("http.user_agent", surDoc+"http-keywords.html#http-user-agent", "http_user_agent"),
	spec(kw("http2.errorcode", surDoc+"http2-keywords.html#http2-errorcode"), ruleparser.ParseCompareOrText, setupHTTP2ErrorCode),
	spec(kw("http2.frametype", surDoc+"http2-keywords.html#http2-frametype"), ruleparser.ParseCompareOrText, setupHTTP2FrameType),
	sticky(kw("http2.header_name", surDoc+"http2-keywords.html#http2-header-name")),
	spec(kw("http2.priority", surDoc+"http2-keywords.html#http2-priority"), ruleparser.ParseCompare, http2CmpSetup(bufid.HTTP2Priority, 1)),
	spec(kw("http2.settings", surDoc+"http2-keywords.html#http2-settings"), ruleparser.TextWith(ruleparser.CheckHTTP2Settings), setupHTTP2Settings),
	spec(kw("http2.size_update", surDoc+"http2-keywords.html#http2-size-update"), ruleparser.ParseCompare, http2CmpSetup(bufid.HTTP2SizeUpdate, 8)),
	spec(kw("http2.window", surDoc+"http2-keywords.html#http2-window"), ruleparser.ParseCompare, http2CmpSetup(bufid.HTTP2Window, 4)),
	only(snort3Only, spec(kw("http_param", snortDoc+"http_param/"), ruleparser.ParseSticky, setupHTTPParam)),
	spec(kw("icmp_id", surDoc+"header-keywords.html#icmp-id"), ruleparser.ParseCompare, cmpSetup(fieldICMPID)),
	spec(kw("icmp_seq", surDoc+"header-keywords.html#icmp-seq"), ruleparser.ParseCompare, cmpSetup(fieldICMPSeq)),
	spec(kw("icmpv4-csum", surDoc+"header-keywords.html#icmpv4-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(4, 1)),
	sticky(kw("icmpv4.hdr", surDoc+"header-keywords.html#icmpv4-hdr")),
	spec(kw("icmpv6-csum", surDoc+"header-keywords.html#icmpv6-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(6, 58)),
	sticky(kw("icmpv6.hdr", surDoc+"header-keywords.html#icmpv6-hdr")),
	spec(kw("icmpv6.mtu", surDoc+"header-keywords.html#icmpv6-mtu"), ruleparser.ParseCompare, cmpSetup(fieldICMPv6MTU)),
	spec(kw("icode", surDoc+"header-keywords.html#icode"), ruleparser.ParseCompare, cmpSetup(fieldICODE)),
	spec(kw("id", surDoc+"header-keywords.html#id"), ruleparser.ParseCompare, cmpSetup(fieldIPID)),
	spec(kw("ike.chosen_sa_attribute", surDoc+"ike-keywords.html#ike-chosen-sa-attribute"), ruleparser.ParseText, setupChosenSA),
	spec(kw("ike.exchtype", surDoc+"ike-keywords.html#ike-exchtype"), ruleparser.ParseCompare, setupIKEExchType),
	sticky(kw("ike.init_spi", surDoc+"ike-keywords.html")),
	sticky(kw("ike.key_exchange_payload", surDoc+"ike-keywords.html")),
	spec(kw("ike.key_exchange_payload_length", surDoc+"ike-keywords.html#ike-key-exchange-payload-length"), ruleparser.ParseCompare, u32BufSetup(bufid.IKEKeyExchangeLen)),
	sticky(kw("ike.nonce_payload", surDoc+"ike-keywords.html")),
	spec(kw("ike.nonce_payload_length", surDoc+"ike-keywords.html#ike-nonce-payload-length"), ruleparser.ParseCompare, u32BufSetup(bufid.IKENonceLen)),
	sticky(kw("ike.resp_spi", surDoc+"ike-keywords.html")),
	sticky(kw("ike.vendor", surDoc+"ike-keywords.html")),
	spec(kw("ip_proto", surDoc+"header-keywords.html#ip-proto"), ruleparser.ParseIPProto, setupIPProto),
	spec(kw("ipopts", surDoc+"header-keywords.html#ipopts"), ruleparser.TextWith(ruleparser.WordSet("rr", "eol", "nop", "ts", "sec", "esec", "lsrr", "lsrre", "ssrr", "satid", "any")), setupIPOpts),
	spec(kw("ipv4-csum", surDoc+"header-keywords.html#ipv4-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(4, 0)),
	sticky(kw("ipv4.hdr", surDoc+"header-keywords.html#ipv4-hdr")),
	sticky(kw("ipv6.hdr", surDoc+"header-keywords.html#ipv6-hdr")),
	spec(kw("isdataat", surDoc+"payload-keywords.html#isdataat"), ruleparser.ParseIsdataat, setupIsdataat),
	spec(kw("itype", surDoc+"header-keywords.html#itype"), ruleparser.ParseCompare, cmpSetup(fieldITYPE)),
	sticky(kw("ja3.hash", surDoc+"ja3-keywords.html#ja3-hash", "ja3_hash")),
	sticky(kw("ja3.string", surDoc+"ja3-keywords.html#ja3-string", "ja3_string")),
	sticky(kw("ja3s.hash", surDoc+"ja3-keywords.html#ja3s-hash", "ja3s_hash")),
	sticky(kw("ja3s.string", surDoc+"ja3-keywords.html#ja3s-string", "ja3s_string")),
	sticky(kw("ja4.hash", surDoc+"ja4-keywords.html")),
	only(snort3Only, sticky(kw("js_data", snortDoc+"js_data/"))),
	spec(kw("krb5.ticket_encryption", surDoc+"kerberos-keywords.html#krb5-ticket-encryption"), ruleparser.ParseText, setupKRB5TicketEncryption),
	sticky(kw("krb5_cname", surDoc+"kerberos-keywords.html#krb5-cname", "krb5.cname")),
	spec(kw("krb5_err_code", surDoc+"kerberos-keywords.html#krb5-err-code"), ruleparser.ParseCompare, u32BufSetup(bufid.KRB5ErrCode)),
	spec(kw("krb5_msg_type", surDoc+"kerberos-keywords.html#krb5-msg-type"), ruleparser.ParseCompare, u32BufSetup(bufid.KRB5MsgType)),
	sticky(kw("krb5_sname", surDoc+"kerberos-keywords.html#krb5-sname", "krb5.sname")),
	spec(kw("l3_proto", surDoc+"header-keywords.html#l3-proto"), ruleparser.ArgsWith(false, checkL3Proto), setupL3Proto),
	sticky(kw("ldap.request.attribute_type", surDoc+"ldap-keywords.html#ldap-request-attribute-type")),
	sticky(kw("ldap.request.dn", surDoc+"ldap-keywords.html#ldap-request-dn")),
	spec(kw("ldap.request.operation", surDoc+"ldap-keywords.html#ldap-request-operation"), ruleparser.ParseText, setupLDAPRequestOperation),
	sticky(kw("ldap.responses.attribute_type", surDoc+"ldap-keywords.html#ldap-responses-attribute-type")),
	spec(kw("ldap.responses.count", surDoc+"ldap-keywords.html#ldap-responses-count"), ruleparser.ParseCompare, setupLDAPResponsesCount),
	sticky(kw("ldap.responses.dn", surDoc+"ldap-keywords.html#ldap-responses-dn")),
	sticky(kw("ldap.responses.message", surDoc+"ldap-keywords.html#ldap-responses-message")),
	spec(kw("ldap.responses.operation", surDoc+"ldap-keywords.html#ldap-responses-operation"), ruleparser.ParseText, setupLDAPResponsesOperation),
	spec(kw("ldap.responses.result_code", surDoc+"ldap-keywords.html#ldap-responses-result-code"), ruleparser.ParseText, setupLDAPResponsesResultCode),
	spec(kw("metadata", surDoc+"meta.html#metadata"), ruleparser.ParseMetadata, nop),
	spec(kw("modbus", surDoc+"modbus-keyword.html"), ruleparser.ParseText, setupModbus),
	spec(kw("mqtt.connack.session_present", surDoc+"mqtt-keywords.html#mqtt-connack-session-present"), ruleparser.TextWith(ruleparser.WordSet("yes", "true", "no", "false")), setupMQTTSessionPresent),
	sticky(kw("mqtt.connect.clientid", surDoc+"mqtt-keywords.html#mqtt-connect-clientid")),
	spec(kw("mqtt.connect.flags", surDoc+"mqtt-keywords.html#mqtt-connect-flags"), ruleparser.ParseCompareOrText, setupMQTTConnectFlags),
	sticky(kw("mqtt.connect.password", surDoc+"mqtt-keywords.html#mqtt-connect-password")),
	sticky(kw("mqtt.connect.protocol_string", surDoc+"mqtt-keywords.html#mqtt-connect-protocol-string")),
	sticky(kw("mqtt.connect.username", surDoc+"mqtt-keywords.html#mqtt-connect-username")),
	sticky(kw("mqtt.connect.willmessage", surDoc+"mqtt-keywords.html#mqtt-connect-willmessage")),
	sticky(kw("mqtt.connect.willtopic", surDoc+"mqtt-keywords.html#mqtt-connect-willtopic")),
	spec(kw("mqtt.flags", surDoc+"mqtt-keywords.html#mqtt-flags"), ruleparser.ParseCompareOrText, setupMQTTFlags),
	spec(kw("mqtt.protocol_version", surDoc+"mqtt-keywords.html#mqtt-protocol-version"), ruleparser.ParseCompare, mqttCmpSetup(bufid.MQTTProtocolVersion)),
	sticky(kw("mqtt.publish.message", surDoc+"mqtt-keywords.html#mqtt-publish-message")),
	sticky(kw("mqtt.publish.topic", surDoc+"mqtt-keywords.html#mqtt-publish-topic")),
	spec(kw("mqtt.qos", surDoc+"mqtt-keywords.html#mqtt-qos"), ruleparser.ParseUint, setupMQTTQoS),
	spec(kw("mqtt.reason_code", surDoc+"mqtt-keywords.html#mqtt-reason-code", "mqtt.connack.return_code"), ruleparser.ParseCompare, mqttCmpSetup(bufid.MQTTReasonCode)),
	sticky(kw("mqtt.subscribe.topic", surDoc+"mqtt-keywords.html#mqtt-subscribe-topic")),
	spec(kw("mqtt.type", surDoc+"mqtt-keywords.html#mqtt-type"), ruleparser.ParseCompareOrText, setupMQTTType),
	sticky(kw("mqtt.unsubscribe.topic", surDoc+"mqtt-keywords.html#mqtt-unsubscribe-topic")),
	spec(kw("msg", surDoc+"meta.html#msg"), ruleparser.ParseText, nop),
	spec(kw("noalert", surDoc+"flow-keywords.html#noalert"), ruleparser.ParseFlag, setupNoalert),
	mod("nocase", surDoc+"payload-keywords.html#nocase", ruleparser.ModNocase),
	spec(kw("ntp.mode", surDoc+"ntp-keywords.html#ntp-mode"), ruleparser.ParseText, enipUint(bufid.NTPMode, 1, ntpModeByName)),
	sticky(kw("ntp.reference_id", surDoc+"ntp-keywords.html#ntp-reference-id")),
	spec(kw("ntp.stratum", surDoc+"ntp-keywords.html#ntp-stratum"), ruleparser.ParseText, enipUint(bufid.NTPStratum, 1, noNames)),
	spec(kw("ntp.version", surDoc+"ntp-keywords.html#ntp-version"), ruleparser.ParseText, enipUint(bufid.NTPVersion, 1, noNames)),
	mod("offset", surDoc+"payload-keywords.html#offset", ruleparser.ModOffset),
	spec(kw("pcre", surDoc+"pcre.html"), ruleparser.ParsePCRE, setupPCRE),
	spec(kw("pcrexform", surDoc+"transforms.html#pcrexform"), ruleparser.TransformArg(false), setupPcrexform),
	sticky(kw("pgsql.query", surDoc+"pgsql-keywords.html#pgsql-query")),
	spec(kw("pkt_data", surDoc+"payload-keywords.html#pkt-data"), ruleparser.ParseSticky, compileOpen(bufid.Packet)),
	spec(kw("pktvar", surDoc+"rules-internals.html"), ruleparser.TextWith(checkVarTest), varTestSetup(false)),
	spec(kw("prefilter", surDoc+"prefilter-keywords.html#prefilter"), ruleparser.ParseFlag, nop),
	spec(kw("priority", surDoc+"meta.html#priority"), ruleparser.ParseUint, nop),
	sticky(kw("quic.cyu.hash", surDoc+"quic-keywords.html#quic-cyu-hash")),
	sticky(kw("quic.cyu.string", surDoc+"quic-keywords.html#quic-cyu-string")),
	sticky(kw("quic.sni", surDoc+"quic-keywords.html")),
	sticky(kw("quic.ua", surDoc+"quic-keywords.html")),
	sticky(kw("quic.version", surDoc+"quic-keywords.html#quic-version")),
	only(snort3Only, spec(kw("raw_data", snortDoc+"raw_data/"), ruleparser.ParseSticky, compileOpen(bufid.Packet))),
	mod("rawbytes", surDoc+"payload-keywords.html#rawbytes", ruleparser.ModRawbytes),
	spec(kw("reference", surDoc+"meta.html#reference"), ruleparser.ParseReference, nop),
	only(snort3Only, spec(kw("rem", snortDoc+"rem/"), ruleparser.ParseText, nil)),
	spec(kw("replace", surDoc+"payload-keywords.html#replace"), ruleparser.ParseText, nil),
	withSupported(spec(kw("requires", surDoc+"meta.html#requires"), ruleparser.ParseText, setupRequires), supportedRequires),
	spec(kw("rev", surDoc+"meta.html#rev"), ruleparser.ParseUint, nop),
	sticky(kw("rfb.name", surDoc+"rfb-keywords.html")),
	spec(kw("rfb.secresult", surDoc+"rfb-keywords.html"), ruleparser.ParseText, setupRFBSecResult),
	spec(kw("rfb.sectype", surDoc+"rfb-keywords.html"), ruleparser.ParseCompare, u32BufSetup(bufid.RFBSecType)),
	spec(kw("rpc", surDoc+"payload-keywords.html#rpc"), ruleparser.ArgsWith(false, checkRPC), setupRPC),
	spec(kw("sameip", surDoc+"header-keywords.html#sameip"), ruleparser.ParseFlag, compileSameip),
	spec(kw("seq", surDoc+"header-keywords.html#seq", "tcp.seq"), ruleparser.ParseCompare, cmpSetup(fieldSeq)),
	only(snort3Only, spec(kw("service", snortDoc+"service/"), ruleparser.ListOf(), setupService)),
	spec(kw("sid", surDoc+"meta.html#sid"), ruleparser.ParseUint, nop),
	sticky(kw("sip.content_length", surDoc+"sip-keywords.html")),
	sticky(kw("sip.content_type", surDoc+"sip-keywords.html")),
	sticky(kw("sip.from", surDoc+"sip-keywords.html")),
	sticky(kw("sip.method", surDoc+"sip-keywords.html")),
	sticky(kw("sip.protocol", surDoc+"sip-keywords.html")),
	sticky(kw("sip.request_line", surDoc+"sip-keywords.html")),
	sticky(kw("sip.response_line", surDoc+"sip-keywords.html")),
	sticky(kw("sip.stat_code", surDoc+"sip-keywords.html")),
	sticky(kw("sip.stat_msg", surDoc+"sip-keywords.html")),
	sticky(kw("sip.to", surDoc+"sip-keywords.html")),
	sticky(kw("sip.uri", surDoc+"sip-keywords.html")),
	sticky(kw("sip.user_agent", surDoc+"sip-keywords.html")),
	sticky(kw("sip.via", surDoc+"sip-keywords.html")),
	only(snortOnly, sticky(kw("sip_header", snortDoc+"sip_header/"))),
	only(snortOnly, spec(kw("sip_method", snortDoc+"sip_method/"), ruleparser.ParseText, setupSIPMethod)),
	only(snortOnly, spec(kw("sip_stat_code", snortDoc+"sip_stat_code/"), ruleparser.ParseText, setupSIPStatCode)),
	sticky(kw("smb.named_pipe", surDoc+"smb-keywords.html", "smb_named_pipe")),
	sticky(kw("smb.share", surDoc+"smb-keywords.html", "smb_share")),
	sticky(kw("smtp.helo", surDoc+"smtp-keywords.html#smtp-helo")),
	sticky(kw("smtp.mail_from", surDoc+"smtp-keywords.html#smtp-mail-from")),
	sticky(kw("smtp.rcpt_to", surDoc+"smtp-keywords.html#smtp-rcpt-to")),
	sticky(kw("snmp.community", surDoc+"snmp-keywords.html#snmp-community")),
	spec(kw("snmp.pdu_type", surDoc+"snmp-keywords.html"), ruleparser.ParseCompare, u32BufSetup(bufid.SNMPPDUType)),
	sticky(kw("snmp.usm", surDoc+"snmp-keywords.html#snmp-usm")),
	spec(kw("snmp.version", surDoc+"snmp-keywords.html"), ruleparser.ParseCompare, u32BufSetup(bufid.SNMPVersion)),
	sticky(kw("ssh.hassh", surDoc+"ssh-keywords.html#ssh-hassh", "hassh")),
	sticky(kw("ssh.hassh.server", surDoc+"ssh-keywords.html#ssh-hassh-server", "hassh.server", "hassh_server")),
	sticky(kw("ssh.hassh.server.string", surDoc+"ssh-keywords.html#ssh-hassh-server-string", "hassh.server.string", "hassh_server_string")),
	sticky(kw("ssh.hassh.string", surDoc+"ssh-keywords.html#ssh-hassh-string", "hassh.string", "hassh_string")),
	sticky(kw("ssh.proto", surDoc+"ssh-keywords.html#ssh-proto", "ssh_proto")),
	spec(kw("ssh.protoversion", "https://docs.suricata.io/en/latest/upgrade.html"), ruleparser.ParseText, obsoleteSSH("ssh.proto")),
	sticky(kw("ssh.software", surDoc+"ssh-keywords.html#ssh-software", "ssh_software")),
	spec(kw("ssh.softwareversion", "https://docs.suricata.io/en/latest/upgrade.html"), ruleparser.ParseText, obsoleteSSH("ssh.software")),
	spec(kw("ssl_state", surDoc+"tls-keywords.html#ssl-state"), ruleparser.OrListOf("client_hello", "server_hello", "client_keyx", "server_keyx", "unknown"), setupSSLState),
	spec(kw("ssl_version", surDoc+"tls-keywords.html#ssl-version"), ruleparser.ListOf("sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"), setupSSLVersion),
	mod("startswith", surDoc+"payload-keywords.html#startswith", ruleparser.ModStartswith),
	spec(kw("stream-event", surDoc+"decode-layer.html"), ruleparser.TextWith(ruleparser.CheckEventName), nil),
	spec(kw("stream_size", surDoc+"flow-keywords.html#stream-size"), ruleparser.ParseStreamSize, setupStreamSize),
	spec(kw("strip_pseudo_headers", surDoc+"transforms.html#strip-pseudo-headers"), ruleparser.ParseTransform, transformSetup(stripPseudoHeaders{})),
	spec(kw("strip_whitespace", surDoc+"transforms.html#strip-whitespace"), ruleparser.ParseTransform, transformSetup(stripWhitespace{})),
	spec(kw("tag", surDoc+"tag.html"), ruleparser.ParseTag, nop),
	spec(kw("target", surDoc+"meta.html#target"), ruleparser.TextWith(ruleparser.WordSet("src_ip", "dest_ip")), nop),
	sticky(kw("tcp.hdr", surDoc+"header-keywords.html#tcp-hdr")),
	spec(kw("tcp.mss", surDoc+"header-keywords.html#tcp-mss"), ruleparser.ParseCompare, cmpSetup(fieldTCPMSS)),
	spec(kw("tcp.wscale", surDoc+"header-keywords.html#tcp-wscale"), ruleparser.ParseCompare, cmpSetup(fieldTCPWscale)),
	spec(kw("tcpv4-csum", surDoc+"header-keywords.html#tcpv4-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(4, 6)),
	spec(kw("tcpv6-csum", surDoc+"header-keywords.html#tcpv6-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(6, 6)),
	spec(kw("threshold", surDoc+"thresholding.html#threshold"), ruleparser.ParseThreshold, setupThreshold),
	spec(kw("tld", surDoc+"transforms.html#tld"), ruleparser.ParseTransform, transformSetup(publicSuffix{})),
	sticky(kw("tls.alpn", surDoc+"tls-keywords.html#tls-alpn")),
	spec(kw("tls.cert_chain_len", surDoc+"tls-keywords.html#tls-cert-chain-len"), ruleparser.ParseCompare, setupCertChainLen),
	spec(kw("tls.cert_expired", surDoc+"tls-keywords.html#tls-cert-expired", "tls_cert_expired"), ruleparser.ParseFlag, validityFlagSetup('x')),
	sticky(kw("tls.cert_fingerprint", surDoc+"tls-keywords.html#tls-cert-fingerprint", "tls_cert_fingerprint")),
	sticky(kw("tls.cert_issuer", surDoc+"tls-keywords.html#tls-cert-issuer", "tls_cert_issuer")),
	spec(kw("tls.cert_notafter", surDoc+"tls-keywords.html#tls-cert-notafter", "tls_cert_notafter"), ruleparser.TextWith(checkValidity), validitySetup(false)),
	spec(kw("tls.cert_notbefore", surDoc+"tls-keywords.html#tls-cert-notbefore", "tls_cert_notbefore"), ruleparser.TextWith(checkValidity), validitySetup(true)),
	sticky(kw("tls.cert_serial", surDoc+"tls-keywords.html#tls-cert-serial", "tls_cert_serial")),
	sticky(kw("tls.cert_subject", surDoc+"tls-keywords.html#tls-cert-subject", "tls_cert_subject")),
	spec(kw("tls.cert_valid", surDoc+"tls-keywords.html#tls-cert-valid", "tls_cert_valid"), ruleparser.ParseFlag, validityFlagSetup('v')),
	sticky(kw("tls.certs", surDoc+"tls-keywords.html#tls-certs")),
	spec(kw("tls.fingerprint", surDoc+"tls-keywords.html#tls-fingerprint"), ruleparser.TextWith(checkTLSLegacy(false)), setupTLSFingerprint),
	spec(kw("tls.issuerdn", surDoc+"tls-keywords.html#tls-issuerdn"), ruleparser.TextWith(checkTLSLegacy(true)), setupTLSIssuerDN),
	sticky(kw("tls.random", surDoc+"tls-keywords.html#tls-random")),
	sticky(kw("tls.random_bytes", surDoc+"tls-keywords.html#tls-random-bytes")),
	sticky(kw("tls.random_time", surDoc+"tls-keywords.html#tls-random-time")),
	sticky(kw("tls.sni", surDoc+"tls-keywords.html#tls-sni", "tls_sni")),
	spec(kw("tls.store", surDoc+"tls-keywords.html#tls-store"), ruleparser.ParseFlag, nil),
	spec(kw("tls.subject", surDoc+"tls-keywords.html#tls-subject"), ruleparser.TextWith(checkTLSLegacy(true)), setupTLSSubject),
	sticky(kw("tls.subjectaltname", surDoc+"tls-keywords.html#tls-subjectaltname")),
	spec(kw("tls.version", surDoc+"tls-keywords.html#tls-version"), ruleparser.ParseText, setupTLSVersion),
	spec(kw("to_lowercase", surDoc+"transforms.html#to-lowercase"), ruleparser.ParseTransform, transformSetup(toLower{})),
	spec(kw("to_md5", surDoc+"transforms.html#to-md5"), ruleparser.ParseTransform, transformSetup(toMD5{})),
	spec(kw("to_sha1", surDoc+"transforms.html#to-sha1"), ruleparser.ParseTransform, transformSetup(toSHA1{})),
	spec(kw("to_sha256", surDoc+"transforms.html#to-sha256"), ruleparser.ParseTransform, transformSetup(toSHA256{})),
	spec(kw("to_uppercase", surDoc+"transforms.html#to-uppercase"), ruleparser.ParseTransform, transformSetup(toUpper{})),
	spec(kw("tos", surDoc+"header-keywords.html#tos"), ruleparser.ParseCompare, cmpSetup(fieldTOS)),
	spec(kw("ttl", surDoc+"header-keywords.html#ttl"), ruleparser.ParseCompare, cmpSetup(fieldTTL)),
	sticky(kw("udp.hdr", surDoc+"header-keywords.html#udp-hdr")),
	spec(kw("udpv4-csum", surDoc+"header-keywords.html#udpv4-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(4, 17)),
	spec(kw("udpv6-csum", surDoc+"header-keywords.html#udpv6-csum"), ruleparser.ArgsWith(false, checkCsum), csumSetup(6, 17)),
	spec(kw("urilen", surDoc+"http-keywords.html#urilen"), ruleparser.CompareWith("norm", "raw"), setupUrilen),
	spec(kw("url_decode", surDoc+"transforms.html#url-decode"), ruleparser.ParseTransform, transformSetup(urlDecode{})),
	spec(kw("vlan.id", surDoc+"vlan-keywords.html#vlan-id"), ruleparser.ParseText, setupVLANID),
	spec(kw("vlan.layers", surDoc+"header-keywords.html#vlan-layers"), ruleparser.ParseCompare, cmpSetup(fieldVLANLayers)),
	spec(kw("websocket.flags", surDoc+"websocket-keywords.html#websocket-flags"), ruleparser.ParseText, setupWSFlags),
	spec(kw("websocket.mask", surDoc+"websocket-keywords.html#websocket-mask"), ruleparser.ParseCompare, u32BufSetup(bufid.WebSocketMask)),
	spec(kw("websocket.opcode", surDoc+"websocket-keywords.html#websocket-opcode"), ruleparser.ParseText, setupWSOpcode),
	sticky(kw("websocket.payload", surDoc+"websocket-keywords.html")),
	spec(kw("window", surDoc+"header-keywords.html#window", "tcp.window"), ruleparser.ParseCompare, cmpSetup(fieldWindow)),
	mod("within", surDoc+"payload-keywords.html#within", ruleparser.ModWithin),
	spec(kw("xbits", surDoc+"xbits.html"), ruleparser.ParseXbits, setupXbits),
	spec(kw("xor", surDoc+"transforms.html#xor"), ruleparser.TransformArg(false), setupXor),
	spec(kw("zlib_deflate", surDoc+"transforms.html#zlib-deflate"), ruleparser.TransformArg(true), setupZlibDeflate),
}

// KeywordTable is a keyword table: it satisfies ruleparser.Keywords (the
// parser's lookup) and rules.Checker (whether detection can evaluate an
// option). It is immutable and safe for concurrent use.
type KeywordTable struct {
	byName map[string]*keyword
}

// newKeywordTable indexes entries by name and alias.
func newKeywordTable(entries []keyword) *KeywordTable {
	k := &KeywordTable{byName: make(map[string]*keyword, 2*len(entries))}
	for i := range entries {
		e := &entries[i]
		k.byName[e.Name] = e
		for _, a := range e.Aliases {
			k.byName[a] = e
		}
	}
	return k
}

var fullTable = sync.OnceValue(func() *KeywordTable { return newKeywordTable(slices.Clone(table)) })

// Keywords returns the full keyword table, built once. Pass it as
// ruleparser.Options.Keywords and rules.LoadOptions.Keywords.
func Keywords() *KeywordTable { return fullTable() }

// Lookup returns the keyword spelled name (canonical or alias).
func (k *KeywordTable) Lookup(name string) (*ruleparser.Keyword, bool) {
	e, ok := k.byName[name]
	if !ok {
		return nil, false
	}
	return &e.Keyword, true
}

// Check returns an error wrapping ErrUnsupported for an option detection
// cannot evaluate. It satisfies rules.Checker, so `rules check` can count
// loaded and skipped rules without compiling.
func (k *KeywordTable) Check(o ruleparser.Option) error {
	e, ok := k.byName[o.Keyword()]
	if !ok || e.compile == nil {
		return fmt.Errorf("%s: %w", o.Keyword(), unsupportedError(o.Keyword()))
	}
	if e.supported != nil {
		return e.supported(o)
	}
	return nil
}

// KeywordInfo describes one keyword of the table for listings (vigil
// --list-keywords).
type KeywordInfo struct {
	Name    string
	Aliases []string
	Doc     string
	// Supported is false for a keyword Vigil parses but does not
	// evaluate: rules using it are skipped as unsupported.
	Supported bool
	// Only lists the dialects that know the keyword; empty for all.
	Only []ruleparser.Dialect
	// Parsed is false for a Suricata 8 keyword Vigil does not know at
	// all (listed so an operator sees every keyword, with the reason).
	Parsed bool
	// Reason says why an unsupported keyword is not evaluated.
	Reason string
}

// List returns every keyword of the table and every other Suricata 8
// keyword Vigil knows of but does not parse, sorted by name.
func (k *KeywordTable) List() []KeywordInfo {
	seen := map[*keyword]bool{}
	var out []KeywordInfo
	for _, e := range k.byName {
		if seen[e] {
			continue
		}
		seen[e] = true
		out = append(out, KeywordInfo{
			Name: e.Name, Aliases: e.Aliases, Doc: e.Doc, Only: e.Only,
			// A content modifier has no parser of its own: the parser
			// folds it into the content, which is evaluated.
			Supported: e.compile != nil || e.Parse == nil,
			Parsed:    true,
		})
		if ki := &out[len(out)-1]; !ki.Supported {
			ki.Reason = unsupported[e.Name]
		}
	}
	for name, why := range unsupported {
		if _, ok := k.byName[name]; !ok {
			out = append(out, KeywordInfo{Name: name, Doc: surDoc + docPage(name), Reason: why})
		}
	}
	slices.SortFunc(out, func(a, b KeywordInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}
