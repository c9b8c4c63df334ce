package applayer

// ProbeDNP3 matches a DNP3 link header (IEEE 1815 section 9.2.4): start
// octets 0x05 0x64 and a length of at least 5. Like Suricata it neither
// checks the CRC nor the direction bit.
func ProbeDNP3(data []byte) ProbeResult {
	if len(data) < 10 {
		if (len(data) >= 1 && data[0] != 0x05) || (len(data) >= 2 && data[1] != 0x64) {
			return ProbeNoMatch
		}
		return ProbeNeedMore
	}
	if data[0] != 0x05 || data[1] != 0x64 || data[2] < 5 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
