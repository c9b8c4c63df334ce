package detect

// Buf names one inspection buffer: the packet payload, or one buffer of an
// app-layer transaction. The engine fills buffers through the Tx interface
// using these IDs; detect never sees app-layer types.
type Buf uint8

// Buffers. BufPacket is the packet payload (Suricata's pkt_data and the
// default list of content without a sticky buffer).
const (
	BufPacket Buf = iota
	BufHTTPURI
	BufHTTPURIRaw
	BufHTTPMethod
	BufHTTPRequestLine
	BufHTTPHeader
	BufHTTPHeaderRaw
	BufHTTPHeaderNames
	BufHTTPCookie
	BufHTTPUserAgent
	BufHTTPHost
	BufHTTPHostRaw
	BufHTTPRequestBody
	BufHTTPResponseBody // http.response_body
	BufHTTPStatCode
	BufHTTPStatMsg
	BufHTTPContentType
	BufHTTPContentLen
	BufHTTPProtocol
	BufHTTPStart
	BufHTTPAccept
	BufHTTPAcceptEnc
	BufHTTPAcceptLang
	BufHTTPReferer
	BufHTTPLocation
	BufHTTPConnection
	BufHTTPServer
	BufHTTPResponseLine
	BufHTTPRequestHeader
	BufHTTPResponseHeader
	BufFileData // file.data: the content of a file of the transaction (HTTP: the request body to the server, the response body to the client)
	BufDNSQuery
	BufDNSOpcode // dns.opcode: the header opcode as one byte (read by the keyword, not a sticky buffer)
	BufDNSQueriesRRName
	BufDNSAnswersRRName
	BufDNSAuthoritiesRRName
	BufDNSAdditionalsRRName
	BufDNSResponseRRName
	BufTLSSNI
	BufTLSCerts
	BufTLSCertSubject
	BufTLSCertIssuer
	BufTLSCertSerial
	BufTLSCertFingerprint
	BufJA3Hash
	BufJA3String
	BufJA3SHash
	BufJA3SString
	BufJA4Hash
	BufTLSRandom
	BufTLSRandomTime
	BufTLSRandomBytes
	BufSSLVersion // ssl_version: the hello version of the direction, 2 bytes (read by the keyword, not a sticky buffer)
	BufSSLState   // ssl_state: Suricata's and Snort's handshake-state flags, 2 bytes (sslstate.go; read by the keyword)
	BufSSHProto
	BufSSHSoftware
	BufHASSH
	BufHASSHString
	BufHASSHServer
	BufHASSHServerString
	// Packet header buffers: the raw bytes of one protocol header of the
	// packet (Suricata's ipv4.hdr, tcp.hdr, ... sticky buffers).
	BufIPv4Hdr
	BufIPv6Hdr
	BufTCPHdr
	BufUDPHdr
	BufICMPv4Hdr
	BufICMPv6Hdr
	// SIP buffers (rules/sip-keywords.html).
	BufSIPMethod
	BufSIPURI
	BufSIPRequestLine
	BufSIPStatCode
	BufSIPStatMsg
	BufSIPResponseLine
	BufSIPProtocol
	BufSIPFrom
	BufSIPTo
	BufSIPVia
	BufSIPUserAgent
	BufSIPContentType
	BufSIPContentLength
	// Snort's SIP options (sipsnort.go): sip_header is a sticky buffer,
	// sip_method and sip_stat_code are read by their keywords.
	BufSIPHeader
	BufSIPMethodSnort
	BufSIPStatCodeSnort
	// Files (rules/file-keywords.html): file.name is a sticky buffer;
	// filemd5 and filesize are read by their keywords only.
	BufFileName
	BufFileMD5
	BufFileSize
	// DCERPC and SMB (dcerpc.go): dcerpc.iface, dcerpc.opnum and
	// dcerpc.endian are read by keywords, not sticky buffers.
	BufDCEStubData
	BufDCEOpnum
	BufDCEIface
	BufDCEEndian
	BufSMBNamedPipe
	BufSMBShare
	// FTP (ftp.go): ftp.dynamic_port, ftp.mode, ftp.reply_received and
	// ftpbounce are read by their keywords, not sticky buffers.
	BufFTPCommand
	BufFTPCommandData
	BufFTPCompletionCode
	BufFTPReply
	BufFTPDynamicPort
	BufFTPMode
	BufFTPReplyReceived
	BufFTPBounce
	// RFB (rfb.go): rfb.sectype and rfb.secresult are read by keywords,
	// not sticky buffers.
	BufRFBName
	BufRFBSecType
	BufRFBSecResult
	// SNMP and Kerberos 5 (snmpkrb5.go): the integer buffers are read by
	// their keywords, not sticky buffers.
	BufSNMPVersion
	BufSNMPCommunity
	BufSNMPPDUType
	BufSNMPUsm
	BufKRB5MsgType
	BufKRB5ErrCode
	BufKRB5CName
	BufKRB5SName
	BufKRB5TicketEtype
	// MQTT (mqtt.go): the integer buffers hold one byte per instance and
	// are read by their keywords, not sticky buffers.
	BufMQTTType
	BufMQTTFlags
	BufMQTTQoS
	BufMQTTReasonCode
	BufMQTTProtocolVersion
	BufMQTTConnackSessionPresent
	BufMQTTConnectFlags
	BufMQTTConnectClientID
	BufMQTTConnectUsername
	BufMQTTConnectPassword
	BufMQTTConnectWillTopic
	BufMQTTConnectWillMessage
	BufMQTTConnectProtocolString
	BufMQTTPublishTopic
	BufMQTTPublishMessage
	BufMQTTSubscribeTopic
	BufMQTTUnsubscribeTopic
	// HTTP/2 (http2.go): http2.header_name is a sticky buffer, the others
	// are read by their keywords. One instance per frame, field or
	// setting of the inspected direction.
	BufHTTP2FrameType
	BufHTTP2ErrorCode
	BufHTTP2Priority
	BufHTTP2Window
	BufHTTP2SizeUpdate
	BufHTTP2Settings
	BufHTTP2HeaderName
	// SMTP and email (smtp.go): sticky buffers of the client's side.
	BufSMTPHelo
	BufSMTPMailFrom
	BufSMTPRcptTo
	BufEmailFrom
	BufEmailSubject
	BufEmailTo
	BufEmailCc
	BufEmailDate
	BufEmailMessageID
	BufEmailXMailer
	BufEmailReceived
	NumBufs
)

// bufBase64 is the output of base64_decode, inspected by a base64_data
// list. It is not a transaction buffer: the matcher reads it from the
// thread.
const bufBase64 Buf = 255

// dir is the direction of traffic a buffer belongs to.
type dir uint8

const (
	dirAny dir = iota
	dirToServer
	dirToClient
)

// bufSpec describes one buffer: its canonical keyword, the app-layer
// protocol it needs ("" for the packet payload) and its direction.
type bufSpec struct {
	name  string
	proto string
	dir   dir
	// multi marks buffers with several instances per transaction (one per
	// certificate, per query): a list matches when any instance matches.
	multi bool
	// hdr marks a packet header buffer (read from the Packet, not a
	// transaction).
	hdr bool
	// grows marks buffers that only ever grow at their end while a
	// transaction is parsed (bodies): the prefilter scans only what was
	// added since the last scan. growIdx numbers them (TxState.head).
	grows   bool
	growIdx uint8
	// value marks small buffers read by their keyword whose content may
	// change in place while their length stays (ssl_state's flags): a
	// transaction is inspected again when their content changes.
	value bool
}

// numGrows is the number of bufSpecs with grows set.
const numGrows = 3

// bufSpecs is indexed by Buf.
var bufSpecs = [NumBufs]bufSpec{
	BufPacket:             {name: "pkt_data"},
	BufHTTPURI:            {name: "http.uri", proto: "http", dir: dirToServer},
	BufHTTPURIRaw:         {name: "http.uri.raw", proto: "http", dir: dirToServer},
	BufHTTPMethod:         {name: "http.method", proto: "http", dir: dirToServer},
	BufHTTPRequestLine:    {name: "http.request_line", proto: "http", dir: dirToServer},
	BufHTTPHeader:         {name: "http.header", proto: "http", dir: dirAny},
	BufHTTPHeaderRaw:      {name: "http.header.raw", proto: "http", dir: dirAny},
	BufHTTPHeaderNames:    {name: "http.header_names", proto: "http", dir: dirAny},
	BufHTTPCookie:         {name: "http.cookie", proto: "http", dir: dirAny},
	BufHTTPUserAgent:      {name: "http.user_agent", proto: "http", dir: dirToServer},
	BufHTTPHost:           {name: "http.host", proto: "http", dir: dirToServer},
	BufHTTPHostRaw:        {name: "http.host.raw", proto: "http", dir: dirToServer},
	BufHTTPRequestBody:    {name: "http.request_body", proto: "http", dir: dirToServer, grows: true},
	BufHTTPResponseBody:   {name: "http.response_body", proto: "http", dir: dirToClient, grows: true},
	BufHTTPStatCode:       {name: "http.stat_code", proto: "http", dir: dirToClient},
	BufHTTPStatMsg:        {name: "http.stat_msg", proto: "http", dir: dirToClient},
	BufHTTPContentType:    {name: "http.content_type", proto: "http", dir: dirAny},
	BufHTTPContentLen:     {name: "http.content_len", proto: "http", dir: dirAny},
	BufHTTPProtocol:       {name: "http.protocol", proto: "http", dir: dirAny},
	BufHTTPStart:          {name: "http.start", proto: "http", dir: dirAny},
	BufHTTPAccept:         {name: "http.accept", proto: "http", dir: dirToServer},
	BufHTTPAcceptEnc:      {name: "http.accept_enc", proto: "http", dir: dirToServer},
	BufHTTPAcceptLang:     {name: "http.accept_lang", proto: "http", dir: dirToServer},
	BufHTTPReferer:        {name: "http.referer", proto: "http", dir: dirToServer},
	BufHTTPLocation:       {name: "http.location", proto: "http", dir: dirToClient},
	BufHTTPConnection:     {name: "http.connection", proto: "http", dir: dirAny},
	BufHTTPServer:         {name: "http.server", proto: "http", dir: dirToClient},
	BufHTTPResponseLine:   {name: "http.response_line", proto: "http", dir: dirToClient},
	BufHTTPRequestHeader:  {name: "http.request_header", proto: "http", dir: dirToServer, multi: true},
	BufHTTPResponseHeader: {name: "http.response_header", proto: "http", dir: dirToClient, multi: true},
	BufFileData:           {name: "file.data", proto: fileProto, dir: dirAny, multi: true, grows: true}, // files.go; one instance per file (SMTP attachments)
	BufDNSQuery:           {name: "dns.query", proto: "dns", dir: dirToServer, multi: true},
	// Each message's own sections, in both directions; dns.response.rrname
	// only in responses. Docs: rules/dns-keywords.html
	BufDNSOpcode:            {name: "dns.opcode", proto: "dns", dir: dirAny},
	BufDNSQueriesRRName:     {name: "dns.queries.rrname", proto: "dns", dir: dirAny, multi: true},
	BufDNSAnswersRRName:     {name: "dns.answers.rrname", proto: "dns", dir: dirAny, multi: true},
	BufDNSAuthoritiesRRName: {name: "dns.authorities.rrname", proto: "dns", dir: dirAny, multi: true},
	BufDNSAdditionalsRRName: {name: "dns.additionals.rrname", proto: "dns", dir: dirAny, multi: true},
	BufDNSResponseRRName:    {name: "dns.response.rrname", proto: "dns", dir: dirToClient, multi: true},
	BufTLSSNI:               {name: "tls.sni", proto: "tls", dir: dirToServer},
	BufTLSCerts:             {name: "tls.certs", proto: "tls", dir: dirToClient, multi: true},
	BufTLSCertSubject:       {name: "tls.cert_subject", proto: "tls", dir: dirToClient},
	BufTLSCertIssuer:        {name: "tls.cert_issuer", proto: "tls", dir: dirToClient},
	BufTLSCertSerial:        {name: "tls.cert_serial", proto: "tls", dir: dirToClient},
	BufTLSCertFingerprint:   {name: "tls.cert_fingerprint", proto: "tls", dir: dirToClient},
	BufJA3Hash:              {name: "ja3.hash", proto: "tls", dir: dirToServer},
	BufJA3String:            {name: "ja3.string", proto: "tls", dir: dirToServer},
	BufJA3SHash:             {name: "ja3s.hash", proto: "tls", dir: dirToClient},
	BufJA3SString:           {name: "ja3s.string", proto: "tls", dir: dirToClient},
	BufJA4Hash:              {name: "ja4.hash", proto: "tls", dir: dirToServer},
	// Direction dependent: the client's random to the server, the
	// server's to the client. Docs: rules/tls-keywords.html#tls-random
	BufTLSRandom:         {name: "tls.random", proto: "tls", dir: dirAny},
	BufTLSRandomTime:     {name: "tls.random_time", proto: "tls", dir: dirAny},
	BufTLSRandomBytes:    {name: "tls.random_bytes", proto: "tls", dir: dirAny},
	BufSSLVersion:        {name: "ssl_version", proto: "tls", dir: dirAny, value: true},
	BufSSLState:          {name: "ssl_state", proto: "tls", dir: dirAny, value: true},
	BufSSHProto:          {name: "ssh.proto", proto: "ssh", dir: dirAny},
	BufSSHSoftware:       {name: "ssh.software", proto: "ssh", dir: dirAny},
	BufHASSH:             {name: "ssh.hassh", proto: "ssh", dir: dirToServer},
	BufHASSHString:       {name: "ssh.hassh.string", proto: "ssh", dir: dirToServer},
	BufHASSHServer:       {name: "ssh.hassh.server", proto: "ssh", dir: dirToClient},
	BufHASSHServerString: {name: "ssh.hassh.server.string", proto: "ssh", dir: dirToClient},
	// Docs: rules/header-keywords.html (ipv4.hdr, ipv6.hdr, tcp.hdr,
	// udp.hdr, icmpv4.hdr, icmpv6.hdr).
	BufIPv4Hdr:   {name: "ipv4.hdr", hdr: true},
	BufIPv6Hdr:   {name: "ipv6.hdr", hdr: true},
	BufTCPHdr:    {name: "tcp.hdr", hdr: true},
	BufUDPHdr:    {name: "udp.hdr", hdr: true},
	BufICMPv4Hdr: {name: "icmpv4.hdr", hdr: true},
	BufICMPv6Hdr: {name: "icmpv6.hdr", hdr: true},
	// SIP: request and response buffers are one-sided, the protocol and
	// the headers (one instance per header line) follow the direction.
	BufSIPMethod:        {name: "sip.method", proto: "sip", dir: dirToServer},
	BufSIPURI:           {name: "sip.uri", proto: "sip", dir: dirToServer},
	BufSIPRequestLine:   {name: "sip.request_line", proto: "sip", dir: dirToServer},
	BufSIPStatCode:      {name: "sip.stat_code", proto: "sip", dir: dirToClient},
	BufSIPStatMsg:       {name: "sip.stat_msg", proto: "sip", dir: dirToClient},
	BufSIPResponseLine:  {name: "sip.response_line", proto: "sip", dir: dirToClient},
	BufSIPProtocol:      {name: "sip.protocol", proto: "sip", dir: dirAny},
	BufSIPFrom:          {name: "sip.from", proto: "sip", dir: dirAny, multi: true},
	BufSIPTo:            {name: "sip.to", proto: "sip", dir: dirAny, multi: true},
	BufSIPVia:           {name: "sip.via", proto: "sip", dir: dirAny, multi: true},
	BufSIPUserAgent:     {name: "sip.user_agent", proto: "sip", dir: dirAny, multi: true},
	BufSIPContentType:   {name: "sip.content_type", proto: "sip", dir: dirAny, multi: true},
	BufSIPContentLength: {name: "sip.content_length", proto: "sip", dir: dirAny, multi: true},
	BufSIPHeader:        {name: "sip_header", proto: "sip", dir: dirAny},
	BufSIPMethodSnort:   {name: "sip_method", proto: "sip", dir: dirAny},
	BufSIPStatCodeSnort: {name: "sip_stat_code", proto: "sip", dir: dirAny},
	BufFileName:         {name: "file.name", proto: fileProto, dir: dirAny, multi: true}, // files.go
	BufFileMD5:          {name: "filemd5", proto: fileProto, dir: dirAny, multi: true},
	BufFileSize:         {name: "filesize", proto: fileProto, dir: dirAny, multi: true},
	// Docs: rules/dcerpc-keywords.html, rules/smb-keywords.html. DCERPC
	// buffers also exist on SMB transactions (DCERPC over named pipes).
	BufDCEStubData:  {name: "dcerpc.stub_data", proto: "dcerpc", dir: dirAny},
	BufDCEOpnum:     {name: "dcerpc.opnum", proto: "dcerpc", dir: dirAny},
	BufDCEIface:     {name: "dcerpc.iface", proto: "dcerpc", dir: dirAny, multi: true},
	BufDCEEndian:    {name: "dcerpc.endian", proto: "dcerpc", dir: dirAny},
	BufSMBNamedPipe: {name: "smb.named_pipe", proto: "smb", dir: dirToServer},
	BufSMBShare:     {name: "smb.share", proto: "smb", dir: dirToServer},
	// Docs: rules/ftp-keywords.html. Suricata inspects the command with
	// the client's side, the replies with the server's, the port and mode
	// with both.
	BufFTPCommand:        {name: "ftp.command", proto: "ftp", dir: dirToServer},
	BufFTPCommandData:    {name: "ftp.command_data", proto: "ftp", dir: dirToServer},
	BufFTPCompletionCode: {name: "ftp.completion_code", proto: "ftp", dir: dirToClient, multi: true},
	BufFTPReply:          {name: "ftp.reply", proto: "ftp", dir: dirToClient, multi: true},
	BufFTPDynamicPort:    {name: "ftp.dynamic_port", proto: "ftp", dir: dirAny},
	BufFTPMode:           {name: "ftp.mode", proto: "ftp", dir: dirAny},
	BufFTPReplyReceived:  {name: "ftp.reply_received", proto: "ftp", dir: dirToClient},
	BufFTPBounce:         {name: "ftpbounce", proto: "ftp", dir: dirToServer},
	// Docs: rules/rfb-keywords.html. Suricata inspects the security type
	// with the client's side of the handshake, the rest with the server's.
	BufRFBName:      {name: "rfb.name", proto: "rfb", dir: dirToClient},
	BufRFBSecType:   {name: "rfb.sectype", proto: "rfb", dir: dirToServer},
	BufRFBSecResult: {name: "rfb.secresult", proto: "rfb", dir: dirToClient},
	// Docs: rules/snmp-keywords.html, rules/kerberos-keywords.html. Each
	// message is a transaction of its own direction.
	BufSNMPVersion:     {name: "snmp.version", proto: "snmp", dir: dirAny},
	BufSNMPCommunity:   {name: "snmp.community", proto: "snmp", dir: dirAny},
	BufSNMPPDUType:     {name: "snmp.pdu_type", proto: "snmp", dir: dirAny},
	BufSNMPUsm:         {name: "snmp.usm", proto: "snmp", dir: dirAny},
	BufKRB5MsgType:     {name: "krb5_msg_type", proto: "krb5", dir: dirAny},
	BufKRB5ErrCode:     {name: "krb5_err_code", proto: "krb5", dir: dirAny},
	BufKRB5CName:       {name: "krb5_cname", proto: "krb5", dir: dirAny, multi: true},
	BufKRB5SName:       {name: "krb5_sname", proto: "krb5", dir: dirAny, multi: true},
	BufKRB5TicketEtype: {name: "krb5.ticket_encryption", proto: "krb5", dir: dirAny},

	// Docs: rules/mqtt-keywords.html. Directions are those Suricata
	// registers; an MQTT transaction is only inspected in the direction
	// of its first message.
	BufMQTTType:                  {name: "mqtt.type", proto: "mqtt", dir: dirAny, multi: true},
	BufMQTTFlags:                 {name: "mqtt.flags", proto: "mqtt", dir: dirToServer, multi: true},
	BufMQTTQoS:                   {name: "mqtt.qos", proto: "mqtt", dir: dirToServer, multi: true},
	BufMQTTReasonCode:            {name: "mqtt.reason_code", proto: "mqtt", dir: dirAny, multi: true},
	BufMQTTProtocolVersion:       {name: "mqtt.protocol_version", proto: "mqtt", dir: dirToServer},
	BufMQTTConnackSessionPresent: {name: "mqtt.connack.session_present", proto: "mqtt", dir: dirToClient, multi: true},
	BufMQTTConnectFlags:          {name: "mqtt.connect.flags", proto: "mqtt", dir: dirToServer, multi: true},
	BufMQTTConnectClientID:       {name: "mqtt.connect.clientid", proto: "mqtt", dir: dirToServer},
	BufMQTTConnectUsername:       {name: "mqtt.connect.username", proto: "mqtt", dir: dirToServer},
	BufMQTTConnectPassword:       {name: "mqtt.connect.password", proto: "mqtt", dir: dirToServer},
	BufMQTTConnectWillTopic:      {name: "mqtt.connect.willtopic", proto: "mqtt", dir: dirToServer},
	BufMQTTConnectWillMessage:    {name: "mqtt.connect.willmessage", proto: "mqtt", dir: dirToServer},
	BufMQTTConnectProtocolString: {name: "mqtt.connect.protocol_string", proto: "mqtt", dir: dirToServer},
	BufMQTTPublishTopic:          {name: "mqtt.publish.topic", proto: "mqtt", dir: dirAny},
	BufMQTTPublishMessage:        {name: "mqtt.publish.message", proto: "mqtt", dir: dirAny},
	BufMQTTSubscribeTopic:        {name: "mqtt.subscribe.topic", proto: "mqtt", dir: dirToServer, multi: true},
	BufMQTTUnsubscribeTopic:      {name: "mqtt.unsubscribe.topic", proto: "mqtt", dir: dirToServer, multi: true},
	// Docs: rules/http2-keywords.html. Suricata inspects them in both
	// directions, each on that direction's frames.
	BufHTTP2FrameType:  {name: "http2.frametype", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2ErrorCode:  {name: "http2.errorcode", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2Priority:   {name: "http2.priority", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2Window:     {name: "http2.window", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2SizeUpdate: {name: "http2.size_update", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2Settings:   {name: "http2.settings", proto: "http2", dir: dirAny, multi: true},
	BufHTTP2HeaderName: {name: "http2.header_name", proto: "http2", dir: dirAny, multi: true},
	// Docs: rules/smtp-keywords.html, rules/email-keywords.html. Suricata
	// registers them all to the server.
	BufSMTPHelo:       {name: "smtp.helo", proto: "smtp", dir: dirToServer},
	BufSMTPMailFrom:   {name: "smtp.mail_from", proto: "smtp", dir: dirToServer},
	BufSMTPRcptTo:     {name: "smtp.rcpt_to", proto: "smtp", dir: dirToServer, multi: true},
	BufEmailFrom:      {name: "email.from", proto: "smtp", dir: dirToServer},
	BufEmailSubject:   {name: "email.subject", proto: "smtp", dir: dirToServer},
	BufEmailTo:        {name: "email.to", proto: "smtp", dir: dirToServer},
	BufEmailCc:        {name: "email.cc", proto: "smtp", dir: dirToServer},
	BufEmailDate:      {name: "email.date", proto: "smtp", dir: dirToServer},
	BufEmailMessageID: {name: "email.message_id", proto: "smtp", dir: dirToServer},
	BufEmailXMailer:   {name: "email.x_mailer", proto: "smtp", dir: dirToServer},
	BufEmailReceived:  {name: "email.received", proto: "smtp", dir: dirToServer, multi: true},
}

// headerBuf returns header buffer b of p, or nil when p has no such
// header.
func headerBuf(p *Packet, b Buf) []byte {
	var ok bool
	switch b {
	case BufIPv4Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 4)
	case BufIPv6Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 6)
	case BufTCPHdr:
		ok = p.Proto == 6
	case BufUDPHdr:
		ok = p.Proto == 17
	case BufICMPv4Hdr:
		ok = p.Proto == 1
	case BufICMPv6Hdr:
		ok = p.Proto == 58
	}
	return nonEmpty(p.L4Hdr, ok)
}

func nonEmpty(b []byte, ok bool) []byte {
	if !ok || len(b) == 0 {
		return nil
	}
	return b
}

// String returns the buffer's canonical keyword.
func (b Buf) String() string {
	if b == bufBase64 {
		return "base64_data"
	}
	if b < NumBufs {
		return bufSpecs[b].name
	}
	return "?"
}

// bufByName maps canonical sticky-buffer keywords and their legacy and
// Snort 2 content-modifier spellings to buffers.
var bufByName = func() map[string]Buf {
	m := make(map[string]Buf, 2*int(NumBufs))
	for i, s := range bufSpecs {
		m[s.name] = Buf(i)
	}
	alias := map[string]Buf{
		"file_data": BufFileData,
		"http_uri":  BufHTTPURI, "http_raw_uri": BufHTTPURIRaw, "http_method": BufHTTPMethod,
		"http_request_line": BufHTTPRequestLine, "http_header": BufHTTPHeader,
		"http_raw_header": BufHTTPHeaderRaw, "http_header_names": BufHTTPHeaderNames,
		"http_cookie": BufHTTPCookie, "http_user_agent": BufHTTPUserAgent, "http_host": BufHTTPHost,
		"http_raw_host": BufHTTPHostRaw, "http_client_body": BufHTTPRequestBody,
		"http_server_body": BufHTTPResponseBody, "http_stat_code": BufHTTPStatCode,
		"http_stat_msg": BufHTTPStatMsg, "http_content_type": BufHTTPContentType,
		"http_content_len": BufHTTPContentLen, "http_protocol": BufHTTPProtocol,
		"http_start": BufHTTPStart, "http_accept": BufHTTPAccept, "http_accept_enc": BufHTTPAcceptEnc,
		"http_accept_lang": BufHTTPAcceptLang, "http_referer": BufHTTPReferer,
		"http_connection": BufHTTPConnection, "http_response_line": BufHTTPResponseLine,
		"dns_query": BufDNSQuery, "tls_sni": BufTLSSNI, "tls_cert_subject": BufTLSCertSubject,
		"tls_cert_issuer": BufTLSCertIssuer, "tls_cert_serial": BufTLSCertSerial,
		"tls_cert_fingerprint": BufTLSCertFingerprint, "ja3_hash": BufJA3Hash, "ja3_string": BufJA3String,
		"ja3s_hash": BufJA3SHash, "ja3s_string": BufJA3SString, "ssh_proto": BufSSHProto,
		"ssh_software": BufSSHSoftware, "hassh": BufHASSH, "hassh.string": BufHASSHString,
		"hassh_string": BufHASSHString, "hassh.server": BufHASSHServer, "hassh_server": BufHASSHServer,
		"hassh.server.string": BufHASSHServerString, "hassh_server_string": BufHASSHServerString,
		"ssh.hassh": BufHASSH, "ssh.hassh.server": BufHASSHServer,
		"dce_stub_data": BufDCEStubData, "smb_named_pipe": BufSMBNamedPipe, "smb_share": BufSMBShare,
	}
	for k, v := range alias {
		m[k] = v
	}
	return m
}()
