// Package ntp is Vigil's NTP parser (RFC 1305 version 3, RFC 5905
// version 4) for UDP port 123, as Suricata 8 parses it: each datagram
// whose header decodes is a transaction exposing its version, mode,
// stratum and reference id to the Suricata 8 keywords ntp.version,
// ntp.mode, ntp.stratum and ntp.reference_id and filling the "ntp" EVE
// record. A version 4 datagram must end after the header, after a MAC
// (20 octets), or after extension fields and a MAC. A datagram that does
// not decode raises ntp.malformed_data on the newest transaction (when
// there is one) and stops the flow's parsing, as in Suricata.
//
// A Parser belongs to one flow (one worker) and is not safe for
// concurrent use; nothing of the input is kept.
package ntp
