// Package websocket is Vigil's WebSocket parser (RFC 6455): the frames of
// a connection that an HTTP/1 "101 Switching Protocols" with "Upgrade:
// websocket" handed over (package http's Handover).
//
// Each frame is a transaction of the direction it was sent in, as in
// Suricata 8. Frames are reassembled from the stream per direction; the
// payload is unmasked and limited to MaxPayload bytes (the rest of a
// longer frame is skipped). The fragments of a data message (opcode below
// 8) are joined and the message is the payload of its final frame.
// permessage-deflate (RFC 7692) messages, marked by the RSV1 ("comp")
// bit of their first frame, are inflated with the direction's window of
// earlier output (context takeover), each message ended with the
// 00 00 ff ff tail the sender removed.
//
// Suricata 8 keywords (rules/websocket-keywords.html): websocket.payload,
// websocket.opcode, websocket.flags (the four high bits of the first
// byte) and websocket.mask (present only for masked frames).
//
// Buffer ownership: a transaction's buffers are its own copies. A Parser
// belongs to one flow (one worker) and is not safe for concurrent use.
package websocket
