package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// ssl_state and tls.version read TLS transaction buffers that only their
// keywords use. bufid.SSLState holds two bytes of handshake-state flags (the
// layout of package engine/applayer/tls's Tx.State): byte 0 is Suricata's
// state, the last hello or key exchange message parsed in either
// direction; byte 1 is Snort's, every hello and key exchange message of
// the inspected direction's data last parsed (the PDU Snort inspects).

// sslStates maps ssl_state names to the flags of bufid.SSLState.
var sslStates = map[string]byte{
	"client_hello": 0x01, "server_hello": 0x02, "client_keyx": 0x04, "server_keyx": 0x08, "unknown": 0x10,
}

// sslStateItem is ssl_state. Suricata and Snort evaluate the list the same
// way: the flags named without '!' and with '!' are both masked from the
// current state, and the result, with the negated flags flipped, must not
// be zero ("client_hello,server_hello" matches either; "!client_hello"
// matches when the state is not client_hello).
type sslStateItem struct {
	flags, mask byte
	snort       bool // read Snort's byte
}

func (s *sslStateItem) relative() bool { return false }
func (s *sslStateItem) retry() bool    { return false }
func (s *sslStateItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 2 {
		return cursor, cursor, false
	}
	cur := buf[0]
	if s.snort {
		cur = buf[1]
	}
	return cursor, cursor, (s.flags&cur)^s.mask != 0
}

// setupSSLState is ssl_state:[!]state[,|[!]state...] with states
// client_hello, server_hello, client_keyx, server_keyx and unknown.
// Suricata's state is the last of those handshake messages its parser saw,
// in either direction, since a parse call last started on a record
// boundary (so a server flight ServerHello, Certificate,
// ServerKeyExchange is server_keyx); it never sets unknown. Snort's state
// is every such message of the inspected direction's last data (its PDU),
// each in its own direction; Snort's unknown (records decoded as garbage)
// is not modelled and stays unsupported.
// Docs: rules/tls-keywords.html#ssl-state,
// https://docs.snort.org/rules/options/non_payload/ssl_state
func setupSSLState(b *sigBuilder, l *ruleparser.List) error {
	if len(l.Items) == 0 {
		return errBadValue("unexpected value")
	}
	it := &sslStateItem{snort: b.sig.Rule.Dialect == ruleparser.DialectSnort2 || b.sig.Rule.Dialect == ruleparser.DialectSnort3}
	for _, e := range l.Items {
		f, ok := sslStates[e.Value]
		if !ok {
			return errBadValue("unknown state " + e.Value)
		}
		if f == sslStates["unknown"] && it.snort {
			return fmt.Errorf("Snort's ssl_state unknown: %w", ErrUnsupported)
		}
		it.flags |= f
		if e.Negated {
			it.mask |= f
		}
	}
	return b.addItemToBuffer(bufid.SSLState, it)
}

// tlsVersionItem is tls.version: the version of the inspected direction's
// side (the same one ssl_version reads), TLS 1.3 drafts counting as 1.3
// unless the rule gave a raw hex version.
type tlsVersionItem struct {
	ver uint16
	raw bool
}

func (t *tlsVersionItem) relative() bool { return false }
func (t *tlsVersionItem) retry() bool    { return false }
func (t *tlsVersionItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 2 {
		return cursor, cursor, false
	}
	v := uint16(buf[0])<<8 | uint16(buf[1])
	if !t.raw && v>>8 == 0x7f {
		v = 0x0304
	}
	return cursor, cursor, v == t.ver
}

// setupTLSVersion is tls.version:1.0|1.1|1.2|1.3|0xNNNN (optionally
// quoted). Suricata compares the version of the inspected direction's
// side once its hello was decoded: the client's hello version (TLS 1.3
// when it offers it), the server's selected version.
// Docs: rules/tls-keywords.html#tls-version
func setupTLSVersion(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	it, err := parseTLSVersion(arg)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.SSLVersion, it)
}

func parseTLSVersion(arg string) (*tlsVersionItem, error) {
	s := strings.TrimSpace(arg)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	switch s {
	case "1.0":
		return &tlsVersionItem{ver: 0x0301}, nil
	case "1.1":
		return &tlsVersionItem{ver: 0x0302}, nil
	case "1.2":
		return &tlsVersionItem{ver: 0x0303}, nil
	case "1.3":
		return &tlsVersionItem{ver: 0x0304}, nil
	}
	if len(s) == 6 && (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) {
		if v, err := strconv.ParseUint(s[2:], 16, 16); err == nil {
			return &tlsVersionItem{ver: uint16(v), raw: true}, nil
		}
	}
	return nil, errBadValue("bad version " + strconv.Quote(arg))
}
