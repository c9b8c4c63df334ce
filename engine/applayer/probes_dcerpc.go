package applayer

// ProbeDCERPCUDP matches a connectionless DCERPC request: Suricata's
// to-server pattern (version 4, packet type request) and its probe of the
// header (first fragment, the fragment within the datagram, flags2 and
// data representation in range). The header layout is C706 chapter 12;
// package dcerpc parses it.
func ProbeDCERPCUDP(b []byte) ProbeResult {
	if len(b) < 2 {
		return ProbeNeedMore
	}
	if b[0] != 4 || b[1] != 0 || len(b) < 80 {
		return ProbeNoMatch
	}
	little := b[4]&0x10 != 0
	u16 := func(i int) int {
		if little {
			return int(b[i]) | int(b[i+1])<<8
		}
		return int(b[i])<<8 | int(b[i+1])
	}
	if u16(76) != 0 || len(b)-80 < u16(74) || b[3]&0xfc != 0 || b[4]&0xee != 0 || b[5] > 3 {
		return ProbeNoMatch
	}
	return ProbeMatch
}
