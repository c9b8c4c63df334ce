// Package quic is Vigil's QUIC parser (UDP ports 443 and 80): IETF QUIC
// v1 and v2 (RFC 9000, RFC 9369), their drafts, and Google QUIC (gQUIC)
// public headers.
//
// Each long-header packet is a transaction of the direction it was sent
// in, as in Suricata 8: its header version, and for Initial packets what
// the handshake carries. Initial packets are protected with keys anyone
// can derive from the client's first Destination Connection ID (RFC 9001
// section 5.2): the parser derives them with HKDF-SHA256, removes header
// protection (AES-ECB mask), decrypts the AES-128-GCM payload, reassembles
// the CRYPTO frames per direction and parses the TLS ClientHello or
// ServerHello with package tls. From the hello come the SNI, the
// extensions, JA3 or JA3S (as Suricata computes them for QUIC: GREASE
// values kept) and JA4 ('q' prefix). gQUIC (Q043..Q046) Initial packets
// are clear text; their crypto stream tags give the SNI, the user agent
// and the CYU fingerprint. Once a direction's hello has been seen the
// rest of that direction is encrypted and ignored, like short-header
// packets.
//
// Suricata 8 keywords (rules/quic-keywords.html): quic.version (the four
// raw version bytes of a long header), quic.sni, quic.ua, quic.cyu.hash
// and quic.cyu.string (multi-buffers), and the TLS fingerprints ja3.hash,
// ja3.string, ja3s.hash, ja3s.string and ja4.hash, which read the
// QUIC transaction of their direction.
//
// Buffer ownership: a transaction's buffers are its own copies. A Parser
// belongs to one flow (one worker) and is not safe for concurrent use.
package quic
