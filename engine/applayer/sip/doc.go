// Package sip is Vigil's SIP parser (RFC 3261) for UDP datagrams and TCP
// streams.
//
// It parses the start line (request: method, URI, version; response:
// version, status code, reason phrase) and the header fields of each
// message, normalizing the compact header forms (f, t, v, c, l, ...) to
// their long names as Suricata does. Message bodies are skipped (TCP
// framing uses Content-Length). As in Suricata, every message is its own
// transaction: a request makes a transaction with only a request, a
// response one with only a response. Each Tx exposes the Suricata 8 sip.*
// buffers (rules/sip-keywords.html).
//
// Buffer ownership: the head of each message is copied; input slices are
// not kept. A Parser belongs to one flow (one worker) and is not safe for
// concurrent use.
package sip
