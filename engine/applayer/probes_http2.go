package applayer

// http2Preface is the client connection preface of HTTP/2 (RFC 9113
// section 3.4), sent first on prior-knowledge connections.
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// ProbeHTTP2Preface matches the HTTP/2 client connection preface
// (case-sensitive, as the RFC spells it).
func ProbeHTTP2Preface(data []byte) ProbeResult {
	n := min(len(data), len(http2Preface))
	if string(data[:n]) != http2Preface[:n] {
		return ProbeNoMatch
	}
	if n < len(http2Preface) {
		return ProbeNeedMore
	}
	return ProbeMatch
}

// ProbeHTTP2Settings matches a server's first HTTP/2 frame: a SETTINGS
// frame (type 4) on stream 0 with at most the ACK flag, a length that is a
// multiple of 6 and within the default maximum frame size. It is weak on
// its own, so its entry requires the HTTP/2 port (Suricata probes the
// server side on port 80 only).
func ProbeHTTP2Settings(data []byte) ProbeResult {
	if len(data) < 9 {
		return ProbeNeedMore
	}
	length := int(data[0])<<16 | int(data[1])<<8 | int(data[2])
	stream := uint32(data[5])<<24 | uint32(data[6])<<16 | uint32(data[7])<<8 | uint32(data[8])
	if data[3] != 4 || data[4]&^1 != 0 || stream != 0 || length%6 != 0 || length > 16384 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
