package applayer

// ProbeDHCP matches a BOOTP message carrying the DHCP magic cookie
// (RFC 2131 section 3): op 1 or 2 and 0x63825363 after the 236-octet
// header.
func ProbeDHCP(data []byte) ProbeResult {
	if len(data) < 240 || (data[0] != 1 && data[0] != 2) ||
		data[236] != 0x63 || data[237] != 0x82 || data[238] != 0x53 || data[239] != 0x63 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
