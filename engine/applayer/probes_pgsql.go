package applayer

import "encoding/binary"

// PostgreSQL probes, as Suricata 8 probes port 5432 (the entry requires
// the port): a frontend message that frames whole, a backend message
// that frames whole or an SSL answer byte. Framing follows
// engine/applayer/pgsql; the checks here are its cheap part.

// pgsqlFrame checks a typed message header: a length of at least 4 and
// the whole message present.
func pgsqlFrame(data []byte) ProbeResult {
	if len(data) < 5 {
		return ProbeNeedMore
	}
	l := binary.BigEndian.Uint32(data[1:])
	if l < 4 {
		return ProbeNoMatch
	}
	if uint64(len(data)) < 1+uint64(l) {
		return ProbeNeedMore
	}
	return ProbeMatch
}

// ProbePgSQLRequest matches a StartupMessage (protocol 1 to 3), an
// SSLRequest or CancelRequest, or a typed frontend message.
func ProbePgSQLRequest(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	if data[0] != 0 {
		return pgsqlFrame(data)
	}
	if len(data) < 8 {
		return ProbeNeedMore
	}
	l := binary.BigEndian.Uint32(data)
	major, minor := binary.BigEndian.Uint16(data[4:]), binary.BigEndian.Uint16(data[6:])
	switch {
	case l < 8:
		return ProbeNoMatch
	case major >= 1 && major <= 3, major == 1234 && (minor == 5678 || minor == 5679):
	default:
		return ProbeNoMatch
	}
	if uint64(len(data)) < uint64(l) {
		return ProbeNeedMore
	}
	return ProbeMatch
}

// ProbePgSQLResponse matches an SSL answer ('S' or 'N') or a typed
// backend message.
func ProbePgSQLResponse(data []byte) ProbeResult {
	if len(data) > 0 && (data[0] == 'S' || data[0] == 'N') {
		return ProbeMatch
	}
	return pgsqlFrame(data)
}
