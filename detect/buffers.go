package detect

import "vigil/detect/bufid"

// Buf is a buffer ID: the vocabulary detect shares with the app-layer
// parsers lives in package bufid.
type Buf = bufid.ID

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
var bufSpecs = [bufid.NumIDs]bufSpec{
	bufid.Packet:             {name: "pkt_data"},
	bufid.HTTPURI:            {name: "http.uri", proto: "http", dir: dirToServer},
	bufid.HTTPURIRaw:         {name: "http.uri.raw", proto: "http", dir: dirToServer},
	bufid.HTTPMethod:         {name: "http.method", proto: "http", dir: dirToServer},
	bufid.HTTPRequestLine:    {name: "http.request_line", proto: "http", dir: dirToServer},
	bufid.HTTPHeader:         {name: "http.header", proto: "http", dir: dirAny},
	bufid.HTTPHeaderRaw:      {name: "http.header.raw", proto: "http", dir: dirAny},
	bufid.HTTPHeaderNames:    {name: "http.header_names", proto: "http", dir: dirAny},
	bufid.HTTPCookie:         {name: "http.cookie", proto: "http", dir: dirAny},
	bufid.HTTPUserAgent:      {name: "http.user_agent", proto: "http", dir: dirToServer},
	bufid.HTTPHost:           {name: "http.host", proto: "http", dir: dirToServer},
	bufid.HTTPHostRaw:        {name: "http.host.raw", proto: "http", dir: dirToServer},
	bufid.HTTPRequestBody:    {name: "http.request_body", proto: "http", dir: dirToServer, grows: true},
	bufid.HTTPResponseBody:   {name: "http.response_body", proto: "http", dir: dirToClient, grows: true},
	bufid.HTTPStatCode:       {name: "http.stat_code", proto: "http", dir: dirToClient},
	bufid.HTTPStatMsg:        {name: "http.stat_msg", proto: "http", dir: dirToClient},
	bufid.HTTPContentType:    {name: "http.content_type", proto: "http", dir: dirAny},
	bufid.HTTPContentLen:     {name: "http.content_len", proto: "http", dir: dirAny},
	bufid.HTTPProtocol:       {name: "http.protocol", proto: "http", dir: dirAny},
	bufid.HTTPStart:          {name: "http.start", proto: "http", dir: dirAny},
	bufid.HTTPAccept:         {name: "http.accept", proto: "http", dir: dirToServer},
	bufid.HTTPAcceptEnc:      {name: "http.accept_enc", proto: "http", dir: dirToServer},
	bufid.HTTPAcceptLang:     {name: "http.accept_lang", proto: "http", dir: dirToServer},
	bufid.HTTPReferer:        {name: "http.referer", proto: "http", dir: dirToServer},
	bufid.HTTPLocation:       {name: "http.location", proto: "http", dir: dirToClient},
	bufid.HTTPConnection:     {name: "http.connection", proto: "http", dir: dirAny},
	bufid.HTTPServer:         {name: "http.server", proto: "http", dir: dirToClient},
	bufid.HTTPResponseLine:   {name: "http.response_line", proto: "http", dir: dirToClient},
	bufid.HTTPRequestHeader:  {name: "http.request_header", proto: "http", dir: dirToServer, multi: true},
	bufid.HTTPResponseHeader: {name: "http.response_header", proto: "http", dir: dirToClient, multi: true},
	bufid.FileData:           {name: "file.data", proto: fileProto, dir: dirAny, multi: true, grows: true}, // files.go; one instance per file (SMTP attachments)
	bufid.DNSQuery:           {name: "dns.query", proto: "dns", dir: dirToServer, multi: true},
	// Each message's own sections, in both directions; dns.response.rrname
	// only in responses. Docs: rules/dns-keywords.html
	bufid.DNSOpcode:            {name: "dns.opcode", proto: "dns", dir: dirAny},
	bufid.DNSQueriesRRName:     {name: "dns.queries.rrname", proto: "dns", dir: dirAny, multi: true},
	bufid.DNSAnswersRRName:     {name: "dns.answers.rrname", proto: "dns", dir: dirAny, multi: true},
	bufid.DNSAuthoritiesRRName: {name: "dns.authorities.rrname", proto: "dns", dir: dirAny, multi: true},
	bufid.DNSAdditionalsRRName: {name: "dns.additionals.rrname", proto: "dns", dir: dirAny, multi: true},
	bufid.DNSResponseRRName:    {name: "dns.response.rrname", proto: "dns", dir: dirToClient, multi: true},
	bufid.TLSSNI:               {name: "tls.sni", proto: "tls", dir: dirToServer},
	bufid.TLSCerts:             {name: "tls.certs", proto: "tls", dir: dirToClient, multi: true},
	bufid.TLSCertSubject:       {name: "tls.cert_subject", proto: "tls", dir: dirToClient},
	bufid.TLSCertIssuer:        {name: "tls.cert_issuer", proto: "tls", dir: dirToClient},
	bufid.TLSCertSerial:        {name: "tls.cert_serial", proto: "tls", dir: dirToClient},
	bufid.TLSCertFingerprint:   {name: "tls.cert_fingerprint", proto: "tls", dir: dirToClient},
	bufid.JA3Hash:              {name: "ja3.hash", proto: "tls", dir: dirToServer},
	bufid.JA3String:            {name: "ja3.string", proto: "tls", dir: dirToServer},
	bufid.JA3SHash:             {name: "ja3s.hash", proto: "tls", dir: dirToClient},
	bufid.JA3SString:           {name: "ja3s.string", proto: "tls", dir: dirToClient},
	bufid.JA4Hash:              {name: "ja4.hash", proto: "tls", dir: dirToServer},
	// Direction dependent: the client's random to the server, the
	// server's to the client. Docs: rules/tls-keywords.html#tls-random
	bufid.TLSRandom:         {name: "tls.random", proto: "tls", dir: dirAny},
	bufid.TLSRandomTime:     {name: "tls.random_time", proto: "tls", dir: dirAny},
	bufid.TLSRandomBytes:    {name: "tls.random_bytes", proto: "tls", dir: dirAny},
	bufid.SSLVersion:        {name: "ssl_version", proto: "tls", dir: dirAny, value: true},
	bufid.SSLState:          {name: "ssl_state", proto: "tls", dir: dirAny, value: true},
	bufid.SSHProto:          {name: "ssh.proto", proto: "ssh", dir: dirAny},
	bufid.SSHSoftware:       {name: "ssh.software", proto: "ssh", dir: dirAny},
	bufid.HASSH:             {name: "ssh.hassh", proto: "ssh", dir: dirToServer},
	bufid.HASSHString:       {name: "ssh.hassh.string", proto: "ssh", dir: dirToServer},
	bufid.HASSHServer:       {name: "ssh.hassh.server", proto: "ssh", dir: dirToClient},
	bufid.HASSHServerString: {name: "ssh.hassh.server.string", proto: "ssh", dir: dirToClient},
	// Docs: rules/header-keywords.html (ipv4.hdr, ipv6.hdr, tcp.hdr,
	// udp.hdr, icmpv4.hdr, icmpv6.hdr).
	bufid.IPv4Hdr:   {name: "ipv4.hdr", hdr: true},
	bufid.IPv6Hdr:   {name: "ipv6.hdr", hdr: true},
	bufid.TCPHdr:    {name: "tcp.hdr", hdr: true},
	bufid.UDPHdr:    {name: "udp.hdr", hdr: true},
	bufid.ICMPv4Hdr: {name: "icmpv4.hdr", hdr: true},
	bufid.ICMPv6Hdr: {name: "icmpv6.hdr", hdr: true},
	// SIP: request and response buffers are one-sided, the protocol and
	// the headers (one instance per header line) follow the direction.
	bufid.SIPMethod:        {name: "sip.method", proto: "sip", dir: dirToServer},
	bufid.SIPURI:           {name: "sip.uri", proto: "sip", dir: dirToServer},
	bufid.SIPRequestLine:   {name: "sip.request_line", proto: "sip", dir: dirToServer},
	bufid.SIPStatCode:      {name: "sip.stat_code", proto: "sip", dir: dirToClient},
	bufid.SIPStatMsg:       {name: "sip.stat_msg", proto: "sip", dir: dirToClient},
	bufid.SIPResponseLine:  {name: "sip.response_line", proto: "sip", dir: dirToClient},
	bufid.SIPProtocol:      {name: "sip.protocol", proto: "sip", dir: dirAny},
	bufid.SIPFrom:          {name: "sip.from", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPTo:            {name: "sip.to", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPVia:           {name: "sip.via", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPUserAgent:     {name: "sip.user_agent", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPContentType:   {name: "sip.content_type", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPContentLength: {name: "sip.content_length", proto: "sip", dir: dirAny, multi: true},
	bufid.SIPHeader:        {name: "sip_header", proto: "sip", dir: dirAny},
	bufid.SIPSnortMethod:   {name: "sip_method", proto: "sip", dir: dirAny},
	bufid.SIPSnortStatCode: {name: "sip_stat_code", proto: "sip", dir: dirAny},
	bufid.FileName:         {name: "file.name", proto: fileProto, dir: dirAny, multi: true}, // files.go
	bufid.FileMD5:          {name: "filemd5", proto: fileProto, dir: dirAny, multi: true},
	bufid.FileSize:         {name: "filesize", proto: fileProto, dir: dirAny, multi: true},
	// Docs: rules/dcerpc-keywords.html, rules/smb-keywords.html. DCERPC
	// buffers also exist on SMB transactions (DCERPC over named pipes).
	bufid.DCERPCStubData: {name: "dcerpc.stub_data", proto: "dcerpc", dir: dirAny},
	bufid.DCERPCOpnum:    {name: "dcerpc.opnum", proto: "dcerpc", dir: dirAny},
	bufid.DCERPCIface:    {name: "dcerpc.iface", proto: "dcerpc", dir: dirAny, multi: true},
	bufid.DCERPCEndian:   {name: "dcerpc.endian", proto: "dcerpc", dir: dirAny},
	bufid.SMBNamedPipe:   {name: "smb.named_pipe", proto: "smb", dir: dirToServer},
	bufid.SMBShare:       {name: "smb.share", proto: "smb", dir: dirToServer},
	// Docs: rules/ftp-keywords.html. Suricata inspects the command with
	// the client's side, the replies with the server's, the port and mode
	// with both.
	bufid.FTPCommand:        {name: "ftp.command", proto: "ftp", dir: dirToServer},
	bufid.FTPCommandData:    {name: "ftp.command_data", proto: "ftp", dir: dirToServer},
	bufid.FTPCompletionCode: {name: "ftp.completion_code", proto: "ftp", dir: dirToClient, multi: true},
	bufid.FTPReply:          {name: "ftp.reply", proto: "ftp", dir: dirToClient, multi: true},
	bufid.FTPDynamicPort:    {name: "ftp.dynamic_port", proto: "ftp", dir: dirAny},
	bufid.FTPMode:           {name: "ftp.mode", proto: "ftp", dir: dirAny},
	bufid.FTPReplyReceived:  {name: "ftp.reply_received", proto: "ftp", dir: dirToClient},
	bufid.FTPBounce:         {name: "ftpbounce", proto: "ftp", dir: dirToServer},
	// Docs: rules/rfb-keywords.html. Suricata inspects the security type
	// with the client's side of the handshake, the rest with the server's.
	bufid.RFBName:      {name: "rfb.name", proto: "rfb", dir: dirToClient},
	bufid.RFBSecType:   {name: "rfb.sectype", proto: "rfb", dir: dirToServer},
	bufid.RFBSecResult: {name: "rfb.secresult", proto: "rfb", dir: dirToClient},
	// Docs: rules/snmp-keywords.html, rules/kerberos-keywords.html. Each
	// message is a transaction of its own direction.
	bufid.SNMPVersion:     {name: "snmp.version", proto: "snmp", dir: dirAny},
	bufid.SNMPCommunity:   {name: "snmp.community", proto: "snmp", dir: dirAny},
	bufid.SNMPPDUType:     {name: "snmp.pdu_type", proto: "snmp", dir: dirAny},
	bufid.SNMPUsm:         {name: "snmp.usm", proto: "snmp", dir: dirAny},
	bufid.KRB5MsgType:     {name: "krb5_msg_type", proto: "krb5", dir: dirAny},
	bufid.KRB5ErrCode:     {name: "krb5_err_code", proto: "krb5", dir: dirAny},
	bufid.KRB5CName:       {name: "krb5_cname", proto: "krb5", dir: dirAny, multi: true},
	bufid.KRB5SName:       {name: "krb5_sname", proto: "krb5", dir: dirAny, multi: true},
	bufid.KRB5TicketEtype: {name: "krb5.ticket_encryption", proto: "krb5", dir: dirAny},

	// Docs: rules/mqtt-keywords.html. Directions are those Suricata
	// registers; an MQTT transaction is only inspected in the direction
	// of its first message.
	bufid.MQTTType:                  {name: "mqtt.type", proto: "mqtt", dir: dirAny, multi: true},
	bufid.MQTTFlags:                 {name: "mqtt.flags", proto: "mqtt", dir: dirToServer, multi: true},
	bufid.MQTTQoS:                   {name: "mqtt.qos", proto: "mqtt", dir: dirToServer, multi: true},
	bufid.MQTTReasonCode:            {name: "mqtt.reason_code", proto: "mqtt", dir: dirAny, multi: true},
	bufid.MQTTProtocolVersion:       {name: "mqtt.protocol_version", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnackSessionPresent: {name: "mqtt.connack.session_present", proto: "mqtt", dir: dirToClient, multi: true},
	bufid.MQTTConnectFlags:          {name: "mqtt.connect.flags", proto: "mqtt", dir: dirToServer, multi: true},
	bufid.MQTTConnectClientID:       {name: "mqtt.connect.clientid", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnectUsername:       {name: "mqtt.connect.username", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnectPassword:       {name: "mqtt.connect.password", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnectWillTopic:      {name: "mqtt.connect.willtopic", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnectWillMessage:    {name: "mqtt.connect.willmessage", proto: "mqtt", dir: dirToServer},
	bufid.MQTTConnectProtocolString: {name: "mqtt.connect.protocol_string", proto: "mqtt", dir: dirToServer},
	bufid.MQTTPublishTopic:          {name: "mqtt.publish.topic", proto: "mqtt", dir: dirAny},
	bufid.MQTTPublishMessage:        {name: "mqtt.publish.message", proto: "mqtt", dir: dirAny},
	bufid.MQTTSubscribeTopic:        {name: "mqtt.subscribe.topic", proto: "mqtt", dir: dirToServer, multi: true},
	bufid.MQTTUnsubscribeTopic:      {name: "mqtt.unsubscribe.topic", proto: "mqtt", dir: dirToServer, multi: true},
	// Docs: rules/http2-keywords.html. Suricata inspects them in both
	// directions, each on that direction's frames.
	bufid.HTTP2FrameType:  {name: "http2.frametype", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2ErrorCode:  {name: "http2.errorcode", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2Priority:   {name: "http2.priority", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2Window:     {name: "http2.window", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2SizeUpdate: {name: "http2.size_update", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2Settings:   {name: "http2.settings", proto: "http2", dir: dirAny, multi: true},
	bufid.HTTP2HeaderName: {name: "http2.header_name", proto: "http2", dir: dirAny, multi: true},
	// Docs: rules/smtp-keywords.html, rules/email-keywords.html. Suricata
	// registers them all to the server.
	bufid.SMTPHelo:       {name: "smtp.helo", proto: "smtp", dir: dirToServer},
	bufid.SMTPMailFrom:   {name: "smtp.mail_from", proto: "smtp", dir: dirToServer},
	bufid.SMTPRcptTo:     {name: "smtp.rcpt_to", proto: "smtp", dir: dirToServer, multi: true},
	bufid.EmailFrom:      {name: "email.from", proto: "smtp", dir: dirToServer},
	bufid.EmailSubject:   {name: "email.subject", proto: "smtp", dir: dirToServer},
	bufid.EmailTo:        {name: "email.to", proto: "smtp", dir: dirToServer},
	bufid.EmailCc:        {name: "email.cc", proto: "smtp", dir: dirToServer},
	bufid.EmailDate:      {name: "email.date", proto: "smtp", dir: dirToServer},
	bufid.EmailMessageID: {name: "email.message_id", proto: "smtp", dir: dirToServer},
	bufid.EmailXMailer:   {name: "email.x_mailer", proto: "smtp", dir: dirToServer},
	bufid.EmailReceived:  {name: "email.received", proto: "smtp", dir: dirToServer, multi: true},
}

// headerBuf returns header buffer b of p, or nil when p has no such
// header.
func headerBuf(p *Packet, b Buf) []byte {
	var ok bool
	switch b {
	case bufid.IPv4Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 4)
	case bufid.IPv6Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 6)
	case bufid.TCPHdr:
		ok = p.Proto == 6
	case bufid.UDPHdr:
		ok = p.Proto == 17
	case bufid.ICMPv4Hdr:
		ok = p.Proto == 1
	case bufid.ICMPv6Hdr:
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

// bufByName maps canonical sticky-buffer keywords and their legacy and
// Snort 2 content-modifier spellings to buffers.
var bufByName = func() map[string]Buf {
	m := make(map[string]Buf, 2*int(bufid.NumIDs))
	for i, s := range bufSpecs {
		m[s.name] = Buf(i)
	}
	alias := map[string]Buf{
		"file_data": bufid.FileData,
		"http_uri":  bufid.HTTPURI, "http_raw_uri": bufid.HTTPURIRaw, "http_method": bufid.HTTPMethod,
		"http_request_line": bufid.HTTPRequestLine, "http_header": bufid.HTTPHeader,
		"http_raw_header": bufid.HTTPHeaderRaw, "http_header_names": bufid.HTTPHeaderNames,
		"http_cookie": bufid.HTTPCookie, "http_user_agent": bufid.HTTPUserAgent, "http_host": bufid.HTTPHost,
		"http_raw_host": bufid.HTTPHostRaw, "http_client_body": bufid.HTTPRequestBody,
		"http_server_body": bufid.HTTPResponseBody, "http_stat_code": bufid.HTTPStatCode,
		"http_stat_msg": bufid.HTTPStatMsg, "http_content_type": bufid.HTTPContentType,
		"http_content_len": bufid.HTTPContentLen, "http_protocol": bufid.HTTPProtocol,
		"http_start": bufid.HTTPStart, "http_accept": bufid.HTTPAccept, "http_accept_enc": bufid.HTTPAcceptEnc,
		"http_accept_lang": bufid.HTTPAcceptLang, "http_referer": bufid.HTTPReferer,
		"http_connection": bufid.HTTPConnection, "http_response_line": bufid.HTTPResponseLine,
		"dns_query": bufid.DNSQuery, "tls_sni": bufid.TLSSNI, "tls_cert_subject": bufid.TLSCertSubject,
		"tls_cert_issuer": bufid.TLSCertIssuer, "tls_cert_serial": bufid.TLSCertSerial,
		"tls_cert_fingerprint": bufid.TLSCertFingerprint, "ja3_hash": bufid.JA3Hash, "ja3_string": bufid.JA3String,
		"ja3s_hash": bufid.JA3SHash, "ja3s_string": bufid.JA3SString, "ssh_proto": bufid.SSHProto,
		"ssh_software": bufid.SSHSoftware, "hassh": bufid.HASSH, "hassh.string": bufid.HASSHString,
		"hassh_string": bufid.HASSHString, "hassh.server": bufid.HASSHServer, "hassh_server": bufid.HASSHServer,
		"hassh.server.string": bufid.HASSHServerString, "hassh_server_string": bufid.HASSHServerString,
		"ssh.hassh": bufid.HASSH, "ssh.hassh.server": bufid.HASSHServer,
		"dce_stub_data": bufid.DCERPCStubData, "smb_named_pipe": bufid.SMBNamedPipe, "smb_share": bufid.SMBShare,
	}
	for k, v := range alias {
		m[k] = v
	}
	return m
}()
