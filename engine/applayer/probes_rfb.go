package applayer

// rfbVersion is the shape of an RFB ProtocolVersion message (RFC 6143
// section 7.1.1); '0' stands for any decimal digit.
const rfbVersion = "RFB 000.000\n"

// ProbeRFB matches an RFB ProtocolVersion message, "RFB xxx.yyy\n" with
// three decimal digits on each side of the dot. The server sends one
// first and the client answers with one, so it serves both directions.
func ProbeRFB(data []byte) ProbeResult {
	n := min(len(data), len(rfbVersion))
	for i := 0; i < n; i++ {
		c, want := data[i], rfbVersion[i]
		if want == '0' {
			if c < '0' || c > '9' {
				return ProbeNoMatch
			}
		} else if c != want {
			return ProbeNoMatch
		}
	}
	if n < len(rfbVersion) {
		return ProbeNeedMore
	}
	return ProbeMatch
}
