// Package ldap is Vigil's LDAP parser (RFC 4511) for TCP and UDP ports
// 389 and 3268 (CLDAP, RFC 1798, over UDP).
//
// Over TCP the stream is a series of BER-encoded LDAPMessages; over UDP
// each datagram is one message. As in Suricata 8, a request opens a
// transaction and the responses carrying its message ID join it until a
// final one (anything but a search entry, reference or intermediate
// response) completes it; a response whose request was not seen (an
// unsolicited notification, or a flow picked up midstream) is a
// transaction of its own. Requests and responses are told apart by their
// operation, not by direction, so a flow whose first packet came from the
// server still parses. Once a SASL layer wraps the messages (after a
// GSS-SPNEGO bind with integrity) the data no longer decodes and the
// direction stops being parsed, as in Suricata.
//
// A transaction exposes the Suricata 8 LDAP keywords
// (rules/ldap-keywords.html) through package bufid's LDAP buffers, its
// app-layer events (ldap.request_not_found, ldap.invalid_data, ...) and
// the "ldap" EVE record.
//
// Buffer ownership: each message's bytes are copied once per direction
// and the transaction's fields alias that copy. A Parser belongs to one
// flow (one worker) and is not safe for concurrent use.
package ldap
