package tls

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Cert is one certificate of the server chain. Parsed fields are empty
// when crypto/x509 could not parse the DER.
type Cert struct {
	DER         []byte
	Subject     string // Suricata format "C=US, O=Org, CN=name"
	Issuer      string
	Serial      string // "00:A1:..." upper-case colon hex of the DER integer
	Fingerprint string // SHA-1 of DER, lower-case colon hex
	NotBefore   time.Time
	NotAfter    time.Time
	// SANs are the subjectAltName entries in certificate order, as
	// Suricata 8 writes them: DNS names and URIs as they are, IP
	// addresses as a list of their bytes ("[10, 0, 0, 1]").
	SANs [][]byte
}

// Tx is the single transaction of a TLS flow.
type Tx struct {
	HasClientHello bool
	HasServerHello bool
	Client         ClientHello
	Server         ServerHello
	ClientVersion  uint16
	Certs          []Cert // the server's chain, leaf first
	ClientCerts    []Cert // the client's chain (client authentication)
	Encrypted      bool
	Gap            bool

	serverRecordVersion uint16 // record-layer version of the first server record

	ja3, ja3Hash, ja3s, ja3sHash, ja4 []byte
	helloVer                          [2][2]byte // per direction
	state                             byte       // ssl_state flags (state.go)
	snortState, stateBuf              [2]byte    // ssl_state flags (state.go)
	subj, iss, serial, fp             [2][]byte
	validity                          [16]byte // tls.cert_validity scratch

	// Suricata 8's handshake progress (app-layer-ssl.c): each side is
	// done on its ChangeCipherSpec (client) or its first application
	// data record, and both are done once the certificate that ends the
	// clear-text handshake was parsed: the server's, or the client's when
	// the server asked for one (CertificateRequest).
	clientDone, serverDone, needClientCert bool
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoTLS.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoTLS }

// ID returns 0.
func (t *Tx) ID() uint64 { return 0 }

// Complete reports whether the clear-text handshake of dir is over.
func (t *Tx) Complete(dir applayer.Direction) bool { return t.Encrypted }

// LogReady reports whether the tls record can be written: both sides of
// the handshake are done in Suricata 8's sense (its tls logger waits for
// client_handshake_done and server_handshake_done), which is as soon as
// the server's certificate was parsed on a full TLS <= 1.2 handshake, at
// the first encrypted records otherwise.
func (t *Tx) LogReady() bool { return t.clientDone && t.serverDone }

// noteCertDone ends the handshake of both sides once the certificate it
// waits for carries a subject and an issuer, as Suricata does after each
// parsed chunk of data.
func (t *Tx) noteCertDone() {
	certs := t.Certs
	if t.needClientCert {
		certs = t.ClientCerts
	}
	if len(certs) > 0 && certs[0].Subject != "" && certs[0].Issuer != "" {
		t.clientDone, t.serverDone = true, true
	}
}

// HelloVersion is the version the ssl_version keyword compares in
// direction dir: the client's hello version, or TLS 1.3 when the client
// offers it in supported_versions (drafts included); the server's selected
// version (its supported_versions, else its legacy version). 0 until the
// hello of that direction was seen.
func (t *Tx) HelloVersion(dir applayer.Direction) uint16 {
	if dir == applayer.ToClient {
		if t.Server.SelectedVersion != 0 {
			return t.Server.SelectedVersion
		}
		return t.Server.Version
	}
	for _, v := range t.Client.SupportedVersions {
		if v == VersionTLS13 || v>>8 == 0x7f {
			return VersionTLS13
		}
	}
	return t.ClientVersion
}

// Version returns the negotiated version as Suricata reports it: the
// ServerHello's supported_versions, else its legacy version, else the
// record-layer version of the server's first record, else (Suricata
// 8.0.3, ticket 5713) the version of the ClientHello; 0 (printed
// "UNDETERMINED") when neither side sent a TLS hello or record.
func (t *Tx) Version() uint16 {
	if t.Server.SelectedVersion != 0 {
		return t.Server.SelectedVersion
	}
	if t.HasServerHello {
		return t.Server.Version
	}
	if t.serverRecordVersion != 0 {
		return t.serverRecordVersion
	}
	return t.ClientVersion
}

// JA3 returns the JA3 string and its MD5 hex, nil without a ClientHello.
func (t *Tx) JA3() (str, hash []byte) { return t.ja3, t.ja3Hash }

// JA3S returns the JA3S string and its MD5 hex, nil without a ServerHello.
func (t *Tx) JA3S() (str, hash []byte) { return t.ja3s, t.ja3sHash }

// JA4 returns the JA4 fingerprint, nil without a ClientHello.
func (t *Tx) JA4() []byte { return t.ja4 }

func nonEmpty(s string, cache *[]byte) []byte {
	if s == "" {
		return nil
	}
	if *cache == nil {
		*cache = []byte(s)
	}
	return *cache
}

// unixOrZero returns t in Unix seconds, 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Buffer returns TLS buffers (see applayer.Tx); tls.certs yields the leaf.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns element i of a buffer; only tls.certs has more than one.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	// The certificate buffers are the sender's: the server's chain to the
	// client, the client's (client authentication) to the server, as in
	// Suricata 8.
	certs := t.Certs
	if dir == applayer.ToServer {
		certs = t.ClientCerts
	}
	if b == bufid.TLSCerts {
		if i < len(certs) {
			return certs[i].DER, true
		}
		return nil, false
	}
	if b == bufid.TLSALPN {
		// Suricata 8's tls.alpn: the client's list to the server, the
		// server's choice to the client.
		if dir == applayer.ToServer {
			if i < len(t.Client.ALPN) {
				return t.Client.ALPN[i], true
			}
		} else if i == 0 && t.Server.ALPN != nil {
			return t.Server.ALPN, true
		}
		return nil, false
	}
	if b == bufid.TLSSubjectAltName {
		if len(t.Certs) > 0 && i < len(t.Certs[0].SANs) {
			return t.Certs[0].SANs[i], true
		}
		return nil, false
	}
	if i != 0 {
		return nil, false
	}
	var v []byte
	var leaf *Cert
	if len(certs) > 0 {
		leaf = &certs[0]
	}
	switch b {
	case bufid.TLSSNI:
		v = t.Client.SNI
	case bufid.JA3String:
		v = t.ja3
	case bufid.JA3Hash:
		v = t.ja3Hash
	case bufid.JA3SString:
		v = t.ja3s
	case bufid.JA3SHash:
		v = t.ja3sHash
	case bufid.JA4Hash:
		v = t.ja4
	case bufid.SSLState:
		v = t.State(dir)
	case bufid.SSLVersion:
		if hv := t.HelloVersion(dir); hv != 0 {
			t.helloVer[dir&1] = [2]byte{byte(hv >> 8), byte(hv)}
			v = t.helloVer[dir&1][:]
		}
	case bufid.TLSRandom, bufid.TLSRandomTime, bufid.TLSRandomBytes:
		// The random of the hello sent in this direction (Suricata 8
		// tls.random, tls.random_time, tls.random_bytes).
		r := t.Server.Random
		if dir == applayer.ToServer {
			r = t.Client.Random
		}
		if len(r) == 32 {
			switch b {
			case bufid.TLSRandom:
				v = r
			case bufid.TLSRandomTime:
				v = r[:4]
			default:
				v = r[4:]
			}
		}
	case bufid.TLSCertValidity:
		// The server's leaf only (Suricata inspects validity once the
		// server certificate is done).
		if len(t.Certs) > 0 {
			c := &t.Certs[0]
			binary.BigEndian.PutUint64(t.validity[:8], uint64(unixOrZero(c.NotBefore)))
			binary.BigEndian.PutUint64(t.validity[8:], uint64(unixOrZero(c.NotAfter)))
			v = t.validity[:]
		}
	case bufid.TLSCertSubject:
		if leaf != nil {
			v = nonEmpty(leaf.Subject, &t.subj[dir&1])
		}
	case bufid.TLSCertIssuer:
		if leaf != nil {
			v = nonEmpty(leaf.Issuer, &t.iss[dir&1])
		}
	case bufid.TLSCertSerial:
		if leaf != nil {
			v = nonEmpty(leaf.Serial, &t.serial[dir&1])
		}
	case bufid.TLSCertFingerprint:
		if leaf != nil {
			v = nonEmpty(leaf.Fingerprint, &t.fp[dir&1])
		}
	}
	return v, v != nil
}

// parseCertificates parses a TLS <= 1.2 Certificate message body.
func parseCertificates(msg []byte) []Cert {
	certs := []Cert{}
	if len(msg) < 3 {
		return certs
	}
	l := int(msg[0])<<16 | int(msg[1])<<8 | int(msg[2])
	b := msg[3:]
	if l < len(b) {
		b = b[:l]
	}
	for len(b) >= 3 && len(certs) < 16 {
		n := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
		if 3+n > len(b) {
			break
		}
		certs = append(certs, parseCert(clone(b[3:3+n])))
		b = b[3+n:]
	}
	return certs
}

func colonHex(b []byte, upper bool) string {
	h := hex.EncodeToString(b)
	if upper {
		h = strings.ToUpper(h)
	}
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}

func parseCert(der []byte) Cert {
	c := Cert{DER: der}
	sum := sha1.Sum(der)
	c.Fingerprint = colonHex(sum[:], false)
	x, err := x509.ParseCertificate(der)
	if err != nil {
		// crypto/x509 is strict (a NUL in a PrintableString fails the
		// whole certificate); Suricata still shows the names, so take
		// them from the TBSCertificate directly.
		if tbs, ok := tbsOf(der); ok {
			if issuer, subject, ok := namesOf(tbs); ok {
				c.Issuer, c.Subject = DNString(issuer), DNString(subject)
			}
			c.Serial = colonHex(rawSerial(tbs), true)
		}
		return c
	}
	c.Subject = DNString(x.RawSubject)
	c.Issuer = DNString(x.RawIssuer)
	c.Serial = colonHex(rawSerial(x.RawTBSCertificate), true)
	c.NotBefore, c.NotAfter = x.NotBefore.UTC(), x.NotAfter.UTC()
	for _, e := range x.Extensions {
		if e.Id.Equal(oidSubjectAltName) {
			c.SANs = subjectAltNames(e.Value)
		}
	}
	return c
}

var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// subjectAltNames returns the entries of a DER SubjectAltName extension
// value in order, formatted as Suricata 8 logs them (tls.subjectaltname):
// dNSName and uniformResourceIdentifier as they are, iPAddress as a list
// of its bytes ("[10, 0, 0, 1]"); other name forms are skipped.
func subjectAltNames(der []byte) [][]byte {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(der, &seq); err != nil || seq.Tag != asn1.TagSequence {
		return nil
	}
	var out [][]byte
	for rest := seq.Bytes; len(rest) > 0; {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			break
		}
		if v.Class != asn1.ClassContextSpecific {
			continue
		}
		switch v.Tag {
		case 2, 6: // dNSName, uniformResourceIdentifier
			out = append(out, clone(v.Bytes))
		case 7: // iPAddress
			var sb strings.Builder
			sb.WriteByte('[')
			for i, b := range v.Bytes {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(strconv.Itoa(int(b)))
			}
			sb.WriteByte(']')
			out = append(out, []byte(sb.String()))
		}
	}
	return out
}

// tbsOf returns the DER TBSCertificate of a certificate.
func tbsOf(der []byte) ([]byte, bool) {
	var cert, tbs asn1.RawValue
	if _, err := asn1.Unmarshal(der, &cert); err != nil || cert.Tag != asn1.TagSequence {
		return nil, false
	}
	if _, err := asn1.Unmarshal(cert.Bytes, &tbs); err != nil || tbs.Tag != asn1.TagSequence {
		return nil, false
	}
	return tbs.FullBytes, true
}

// namesOf returns the DER issuer and subject Names of a TBSCertificate:
// [0] version (optional), serial, signature algorithm, issuer, validity,
// subject.
func namesOf(tbs []byte) (issuer, subject []byte, ok bool) {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(tbs, &seq); err != nil {
		return nil, nil, false
	}
	rest := seq.Bytes
	var fields [6]asn1.RawValue
	n := 0
	for n < len(fields) && len(rest) > 0 {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			return nil, nil, false
		}
		if n == 0 && (v.Class != asn1.ClassContextSpecific || v.Tag != 0) {
			n++ // no version field
		}
		fields[n] = v
		n++
	}
	if n < 6 {
		return nil, nil, false
	}
	return fields[3].FullBytes, fields[5].FullBytes, true
}

// rawSerial returns the content octets of the serialNumber INTEGER of a
// TBSCertificate (leading zero kept, as Suricata prints it).
func rawSerial(tbs []byte) []byte {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(tbs, &seq); err != nil {
		return nil
	}
	rest := seq.Bytes
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(rest, &v)
	if err != nil {
		return nil
	}
	if v.Class == asn1.ClassContextSpecific && v.Tag == 0 { // [0] version
		if _, err := asn1.Unmarshal(rest, &v); err != nil {
			return nil
		}
	}
	if v.Tag != asn1.TagInteger {
		return nil
	}
	return v.Bytes
}

var attrNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.4":                    "SN",
	"2.5.4.42":                   "GN",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.15":                   "businessCategory",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.65":                   "pseudonym",
	"0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1":  "UID",
	"2.5.29.17":                  "subjectAltName",
	"1.2.840.113549.1.9.1":       "Email",
	"1.3.6.1.4.1.311.60.2.1.3":   "msJurisdictionCountry",
	"1.3.6.1.4.1.311.60.2.1.2":   "msJurisdictionStateOrProvince",
	"1.3.6.1.4.1.311.60.2.1.1":   "msJurisdictionLocality",
}

// DNString formats a DER Name the way Suricata's EVE subject/issuerdn
// shows it: attributes in encoded order as SHORT=value, RDNs joined by ", ",
// multi-valued RDNs by "+"; unknown attribute types print as dotted OIDs.
// String values are taken as encoded (a NUL or a character outside the
// string type's alphabet is kept, as Suricata keeps it); BMPString is
// converted to UTF-8.
func DNString(raw []byte) string {
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(raw, &seq); err != nil || len(rest) != 0 || seq.Tag != asn1.TagSequence {
		return ""
	}
	var sb strings.Builder
	rdns := seq.Bytes
	for i := 0; len(rdns) > 0; i++ {
		var set asn1.RawValue
		var err error
		if rdns, err = asn1.Unmarshal(rdns, &set); err != nil || set.Tag != asn1.TagSet {
			return ""
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		atvs := set.Bytes
		for j := 0; len(atvs) > 0; j++ {
			var atv asn1.RawValue
			if atvs, err = asn1.Unmarshal(atvs, &atv); err != nil || atv.Tag != asn1.TagSequence {
				return ""
			}
			var oid asn1.ObjectIdentifier
			rest, err := asn1.Unmarshal(atv.Bytes, &oid)
			if err != nil {
				return ""
			}
			var val asn1.RawValue
			if _, err := asn1.Unmarshal(rest, &val); err != nil {
				return ""
			}
			if j > 0 {
				sb.WriteByte('+')
			}
			if n, ok := attrNames[oid.String()]; ok {
				sb.WriteString(n)
			} else {
				sb.WriteString(oid.String())
			}
			sb.WriteByte('=')
			switch {
			case val.Class != asn1.ClassUniversal:
				sb.WriteString("<unsupported>")
			case val.Tag == asn1.TagUTF8String || val.Tag == asn1.TagPrintableString ||
				val.Tag == asn1.TagIA5String || val.Tag == asn1.TagT61String || val.Tag == asn1.TagNumericString:
				sb.Write(val.Bytes)
			case val.Tag == asn1.TagBMPString && len(val.Bytes)%2 == 0:
				u := make([]uint16, len(val.Bytes)/2)
				for k := range u {
					u[k] = uint16(val.Bytes[2*k])<<8 | uint16(val.Bytes[2*k+1])
				}
				sb.WriteString(string(utf16.Decode(u)))
			default:
				sb.WriteString("<unsupported>")
			}
		}
	}
	return sb.String()
}
