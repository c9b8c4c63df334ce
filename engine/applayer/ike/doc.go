// Package ike is Vigil's IKE parser (ISAKMP over UDP port 500): IKEv1
// (RFC 2408, RFC 2409) and IKEv2 (RFC 7296) messages.
//
// Each datagram is one message and, as in Suricata 8, one transaction of
// the direction it was sent in. IKEv1 messages are walked payload by
// payload, into the proposals of a Security Association: the transforms
// and their attributes, the key exchange data, the nonce and the vendor
// IDs. The flow keeps what each side sent last (its key exchange, nonce
// and first proposal), which Suricata's ike record repeats on every
// transaction; a transaction keeps a snapshot of it taken when the
// message was parsed. IKEv2 messages give the exchange type, the payload
// types, the responder's chosen transforms and the notify types; their
// other payloads are encrypted or left alone.
//
// Suricata 8 keywords (rules/ike-keywords.html): ike.init_spi and
// ike.resp_spi (16 lower-case hex digits), ike.exchtype,
// ike.chosen_sa_attribute (the first transform of a responder's message),
// ike.key_exchange_payload, ike.nonce_payload, their _length forms and
// ike.vendor (hex), with the directions Suricata registers.
//
// Buffer ownership: a transaction's buffers are its own copies. A Parser
// belongs to one flow (one worker) and is not safe for concurrent use.
package ike
