package detect

import (
	"strings"

	"vigil/ruleparser"
)

// Csum is the decoder's verdict on one checksum, as detect.Packet carries
// it (IPCsum, L4Csum).
type Csum uint8

const (
	// CsumNotChecked: validation is off (-k none), the capture is
	// truncated, or the packet is a fragment.
	CsumNotChecked Csum = iota
	CsumValid
	CsumInvalid
)

// csumTest is ipv4-csum, tcpv4-csum, tcpv6-csum, udpv4-csum, udpv6-csum,
// icmpv4-csum and icmpv6-csum: whether one checksum of the packet is
// valid or invalid. A packet of another IP version or protocol does not
// match. A checksum the decoder did not check counts as valid, as
// Suricata treats a packet whose checksum it is told to ignore.
// Docs: rules/header-keywords.html (checksum keywords)
type csumTest struct {
	ipVer uint8
	proto uint8 // 0: the IPv4 header checksum
	valid bool
}

func (c *csumTest) match(p *Packet) bool {
	if p.IPVer != c.ipVer {
		return false
	}
	s := p.IPCsum
	if c.proto != 0 {
		if p.Proto != c.proto {
			return false
		}
		s = p.L4Csum
	}
	if s == CsumNotChecked {
		return c.valid
	}
	return (s == CsumValid) == c.valid
}

// csumSetup compiles one checksum keyword; its value is valid or invalid,
// quoted or not.
func csumSetup(ipVer, proto uint8) func(*sigBuilder, *ruleparser.Args) error {
	return func(b *sigBuilder, a *ruleparser.Args) error {
		valid, err := csumArg(a.Args[0])
		if err != nil {
			return err
		}
		b.sig.pkt = append(b.sig.pkt, &csumTest{ipVer: ipVer, proto: proto, valid: valid})
		return nil
	}
}

func csumArg(v string) (bool, error) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`)) {
	case "valid":
		return true, nil
	case "invalid":
		return false, nil
	}
	return false, errBadValue(`want valid or invalid, got "` + v + `"`)
}

// checkCsum is the parser's check of a checksum keyword's value.
func checkCsum(a []string) error {
	if len(a) != 1 {
		return errBadValue("want valid or invalid")
	}
	_, err := csumArg(a[0])
	return err
}
