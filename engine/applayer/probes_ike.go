package applayer

import "vigil/engine/applayer/ike/isakmp"

// ProbeIKE matches an ISAKMP header as Suricata's IKE probe does: IKEv1
// with any header, IKEv2 2.0 with an IKEv2 exchange type and a length
// equal to the datagram's. Fewer than 28 bytes never match.
func ProbeIKE(data []byte) ProbeResult {
	if len(data) < isakmp.HeaderLen {
		return ProbeNoMatch
	}
	if isakmp.Probe(data) {
		return ProbeMatch
	}
	return ProbeNoMatch
}
