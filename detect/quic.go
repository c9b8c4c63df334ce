package detect

import "vigil/detect/bufid"

// QUIC carries a TLS handshake: Suricata 8 registers the JA3, JA3S and
// JA4 buffers for TLS and QUIC transactions alike, so a quic rule may use
// them and stays quic (the QUIC transaction answers for them, package
// engine/applayer/quic). A rule of no app-layer protocol that uses them
// becomes a tls rule. Docs: rules/ja3-keywords.html, rules/ja4-keywords.html.

// tlsOnQUIC reports whether a buffer of protocol bufProto is one of the
// fingerprint buffers used by a rule of protocol ruleProto other than its
// own: a TLS fingerprint on QUIC.
func tlsOnQUIC(buf Buf, ruleProto bufid.Proto) bool {
	if ruleProto != bufid.ProtoQUIC {
		return false
	}
	switch buf {
	case bufid.JA3Hash, bufid.JA3String, bufid.JA3SHash, bufid.JA3SString, bufid.JA4Hash:
		return true
	}
	return false
}
