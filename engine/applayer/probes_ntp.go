package applayer

import "encoding/binary"

// NTP header and MAC lengths.
const (
	ntpHeaderLen = 48
	ntpMACLen    = 20 // key id and 16-octet digest
)

// ProbeNTP is Suricata 8's NTP probe on port 123 (the entry requires
// it), either direction: the datagram decodes as its NTP parser decodes
// it (engine/applayer/ntp uses this check): a version 3 or 4 header of 48
// octets; for version 4, nothing after it, a MAC, or at least one whole
// extension field before a MAC.
func ProbeNTP(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	switch data[0] >> 3 & 7 {
	case 3:
		if len(data) < ntpHeaderLen {
			return ProbeNeedMore
		}
		return ProbeMatch
	case 4:
	default:
		return ProbeNoMatch
	}
	if len(data) < ntpHeaderLen {
		return ProbeNeedMore
	}
	rest := data[ntpHeaderLen:]
	switch {
	case len(rest) == 0 || len(rest) == ntpMACLen:
		return ProbeMatch
	case len(rest) < ntpMACLen:
		return ProbeNoMatch
	}
	ext := rest[:len(rest)-ntpMACLen]
	if len(ext) >= 4 && int(binary.BigEndian.Uint16(ext[2:])) <= len(ext)-4 {
		return ProbeMatch
	}
	return ProbeNoMatch
}
