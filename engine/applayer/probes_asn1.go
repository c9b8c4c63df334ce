package applayer

import (
	"encoding/binary"

	"vigil/engine/applayer/ber"
)

// Probes for the ASN.1 BER protocols (SNMP, Kerberos 5). Both are
// registered on their ports only, as in Suricata, and check the outer
// structure of the first message.

// ProbeSNMP matches an SNMP datagram (RFC 1157, RFC 3416, RFC 3412): a
// SEQUENCE of three elements starting with INTEGER 0 (v1) or 1 (v2c), or
// of four starting with INTEGER 3 (v3).
func ProbeSNMP(data []byte) ProbeResult {
	e, _, err := ber.Read(data)
	if err != nil || !e.Is(ber.Universal, true, ber.TagSequence) {
		return ProbeNoMatch
	}
	r := ber.NewReader(e.Content)
	first, ok := r.Next()
	if !ok || !first.Is(ber.Universal, false, ber.TagInteger) {
		return ProbeNoMatch
	}
	n := 1
	for r.More() {
		r.Next()
		n++
	}
	v, ok := first.Int()
	if !ok || r.Err() != nil {
		return ProbeNoMatch
	}
	if (n == 3 && (v == 0 || v == 1)) || (n == 4 && v == 3) {
		return ProbeMatch
	}
	return ProbeNoMatch
}

// krb5MaxRecord bounds the TCP record mark the Kerberos probe accepts
// (the parser's limit).
const krb5MaxRecord = 100000

// probeKRB5 checks the start of a Kerberos message (RFC 4120 section
// 5): an APPLICATION tag up to 30 wrapping a SEQUENCE whose first field
// ([0] or [1]) is pvno, INTEGER 5.
func probeKRB5(msg []byte) ProbeResult {
	h, err := ber.ReadHeader(msg)
	if err == ber.ErrShort {
		return ProbeNeedMore
	}
	if err != nil || h.Class != ber.Application || !h.Constructed || h.Tag > 30 {
		return ProbeNoMatch
	}
	rest := msg[h.HeaderLen:]
	s, err := ber.ReadHeader(rest)
	if err == ber.ErrShort {
		return ProbeNeedMore
	}
	if err != nil || !s.Is(ber.Universal, true, ber.TagSequence) {
		return ProbeNoMatch
	}
	rest = rest[s.HeaderLen:]
	want := [5]byte{0xa0, 3, ber.TagInteger, 1, 5}
	for i := range want {
		if i >= len(rest) {
			return ProbeNeedMore
		}
		if c := rest[i]; c != want[i] && !(i == 0 && c == 0xa1) {
			return ProbeNoMatch
		}
	}
	return ProbeMatch
}

// ProbeKRB5UDP matches a Kerberos datagram.
func ProbeKRB5UDP(data []byte) ProbeResult {
	if r := probeKRB5(data); r != ProbeNeedMore {
		return r
	}
	return ProbeNoMatch // a datagram is complete: too short is no match
}

// ProbeKRB5TCP matches a Kerberos record: a 4-byte record mark (high bit
// clear, RFC 4120 section 7.2.2), then a message.
func ProbeKRB5TCP(data []byte) ProbeResult {
	if len(data) < 4 {
		return ProbeNeedMore
	}
	n := binary.BigEndian.Uint32(data)
	if n == 0 || n > krb5MaxRecord {
		return ProbeNoMatch
	}
	msg := data[4:]
	if len(msg) > int(n) {
		msg = msg[:n]
	}
	r := probeKRB5(msg)
	if r == ProbeNeedMore && len(msg) == int(n) {
		return ProbeNoMatch
	}
	return r
}
