package applayer

import "bytes"

// POP3 probes, as Suricata 8 probes port 110 (the entry requires the
// port) with its sawp-pop3 parser: a whole command line whose keyword is
// alphanumeric, or a whole reply line with status +OK or -ERR. Fewer
// than 5 bytes, or no line end yet, need more.

// popLine returns the first line of data up to CRLF and its first word.
func popLine(data []byte) (word []byte, res ProbeResult) {
	if len(data) < 5 {
		return nil, ProbeNeedMore
	}
	i := bytes.Index(data, []byte("\r\n"))
	if i < 0 {
		return nil, ProbeNeedMore
	}
	line := data[:i]
	if k := bytes.IndexAny(line, " \r"); k >= 0 {
		line = line[:k]
	}
	return line, ProbeMatch
}

// ProbePOP3Request matches a command line.
func ProbePOP3Request(data []byte) ProbeResult {
	kw, res := popLine(data)
	if res != ProbeMatch {
		return res
	}
	if len(kw) == 0 || kw[0] == '+' {
		return ProbeNoMatch
	}
	for _, c := range kw {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return ProbeNoMatch
		}
	}
	return ProbeMatch
}

// ProbePOP3Response matches a reply line.
func ProbePOP3Response(data []byte) ProbeResult {
	st, res := popLine(data)
	if res != ProbeMatch {
		return res
	}
	if string(st) == "+OK" || string(st) == "-ERR" {
		return ProbeMatch
	}
	return ProbeNoMatch
}
