package detect

import "vigil/ruleparser"

// Fragment flags as Packet.FragBits holds them.
const (
	fragMF = 0x01
	fragDF = 0x02
	fragRB = 0x04
)

// fragbitsTest is fragbits: the IP header's more-fragments (M), don't-
// fragment (D) and reserved (R) bits. The modifiers differ by dialect:
//
//	          exact  +                       *         !
//	Suricata  equal  all of them and another any of    not all of them
//	Snort 2   equal  all of them             any of    none of them
//	Snort 3   equal  any of them             any of    none of them
//
// Suricata only tests IPv4 packets; Snort tests IPv6 too, whose bits are
// those of a fragment header (none on the unfragmented packets Vigil
// inspects).
type fragbitsTest struct {
	bits     uint8
	modifier byte // 0 exact, '+', '*', '!'
	dialect  ruleparser.Dialect
}

func (f *fragbitsTest) match(p *Packet) bool {
	if p.IPVer != 4 && (f.dialect == ruleparser.DialectSuricata || p.IPVer != 6) {
		return false
	}
	got := p.FragBits & (fragMF | fragDF | fragRB)
	switch f.modifier {
	case '*':
		return got&f.bits != 0
	case '+':
		switch f.dialect {
		case ruleparser.DialectSuricata:
			return got&f.bits == f.bits && got&^f.bits != 0
		case ruleparser.DialectSnort3:
			return got&f.bits != 0
		}
		return got&f.bits == f.bits
	case '!':
		if f.dialect == ruleparser.DialectSuricata {
			return got&f.bits != f.bits
		}
		return got&f.bits == 0
	}
	return got == f.bits
}

// setupFragbits is fragbits:[+*!]<MDR> (the modifier may also follow the
// bits). M is set on the fragments themselves, which rules for ip see
// before reassembly (Packet.Fragment); the reassembled datagram has M and
// R clear and keeps D.
// Docs: rules/header-keywords.html#fragbits-ip-fragmentation,
// https://docs.snort.org/rules/options/non_payload/fragbits
func setupFragbits(b *sigBuilder, f *ruleparser.Flags) error {
	t := &fragbitsTest{modifier: f.Modifier, dialect: b.sig.Rule.Dialect}
	if t.modifier == '=' {
		t.modifier = 0
	}
	if t.dialect != ruleparser.DialectSnort2 && t.dialect != ruleparser.DialectSnort3 {
		t.dialect = ruleparser.DialectSuricata
	}
	for i := 0; i < len(f.Bits); i++ {
		switch f.Bits[i] {
		case 'M', 'm':
			t.bits |= fragMF
		case 'D', 'd':
			t.bits |= fragDF
		case 'R', 'r':
			t.bits |= fragRB
		default:
			return errBadValue("bad fragment bit " + string(f.Bits[i]))
		}
	}
	b.sig.pkt = append(b.sig.pkt, t)
	return nil
}
