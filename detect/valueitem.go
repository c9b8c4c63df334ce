package detect

import "vigil/ruleparser"

// valueItem compares the value of a small big-endian buffer of size
// bytes: the one-, two- and four-byte buffers the app layer exposes for
// numeric keywords (dns.opcode, mqtt.type, ftp.dynamic_port,
// rfb.sectype, snmp.version, krb5_msg_type, ...). A buffer of another
// length never matches; an absent one is never inspected.
type valueItem struct {
	cmp  ruleparser.UintCmp
	size int
}

func (v *valueItem) relative() bool { return false }
func (v *valueItem) retry() bool    { return false }
func (v *valueItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != v.size {
		return cursor, cursor, false
	}
	var n uint64
	for _, c := range buf {
		n = n<<8 | uint64(c)
	}
	return cursor, cursor, v.cmp.Match(n)
}
