// Package tftp is Vigil's TFTP parser (RFC 1350) for UDP port 69, as
// Suricata 8 parses it: each read or write request the client sends to
// the server port is a transaction (opcode, file name, transfer mode)
// that fills the "tftp" EVE record. The transfer itself runs between
// other ports, a flow of its own that is not TFTP. A datagram that is no
// request (not: a zero byte, an opcode from 1 to 5, a NUL-terminated
// UTF-8 file name and a NUL-terminated mode netascii, mail or octet in any
// case) stops the flow's parsing, as in Suricata. Suricata 8 has no tftp
// rule keywords and no tftp events.
//
// Buffer ownership: the strings kept are copied. A Parser belongs to one
// flow (one worker) and is not safe for concurrent use.
package tftp
