package applayer

import "vigil/engine/applayer/ber"

// ldapOps marks the APPLICATION tags of LDAP protocol operations (RFC
// 4511 section 4.2 to 4.14).
var ldapOps = [32]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true,
	8: true, 9: true, 10: true, 11: true, 12: true, 13: true, 14: true, 15: true, 16: true,
	19: true, 23: true, 24: true, 25: true}

// probeLDAP checks the start of an LDAPMessage: a SEQUENCE holding an
// INTEGER message ID of 1 to 4 bytes and an APPLICATION-tagged operation.
// It serves both directions, as Suricata's, since a flow picked up
// midstream may start with a response.
func probeLDAP(msg []byte) ProbeResult {
	h, err := ber.ReadHeader(msg)
	if err == ber.ErrShort {
		return ProbeNeedMore
	}
	if err != nil || !h.Is(ber.Universal, true, ber.TagSequence) || h.Len < 5 {
		return ProbeNoMatch
	}
	rest := msg[h.HeaderLen:]
	if len(rest) < 2 {
		return ProbeNeedMore
	}
	if rest[0] != ber.TagInteger || rest[1] == 0 || rest[1] > 4 {
		return ProbeNoMatch
	}
	n := 2 + int(rest[1])
	if len(rest) <= n {
		return ProbeNeedMore
	}
	op := rest[n]
	if op>>6 != 1 || !ldapOps[op&0x1f] {
		return ProbeNoMatch
	}
	return ProbeMatch
}

// ProbeLDAPTCP matches an LDAP message on a stream.
func ProbeLDAPTCP(data []byte) ProbeResult { return probeLDAP(data) }

// ProbeLDAPUDP matches a CLDAP datagram.
func ProbeLDAPUDP(data []byte) ProbeResult {
	if r := probeLDAP(data); r != ProbeNeedMore {
		return r
	}
	return ProbeNoMatch
}
