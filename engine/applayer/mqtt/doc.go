// Package mqtt is Vigil's MQTT parser (MQTT 3.1, 3.1.1 and 5.0 over TCP,
// port 1883), so that rules can use Suricata 8's mqtt.* keywords
// (rules/mqtt-keywords.html).
//
// It consumes in-order stream bytes per direction, frames control packets
// by their fixed header (type, flags, remaining length) and decodes each
// one with the protocol version of the flow's last CONNECT, as Suricata
// does. Transactions follow Suricata: a CONNECT waits for its CONNACK; a
// PUBLISH with QoS 1 or 2, a SUBSCRIBE and an UNSUBSCRIBE wait for the
// packets with the same packet identifier (PUBACK, or PUBREC, PUBREL and
// PUBCOMP; SUBACK; UNSUBACK); every other packet, and an acknowledgement
// whose request was not seen, is a transaction of its own. A transaction
// belongs to the direction of its first packet, and detection inspects it
// in that direction only (its other side is reported complete and shows
// no buffers) and only once it is complete: a request whose answer never
// comes is never inspected. This is how Suricata treats MQTT
// transactions.
//
// Buffers (applayer.MQTT*): the integer buffers hold one byte per
// instance. mqtt.type, mqtt.flags (retain 0x01, dup 0x08) and mqtt.qos
// have one instance per message of the transaction; mqtt.reason_code has
// the first reason code of the transaction's messages (CONNACK return
// code, PUBACK/PUBREC/PUBREL/PUBCOMP/DISCONNECT reason code in 5.0, AUTH)
// followed by every SUBACK and UNSUBACK code; mqtt.connect.flags and
// mqtt.connack.session_present have one instance per CONNECT or CONNACK;
// mqtt.protocol_version is the version of the flow's last CONNECT when
// detection looks. The string buffers come from the first CONNECT or
// PUBLISH of the transaction that has the field non-empty; the subscribe
// and unsubscribe topics are multi-buffers (at most MaxTopics instances).
//
// Limits: a message longer than MaxMsgLen is skipped and becomes a
// transaction with its fixed header only; at most MaxTx transactions wait
// for an answer (the oldest are then given up as complete) and MaxLive
// are kept at all; a malformed message stops the parser for the flow.
//
// Buffer ownership: the parser copies what it keeps; slices returned by
// BufferAt belong to the transaction and stay valid until the parser is
// fed again or the transaction is pruned. A Parser belongs to one flow
// (one worker) and is not safe for concurrent use.
package mqtt
