package applayer

import "encoding/binary"

// enipStatus reports whether s is an encapsulation status of the
// specification (ODVA CIP vol. 2, table 2-3.3).
func enipStatus(s uint32) bool {
	switch s {
	case 0, 1, 2, 3, 0x64, 0x65, 0x69, 0x6a:
		return true
	}
	return false
}

// probeENIP checks an encapsulation header as Suricata does: a known
// command and status, no options on a NOP, a 4-octet RegisterSession and
// a 0- or 4-octet UnregisterSession. ListInterfaces is accepted on its
// header alone.
func probeENIP(b []byte) ProbeResult {
	if len(b) < 24 {
		return ProbeNeedMore
	}
	cmd, n := binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[2:])
	if !enipStatus(binary.LittleEndian.Uint32(b[8:])) {
		return ProbeNoMatch
	}
	switch cmd {
	case 0x00:
		if binary.LittleEndian.Uint32(b[20:]) != 0 {
			return ProbeNoMatch
		}
	case 0x65:
		if n != 4 {
			return ProbeNoMatch
		}
	case 0x66:
		if n != 4 && n != 0 {
			return ProbeNoMatch
		}
	case 0x04, 0x63, 0x64, 0x6f, 0x70, 0x72, 0x73:
	default:
		return ProbeNoMatch
	}
	return ProbeMatch
}

// ProbeENIPTCP matches an encapsulation header on a stream.
func ProbeENIPTCP(data []byte) ProbeResult { return probeENIP(data) }

// ProbeENIPUDP matches an encapsulation datagram.
func ProbeENIPUDP(data []byte) ProbeResult {
	if r := probeENIP(data); r != ProbeNeedMore {
		return r
	}
	return ProbeNoMatch
}
