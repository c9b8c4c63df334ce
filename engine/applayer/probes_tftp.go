package applayer

// ProbeTFTP is Suricata 8's TFTP probe on port 69 (the entry requires
// it): at least 4 bytes, the first zero.
func ProbeTFTP(data []byte) ProbeResult {
	if len(data) >= 4 && data[0] == 0 {
		return ProbeMatch
	}
	return ProbeNoMatch
}
