package tls

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// TestDNStringKeepsNUL: a NUL inside a PrintableString is kept (Suricata
// shows the name as encoded; crypto/x509 would reject it).
func TestDNStringKeepsNUL(t *testing.T) {
	// SEQUENCE { SET { SEQUENCE { OID 2.5.4.3 (CN), PrintableString "a\x00b" } } }
	der := []byte{0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x03, 'a', 0x00, 'b'}
	if got, want := DNString(der), "CN=a\x00b"; got != want {
		t.Errorf("DNString = %q, want %q", got, want)
	}
}

// TestNamesOfTBS: the fallback TBSCertificate walk finds the same issuer
// and subject as crypto/x509.
func TestNamesOfTBS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "leaf", Organization: []string{"Org"}},
		Issuer:       pkix.Name{CommonName: "ignored for self-signed"},
		NotBefore:    time.Unix(0, 0), NotAfter: time.Unix(1e9, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	tbs, ok := tbsOf(der)
	if !ok {
		t.Fatal("tbsOf failed")
	}
	issuer, subject, ok := namesOf(tbs)
	if !ok || !bytes.Equal(issuer, x.RawIssuer) || !bytes.Equal(subject, x.RawSubject) {
		t.Fatalf("namesOf = %x, %x, %v; want %x, %x", issuer, subject, ok, x.RawIssuer, x.RawSubject)
	}
	if got := DNString(subject); got != "O=Org, CN=leaf" {
		t.Errorf("subject = %q", got)
	}
}

// TestRandomBuffers: tls.random and its halves come from the hello of the
// inspected direction.
func TestRandomBuffers(t *testing.T) {
	var tx Tx
	tx.Client.Random = bytes.Repeat([]byte{1}, 32)
	tx.Client.Random[0] = 9
	tx.Server.Random = bytes.Repeat([]byte{2}, 32)
	if v := tx.Buffer(applayer.ToServer, bufid.TLSRandom); !bytes.Equal(v, tx.Client.Random) {
		t.Errorf("client random = %x", v)
	}
	if v := tx.Buffer(applayer.ToClient, bufid.TLSRandomBytes); !bytes.Equal(v, tx.Server.Random[4:]) {
		t.Errorf("server random bytes = %x", v)
	}
	if v := tx.Buffer(applayer.ToServer, bufid.TLSRandomTime); !bytes.Equal(v, []byte{9, 1, 1, 1}) {
		t.Errorf("client random time = %x", v)
	}
	var empty Tx
	if v := empty.Buffer(applayer.ToServer, bufid.TLSRandom); v != nil {
		t.Errorf("no hello: %x", v)
	}
}
