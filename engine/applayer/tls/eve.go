package tls

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE sets r.TLS to Suricata 8's extended "tls" object for t (its
// default format): certificate fields of the first server certificate, SNI,
// version, validity dates as time.Time (output/eve formats them), JA3, JA3S,
// JA4 and the ALPNs of both hellos. dir is unused: the object describes the
// whole handshake. Output path: allocates the object and copies the
// certificate strings.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	x := &eve.TLS{SNI: t.Client.SNI, Version: VersionString(t.Version())}
	if len(t.Certs) > 0 {
		c := &t.Certs[0]
		x.Subject, x.IssuerDN = bytesOf(c.Subject), bytesOf(c.Issuer)
		x.Serial, x.Fingerprint = bytesOf(c.Serial), bytesOf(c.Fingerprint)
		if !c.NotBefore.IsZero() {
			x.NotBefore, x.NotAfter = c.NotBefore, c.NotAfter
		}
		x.SubjectAltName = c.SANs
	}
	if len(t.ClientCerts) > 0 {
		c := &t.ClientCerts[0]
		if c.Subject != "" || c.Issuer != "" {
			x.Client = &eve.TLSCert{Subject: bytesOf(c.Subject), IssuerDN: bytesOf(c.Issuer),
				Serial: bytesOf(c.Serial), Fingerprint: bytesOf(c.Fingerprint), NotBefore: c.NotBefore, NotAfter: c.NotAfter}
		}
	}
	if t.HasClientHello {
		x.ClientHandshake = clientHandshake(&t.Client)
	}
	if t.HasServerHello {
		x.ServerHandshake = serverHandshake(&t.Server)
	}
	if t.ja3 != nil {
		x.JA3 = eve.Hash{Hash: t.ja3Hash, String: t.ja3}
		x.JA4 = t.ja4
	}
	if t.ja3s != nil {
		x.JA3S = eve.Hash{Hash: t.ja3sHash, String: t.ja3s}
	}
	x.ClientALPNs = t.Client.ALPN
	if t.Server.ALPN != nil {
		x.ServerALPNs = [][]byte{t.Server.ALPN}
	}
	x.SessionResumed = t.resumed()
	r.TLS = x
	return true
}

// clientHandshake is Suricata 8's client_handshake object: the highest
// version of the legacy version and supported_versions, the ciphers,
// extensions and signature algorithms, GREASE values left out. nil when
// all are empty.
func clientHandshake(h *ClientHello) *eve.TLSHandshake {
	v := h.Version
	for _, sv := range h.SupportedVersions {
		if !isGREASE(sv) && sv > v {
			v = sv
		}
	}
	x := &eve.TLSHandshake{Ciphers: noGREASE(h.Ciphers), Exts: noGREASE(h.Extensions), SigAlgs: noGREASE(h.SigAlgs)}
	if v != 0 {
		x.Version = VersionString(v)
	}
	if x.Version == "" && x.Ciphers == nil && x.Exts == nil && x.SigAlgs == nil {
		return nil
	}
	return x
}

// serverHandshake is Suricata 8's server_handshake object: the highest of
// the legacy and the selected version, the chosen cipher and the
// extensions.
func serverHandshake(h *ServerHello) *eve.TLSHandshake {
	v := max(h.Version, h.SelectedVersion)
	x := &eve.TLSHandshake{Exts: noGREASE(h.Extensions)}
	if !isGREASE(h.Cipher) {
		x.Ciphers = []uint16{h.Cipher}
	}
	if v != 0 {
		x.Version = VersionString(v)
	}
	return x
}

func noGREASE(v []uint16) []uint16 {
	var out []uint16
	for _, x := range v {
		if !isGREASE(x) {
			out = append(out, x)
		}
	}
	return out
}

// EventType is eve.EventTLS, or 0 when the handshake gets no tls record:
// an SSLv2 or SSL 3.0 ClientHello the server never answered with a
// ServerHello (the refused SSLv2/SSLv3 probes of malcolm__SSL.pcap), which
// Suricata 7 does not log. Every other handshake is logged once it
// completes or its flow ends, as Suricata does, including a TLS ClientHello
// refused with an Alert and one whose client left before the answer.
func (t *Tx) EventType() eve.EventType {
	if !t.HasServerHello && t.ClientVersion != 0 && t.ClientVersion <= VersionSSL3 {
		return 0
	}
	return eve.EventTLS
}

// resumed reports session resumption: the server echoed a non-empty client
// session id and no Certificate followed (TLS <= 1.2).
func (t *Tx) resumed() bool {
	return t.HasServerHello && len(t.Server.SessionID) > 0 && string(t.Server.SessionID) == string(t.Client.SessionID) &&
		t.Certs == nil && t.Server.SelectedVersion == 0
}

func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}
