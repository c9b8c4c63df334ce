// Package snmp is Vigil's SNMP parser (UDP ports 161 and 162) for
// versions 1, 2c (RFC 1157, RFC 3416) and 3 (RFC 3412, RFC 3414).
//
// Each datagram is one message and, as in Suricata, one transaction in
// the direction it was sent; requests and responses are not paired. A
// transaction exposes the Suricata 8 snmp.* keywords
// (rules/snmp-keywords.html): the flow's protocol version (1, 2 or 3, taken
// from the first message of the flow, as Suricata does), the community of
// v1/v2c messages, the USM user name of v3 messages, and the PDU type when
// the PDU is readable (not for encrypted v3 payloads). Messages are
// decoded with package ber; a message that is not well-formed SNMP makes
// no transaction and is counted.
//
// Buffer ownership: the strings a transaction exposes are copied from the
// datagram. A Parser belongs to one flow (one worker) and is not safe for
// concurrent use.
package snmp
