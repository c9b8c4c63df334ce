package applayer

// Probes for SMB (NetBIOS session service framing) and DCERPC over TCP.

// ProbeSMB matches a NetBIOS session message (type 0, 17-bit length) that
// carries an SMB1 (\xffSMB), SMB2/3 (\xfeSMB) or SMB3 transform
// (\xfdSMB) header.
func ProbeSMB(data []byte) ProbeResult {
	if len(data) == 0 {
		return ProbeNeedMore
	}
	if data[0] != 0 {
		return ProbeNoMatch
	}
	if len(data) > 1 && data[1]&0xfe != 0 {
		return ProbeNoMatch
	}
	if len(data) < 8 {
		if len(data) > 4 && data[4] != 0xff && data[4] != 0xfe && data[4] != 0xfd {
			return ProbeNoMatch
		}
		return ProbeNeedMore
	}
	if (data[4] == 0xff || data[4] == 0xfe || data[4] == 0xfd) && data[5] == 'S' && data[6] == 'M' && data[7] == 'B' {
		return ProbeMatch
	}
	return ProbeNoMatch
}

// ProbeDCERPC matches a DCERPC connection-oriented PDU header: version
// 5.0/5.1, a known PDU type, a sane data representation and a fragment
// length of at least the header.
func ProbeDCERPC(data []byte) ProbeResult {
	if len(data) > 0 && data[0] != 5 || len(data) > 1 && data[1] > 1 || len(data) > 2 && data[2] > 19 {
		return ProbeNoMatch
	}
	if len(data) < 16 {
		return ProbeNeedMore
	}
	if data[4]&0xee != 0 || data[5] > 3 || data[6] != 0 || data[7] != 0 {
		return ProbeNoMatch
	}
	fl := int(data[8]) | int(data[9])<<8
	if data[4]&0x10 == 0 {
		fl = int(data[8])<<8 | int(data[9])
	}
	if fl < 16 {
		return ProbeNoMatch
	}
	return ProbeMatch
}

// ProbeDCERPCUDP matches a datagram holding a connectionless DCERPC PDU
// (DCE 1.1 RPC chapter 12): version 4, a PDU type up to cancel_ack, a
// sane data representation and a body length within the datagram.
// Package dcerpc parses it (udp.go).
func ProbeDCERPCUDP(data []byte) ProbeResult {
	if len(data) < 80 || data[0] != 4 || data[1] > 10 || data[4]&0xee != 0 || data[5] > 3 {
		return ProbeNoMatch
	}
	n := int(data[74])<<8 | int(data[75])
	if data[4]&0x10 != 0 {
		n = int(data[75])<<8 | int(data[74])
	}
	if 80+n > len(data) {
		return ProbeNoMatch
	}
	return ProbeMatch
}
