// Package rfb is Vigil's RFB (Remote Framebuffer, VNC) handshake parser
// (RFC 6143).
//
// It consumes the two reassembled byte streams of a TCP flow and follows
// the handshake: the server's and the client's ProtocolVersion ("RFB
// xxx.yyy\n"), the security type the server imposes (3.3) or the list it
// offers and the client's choice (3.7 and later), the VNC authentication
// challenge and response, the SecurityResult (with the failure reason of
// 3.8), the ClientInit shared flag and the ServerInit (framebuffer size,
// pixel format, desktop name). As in Suricata the handshake is one
// transaction (ID 0), complete after ServerInit or when the handshake
// fails or continues with a security type the parser does not follow.
// After that the parser ignores the rest of the flow.
//
// The transaction backs the Suricata 8 keywords of rules/rfb-keywords.html:
// rfb.name (sticky buffer), rfb.sectype and rfb.secresult (32-bit values,
// exposed as 4-byte big-endian buffers).
//
// Both directions are queued separately (a few KiB at most) so that the
// order in which the two streams are delivered does not matter. Parse
// copies what it keeps; a Parser belongs to one flow (one worker) and is
// not safe for concurrent use.
package rfb
