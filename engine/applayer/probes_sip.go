package applayer

// sipMethods are the request methods the SIP probe accepts (RFC 3261 and
// extensions), followed by a space.
var sipMethods = []string{
	"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK",
	"SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE",
}

// sipRequestLine reports on the first line of data: ProbeMatch when it ends
// with a SIP version (request) or ProbeNeedMore when no line end was seen
// within the first 1024 bytes.
func sipRequestLine(data []byte) ProbeResult {
	for i := 0; i < len(data) && i < 1024; i++ {
		if data[i] != '\n' {
			continue
		}
		line := data[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		// "... SIP/2.0": the version is the last word.
		for j := len(line) - 1; j > 0; j-- {
			if line[j] == ' ' {
				if prefixFold(line[j+1:], "SIP/") == ProbeMatch {
					return ProbeMatch
				}
				return ProbeNoMatch
			}
		}
		return ProbeNoMatch
	}
	if len(data) >= 1024 {
		return ProbeNoMatch
	}
	return ProbeNeedMore
}

// ProbeSIPRequest matches a SIP request line: a known method, a space, and
// a first line ending in the SIP version.
func ProbeSIPRequest(data []byte) ProbeResult {
	res := ProbeNoMatch
	for _, m := range sipMethods {
		switch prefixFold(data, m) {
		case ProbeMatch:
			if len(data) == len(m) {
				res = ProbeNeedMore
			} else if data[len(m)] == ' ' {
				return sipRequestLine(data)
			}
		case ProbeNeedMore:
			res = ProbeNeedMore
		}
	}
	return res
}

// ProbeSIPResponse matches a status line start "SIP/2.0 ".
func ProbeSIPResponse(data []byte) ProbeResult { return prefixFold(data, "SIP/2.0 ") }
