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
