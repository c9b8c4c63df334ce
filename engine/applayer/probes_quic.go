package applayer

import "vigil/engine/applayer/quic/header"

// ProbeQUIC matches a datagram that starts with a QUIC packet header
// Suricata would parse: a long header with its connection IDs and
// lengths, an IETF short header or a gQUIC public header. The test is
// weak (short headers are one flag bit), so the entry requires port 443
// or 80 as Suricata's does.
func ProbeQUIC(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	if _, ok := header.Parse(data); ok {
		return ProbeMatch
	}
	return ProbeNoMatch
}
