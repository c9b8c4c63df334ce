// Package tls is Vigil's TLS (and SSL 3.0) handshake parser.
//
// It consumes the two reassembled byte streams of a TCP flow, reassembles
// records and handshake messages across segments, and extracts what
// detection and EVE need from the clear-text handshake: the ClientHello
// (SNI, ALPN, groups, signature algorithms, supported_versions) with its JA3
// string/MD5 and JA4 fingerprint, the ServerHello with JA3S and the
// negotiated version, and for TLS <= 1.2 the server certificate chain
// (subject, issuer, serial, SHA-1 fingerprint and validity of the leaf, in
// Suricata's formats). Once application data flows the parser reports
// applayer.StateEncrypted and stops looking at the flow.
//
// A flow has one transaction (ID 0), as in Suricata. Buffer ownership:
// Parse copies what it keeps; slices returned by the Tx are owned by it. A
// Parser is used by one worker only.
package tls
