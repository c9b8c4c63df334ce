package bufid

// ID names one inspection buffer: the packet payload, one header of the
// packet, or one buffer of an app-layer transaction (a Suricata sticky
// buffer, or a small buffer a keyword reads). Parsers return the content
// of a transaction's buffers by ID (applayer.Tx.BufferAt); detection
// compiles rules into lists over IDs.
type ID uint8

// Buffers. Comments say what a transaction's buffer holds, following the
// Suricata 8 rules documentation; the parsers' BufferAt documents the
// exact layouts.
const (
	Packet               ID = iota
	HTTPURI                 // normalized request URI (path decoded, dot segments removed) + "?" + raw query
	HTTPURIRaw              // request URI as sent
	HTTPMethod              // request method
	HTTPRequestLine         // request line without CRLF
	HTTPHeader              // "Name: value\r\n" per header in order, Cookie/Set-Cookie left out, trailing whitespace trimmed
	HTTPHeaderRaw           // header block as received, including the final empty line
	HTTPHeaderNames         // "\r\n" + each name + "\r\n", then a final "\r\n"
	HTTPCookie              // Cookie (request) or Set-Cookie (response) value(s)
	HTTPUserAgent           // User-Agent value(s), joined by ", "
	HTTPHost                // host from the Host header or absolute URI, lowercased, port removed
	HTTPHostRaw             // Host header value as sent (or the absolute URI authority)
	HTTPRequestBody         // request body (de-chunked), up to the request body limit
	HTTPResponseBody        // response body (de-chunked, decompressed), up to the response body limit
	HTTPStatCode            // status code digits
	HTTPStatMsg             // status message
	HTTPContentType         // Content-Type value (direction dependent)
	HTTPContentLen          // Content-Length value (direction dependent)
	HTTPProtocol            // "HTTP/1.1" of the request or response line (direction dependent)
	HTTPStart               // start line + "\r\n" + raw headers + "\r\n" (direction dependent)
	HTTPAccept              // Accept value
	HTTPAcceptEnc           // Accept-Encoding value
	HTTPAcceptLang          // Accept-Language value
	HTTPReferer             // Referer value
	HTTPLocation            // Location value (response)
	HTTPConnection          // Connection value
	HTTPServer              // Server value (response)
	HTTPResponseLine        // status line without CRLF
	HTTPRequestHeader       // each request header as "Name: value" (multi-buffer)
	HTTPResponseHeader      // each response header as "Name: value" (multi-buffer)
	FileData                // file.data: for HTTP the response body (to_client) or request body (to_server)
	DNSQuery                // each query rrname (multi-buffer)
	DNSOpcode               // opcode as one byte (for numeric keywords; detection uses Tx accessors too)
	DNSRcode                // rcode of the message of the direction, two bytes big-endian (dns.rcode)
	DNSRRType               // each rrtype, two bytes big-endian: questions of a request, answers of a response (dns.rrtype)
	DNSQueriesRRName        // each question name
	DNSAnswersRRName        // each answer rrname
	DNSAuthoritiesRRName    // each authority rrname
	DNSAdditionalsRRName    // each additional rrname
	DNSResponseRRName       // response only: every rrname of all sections, then names in rdata (CNAME, PTR, NS, MX, SOA, SRV)
	TLSSNI                  // server_name of the ClientHello
	TLSCerts                // each DER certificate of the sender's chain (multi-buffer)
	TLSCertSubject          // sender's leaf certificate subject (client's to server), "C=US, O=..., CN=..."
	TLSCertIssuer           // leaf certificate issuer, same format
	TLSCertSerial           // leaf serial, "00:A1:..." upper-case colon hex
	TLSCertFingerprint      // leaf SHA-1, lower-case colon hex
	TLSSubjectAltName       // each subjectAltName entry of the server's leaf certificate (multi-buffer)
	TLSALPN                 // each ALPN protocol the ClientHello offers (to_server) or the ServerHello chose (to_client) (multi-buffer)
	JA3Hash                 // md5 hex of JA3String
	JA3String               // JA3 string of the ClientHello
	JA3SHash                // md5 hex of JA3SString
	JA3SString              // JA3S string of the ServerHello
	JA4Hash                 // JA4 fingerprint of the ClientHello
	TLSRandom               // 32-byte random of the ClientHello (to_server) or ServerHello (to_client)
	TLSRandomTime           // first 4 bytes of that random
	TLSRandomBytes          // last 28 bytes of that random
	TLSCertValidity         // server leaf notBefore and notAfter: two big-endian int64 Unix seconds (0: unknown)
	SSLVersion              // ssl_version: 2-byte version of the hello sent in this direction (see tls.Tx.HelloVersion)
	SSLState                // ssl_state: 2 bytes of handshake-state flags, Suricata's then Snort's (see tls.Tx.State)
	HTTPEvents              // app-layer-event: 4 bytes, little-endian bit set of the message's HTTPEvent values (see event.go)
	SSHProto                // protocol version of the banner ("2.0"), direction dependent
	SSHSoftware             // software version of the banner, direction dependent
	HASSH                   // md5 of HASSHString (client)
	HASSHString             // client KEXINIT algorithm lists
	HASSHServer             // md5 of HASSHServerString
	HASSHServerString       // server KEXINIT algorithm lists
	// Packet header buffers: the raw bytes of one protocol header of the
	// packet (Suricata's ipv4.hdr, tcp.hdr, ... sticky buffers).
	IPv4Hdr
	IPv6Hdr
	TCPHdr
	UDPHdr
	ICMPv4Hdr
	ICMPv6Hdr
	// SIP buffers (rules/sip-keywords.html).
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
	// Snort's SIP options (sipsnort.go): sip_header is a sticky buffer,
	// sip_method and sip_stat_code are read by their keywords.
	SIPHeader        // sip_header: start line, header fields and the empty line ending them
	SIPSnortMethod   // sip_method: request method
	SIPSnortStatCode // sip_stat_code: response status code digits
	// Files (rules/file-keywords.html): file.name is a sticky buffer;
	// filemd5 and filesize are read by their keywords only.
	FileName // file name: Content-Disposition filename, else the URI path
	FileMD5  // 16-byte MD5 digest of the complete file
	FileSize // 8-byte big-endian size of the complete file
	// DCERPC and SMB (dcerpc.go): dcerpc.iface, dcerpc.opnum and
	// dcerpc.endian are read by keywords, not sticky buffers.
	DCERPCStubData // request stub (to_server) or response stub (to_client), fragments reassembled
	DCERPCOpnum    // opnum of a request, 2 bytes little endian
	DCERPCIface    // each accepted interface usable by the tx: 16-byte UUID, version LE, flags (multi-buffer)
	DCERPCEndian   // 1 byte: 1 when the PDU of that direction is big endian (byte_* dce option)
	SMBNamedPipe   // tree connect share name when the share is a pipe (IPC$)
	SMBShare       // tree connect share name when the share is not a pipe
	// FTP (ftp.go): ftp.dynamic_port, ftp.mode, ftp.reply_received and
	// ftpbounce are read by their keywords, not sticky buffers.
	FTPCommand        // command name as Suricata's table spells it ("USER")
	FTPCommandData    // request line after the command name and its space
	FTPCompletionCode // each reply line's completion code (multi-buffer)
	FTPReply          // each reply line's text (multi-buffer)
	FTPDynamicPort    // negotiated data port, 2 bytes big endian
	FTPMode           // 1 byte: 1 active (PORT/EPRT), 0 passive (PASV/EPSV)
	FTPReplyReceived  // 2 bytes: final reply seen, any reply line seen
	FTPBounce         // a PORT command's 4 address bytes
	FTPDataCommand    // ftp-data: 1 byte, the command that opened the data connection (1 RETR, 2 STOR)
	// RFB (rfb.go): rfb.sectype and rfb.secresult are read by keywords,
	// not sticky buffers.
	RFBName      // ServerInit desktop name
	RFBSecType   // security type in use (server-imposed in 3.3, client-chosen later)
	RFBSecResult // SecurityResult status
	// SNMP and Kerberos 5 (snmpkrb5.go): the integer buffers are read by
	// their keywords, not sticky buffers.
	SNMPVersion     // flow's SNMP version: 1, 2 (v2c) or 3
	SNMPCommunity   // v1/v2c community
	SNMPPDUType     // PDU type, when the PDU is readable
	SNMPUsm         // v3 USM user name
	KRB5MsgType     // message type (10 AS-REQ, 11 AS-REP, 12 TGS-REQ, 13 TGS-REP, 30 KRB-ERROR)
	KRB5ErrCode     // KRB-ERROR error-code (int32)
	KRB5CName       // each client principal name component (multi-buffer)
	KRB5SName       // each server principal name component (multi-buffer)
	KRB5TicketEtype // etype of the ticket of an AS-REP or TGS-REP (int32)
	// MQTT (mqtt.go): the integer buffers hold one byte per instance and
	// are read by their keywords, not sticky buffers.
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
	// HTTP/2 (http2.go): http2.header_name is a sticky buffer, the others
	// are read by their keywords. One instance per frame, field or
	// setting of the inspected direction.
	HTTP2FrameType  // each frame's type, 1 byte
	HTTP2ErrorCode  // each RST_STREAM or GOAWAY error code, 4 bytes big endian
	HTTP2Priority   // each priority weight (PRIORITY, HEADERS), 1 byte
	HTTP2Window     // each WINDOW_UPDATE size increment, 4 bytes big endian
	HTTP2SizeUpdate // each HPACK dynamic table size update, 8 bytes big endian
	HTTP2Settings   // each SETTINGS parameter: 2-byte identifier, 4-byte value
	HTTP2HeaderName // each header field name (empty for a size update)
	// SMTP and email (smtp.go): sticky buffers of the client's side.
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
	// LDAP (ldap.go): the operation, count and result code buffers are
	// read by their keywords, not sticky buffers.
	LDAPRequestOperation       // request operation, 1 byte
	LDAPRequestDN              // request entry name
	LDAPRequestAttributeType   // each request attribute type (multi-buffer)
	LDAPResponsesOperation     // per response: 1, operation (2 bytes each)
	LDAPResponsesCount         // number of responses, 4 bytes big endian
	LDAPResponsesDN            // each response's DN (multi-buffer)
	LDAPResponsesResultCode    // per response: 1 and the code (4 bytes big endian), or 5 zero bytes
	LDAPResponsesMessage       // each response's diagnostic message (multi-buffer)
	LDAPResponsesAttributeType // each search result entry attribute type (multi-buffer)
	LDAPEvents                 // app-layer events, 4-byte little-endian bit set
	// DNP3 (dnp3.go): dnp3_data is a sticky buffer, the others are read
	// by their keywords. A transaction has them in its own direction.
	DNP3Data   // application fragment, CRCs and transport headers removed
	DNP3Func   // application function code, 1 byte
	DNP3Ind    // response internal indications, 2 bytes (IIN1, IIN2)
	DNP3Obj    // group and variation of each object, 2 bytes each
	DNP3Events // app-layer events, 4-byte little-endian bit set
	// ENIP/CIP (enip.go): enip.product_name and enip.service_name are
	// sticky buffers, the others are read by their keywords. Integer
	// lists hold a presence octet and a big-endian value per element.
	ENIPCommand         // encapsulation command, 2 bytes
	ENIPStatus          // encapsulation status, 4 bytes
	ENIPProtocolVersion // RegisterSession, ListServices or ListIdentity protocol version, 2 bytes
	ENIPCIPService      // per CIP message: service, class and attribute lists (cip_service)
	ENIPCIPClass        // request path class values (list of 4-byte values)
	ENIPCIPInstance     // request path instance values (list of 4-byte values)
	ENIPCIPAttribute    // request path and listed attributes (list of 4-byte values)
	ENIPCIPStatus       // response general statuses (list of 1-byte values)
	ENIPCIPExtStatus    // response 2-byte extended statuses (list of 2-byte values)
	ENIPVendorID        // identity vendor id, 2 bytes
	ENIPDeviceType      // identity device type, 2 bytes
	ENIPProductCode     // identity product code, 2 bytes
	ENIPRevision        // identity revision, major and minor octets
	ENIPIdentityStatus  // identity status, 2 bytes
	ENIPSerial          // identity serial number, 4 bytes
	ENIPState           // identity state, 1 byte
	ENIPProductName     // identity product name
	ENIPCapabilities    // ListServices capability flags, 2 bytes
	ENIPServiceName     // ListServices service name
	ENIPEvents          // app-layer events, 4-byte little-endian bit set
	// Modbus (modbus.go): the request's decoded fields, read by the
	// modbus keyword (layout: engine/applayer/modbus RequestBuffer).
	ModbusRequest
	ModbusEvents // app-layer events, 4-byte little-endian bit set
	// DHCP (dhcp.go): option values, 4 bytes big-endian, present when
	// the message carries the option.
	DHCPLeaseTime     // option 51
	DHCPRenewalTime   // option 58
	DHCPRebindingTime // option 59
	DHCPEvents        // app-layer events, 4-byte little-endian bit set
	// PostgreSQL (engine/applayer/pgsql).
	PgSQLQuery  // the first simple query of a transaction
	PgSQLEvents // app-layer events, 4-byte little-endian bit set
	// POP3 (engine/applayer/pop3): Suricata 8 has no pop3 keywords.
	POP3Events // app-layer events, 4-byte little-endian bit set
	// NTP (engine/applayer/ntp): one octet each, and the reference id.
	NTPVersion
	NTPMode
	NTPStratum
	NTPReferenceID // the four reference id octets
	NTPEvents      // app-layer events, 4-byte little-endian bit set
	// QUIC (engine/applayer/quic): one transaction per long-header packet.
	QUICVersion   // the 4 raw version bytes of a long header
	QUICSNI       // server name of the ClientHello, or the gQUIC SNI tag
	QUICUA        // gQUIC UAID tag
	QUICCyuHash   // each CYU fingerprint's MD5 hex (multi-buffer)
	QUICCyuString // each CYU fingerprint string (multi-buffer)
	// IKE (engine/applayer/ike): one transaction per message.
	IKEInitSPI        // initiator SPI, 16 lower-case hex digits
	IKERespSPI        // responder SPI, same form
	IKEExchType       // exchange type, 4-byte big endian
	IKEKeyExchange    // IKEv1 key exchange data
	IKENonce          // IKEv1 nonce data
	IKEKeyExchangeLen // IKEv1 key exchange data length, 4-byte big endian
	IKENonceLen       // IKEv1 nonce length, 4-byte big endian
	IKEVendor         // each IKEv1 vendor ID in hex (multi-buffer)
	IKEChosenSA       // first transform's numeric attributes, 6-byte records (type, value)
	// WebSocket (engine/applayer/websocket): one transaction per frame.
	WebSocketPayload // unmasked (and inflated) payload
	WebSocketOpcode  // opcode, one byte
	WebSocketFlags   // the four high bits of the first byte, one byte
	WebSocketMask    // masking key, 4-byte big endian (masked frames only)

	NumIDs
)

// Dir is the direction of traffic a transaction buffer belongs to.
type Dir uint8

// Directions of buffers.
const (
	AnyDir   Dir = iota // both sides (the request's or the response's, with the inspected direction)
	ToServer            // the client's side only
	ToClient            // the server's side only
)

// Spec describes one buffer.
type Spec struct {
	// Name is the canonical rule keyword of the buffer.
	Name string
	// Proto is the app-layer protocol whose transactions carry the
	// buffer: ProtoUnknown for the packet and its headers, ProtoFile for
	// the file buffers (every protocol with files).
	Proto Proto
	// Dir is the direction the buffer belongs to.
	Dir Dir
	// Multi marks buffers with several instances per transaction (one per
	// certificate, per query): a list matches when any instance matches.
	Multi bool
	// Hdr marks a packet header buffer (read from the packet, not a
	// transaction).
	Hdr bool
	// Grows marks buffers that only ever grow at their end while a
	// transaction is parsed (bodies): the prefilter scans only what was
	// added since the last scan.
	Grows bool
	// Value marks small buffers read by their keyword whose content may
	// change in place while their length stays (ssl_state's flags): a
	// transaction is inspected again when their content changes.
	Value bool
}

// Tx reports whether the buffer belongs to an app-layer transaction.
func (s *Spec) Tx() bool { return s.Proto != ProtoUnknown }

// Specs is indexed by ID.
var Specs = [NumIDs]Spec{
	Packet:             {Name: "pkt_data"},
	HTTPURI:            {Name: "http.uri", Proto: ProtoHTTP, Dir: ToServer},
	HTTPURIRaw:         {Name: "http.uri.raw", Proto: ProtoHTTP, Dir: ToServer},
	HTTPMethod:         {Name: "http.method", Proto: ProtoHTTP, Dir: ToServer},
	HTTPRequestLine:    {Name: "http.request_line", Proto: ProtoHTTP, Dir: ToServer},
	HTTPHeader:         {Name: "http.header", Proto: ProtoHTTP},
	HTTPHeaderRaw:      {Name: "http.header.raw", Proto: ProtoHTTP},
	HTTPHeaderNames:    {Name: "http.header_names", Proto: ProtoHTTP},
	HTTPCookie:         {Name: "http.cookie", Proto: ProtoHTTP},
	HTTPUserAgent:      {Name: "http.user_agent", Proto: ProtoHTTP, Dir: ToServer},
	HTTPHost:           {Name: "http.host", Proto: ProtoHTTP, Dir: ToServer},
	HTTPHostRaw:        {Name: "http.host.raw", Proto: ProtoHTTP, Dir: ToServer},
	HTTPRequestBody:    {Name: "http.request_body", Proto: ProtoHTTP, Dir: ToServer, Grows: true},
	HTTPResponseBody:   {Name: "http.response_body", Proto: ProtoHTTP, Dir: ToClient, Grows: true},
	HTTPStatCode:       {Name: "http.stat_code", Proto: ProtoHTTP, Dir: ToClient},
	HTTPStatMsg:        {Name: "http.stat_msg", Proto: ProtoHTTP, Dir: ToClient},
	HTTPContentType:    {Name: "http.content_type", Proto: ProtoHTTP},
	HTTPContentLen:     {Name: "http.content_len", Proto: ProtoHTTP},
	HTTPProtocol:       {Name: "http.protocol", Proto: ProtoHTTP},
	HTTPStart:          {Name: "http.start", Proto: ProtoHTTP},
	HTTPAccept:         {Name: "http.accept", Proto: ProtoHTTP, Dir: ToServer},
	HTTPAcceptEnc:      {Name: "http.accept_enc", Proto: ProtoHTTP, Dir: ToServer},
	HTTPAcceptLang:     {Name: "http.accept_lang", Proto: ProtoHTTP, Dir: ToServer},
	HTTPReferer:        {Name: "http.referer", Proto: ProtoHTTP, Dir: ToServer},
	HTTPLocation:       {Name: "http.location", Proto: ProtoHTTP, Dir: ToClient},
	HTTPConnection:     {Name: "http.connection", Proto: ProtoHTTP},
	HTTPServer:         {Name: "http.server", Proto: ProtoHTTP, Dir: ToClient},
	HTTPResponseLine:   {Name: "http.response_line", Proto: ProtoHTTP, Dir: ToClient},
	HTTPRequestHeader:  {Name: "http.request_header", Proto: ProtoHTTP, Dir: ToServer, Multi: true},
	HTTPResponseHeader: {Name: "http.response_header", Proto: ProtoHTTP, Dir: ToClient, Multi: true},
	FileData:           {Name: "file.data", Proto: ProtoFile, Multi: true, Grows: true}, // files.go; one instance per file (SMTP attachments)
	DNSQuery:           {Name: "dns.query", Proto: ProtoDNS, Dir: ToServer, Multi: true},
	// Each message's own sections, in both directions; dns.response.rrname
	// only in responses. Docs: rules/dns-keywords.html
	DNSOpcode:            {Name: "dns.opcode", Proto: ProtoDNS},
	DNSRcode:             {Name: "dns.rcode", Proto: ProtoDNS, Value: true},
	DNSRRType:            {Name: "dns.rrtype", Proto: ProtoDNS, Multi: true, Value: true},
	DNSQueriesRRName:     {Name: "dns.queries.rrname", Proto: ProtoDNS, Multi: true},
	DNSAnswersRRName:     {Name: "dns.answers.rrname", Proto: ProtoDNS, Multi: true},
	DNSAuthoritiesRRName: {Name: "dns.authorities.rrname", Proto: ProtoDNS, Multi: true},
	DNSAdditionalsRRName: {Name: "dns.additionals.rrname", Proto: ProtoDNS, Multi: true},
	DNSResponseRRName:    {Name: "dns.response.rrname", Proto: ProtoDNS, Dir: ToClient, Multi: true},
	TLSSNI:               {Name: "tls.sni", Proto: ProtoTLS, Dir: ToServer},
	TLSCerts:             {Name: "tls.certs", Proto: ProtoTLS, Dir: AnyDir, Multi: true},
	TLSCertSubject:       {Name: "tls.cert_subject", Proto: ProtoTLS, Dir: AnyDir},
	TLSCertIssuer:        {Name: "tls.cert_issuer", Proto: ProtoTLS, Dir: AnyDir},
	TLSCertSerial:        {Name: "tls.cert_serial", Proto: ProtoTLS, Dir: AnyDir},
	TLSCertFingerprint:   {Name: "tls.cert_fingerprint", Proto: ProtoTLS, Dir: AnyDir},
	TLSSubjectAltName:    {Name: "tls.subjectaltname", Proto: ProtoTLS, Dir: ToClient, Multi: true}, // Docs: rules/tls-keywords.html#tls-subjectaltname
	TLSALPN:              {Name: "tls.alpn", Proto: ProtoTLS, Multi: true},                          // Docs: rules/tls-keywords.html#tls-alpn
	JA3Hash:              {Name: "ja3.hash", Proto: ProtoTLS, Dir: ToServer},
	JA3String:            {Name: "ja3.string", Proto: ProtoTLS, Dir: ToServer},
	JA3SHash:             {Name: "ja3s.hash", Proto: ProtoTLS, Dir: ToClient},
	JA3SString:           {Name: "ja3s.string", Proto: ProtoTLS, Dir: ToClient},
	JA4Hash:              {Name: "ja4.hash", Proto: ProtoTLS, Dir: ToServer},
	// Direction dependent: the client's random to the server, the
	// server's to the client. Docs: rules/tls-keywords.html#tls-random
	TLSRandom:         {Name: "tls.random", Proto: ProtoTLS},
	TLSRandomTime:     {Name: "tls.random_time", Proto: ProtoTLS},
	TLSRandomBytes:    {Name: "tls.random_bytes", Proto: ProtoTLS},
	TLSCertValidity:   {Name: "tls.cert_validity", Proto: ProtoTLS, Dir: ToClient, Value: true},
	SSLVersion:        {Name: "ssl_version", Proto: ProtoTLS, Value: true},
	SSLState:          {Name: "ssl_state", Proto: ProtoTLS, Value: true},
	HTTPEvents:        {Name: "app-layer-event.http", Proto: ProtoHTTP, Value: true},
	SSHProto:          {Name: "ssh.proto", Proto: ProtoSSH},
	SSHSoftware:       {Name: "ssh.software", Proto: ProtoSSH},
	HASSH:             {Name: "ssh.hassh", Proto: ProtoSSH, Dir: ToServer},
	HASSHString:       {Name: "ssh.hassh.string", Proto: ProtoSSH, Dir: ToServer},
	HASSHServer:       {Name: "ssh.hassh.server", Proto: ProtoSSH, Dir: ToClient},
	HASSHServerString: {Name: "ssh.hassh.server.string", Proto: ProtoSSH, Dir: ToClient},
	// Docs: rules/header-keywords.html (ipv4.hdr, ipv6.hdr, tcp.hdr,
	// udp.hdr, icmpv4.hdr, icmpv6.hdr).
	IPv4Hdr:   {Name: "ipv4.hdr", Hdr: true},
	IPv6Hdr:   {Name: "ipv6.hdr", Hdr: true},
	TCPHdr:    {Name: "tcp.hdr", Hdr: true},
	UDPHdr:    {Name: "udp.hdr", Hdr: true},
	ICMPv4Hdr: {Name: "icmpv4.hdr", Hdr: true},
	ICMPv6Hdr: {Name: "icmpv6.hdr", Hdr: true},
	// SIP: request and response buffers are one-sided, the protocol and
	// the headers (one instance per header line) follow the direction.
	SIPMethod:        {Name: "sip.method", Proto: ProtoSIP, Dir: ToServer},
	SIPURI:           {Name: "sip.uri", Proto: ProtoSIP, Dir: ToServer},
	SIPRequestLine:   {Name: "sip.request_line", Proto: ProtoSIP, Dir: ToServer},
	SIPStatCode:      {Name: "sip.stat_code", Proto: ProtoSIP, Dir: ToClient},
	SIPStatMsg:       {Name: "sip.stat_msg", Proto: ProtoSIP, Dir: ToClient},
	SIPResponseLine:  {Name: "sip.response_line", Proto: ProtoSIP, Dir: ToClient},
	SIPProtocol:      {Name: "sip.protocol", Proto: ProtoSIP},
	SIPFrom:          {Name: "sip.from", Proto: ProtoSIP, Multi: true},
	SIPTo:            {Name: "sip.to", Proto: ProtoSIP, Multi: true},
	SIPVia:           {Name: "sip.via", Proto: ProtoSIP, Multi: true},
	SIPUserAgent:     {Name: "sip.user_agent", Proto: ProtoSIP, Multi: true},
	SIPContentType:   {Name: "sip.content_type", Proto: ProtoSIP, Multi: true},
	SIPContentLength: {Name: "sip.content_length", Proto: ProtoSIP, Multi: true},
	SIPHeader:        {Name: "sip_header", Proto: ProtoSIP},
	SIPSnortMethod:   {Name: "sip_method", Proto: ProtoSIP},
	SIPSnortStatCode: {Name: "sip_stat_code", Proto: ProtoSIP},
	FileName:         {Name: "file.name", Proto: ProtoFile, Multi: true}, // files.go
	FileMD5:          {Name: "filemd5", Proto: ProtoFile, Multi: true},
	FileSize:         {Name: "filesize", Proto: ProtoFile, Multi: true},
	// Docs: rules/dcerpc-keywords.html, rules/smb-keywords.html. DCERPC
	// buffers also exist on SMB transactions (DCERPC over named pipes).
	DCERPCStubData: {Name: "dcerpc.stub_data", Proto: ProtoDCERPC},
	DCERPCOpnum:    {Name: "dcerpc.opnum", Proto: ProtoDCERPC},
	DCERPCIface:    {Name: "dcerpc.iface", Proto: ProtoDCERPC, Multi: true},
	DCERPCEndian:   {Name: "dcerpc.endian", Proto: ProtoDCERPC},
	SMBNamedPipe:   {Name: "smb.named_pipe", Proto: ProtoSMB, Dir: ToServer},
	SMBShare:       {Name: "smb.share", Proto: ProtoSMB, Dir: ToServer},
	// Docs: rules/ftp-keywords.html. Suricata inspects the command with
	// the client's side, the replies with the server's, the port and mode
	// with both.
	FTPCommand:        {Name: "ftp.command", Proto: ProtoFTP, Dir: ToServer},
	FTPCommandData:    {Name: "ftp.command_data", Proto: ProtoFTP, Dir: ToServer},
	FTPCompletionCode: {Name: "ftp.completion_code", Proto: ProtoFTP, Dir: ToClient, Multi: true},
	FTPReply:          {Name: "ftp.reply", Proto: ProtoFTP, Dir: ToClient, Multi: true},
	FTPDynamicPort:    {Name: "ftp.dynamic_port", Proto: ProtoFTP},
	FTPMode:           {Name: "ftp.mode", Proto: ProtoFTP},
	FTPReplyReceived:  {Name: "ftp.reply_received", Proto: ProtoFTP, Dir: ToClient},
	FTPBounce:         {Name: "ftpbounce", Proto: ProtoFTP, Dir: ToServer},
	FTPDataCommand:    {Name: "ftpdata_command", Proto: ProtoFTPData},
	// Docs: rules/rfb-keywords.html. Suricata inspects the security type
	// with the client's side of the handshake, the rest with the server's.
	RFBName:      {Name: "rfb.name", Proto: ProtoRFB, Dir: ToClient},
	RFBSecType:   {Name: "rfb.sectype", Proto: ProtoRFB, Dir: ToServer},
	RFBSecResult: {Name: "rfb.secresult", Proto: ProtoRFB, Dir: ToClient},
	// Docs: rules/snmp-keywords.html, rules/kerberos-keywords.html. Each
	// message is a transaction of its own direction.
	SNMPVersion:     {Name: "snmp.version", Proto: ProtoSNMP},
	SNMPCommunity:   {Name: "snmp.community", Proto: ProtoSNMP},
	SNMPPDUType:     {Name: "snmp.pdu_type", Proto: ProtoSNMP},
	SNMPUsm:         {Name: "snmp.usm", Proto: ProtoSNMP},
	KRB5MsgType:     {Name: "krb5_msg_type", Proto: ProtoKRB5},
	KRB5ErrCode:     {Name: "krb5_err_code", Proto: ProtoKRB5},
	KRB5CName:       {Name: "krb5_cname", Proto: ProtoKRB5, Multi: true},
	KRB5SName:       {Name: "krb5_sname", Proto: ProtoKRB5, Multi: true},
	KRB5TicketEtype: {Name: "krb5.ticket_encryption", Proto: ProtoKRB5},

	// Docs: rules/mqtt-keywords.html. Directions are those Suricata
	// registers; an MQTT transaction is only inspected in the direction
	// of its first message.
	MQTTType:                  {Name: "mqtt.type", Proto: ProtoMQTT, Multi: true},
	MQTTFlags:                 {Name: "mqtt.flags", Proto: ProtoMQTT, Dir: ToServer, Multi: true},
	MQTTQoS:                   {Name: "mqtt.qos", Proto: ProtoMQTT, Dir: ToServer, Multi: true},
	MQTTReasonCode:            {Name: "mqtt.reason_code", Proto: ProtoMQTT, Multi: true},
	MQTTProtocolVersion:       {Name: "mqtt.protocol_version", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnackSessionPresent: {Name: "mqtt.connack.session_present", Proto: ProtoMQTT, Dir: ToClient, Multi: true},
	MQTTConnectFlags:          {Name: "mqtt.connect.flags", Proto: ProtoMQTT, Dir: ToServer, Multi: true},
	MQTTConnectClientID:       {Name: "mqtt.connect.clientid", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnectUsername:       {Name: "mqtt.connect.username", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnectPassword:       {Name: "mqtt.connect.password", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnectWillTopic:      {Name: "mqtt.connect.willtopic", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnectWillMessage:    {Name: "mqtt.connect.willmessage", Proto: ProtoMQTT, Dir: ToServer},
	MQTTConnectProtocolString: {Name: "mqtt.connect.protocol_string", Proto: ProtoMQTT, Dir: ToServer},
	MQTTPublishTopic:          {Name: "mqtt.publish.topic", Proto: ProtoMQTT},
	MQTTPublishMessage:        {Name: "mqtt.publish.message", Proto: ProtoMQTT},
	MQTTSubscribeTopic:        {Name: "mqtt.subscribe.topic", Proto: ProtoMQTT, Dir: ToServer, Multi: true},
	MQTTUnsubscribeTopic:      {Name: "mqtt.unsubscribe.topic", Proto: ProtoMQTT, Dir: ToServer, Multi: true},
	// Docs: rules/http2-keywords.html. Suricata inspects them in both
	// directions, each on that direction's frames.
	HTTP2FrameType:  {Name: "http2.frametype", Proto: ProtoHTTP2, Multi: true},
	HTTP2ErrorCode:  {Name: "http2.errorcode", Proto: ProtoHTTP2, Multi: true},
	HTTP2Priority:   {Name: "http2.priority", Proto: ProtoHTTP2, Multi: true},
	HTTP2Window:     {Name: "http2.window", Proto: ProtoHTTP2, Multi: true},
	HTTP2SizeUpdate: {Name: "http2.size_update", Proto: ProtoHTTP2, Multi: true},
	HTTP2Settings:   {Name: "http2.settings", Proto: ProtoHTTP2, Multi: true},
	HTTP2HeaderName: {Name: "http2.header_name", Proto: ProtoHTTP2, Multi: true},
	// Docs: rules/smtp-keywords.html, rules/email-keywords.html. Suricata
	// registers them all to the server.
	SMTPHelo:       {Name: "smtp.helo", Proto: ProtoSMTP, Dir: ToServer},
	SMTPMailFrom:   {Name: "smtp.mail_from", Proto: ProtoSMTP, Dir: ToServer},
	SMTPRcptTo:     {Name: "smtp.rcpt_to", Proto: ProtoSMTP, Dir: ToServer, Multi: true},
	EmailFrom:      {Name: "email.from", Proto: ProtoSMTP, Dir: ToServer},
	EmailSubject:   {Name: "email.subject", Proto: ProtoSMTP, Dir: ToServer},
	EmailTo:        {Name: "email.to", Proto: ProtoSMTP, Dir: ToServer},
	EmailCc:        {Name: "email.cc", Proto: ProtoSMTP, Dir: ToServer},
	EmailDate:      {Name: "email.date", Proto: ProtoSMTP, Dir: ToServer},
	EmailMessageID: {Name: "email.message_id", Proto: ProtoSMTP, Dir: ToServer},
	EmailXMailer:   {Name: "email.x_mailer", Proto: ProtoSMTP, Dir: ToServer},
	EmailReceived:  {Name: "email.received", Proto: ProtoSMTP, Dir: ToServer, Multi: true},
	// Docs: rules/ldap-keywords.html; directions as Suricata registers them.
	LDAPRequestOperation:       {Name: "ldap.request.operation", Proto: ProtoLDAP, Dir: ToServer},
	LDAPRequestDN:              {Name: "ldap.request.dn", Proto: ProtoLDAP, Dir: ToServer},
	LDAPRequestAttributeType:   {Name: "ldap.request.attribute_type", Proto: ProtoLDAP, Dir: ToServer, Multi: true},
	LDAPResponsesOperation:     {Name: "ldap.responses.operation", Proto: ProtoLDAP, Dir: ToClient},
	LDAPResponsesCount:         {Name: "ldap.responses.count", Proto: ProtoLDAP, Dir: ToClient, Value: true},
	LDAPResponsesDN:            {Name: "ldap.responses.dn", Proto: ProtoLDAP, Dir: ToClient, Multi: true},
	LDAPResponsesResultCode:    {Name: "ldap.responses.result_code", Proto: ProtoLDAP, Dir: ToClient},
	LDAPResponsesMessage:       {Name: "ldap.responses.message", Proto: ProtoLDAP, Dir: ToClient, Multi: true},
	LDAPResponsesAttributeType: {Name: "ldap.responses.attribute_type", Proto: ProtoLDAP, Dir: ToClient, Multi: true},
	LDAPEvents:                 {Name: "app-layer-event.ldap", Proto: ProtoLDAP, Value: true},
	// Docs: rules/dnp3-keywords.html.
	DNP3Data:   {Name: "dnp3_data", Proto: ProtoDNP3},
	DNP3Func:   {Name: "dnp3_func", Proto: ProtoDNP3},
	DNP3Ind:    {Name: "dnp3_ind", Proto: ProtoDNP3, Dir: ToClient},
	DNP3Obj:    {Name: "dnp3_obj", Proto: ProtoDNP3},
	DNP3Events: {Name: "app-layer-event.dnp3", Proto: ProtoDNP3, Value: true},
	// Docs: rules/enip-keyword.html. Suricata registers them all in both
	// directions; the transaction picks the request or the response.
	ENIPCommand:         {Name: "enip_command", Proto: ProtoENIP},
	ENIPStatus:          {Name: "enip.status", Proto: ProtoENIP},
	ENIPProtocolVersion: {Name: "enip.protocol_version", Proto: ProtoENIP},
	ENIPCIPService:      {Name: "cip_service", Proto: ProtoENIP},
	ENIPCIPClass:        {Name: "enip.cip_class", Proto: ProtoENIP},
	ENIPCIPInstance:     {Name: "enip.cip_instance", Proto: ProtoENIP},
	ENIPCIPAttribute:    {Name: "enip.cip_attribute", Proto: ProtoENIP},
	ENIPCIPStatus:       {Name: "enip.cip_status", Proto: ProtoENIP},
	ENIPCIPExtStatus:    {Name: "enip.cip_extendedstatus", Proto: ProtoENIP},
	ENIPVendorID:        {Name: "enip.vendor_id", Proto: ProtoENIP},
	ENIPDeviceType:      {Name: "enip.device_type", Proto: ProtoENIP},
	ENIPProductCode:     {Name: "enip.product_code", Proto: ProtoENIP},
	ENIPRevision:        {Name: "enip.revision", Proto: ProtoENIP},
	ENIPIdentityStatus:  {Name: "enip.identity_status", Proto: ProtoENIP},
	ENIPSerial:          {Name: "enip.serial", Proto: ProtoENIP},
	ENIPState:           {Name: "enip.state", Proto: ProtoENIP},
	ENIPProductName:     {Name: "enip.product_name", Proto: ProtoENIP},
	ENIPCapabilities:    {Name: "enip.capabilities", Proto: ProtoENIP},
	ENIPServiceName:     {Name: "enip.service_name", Proto: ProtoENIP},
	ENIPEvents:          {Name: "app-layer-event.enip", Proto: ProtoENIP, Value: true},
	// Docs: rules/modbus-keyword.html.
	ModbusRequest: {Name: "modbus", Proto: ProtoModbus, Dir: ToServer, Value: true},
	ModbusEvents:  {Name: "app-layer-event.modbus", Proto: ProtoModbus, Value: true},
	// Docs: rules/dhcp-keywords.html.
	DHCPLeaseTime:     {Name: "dhcp.leasetime", Proto: ProtoDHCP, Value: true},
	DHCPRenewalTime:   {Name: "dhcp.renewal_time", Proto: ProtoDHCP, Value: true},
	DHCPRebindingTime: {Name: "dhcp.rebinding_time", Proto: ProtoDHCP, Value: true},
	DHCPEvents:        {Name: "app-layer-event.dhcp", Proto: ProtoDHCP, Value: true},
	// Docs: rules/pgsql-keywords.html.
	PgSQLQuery:  {Name: "pgsql.query", Proto: ProtoPgSQL, Dir: ToServer},
	PgSQLEvents: {Name: "app-layer-event.pgsql", Proto: ProtoPgSQL, Value: true},
	POP3Events:  {Name: "app-layer-event.pop3", Proto: ProtoPOP3, Value: true},
	// Docs: rules/ntp-keywords.html; both directions.
	NTPVersion:     {Name: "ntp.version", Proto: ProtoNTP, Value: true},
	NTPMode:        {Name: "ntp.mode", Proto: ProtoNTP, Value: true},
	NTPStratum:     {Name: "ntp.stratum", Proto: ProtoNTP, Value: true},
	NTPReferenceID: {Name: "ntp.reference_id", Proto: ProtoNTP},
	NTPEvents:      {Name: "app-layer-event.ntp", Proto: ProtoNTP, Value: true},
	// Docs: rules/quic-keywords.html. Suricata inspects them in both
	// directions, each packet in its own. The JA3/JA4 buffers (TLS) also
	// apply to QUIC transactions (detect/quic.go).
	QUICVersion:   {Name: "quic.version", Proto: ProtoQUIC},
	QUICSNI:       {Name: "quic.sni", Proto: ProtoQUIC},
	QUICUA:        {Name: "quic.ua", Proto: ProtoQUIC},
	QUICCyuHash:   {Name: "quic.cyu.hash", Proto: ProtoQUIC, Multi: true},
	QUICCyuString: {Name: "quic.cyu.string", Proto: ProtoQUIC, Multi: true},
	// Docs: rules/ike-keywords.html. Directions are those Suricata 8.0
	// registers; a message is inspected in its own direction.
	IKEInitSPI:        {Name: "ike.init_spi", Proto: ProtoIKE, Dir: ToServer},
	IKERespSPI:        {Name: "ike.resp_spi", Proto: ProtoIKE, Dir: ToClient},
	IKEExchType:       {Name: "ike.exchtype", Proto: ProtoIKE},
	IKEKeyExchange:    {Name: "ike.key_exchange_payload", Proto: ProtoIKE},
	IKENonce:          {Name: "ike.nonce_payload", Proto: ProtoIKE},
	IKEKeyExchangeLen: {Name: "ike.key_exchange_payload_length", Proto: ProtoIKE},
	IKENonceLen:       {Name: "ike.nonce_payload_length", Proto: ProtoIKE},
	IKEVendor:         {Name: "ike.vendor", Proto: ProtoIKE, Dir: ToServer, Multi: true},
	IKEChosenSA:       {Name: "ike.chosen_sa_attribute", Proto: ProtoIKE, Dir: ToClient},
	// Docs: rules/websocket-keywords.html. Both directions, each frame in
	// its own.
	WebSocketPayload: {Name: "websocket.payload", Proto: ProtoWebSocket},
	WebSocketOpcode:  {Name: "websocket.opcode", Proto: ProtoWebSocket},
	WebSocketFlags:   {Name: "websocket.flags", Proto: ProtoWebSocket},
	WebSocketMask:    {Name: "websocket.mask", Proto: ProtoWebSocket},
}

// String returns the buffer's canonical keyword.
func (b ID) String() string {
	if b < NumIDs {
		return Specs[b].Name
	}
	return "?"
}

// Alias is another spelling of a buffer's keyword.
type Alias struct {
	Name string
	ID   ID
}

// Aliases maps the legacy and Snort 2 spellings of sticky buffers and
// content modifiers ("http_uri", "file_data") to buffers; Specs holds the
// canonical names. Sorted by name.
var Aliases = []Alias{
	{"dce_stub_data", DCERPCStubData},
	{"dns_query", DNSQuery},
	{"file_data", FileData},
	{"hassh", HASSH},
	{"hassh.server", HASSHServer},
	{"hassh.server.string", HASSHServerString},
	{"hassh.string", HASSHString},
	{"hassh_server", HASSHServer},
	{"hassh_server_string", HASSHServerString},
	{"hassh_string", HASSHString},
	{"http_accept", HTTPAccept},
	{"http_accept_enc", HTTPAcceptEnc},
	{"http_accept_lang", HTTPAcceptLang},
	{"http_client_body", HTTPRequestBody},
	{"http_connection", HTTPConnection},
	{"http_content_len", HTTPContentLen},
	{"http_content_type", HTTPContentType},
	{"http_cookie", HTTPCookie},
	{"http_header", HTTPHeader},
	{"http_header_names", HTTPHeaderNames},
	{"http_host", HTTPHost},
	{"http_method", HTTPMethod},
	{"http_protocol", HTTPProtocol},
	{"http_raw_header", HTTPHeaderRaw},
	{"http_raw_host", HTTPHostRaw},
	{"http_raw_uri", HTTPURIRaw},
	{"http_referer", HTTPReferer},
	{"http_request_line", HTTPRequestLine},
	{"http_response_line", HTTPResponseLine},
	{"http_server_body", HTTPResponseBody},
	{"http_start", HTTPStart},
	{"http_stat_code", HTTPStatCode},
	{"http_stat_msg", HTTPStatMsg},
	{"http_uri", HTTPURI},
	{"http_user_agent", HTTPUserAgent},
	{"ja3_hash", JA3Hash},
	{"ja3_string", JA3String},
	{"ja3s_hash", JA3SHash},
	{"ja3s_string", JA3SString},
	{"smb_named_pipe", SMBNamedPipe},
	{"smb_share", SMBShare},
	{"ssh_proto", SSHProto},
	{"ssh_software", SSHSoftware},
	{"tls_cert_fingerprint", TLSCertFingerprint},
	{"tls_cert_issuer", TLSCertIssuer},
	{"tls_cert_serial", TLSCertSerial},
	{"tls_cert_subject", TLSCertSubject},
	{"tls_sni", TLSSNI},
}

// Lookup returns the buffer of a canonical keyword or alias.
func Lookup(name string) (ID, bool) {
	for i := range Specs {
		if Specs[i].Name == name {
			return ID(i), true
		}
	}
	for _, a := range Aliases {
		if a.Name == name {
			return a.ID, true
		}
	}
	return 0, false
}
