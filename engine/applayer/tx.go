package applayer

// BufferID names one inspectable buffer of a transaction: a Suricata 8
// sticky buffer. Names (String) are the rule keyword names.
type BufferID uint8

// Buffers. Comments say what the buffer holds, following the Suricata 8
// rules documentation (rules/http-keywords, tls-keywords, dns-keywords,
// ssh-keywords, ja3/ja4-keywords).
const (
	BufNone BufferID = iota

	HTTPURI            // normalized request URI (path decoded, dot segments removed) + "?" + raw query
	HTTPURIRaw         // request URI as sent
	HTTPMethod         // request method
	HTTPRequestLine    // request line without CRLF
	HTTPHeader         // "Name: value\r\n" per header in order, Cookie/Set-Cookie left out, trailing whitespace trimmed
	HTTPHeaderRaw      // header block as received, including the final empty line
	HTTPHeaderNames    // "\r\n" + each name + "\r\n", then a final "\r\n"
	HTTPCookie         // Cookie (request) or Set-Cookie (response) value(s)
	HTTPUserAgent      // User-Agent value(s), joined by ", "
	HTTPHost           // host from the Host header or absolute URI, lowercased, port removed
	HTTPHostRaw        // Host header value as sent (or the absolute URI authority)
	HTTPRequestBody    // request body (de-chunked), up to the request body limit
	HTTPResponseBody   // response body (de-chunked, decompressed), up to the response body limit
	HTTPStatCode       // status code digits
	HTTPStatMsg        // status message
	HTTPContentType    // Content-Type value (direction dependent)
	HTTPContentLen     // Content-Length value (direction dependent)
	HTTPProtocol       // "HTTP/1.1" of the request or response line (direction dependent)
	HTTPStart          // start line + "\r\n" + raw headers + "\r\n" (direction dependent)
	HTTPAccept         // Accept value
	HTTPAcceptEnc      // Accept-Encoding value
	HTTPAcceptLang     // Accept-Language value
	HTTPReferer        // Referer value
	HTTPLocation       // Location value (response)
	HTTPConnection     // Connection value
	HTTPServer         // Server value (response)
	HTTPResponseLine   // status line without CRLF
	HTTPResponseHeader // each response header as "Name: value" (multi-buffer)
	HTTPRequestHeader  // each request header as "Name: value" (multi-buffer)
	FileData           // file.data: for HTTP the response body (to_client) or request body (to_server)

	DNSQuery  // each query rrname (multi-buffer)
	DNSOpcode // opcode as one byte (for numeric keywords; detection uses Tx accessors too)
	// Suricata 8 rrname multi-buffers of the message of the inspected
	// direction (request to the server, response to the client).
	DNSQueriesRRName     // each question name
	DNSAnswersRRName     // each answer rrname
	DNSAuthoritiesRRName // each authority rrname
	DNSAdditionalsRRName // each additional rrname
	DNSResponseRRName    // response only: every rrname of all sections, then names in rdata (CNAME, PTR, NS, MX, SOA, SRV)

	TLSSNI             // server_name of the ClientHello
	TLSCerts           // each DER certificate of the server chain (multi-buffer)
	TLSCertSubject     // leaf certificate subject, "C=US, O=..., CN=..."
	TLSCertIssuer      // leaf certificate issuer, same format
	TLSCertSerial      // leaf serial, "00:A1:..." upper-case colon hex
	TLSCertFingerprint // leaf SHA-1, lower-case colon hex
	JA3Hash            // md5 hex of JA3String
	JA3String          // JA3 string of the ClientHello
	JA3SHash           // md5 hex of JA3SString
	JA3SString         // JA3S string of the ServerHello
	JA4Hash            // JA4 fingerprint of the ClientHello
	TLSRandom          // 32-byte random of the ClientHello (to_server) or ServerHello (to_client)
	TLSRandomTime      // first 4 bytes of that random
	TLSRandomBytes     // last 28 bytes of that random
	TLSHelloVersion    // ssl_version: 2-byte version of the hello sent in this direction (see tls.Tx.HelloVersion)
	TLSState           // ssl_state: 2 bytes of handshake-state flags, Suricata's then Snort's (see tls.Tx.State)

	SSHProto          // protocol version of the banner ("2.0"), direction dependent
	SSHSoftware       // software version of the banner, direction dependent
	HASSH             // md5 of HASSHString (client)
	HASSHString       // client KEXINIT algorithm lists
	HASSHServer       // md5 of HASSHServerString
	HASSHServerString // server KEXINIT algorithm lists

	// SIP (Suricata 8 rules/sip-keywords.html). Request-only and
	// response-only buffers ignore dir; the others read the message of
	// direction dir. Header buffers are multi-buffers: one instance per
	// header line, compact forms (f, t, v, c, l) normalized.
	SIPMethod        // request method
	SIPURI           // request URI
	SIPRequestLine   // request line without CRLF
	SIPStatCode      // response status code digits
	SIPStatMsg       // response reason phrase
	SIPResponseLine  // status line without CRLF
	SIPProtocol      // "SIP/2.0" of the request or status line (direction dependent)
	SIPFrom          // each From value (multi-buffer)
	SIPTo            // each To value (multi-buffer)
	SIPVia           // each Via value (multi-buffer)
	SIPUserAgent     // each User-Agent value (multi-buffer)
	SIPContentType   // each Content-Type value (multi-buffer)
	SIPContentLength // each Content-Length value (multi-buffer)
	// Snort's SIP rule options: the message of the transaction when it
	// was sent in direction dir, whatever its kind (see sip.Tx.BufferAt).
	SIPHeader        // sip_header: start line, header fields and the empty line ending them
	SIPSnortMethod   // sip_method: request method
	SIPSnortStatCode // sip_stat_code: response status code digits

	// DCERPC (over TCP and over SMB pipes). Docs: rules/dcerpc-keywords.html
	// and rules/smb-keywords.html; layouts in package dcerpc's doc.
	DCERPCStubData // request stub (to_server) or response stub (to_client), fragments reassembled
	DCERPCOpnum    // opnum of a request, 2 bytes little endian
	DCERPCIface    // each accepted interface usable by the tx: 16-byte UUID, version LE, flags (multi-buffer)
	DCERPCEndian   // 1 byte: 1 when the PDU of that direction is big endian (byte_* dce option)
	SMBNamedPipe   // tree connect share name when the share is a pipe (IPC$)
	SMBShare       // tree connect share name when the share is not a pipe

	// Files (rules/file-keywords.html). For HTTP the request body (POST,
	// PUT) and the response body are files. FileName is Suricata's
	// file.name; FileMD5 and FileSize back the filemd5 and filesize
	// keywords and exist only once the whole file was seen.
	FileName // file name: Content-Disposition filename, else the URI path
	FileMD5  // 16-byte MD5 digest of the complete file
	FileSize // 8-byte big-endian size of the complete file

	// FTP (rules/ftp-keywords.html); layouts in package ftp's doc of
	// Tx.BufferAt. ftp.dynamic_port, ftp.mode, ftp.reply_received and
	// ftpbounce are read by their keywords, not sticky buffers.
	FTPCommand        // command name as Suricata's table spells it ("USER")
	FTPCommandData    // request line after the command name and its space
	FTPCompletionCode // each reply line's completion code (multi-buffer)
	FTPReply          // each reply line's text (multi-buffer)
	FTPDynamicPort    // negotiated data port, 2 bytes big endian
	FTPMode           // 1 byte: 1 active (PORT/EPRT), 0 passive (PASV/EPSV)
	FTPReplyReceived  // 2 bytes: final reply seen, any reply line seen
	FTPBounce         // a PORT command's 4 address bytes

	// RFB (rules/rfb-keywords.html): the handshake's desktop name and two
	// u32 values as 4 bytes big endian.
	RFBName      // ServerInit desktop name
	RFBSecType   // security type in use (server-imposed in 3.3, client-chosen later)
	RFBSecResult // SecurityResult status

	// MQTT (rules/mqtt-keywords.html); layouts in package mqtt's doc.
	// The integer buffers hold one byte per instance.
	MQTTType                  // each message's control packet type (multi-buffer)
	MQTTFlags                 // each message's retain (0x01) and dup (0x08) flags (multi-buffer)
	MQTTQoS                   // each message's QoS level (multi-buffer)
	MQTTReasonCode            // the transaction's reason code, then every SUBACK/UNSUBACK code (multi-buffer)
	MQTTProtocolVersion       // protocol version of the flow's last CONNECT
	MQTTConnackSessionPresent // each CONNACK's session present flag, 0 or 1 (multi-buffer)
	MQTTConnectFlags          // each CONNECT's connect flags byte (multi-buffer)
	MQTTConnectClientID       // CONNECT client identifier
	MQTTConnectUsername       // CONNECT user name
	MQTTConnectPassword       // CONNECT password
	MQTTConnectWillTopic      // CONNECT will topic
	MQTTConnectWillMessage    // CONNECT will message
	MQTTConnectProtocolString // CONNECT protocol name ("MQTT", "MQIsdp")
	MQTTPublishTopic          // PUBLISH topic
	MQTTPublishMessage        // PUBLISH application message
	MQTTSubscribeTopic        // each SUBSCRIBE topic filter (multi-buffer)
	MQTTUnsubscribeTopic      // each UNSUBSCRIBE topic filter (multi-buffer)

	// SNMP (rules/snmp-keywords.html) and Kerberos 5
	// (rules/kerberos-keywords.html); layouts in packages snmp and krb5.
	// The integer buffers hold 4 bytes big endian.
	SNMPVersion     // flow's SNMP version: 1, 2 (v2c) or 3
	SNMPCommunity   // v1/v2c community
	SNMPPDUType     // PDU type, when the PDU is readable
	SNMPUsm         // v3 USM user name
	KRB5MsgType     // message type (10 AS-REQ, 11 AS-REP, 12 TGS-REQ, 13 TGS-REP, 30 KRB-ERROR)
	KRB5ErrCode     // KRB-ERROR error-code (int32)
	KRB5CName       // each client principal name component (multi-buffer)
	KRB5SName       // each server principal name component (multi-buffer)
	KRB5TicketEtype // etype of the ticket of an AS-REP or TGS-REP (int32)

	// HTTP/2 (rules/http2-keywords.html), per direction of a transaction;
	// layouts in package http2's Tx.BufferAt. All are multi-buffers.
	HTTP2FrameType  // each frame's type, 1 byte
	HTTP2ErrorCode  // each RST_STREAM or GOAWAY error code, 4 bytes big endian
	HTTP2Priority   // each priority weight (PRIORITY, HEADERS), 1 byte
	HTTP2Window     // each WINDOW_UPDATE size increment, 4 bytes big endian
	HTTP2SizeUpdate // each HPACK dynamic table size update, 8 bytes big endian
	HTTP2Settings   // each SETTINGS parameter: 2-byte identifier, 4-byte value
	HTTP2HeaderName // each header field name (empty for a size update)

	// SMTP (rules/smtp-keywords.html) and the mail's MIME headers
	// (rules/email-keywords.html), all to the server; layouts in package
	// smtp's Tx.BufferAt. For SMTP the file buffers (FileData, FileName,
	// FileMD5, FileSize) have one instance per MIME attachment.
	SMTPHelo       // first HELO/EHLO argument of the flow
	SMTPMailFrom   // the transaction's first MAIL FROM argument
	SMTPRcptTo     // each RCPT TO argument (multi-buffer)
	EmailFrom      // From header of the message
	EmailSubject   // Subject header
	EmailTo        // To header
	EmailCc        // Cc header
	EmailDate      // Date header
	EmailMessageID // Message-Id header
	EmailXMailer   // X-Mailer header
	EmailReceived  // each Received header (multi-buffer)

	NumBuffers
)

var bufferNames = [NumBuffers]string{
	BufNone:              "",
	HTTPURI:              "http.uri",
	HTTPURIRaw:           "http.uri.raw",
	HTTPMethod:           "http.method",
	HTTPRequestLine:      "http.request_line",
	HTTPHeader:           "http.header",
	HTTPHeaderRaw:        "http.header.raw",
	HTTPHeaderNames:      "http.header_names",
	HTTPCookie:           "http.cookie",
	HTTPUserAgent:        "http.user_agent",
	HTTPHost:             "http.host",
	HTTPHostRaw:          "http.host.raw",
	HTTPRequestBody:      "http.request_body",
	HTTPResponseBody:     "http.response_body",
	HTTPStatCode:         "http.stat_code",
	HTTPStatMsg:          "http.stat_msg",
	HTTPContentType:      "http.content_type",
	HTTPContentLen:       "http.content_len",
	HTTPProtocol:         "http.protocol",
	HTTPStart:            "http.start",
	HTTPAccept:           "http.accept",
	HTTPAcceptEnc:        "http.accept_enc",
	HTTPAcceptLang:       "http.accept_lang",
	HTTPReferer:          "http.referer",
	HTTPLocation:         "http.location",
	HTTPConnection:       "http.connection",
	HTTPServer:           "http.server",
	HTTPResponseLine:     "http.response_line",
	HTTPResponseHeader:   "http.response_header",
	HTTPRequestHeader:    "http.request_header",
	FileData:             "file.data",
	DNSQuery:             "dns.query",
	DNSOpcode:            "dns.opcode",
	DNSQueriesRRName:     "dns.queries.rrname",
	DNSAnswersRRName:     "dns.answers.rrname",
	DNSAuthoritiesRRName: "dns.authorities.rrname",
	DNSAdditionalsRRName: "dns.additionals.rrname",
	DNSResponseRRName:    "dns.response.rrname",
	TLSSNI:               "tls.sni",
	TLSCerts:             "tls.certs",
	TLSCertSubject:       "tls.cert_subject",
	TLSCertIssuer:        "tls.cert_issuer",
	TLSCertSerial:        "tls.cert_serial",
	TLSCertFingerprint:   "tls.cert_fingerprint",
	JA3Hash:              "ja3.hash",
	JA3String:            "ja3.string",
	JA3SHash:             "ja3s.hash",
	JA3SString:           "ja3s.string",
	JA4Hash:              "ja4.hash",
	TLSRandom:            "tls.random",
	TLSRandomTime:        "tls.random_time",
	TLSRandomBytes:       "tls.random_bytes",
	TLSHelloVersion:      "ssl_version",
	TLSState:             "ssl_state",
	SSHProto:             "ssh.proto",
	SSHSoftware:          "ssh.software",
	HASSH:                "ssh.hassh",
	HASSHString:          "ssh.hassh.string",
	HASSHServer:          "ssh.hassh.server",
	HASSHServerString:    "ssh.hassh.server.string",
	SIPMethod:            "sip.method",
	SIPURI:               "sip.uri",
	SIPRequestLine:       "sip.request_line",
	SIPStatCode:          "sip.stat_code",
	SIPStatMsg:           "sip.stat_msg",
	SIPResponseLine:      "sip.response_line",
	SIPProtocol:          "sip.protocol",
	SIPFrom:              "sip.from",
	SIPTo:                "sip.to",
	SIPVia:               "sip.via",
	SIPUserAgent:         "sip.user_agent",
	SIPContentType:       "sip.content_type",
	SIPContentLength:     "sip.content_length",
	SIPHeader:            "sip_header",
	SIPSnortMethod:       "sip_method",
	SIPSnortStatCode:     "sip_stat_code",
	FileName:             "file.name",
	FileMD5:              "filemd5",
	FileSize:             "filesize",
	FTPCommand:           "ftp.command",
	FTPCommandData:       "ftp.command_data",
	FTPCompletionCode:    "ftp.completion_code",
	FTPReply:             "ftp.reply",
	FTPDynamicPort:       "ftp.dynamic_port",
	FTPMode:              "ftp.mode",
	FTPReplyReceived:     "ftp.reply_received",
	FTPBounce:            "ftpbounce",
	DCERPCStubData:       "dcerpc.stub_data",
	DCERPCOpnum:          "dcerpc.opnum",
	DCERPCIface:          "dcerpc.iface",
	DCERPCEndian:         "dcerpc.endian",
	SMBNamedPipe:         "smb.named_pipe",
	SMBShare:             "smb.share",
	RFBName:              "rfb.name",
	RFBSecType:           "rfb.sectype",
	RFBSecResult:         "rfb.secresult",

	// MQTT.
	MQTTType:                  "mqtt.type",
	MQTTFlags:                 "mqtt.flags",
	MQTTQoS:                   "mqtt.qos",
	MQTTReasonCode:            "mqtt.reason_code",
	MQTTProtocolVersion:       "mqtt.protocol_version",
	MQTTConnackSessionPresent: "mqtt.connack.session_present",
	MQTTConnectFlags:          "mqtt.connect.flags",
	MQTTConnectClientID:       "mqtt.connect.clientid",
	MQTTConnectUsername:       "mqtt.connect.username",
	MQTTConnectPassword:       "mqtt.connect.password",
	MQTTConnectWillTopic:      "mqtt.connect.willtopic",
	MQTTConnectWillMessage:    "mqtt.connect.willmessage",
	MQTTConnectProtocolString: "mqtt.connect.protocol_string",
	MQTTPublishTopic:          "mqtt.publish.topic",
	MQTTPublishMessage:        "mqtt.publish.message",
	MQTTSubscribeTopic:        "mqtt.subscribe.topic",
	MQTTUnsubscribeTopic:      "mqtt.unsubscribe.topic",
	SNMPVersion:               "snmp.version",
	SNMPCommunity:             "snmp.community",
	SNMPPDUType:               "snmp.pdu_type",
	SNMPUsm:                   "snmp.usm",
	KRB5MsgType:               "krb5_msg_type",
	KRB5ErrCode:               "krb5_err_code",
	KRB5CName:                 "krb5_cname",
	KRB5SName:                 "krb5_sname",
	KRB5TicketEtype:           "krb5.ticket_encryption",
	HTTP2FrameType:            "http2.frametype",
	HTTP2ErrorCode:            "http2.errorcode",
	HTTP2Priority:             "http2.priority",
	HTTP2Window:               "http2.window",
	HTTP2SizeUpdate:           "http2.size_update",
	HTTP2Settings:             "http2.settings",
	HTTP2HeaderName:           "http2.header_name",
	SMTPHelo:                  "smtp.helo",
	SMTPMailFrom:              "smtp.mail_from",
	SMTPRcptTo:                "smtp.rcpt_to",
	EmailFrom:                 "email.from",
	EmailSubject:              "email.subject",
	EmailTo:                   "email.to",
	EmailCc:                   "email.cc",
	EmailDate:                 "email.date",
	EmailMessageID:            "email.message_id",
	EmailXMailer:              "email.x_mailer",
	EmailReceived:             "email.received",
}

// String returns the Suricata keyword name of the buffer.
func (b BufferID) String() string {
	if b < NumBuffers {
		return bufferNames[b]
	}
	return ""
}

// LookupBuffer returns the BufferID of a Suricata sticky-buffer keyword name.
// Legacy aliases (http_uri, http_raw_uri, file_data, http_server_body,
// http_client_body, hassh, ...) are accepted.
func LookupBuffer(name string) (BufferID, bool) {
	for i, n := range bufferNames {
		if n != "" && n == name {
			return BufferID(i), true
		}
	}
	for _, a := range bufferAliases {
		if a.name == name {
			return a.id, true
		}
	}
	return BufNone, false
}

var bufferAliases = []struct {
	name string
	id   BufferID
}{
	{"http_uri", HTTPURI},
	{"http_raw_uri", HTTPURIRaw},
	{"http_method", HTTPMethod},
	{"http_request_line", HTTPRequestLine},
	{"http_header", HTTPHeader},
	{"http_raw_header", HTTPHeaderRaw},
	{"http_header_names", HTTPHeaderNames},
	{"http_cookie", HTTPCookie},
	{"http_user_agent", HTTPUserAgent},
	{"http_host", HTTPHost},
	{"http_raw_host", HTTPHostRaw},
	{"http_client_body", HTTPRequestBody},
	{"http.server_body", HTTPResponseBody},
	{"http_server_body", HTTPResponseBody},
	{"http_stat_code", HTTPStatCode},
	{"http_stat_msg", HTTPStatMsg},
	{"http_content_type", HTTPContentType},
	{"http_content_len", HTTPContentLen},
	{"http_protocol", HTTPProtocol},
	{"http_start", HTTPStart},
	{"http_accept", HTTPAccept},
	{"http_accept_enc", HTTPAcceptEnc},
	{"http_accept_lang", HTTPAcceptLang},
	{"http_referer", HTTPReferer},
	{"http_location", HTTPLocation},
	{"http_connection", HTTPConnection},
	{"http_server", HTTPServer},
	{"http_response_line", HTTPResponseLine},
	{"file_data", FileData},
	{"dns_query", DNSQuery},
	{"tls_sni", TLSSNI},
	{"tls.certs", TLSCerts},
	{"tls_cert_subject", TLSCertSubject},
	{"tls_cert_issuer", TLSCertIssuer},
	{"tls_cert_serial", TLSCertSerial},
	{"tls_cert_fingerprint", TLSCertFingerprint},
	{"ja3_hash", JA3Hash},
	{"ja3_string", JA3String},
	{"ja3s_hash", JA3SHash},
	{"ja3s_string", JA3SString},
	{"ssh_proto", SSHProto},
	{"ssh_software", SSHSoftware},
	{"ssh.protoversion", SSHProto},
	{"ssh.softwareversion", SSHSoftware},
	{"hassh", HASSH},
	{"hassh_string", HASSHString},
	{"hassh.string", HASSHString},
	{"hassh_server", HASSHServer},
	{"hassh.server", HASSHServer},
	{"hassh.server.string", HASSHServerString},
	{"hassh_server_string", HASSHServerString},
}

// Tx is one application-layer transaction (an HTTP request/response pair, a
// DNS query/response, a TLS or SSH handshake) as detection sees it.
//
// Buffer returns the content of buffer b for inspection in direction dir,
// or nil when the transaction has no such buffer (yet). For buffers that
// exist in both directions (http.header, http.protocol, ...) dir selects the
// request (ToServer) or the response (ToClient) side; one-sided buffers
// ignore dir. Multi-buffers (tls.certs, dns.query) return their first
// element; BufferAt returns element i and false past the end. Returned
// slices are owned by the transaction: read-only, valid until the parser is
// fed again or the transaction is pruned.
type Tx interface {
	Proto() Proto
	ID() uint64
	Buffer(dir Direction, b BufferID) []byte
	BufferAt(dir Direction, b BufferID, i int) ([]byte, bool)
	// Complete reports whether the side dir of the transaction is done,
	// i.e. no more data will be added to its buffers.
	Complete(dir Direction) bool
}

// State is a bit set a parser reports about its flow.
type State uint8

// Parser state flags.
const (
	// StateEncrypted: the handshake is over and the rest of the flow is
	// encrypted (TLS, SSH); inspection can stop and the flow can be bypassed.
	StateEncrypted State = 1 << iota
	// StateError: the parser met data it could not make sense of and
	// stopped; later data is ignored.
	StateError
	// StateGap: data was lost (Gap was called) and the parser could not
	// resynchronise yet.
	StateGap
)

// Parser parses one flow of one protocol. Stream parsers get in-order
// reassembled bytes per direction; missing data is announced with Gap.
// Datagram parsers (DNS over UDP) get each datagram with ParseDatagram.
//
// Transactions are numbered from 0 in creation order. TxCount and TxAt give
// access to live transactions (oldest first); Prune drops completed
// transactions with an ID below id once detection and output are done with
// them.
type Parser interface {
	Parse(dir Direction, data []byte)
	Gap(dir Direction, n int)
	State() State
	TxCount() int
	TxAt(i int) Tx
	Prune(below uint64)
}
