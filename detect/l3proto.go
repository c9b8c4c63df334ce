package detect

import (
	"strings"

	"vigil/ruleparser"
)

// l3protoTest is l3_proto: the rule applies to IPv4 (ipv4, ip4) or IPv6
// (ipv6, ip6) packets only. Docs: rules/header-keywords.html#l3-proto
type l3protoTest struct{ ver uint8 }

func (t *l3protoTest) match(p *Packet) bool { return p.IPVer == t.ver }

func l3protoVersion(v string) (uint8, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "ipv4", "ip4":
		return 4, nil
	case "ipv6", "ip6":
		return 6, nil
	}
	return 0, errBadValue(`want ipv4 or ipv6, got "` + v + `"`)
}

func checkL3Proto(a []string) error {
	if len(a) != 1 {
		return errBadValue("want ipv4 or ipv6")
	}
	_, err := l3protoVersion(a[0])
	return err
}

func setupL3Proto(b *sigBuilder, a *ruleparser.Args) error {
	v, err := l3protoVersion(a.Args[0])
	if err != nil {
		return err
	}
	for _, t := range b.sig.pkt {
		if o, ok := t.(*l3protoTest); ok && o.ver != v {
			return errBadValue("conflicting l3_proto values")
		}
	}
	b.sig.pkt = append(b.sig.pkt, &l3protoTest{ver: v})
	return nil
}
