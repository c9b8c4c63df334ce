// Package pop3 is Vigil's POP3 parser (RFC 1939, with RFC 2449 CAPA,
// RFC 2595 STLS and RFC 5034 AUTH) for TCP port 110.
//
// Each client command is a transaction; the server's reply (a status
// line and, for LIST and UIDL without argument, TOP, RETR and CAPA, the
// lines up to the terminating ".") completes the oldest transaction still
// waiting for one, and a reply without a command (the greeting) is a
// transaction of its own. Commands are recognised as Suricata 8 does (its
// sawp-pop3 parser): the keyword is case-sensitive, an unknown
// alphanumeric keyword is kept and raises pop3.unknown_command, and
// argument counts and line lengths are checked (pop3.incorrect_argument_count,
// pop3.request_too_long, pop3.response_too_long). After a successful AUTH
// the client's base64 line is a transaction "<SASL DATA>". A transaction
// fills Suricata's "pop3" EVE record; message bodies of RETR are not kept.
// Suricata 8 has no pop3 rule keywords: rules match with app-layer-event
// and the stream.
//
// Buffer ownership: kept fields are copied. A Parser belongs to one flow
// (one worker) and is not safe for concurrent use.
package pop3
