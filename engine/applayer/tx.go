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
	HTTPResponseHeader // alias of HTTPHeader in the to_client direction (kept for rule mapping)
	FileData           // file.data: for HTTP the response body (to_client) or request body (to_server)

	DNSQuery  // each query rrname (multi-buffer)
	DNSOpcode // opcode as one byte (for numeric keywords; detection uses Tx accessors too)

	TLSSNI             // server_name of the ClientHello
	TLSCerts           // each DER certificate of the server chain (multi-buffer)
	TLSCertSubject     // leaf certificate subject, "C=US, O=..., CN=..."
	TLSCertIssuer      // leaf certificate issuer, same format
	TLSCertSerial      // leaf serial, "00:A1:..." upper-case colon hex
	TLSCertFingerprint // leaf SHA-1, lower-case colon hex
	TLSVersion         // negotiated version as Suricata prints it ("TLS 1.2")
	JA3Hash            // md5 hex of JA3String
	JA3String          // JA3 string of the ClientHello
	JA3SHash           // md5 hex of JA3SString
	JA3SString         // JA3S string of the ServerHello
	JA4Hash            // JA4 fingerprint of the ClientHello

	SSHProto          // protocol version of the banner ("2.0"), direction dependent
	SSHSoftware       // software version of the banner, direction dependent
	HASSH             // md5 of HASSHString (client)
	HASSHString       // client KEXINIT algorithm lists
	HASSHServer       // md5 of HASSHServerString
	HASSHServerString // server KEXINIT algorithm lists

	NumBuffers
)

var bufferNames = [NumBuffers]string{
	BufNone:            "",
	HTTPURI:            "http.uri",
	HTTPURIRaw:         "http.uri.raw",
	HTTPMethod:         "http.method",
	HTTPRequestLine:    "http.request_line",
	HTTPHeader:         "http.header",
	HTTPHeaderRaw:      "http.header.raw",
	HTTPHeaderNames:    "http.header_names",
	HTTPCookie:         "http.cookie",
	HTTPUserAgent:      "http.user_agent",
	HTTPHost:           "http.host",
	HTTPHostRaw:        "http.host.raw",
	HTTPRequestBody:    "http.request_body",
	HTTPResponseBody:   "http.response_body",
	HTTPStatCode:       "http.stat_code",
	HTTPStatMsg:        "http.stat_msg",
	HTTPContentType:    "http.content_type",
	HTTPContentLen:     "http.content_len",
	HTTPProtocol:       "http.protocol",
	HTTPStart:          "http.start",
	HTTPAccept:         "http.accept",
	HTTPAcceptEnc:      "http.accept_enc",
	HTTPAcceptLang:     "http.accept_lang",
	HTTPReferer:        "http.referer",
	HTTPLocation:       "http.location",
	HTTPConnection:     "http.connection",
	HTTPServer:         "http.server",
	HTTPResponseLine:   "http.response_line",
	HTTPResponseHeader: "http.response_header",
	FileData:           "file.data",
	DNSQuery:           "dns.query",
	DNSOpcode:          "dns.opcode",
	TLSSNI:             "tls.sni",
	TLSCerts:           "tls.certs",
	TLSCertSubject:     "tls.cert_subject",
	TLSCertIssuer:      "tls.cert_issuer",
	TLSCertSerial:      "tls.cert_serial",
	TLSCertFingerprint: "tls.cert_fingerprint",
	TLSVersion:         "tls.version",
	JA3Hash:            "ja3.hash",
	JA3String:          "ja3.string",
	JA3SHash:           "ja3s.hash",
	JA3SString:         "ja3s.string",
	JA4Hash:            "ja4.hash",
	SSHProto:           "ssh.proto",
	SSHSoftware:        "ssh.software",
	HASSH:              "ssh.hassh",
	HASSHString:        "ssh.hassh.string",
	HASSHServer:        "ssh.hassh.server",
	HASSHServerString:  "ssh.hassh.server.string",
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
