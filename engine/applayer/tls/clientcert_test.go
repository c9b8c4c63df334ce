package tls

import (
	"encoding/binary"
	"testing"
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// TestCertBuffersPerDirection checks that the certificate buffers are the
// sender's, as in Suricata 8: the server's chain to the client, the
// client's (client authentication) to the server.
func TestCertBuffersPerDirection(t *testing.T) {
	tx := &Tx{
		Certs:       []Cert{{Subject: "CN=server", Issuer: "CN=ca", Serial: "01", Fingerprint: "aa", DER: []byte("srv")}},
		ClientCerts: []Cert{{Subject: "CN=client", Issuer: "CN=client-ca", Serial: "02", Fingerprint: "bb", DER: []byte("cli")}},
	}
	for _, tc := range []struct {
		b        bufid.ID
		srv, cli string
	}{
		{b: bufid.TLSCertSubject, srv: "CN=server", cli: "CN=client"},
		{b: bufid.TLSCertIssuer, srv: "CN=ca", cli: "CN=client-ca"},
		{b: bufid.TLSCertSerial, srv: "01", cli: "02"},
		{b: bufid.TLSCertFingerprint, srv: "aa", cli: "bb"},
		{b: bufid.TLSCerts, srv: "srv", cli: "cli"},
	} {
		// Both orders: a value cached for one side must not answer for
		// the other.
		for _, first := range []applayer.Direction{applayer.ToClient, applayer.ToServer} {
			for _, d := range []applayer.Direction{first, 1 - first} {
				got, ok := tx.BufferAt(d, tc.b, 0)
				want := tc.srv
				if d == applayer.ToServer {
					want = tc.cli
				}
				if !ok || string(got) != want {
					t.Errorf("%s dir %d: %q %v, want %q", bufid.Specs[tc.b].Name, d, got, ok, want)
				}
			}
			tx.subj, tx.iss, tx.serial, tx.fp = [2][]byte{}, [2][]byte{}, [2][]byte{}, [2][]byte{}
		}
	}
}

// TestCertValidityBuffer checks the validity dates of the server's leaf
// (tls_cert_notbefore, ...): two big-endian Unix seconds, 0 when unknown.
func TestCertValidityBuffer(t *testing.T) {
	nb, na := time.Unix(1523739327, 0), time.Unix(1526331327, 0)
	tx := &Tx{Certs: []Cert{{NotBefore: nb, NotAfter: na}}}
	v, ok := tx.BufferAt(applayer.ToClient, bufid.TLSCertValidity, 0)
	if !ok || len(v) != 16 || binary.BigEndian.Uint64(v[:8]) != 1523739327 || binary.BigEndian.Uint64(v[8:]) != 1526331327 {
		t.Errorf("validity %x %v", v, ok)
	}
	tx = &Tx{Certs: []Cert{{NotAfter: na}}}
	if v, _ := tx.BufferAt(applayer.ToClient, bufid.TLSCertValidity, 0); binary.BigEndian.Uint64(v[:8]) != 0 {
		t.Errorf("unknown notBefore: %x", v)
	}
	if _, ok := (&Tx{}).BufferAt(applayer.ToClient, bufid.TLSCertValidity, 0); ok {
		t.Error("validity without a certificate")
	}
}
