package detect

import (
	"vigil/ruleparser"

	"vigil/detect/bufid"
)

// sslVersions maps ssl_version names to the 2-byte versions the TLS parser
// reports.
var sslVersions = map[string]uint16{
	"sslv2": 0x0002, "sslv3": 0x0300, "tls1.0": 0x0301,
	"tls1.1": 0x0302, "tls1.2": 0x0303, "tls1.3": 0x0304,
}

// sslVersionItem is ssl_version: the hello version of the inspected
// direction is one of the listed versions. A '!' on any element negates the
// whole list (Suricata 7.0.14 and later): "!tls1.3,tls1.2" matches a
// version that is neither.
type sslVersionItem struct {
	versions []uint16
	negated  bool
}

func (s *sslVersionItem) relative() bool { return false }
func (s *sslVersionItem) retry() bool    { return false }
func (s *sslVersionItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 2 {
		return cursor, cursor, false
	}
	v := uint16(buf[0])<<8 | uint16(buf[1])
	in := false
	for _, w := range s.versions {
		if w == v {
			in = true
			break
		}
	}
	return cursor, cursor, in != s.negated
}

// setupSSLVersion is ssl_version:[!]v[,v...] with v one of sslv2, sslv3,
// tls1.0, tls1.1, tls1.2, tls1.3. Docs: rules/tls-keywords.html#ssl-version
func setupSSLVersion(b *sigBuilder, l *ruleparser.List) error {
	if len(l.Items) == 0 {
		return errBadValue("unexpected value")
	}
	it := &sslVersionItem{}
	for _, e := range l.Items {
		v, ok := sslVersions[e.Value]
		if !ok {
			return errBadValue("unknown version " + e.Value)
		}
		it.negated = it.negated || e.Negated
		it.versions = append(it.versions, v)
	}
	return b.addItemToBuffer(bufid.SSLVersion, it)
}
