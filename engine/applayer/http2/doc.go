// Package http2 is Vigil's HTTP/2 application-layer parser (RFC 9113,
// header compression RFC 7541).
//
// It consumes the two reassembled byte streams of a TCP flow: the client
// connection preface, then frames (DATA, HEADERS with CONTINUATION,
// PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY,
// WINDOW_UPDATE; padding and priority fields are removed). Header blocks
// are decoded with golang.org/x/net/http2/hpack, one decoder per
// direction, whose dynamic table follows the peer's
// SETTINGS_HEADER_TABLE_SIZE.
//
// Transactions follow Suricata 8: one per stream, plus one per frame on
// stream 0 (SETTINGS, PING, GOAWAY, WINDOW_UPDATE: a "global" transaction
// complete in both directions from the start); an empty SETTINGS frame
// (an acknowledgement) makes none. Each Tx answers the HTTP sticky
// buffers the way Suricata maps them for HTTP/2 (rules/http-keywords.html
// and rules/http2-keywords.html): http.uri and http.uri.raw are :path,
// http.method :method, http.host and http.host.raw :authority,
// http.stat_code :status, http.stat_msg is empty, http.protocol "HTTP/2",
// http.request_line "METHOD PATH HTTP/2\r\n", http.response_line
// "HTTP/2 STATUS\r\n", and the header buffers list every header field of
// the direction, pseudo-headers included, with names as sent. Bodies are
// the de-framed DATA payloads, gzip and deflate content coding decoded.
//
// The flow may also start as HTTP/1: after an "Upgrade: h2c" request
// answered by 101, the HTTP/1 parser hands over (applayer.Handover) and
// this parser adopts its transactions (applayer.Successor), turning the
// upgrading request into stream 1 as RFC 7540 section 3.2 says (Host
// becomes :authority, HTTP2-Settings a SETTINGS transaction).
//
// FillEVE (eve.go) writes the "http" object Suricata 8's http2 logger
// writes for a transaction (event type http): version "2", the decoded
// header fields, the common http fields and the "http2" object.
//
// Memory is bounded by Config: live transactions, decoded header bytes
// per direction of a transaction, body bytes, and the largest non-DATA
// frame kept (64 KiB, longer ones are skipped). Buffer ownership: Parse
// copies what it keeps; slices returned by a Tx stay valid until it is
// pruned. A Parser belongs to one flow (one worker) and is not safe for
// concurrent use.
package http2
