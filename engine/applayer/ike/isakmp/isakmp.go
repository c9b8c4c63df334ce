package isakmp

import "encoding/binary"

// HeaderLen is the length of the ISAKMP header (RFC 2408 section 3.1).
const HeaderLen = 28

// Header is the ISAKMP header shared by IKEv1 and IKEv2.
type Header struct {
	InitSPI, RespSPI uint64
	NextPayload      uint8
	Major, Minor     uint8
	ExchType         uint8
	Flags            uint8
	MsgID            uint32
	Length           uint32
}

// ParseHeader parses the ISAKMP header at the start of b.
func ParseHeader(b []byte) (Header, bool) {
	if len(b) < HeaderLen {
		return Header{}, false
	}
	return Header{
		InitSPI: binary.BigEndian.Uint64(b), RespSPI: binary.BigEndian.Uint64(b[8:]),
		NextPayload: b[16], Major: b[17] >> 4, Minor: b[17] & 0xf, ExchType: b[18], Flags: b[19],
		MsgID: binary.BigEndian.Uint32(b[20:]), Length: binary.BigEndian.Uint32(b[24:]),
	}, true
}

// Probe reports whether b starts like an IKE message Suricata accepts:
// IKEv1 with any header, IKEv2 version 2.0 with an IKEv2 exchange type
// (34..37) and a length equal to the datagram's.
func Probe(b []byte) bool {
	h, ok := ParseHeader(b)
	if !ok {
		return false
	}
	switch h.Major {
	case 1:
		return true
	case 2:
		return h.Minor == 0 && h.ExchType >= 34 && h.ExchType <= 37 && int(h.Length) == len(b)
	}
	return false
}
