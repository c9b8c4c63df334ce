package detect

import (
	"errors"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// The legacy TLS certificate keywords, each a test on the sender's leaf
// certificate (the server's to the client, the client's to the server).
// Docs: https://docs.suricata.io/en/latest/rules/tls-keywords.html#tls-subject,
// #tls-issuerdn, #tls-fingerprint
//
//	tls.subject:[!]"CN=*.example.com";
//	tls.issuerdn:[!]"CN=Some CA";
//	tls.fingerprint:[!]"4a:a3:...";
//
// As in Suricata 8's detect-tls.c: the value must be quoted, and may be
// negated; it matches when the certificate's subject (issuer, lower-case
// colon-hex SHA-1 fingerprint) contains it, case-sensitively, or, negated,
// when it does not; a side without a certificate never matches. Each is
// the content of its sticky buffer (tls.cert_subject, tls.cert_issuer,
// tls.cert_fingerprint), added to that buffer's list without changing the
// rule's current buffer. tls.subject and tls.issuerdn allow only letters,
// digits, white space and "-.=,*@" in the value, as Suricata does.

// tlsLegacyValue parses [!]"value".
func tlsLegacyValue(s string, dn bool) (v string, negated bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "!") {
		negated, s = true, strings.TrimSpace(s[1:])
	}
	s = strings.TrimRight(s, " \t")
	if len(s) < 3 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false, errors.New(`want a quoted value, "..." or !"..."`)
	}
	v = s[1 : len(s)-1]
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'A' && c <= 'z' || c >= '0' && c <= '9' || c == ':' || c == '*'
		if dn {
			ok = c >= 'A' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(" \t\r\n\v\f-.=,*@", c) >= 0
		} else if c == ' ' {
			ok = true
		}
		if !ok {
			return "", false, errors.New("character " + string(rune(c)) + " not allowed in the value")
		}
	}
	return v, negated, nil
}

// checkTLSLegacy checks a value at parse time. The parser hands over a
// quoted value without its quotes, so a value that does not start with
// '!' or '"' is taken as quoted here; setup refuses it when it was not.
func checkTLSLegacy(dn bool) func(string) error {
	return func(s string) error {
		if t := strings.TrimSpace(s); !strings.HasPrefix(t, "!") && !strings.HasPrefix(t, `"`) {
			s = `"` + s + `"`
		}
		_, _, err := tlsLegacyValue(s, dn)
		return err
	}
}

func tlsLegacySetup(buf Buf, dn bool) func(*sigBuilder, *ruleparser.Text) error {
	return func(b *sigBuilder, t *ruleparser.Text) error {
		raw := t.Value
		if t.Quoted {
			raw = `"` + raw + `"`
		}
		v, negated, err := tlsLegacyValue(raw, dn)
		if err != nil {
			return errBadValue(err.Error())
		}
		return b.addToBuffer(buf, &ruleparser.Content{Pattern: []byte(v), Negated: negated})
	}
}

// The buffers the legacy keywords test.
var (
	setupTLSSubject     = tlsLegacySetup(bufid.TLSCertSubject, true)
	setupTLSIssuerDN    = tlsLegacySetup(bufid.TLSCertIssuer, true)
	setupTLSFingerprint = tlsLegacySetup(bufid.TLSCertFingerprint, false)
)
