package eve

import (
	"strconv"
	"strings"
	"time"
)

// TLSFields is a set of tls record fields, Suricata 8's eve-log tls
// "custom" names (output-json-tls.c): what a tls record carries.
type TLSFields uint32

// The tls fields, one bit per Suricata custom name.
const (
	TLSFieldVersion TLSFields = 1 << iota
	TLSFieldSubject
	TLSFieldIssuer
	TLSFieldSerial
	TLSFieldFingerprint
	TLSFieldNotBefore
	TLSFieldNotAfter
	TLSFieldSNI
	TLSFieldCertificate
	TLSFieldChain
	TLSFieldSessionResumed
	TLSFieldJA3
	TLSFieldJA3S
	TLSFieldClient
	TLSFieldClientCert
	TLSFieldClientChain
	TLSFieldJA4
	TLSFieldSubjectAltName
	TLSFieldClientALPNs
	TLSFieldServerALPNs
	TLSFieldClientHandshake
	TLSFieldServerHandshake
)

// TLSBasic is Suricata's tls record without "extended": subject, issuer
// and subjectaltname.
const TLSBasic = TLSFieldSubject | TLSFieldIssuer | TLSFieldSubjectAltName

// TLSExtended is Suricata's "extended: yes" set plus session_resumed (on
// unless session-resumption is off): the default of Suricata 8's
// suricata.yaml and of Vigil.
const TLSExtended = TLSBasic | TLSFieldVersion | TLSFieldSerial | TLSFieldFingerprint | TLSFieldNotBefore |
	TLSFieldNotAfter | TLSFieldJA3 | TLSFieldJA3S | TLSFieldJA4 | TLSFieldClient | TLSFieldClientALPNs |
	TLSFieldServerALPNs | TLSFieldSNI | TLSFieldSessionResumed

var tlsFieldNames = []struct {
	name string
	f    TLSFields
}{
	{"version", TLSFieldVersion}, {"subject", TLSFieldSubject}, {"issuer", TLSFieldIssuer},
	{"serial", TLSFieldSerial}, {"fingerprint", TLSFieldFingerprint}, {"not_before", TLSFieldNotBefore},
	{"not_after", TLSFieldNotAfter}, {"sni", TLSFieldSNI}, {"certificate", TLSFieldCertificate},
	{"chain", TLSFieldChain}, {"session_resumed", TLSFieldSessionResumed}, {"ja3", TLSFieldJA3},
	{"ja3s", TLSFieldJA3S}, {"client", TLSFieldClient}, {"client_certificate", TLSFieldClientCert},
	{"client_chain", TLSFieldClientChain}, {"ja4", TLSFieldJA4}, {"subjectaltname", TLSFieldSubjectAltName},
	{"client_alpns", TLSFieldClientALPNs}, {"server_alpns", TLSFieldServerALPNs},
	{"client_handshake", TLSFieldClientHandshake}, {"server_handshake", TLSFieldServerHandshake},
}

// LookupTLSField returns the field of a Suricata tls custom name (case
// insensitive, as Suricata compares them).
func LookupTLSField(name string) (TLSFields, bool) {
	for _, n := range tlsFieldNames {
		if strings.EqualFold(n.name, name) {
			return n.f, true
		}
	}
	return 0, false
}

// TLSFieldsOf is Suricata's field set of an eve-log tls type: custom names
// (already looked up) replace the basic or extended set; session_resumed
// is added unless sessionResumption is off; client_certificate and
// client_chain imply client. Certificate and chain (base64 DER) are not
// written by Vigil.
func TLSFieldsOf(extended bool, custom []TLSFields, sessionResumption bool) TLSFields {
	f := TLSBasic
	if extended {
		f = TLSExtended &^ TLSFieldSessionResumed
	}
	if custom != nil {
		f = 0
		for _, c := range custom {
			f |= c
		}
	}
	if sessionResumption {
		f |= TLSFieldSessionResumed
	}
	if f&(TLSFieldClientCert|TLSFieldClientChain) != 0 {
		f |= TLSFieldClient
	}
	return f
}

func (f TLSFields) orDefault() TLSFields {
	if f == 0 {
		return TLSExtended
	}
	return f
}

func appendTLS(dst []byte, t *TLS, f TLSFields) []byte {
	dst = append(appendKey(dst, "tls"), '{')
	if f&TLSFieldSubject != 0 {
		dst = appendOptBytes(dst, "subject", t.Subject)
	}
	if f&TLSFieldIssuer != 0 {
		dst = appendOptBytes(dst, "issuerdn", t.IssuerDN)
	}
	if f&TLSFieldSubjectAltName != 0 {
		dst = appendStrings(dst, "subjectaltname", t.SubjectAltName)
	}
	if f&TLSFieldSessionResumed != 0 {
		dst = appendTrue(dst, "session_resumed", t.SessionResumed)
	}
	if f&TLSFieldSerial != 0 {
		dst = appendOptBytes(dst, "serial", t.Serial)
	}
	if f&TLSFieldFingerprint != 0 {
		dst = appendOptBytes(dst, "fingerprint", t.Fingerprint)
	}
	if f&TLSFieldSNI != 0 {
		dst = appendOptBytes(dst, "sni", t.SNI)
	}
	if f&TLSFieldVersion != 0 {
		dst = appendOptStr(dst, "version", t.Version)
	}
	// Certificate dates are logged in UTC without a zone, for years 1000 to
	// 2999 only: the schema's pattern admits no others, so RFC 5280's
	// 99991231235959Z ("no well-defined expiration") is left out rather
	// than written as a record Elasticsearch's pipeline would reject.
	if f&TLSFieldNotBefore != 0 {
		dst = appendTLSDate(dst, "notbefore", t.NotBefore)
	}
	if f&TLSFieldNotAfter != 0 {
		dst = appendTLSDate(dst, "notafter", t.NotAfter)
	}
	if f&TLSFieldJA3 != 0 {
		dst = appendHash(dst, "ja3", &t.JA3)
	}
	if f&TLSFieldJA3S != 0 {
		dst = appendHash(dst, "ja3s", &t.JA3S)
	}
	if f&TLSFieldJA4 != 0 {
		dst = appendOptBytes(dst, "ja4", t.JA4)
	}
	if f&TLSFieldClientALPNs != 0 {
		dst = appendStrings(dst, "client_alpns", t.ClientALPNs)
	}
	if f&TLSFieldServerALPNs != 0 {
		dst = appendStrings(dst, "server_alpns", t.ServerALPNs)
	}
	if h := t.ClientHandshake; h != nil && f&TLSFieldClientHandshake != 0 {
		dst = append(appendKey(dst, "client_handshake"), '{')
		dst = appendOptStr(dst, "version", h.Version)
		dst = appendUint16s(dst, "ciphers", h.Ciphers)
		dst = appendUint16s(dst, "exts", h.Exts)
		dst = appendUint16s(dst, "sig_algs", h.SigAlgs)
		dst = append(dst, '}')
	}
	if h := t.ServerHandshake; h != nil && f&TLSFieldServerHandshake != 0 {
		dst = append(appendKey(dst, "server_handshake"), '{')
		dst = appendOptStr(dst, "version", h.Version)
		if len(h.Ciphers) > 0 {
			dst = appendUint(dst, "cipher", uint64(h.Ciphers[0]))
		}
		dst = appendUint16s(dst, "exts", h.Exts)
		dst = append(dst, '}')
	}
	if c := t.Client; c != nil && f&TLSFieldClient != 0 {
		dst = append(appendKey(dst, "client"), '{')
		dst = appendOptBytes(dst, "subject", c.Subject)
		dst = appendOptBytes(dst, "issuerdn", c.IssuerDN)
		dst = appendOptBytes(dst, "fingerprint", c.Fingerprint)
		dst = appendOptBytes(dst, "serial", c.Serial)
		dst = appendTLSDate(dst, "notbefore", c.NotBefore)
		dst = appendTLSDate(dst, "notafter", c.NotAfter)
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

func appendTLSDate(dst []byte, key string, t time.Time) []byte {
	if !tlsDateLoggable(t) {
		return dst
	}
	dst = append(appendKey(dst, key), '"')
	return append(t.UTC().AppendFormat(dst, tlsDateLayout), '"')
}

// appendUint16s writes a non-empty array of numbers.
func appendUint16s(dst []byte, key string, v []uint16) []byte {
	if len(v) == 0 {
		return dst
	}
	dst = append(appendKey(dst, key), '[')
	for i, n := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, uint64(n), 10)
	}
	return append(dst, ']')
}
