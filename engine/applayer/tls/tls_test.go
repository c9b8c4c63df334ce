package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	gotls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// recConn records what one side writes.
type recConn struct {
	net.Conn
	mu  *sync.Mutex
	log *[]chunk
	dir applayer.Direction
}

type chunk struct {
	dir  applayer.Direction
	data []byte
}

func (c recConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	*c.log = append(*c.log, chunk{c.dir, append([]byte(nil), b...)})
	c.mu.Unlock()
	return c.Conn.Write(b)
}

func selfSigned(t *testing.T) gotls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0xA1B2C3),
		Subject: pkix.Name{Country: []string{"US"}, Organization: []string{"Vigil Test"},
			CommonName: "test.example"},
		NotBefore: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		NotAfter:  time.Date(2034, 1, 2, 3, 4, 5, 0, time.UTC),
		DNSNames:  []string{"test.example"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return gotls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// handshake runs a real crypto/tls handshake plus one application write and
// returns the bytes each side wrote, in order.
func handshake(t *testing.T, maxVer uint16) []chunk {
	t.Helper()
	cs, ss := net.Pipe()
	var mu sync.Mutex
	var log []chunk
	cert := selfSigned(t)
	srv := gotls.Server(recConn{ss, &mu, &log, applayer.ToClient}, &gotls.Config{
		Certificates: []gotls.Certificate{cert}, MaxVersion: maxVer, NextProtos: []string{"h2", "http/1.1"}})
	cli := gotls.Client(recConn{cs, &mu, &log, applayer.ToServer}, &gotls.Config{
		ServerName: "test.example", InsecureSkipVerify: true, MaxVersion: maxVer, NextProtos: []string{"h2", "http/1.1"}})
	errc := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err == nil {
			buf := make([]byte, 5)
			_, err = srv.Read(buf)
		}
		errc <- err
	}()
	if err := cli.Handshake(); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	cs.Close()
	ss.Close()
	return log
}

func TestHandshakeTLS12(t *testing.T) {
	log := handshake(t, gotls.VersionTLS12)
	for _, step := range []int{0, 1, 7} {
		p := New()
		for _, c := range log {
			d := c.data
			n := step
			if n == 0 {
				n = len(d)
			}
			for len(d) > 0 {
				k := min(n, len(d))
				p.Parse(c.dir, d[:k])
				d = d[k:]
			}
		}
		tx := p.Tx()
		checks := map[applayer.BufferID]string{
			bufid.TLSSNI:         "test.example",
			bufid.TLSCertSubject: "C=US, O=Vigil Test, CN=test.example",
			bufid.TLSCertIssuer:  "C=US, O=Vigil Test, CN=test.example",
			bufid.TLSCertSerial:  "00:A1:B2:C3",
		}
		for b, w := range checks {
			if got := string(tx.Buffer(applayer.ToClient, b)); got != w {
				t.Errorf("step %d: %v = %q, want %q", step, b, got, w)
			}
		}
		if fp := tx.Buffer(applayer.ToClient, bufid.TLSCertFingerprint); len(fp) != 59 || strings.ToLower(string(fp)) != string(fp) {
			t.Errorf("fingerprint %q", fp)
		}
		if !strings.HasPrefix(string(tx.ja4), "t12d") || !strings.Contains(string(tx.ja4), "h2_") {
			t.Errorf("ja4 = %q", tx.ja4)
		}
		if len(tx.ja3Hash) != 32 || len(tx.ja3sHash) != 32 {
			t.Errorf("ja3 %q ja3s %q", tx.ja3Hash, tx.ja3sHash)
		}
		if p.State()&applayer.StateEncrypted == 0 {
			t.Errorf("step %d: not encrypted at end", step)
		}
		var r eve.Record
		tx.FillEVE(&r, applayer.ToClient)
		if nb, na := r.TLS.NotBefore, r.TLS.NotAfter; !nb.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) ||
			!na.Equal(time.Date(2034, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("validity %v %v", nb, na)
		}
		if a := r.TLS.ServerALPNs; len(a) != 1 || string(a[0]) != "h2" {
			t.Errorf("server alpn %q", a)
		}
	}
}

func TestHandshakeTLS13(t *testing.T) {
	log := handshake(t, gotls.VersionTLS13)
	p := New()
	for _, c := range log {
		p.Parse(c.dir, c.data)
	}
	tx := p.Tx()
	if got := VersionString(tx.Version()); got != "TLS 1.3" {
		t.Errorf("version %q", got)
	}
	if !strings.HasPrefix(string(tx.ja4), "t13d") {
		t.Errorf("ja4 %q", tx.ja4)
	}
	if tx.Certs != nil {
		t.Errorf("TLS 1.3 certificates are encrypted, got %d", len(tx.Certs))
	}
	if p.State()&applayer.StateEncrypted == 0 {
		t.Errorf("not encrypted")
	}
}

// TestJA4Vector checks JA4 against a hand-computed ClientHello and the
// published empty/partial values (Suricata's ja4 unit test values).
func TestJA4Vector(t *testing.T) {
	ch := ClientHello{
		Version:           VersionTLS12,
		Ciphers:           []uint16{0x0a0a, 0x1302, 0x1301},
		Extensions:        []uint16{0x2a2a, 0, 16, 13, 43, 10},
		SNI:               []byte("a"),
		ALPN:              [][]byte{[]byte("h2")},
		SigAlgs:           []uint16{0x0403, 0x0804},
		SupportedVersions: []uint16{0x3a3a, 0x0304, 0x0303},
		Groups:            []uint16{0x1a1a, 29},
		PointFormats:      []byte{0},
	}
	want := "t13d0205h2_" + hash12([]byte("1301,1302")) + "_" + hash12([]byte("000a,000d,002b_0403,0804"))
	if got := JA4(ch, 't'); got != want {
		t.Errorf("JA4 = %q, want %q", got, want)
	}
	if got, want := string(JA3(ch)), "771,4866-4865,0-16-13-43-10,29,0"; got != want {
		t.Errorf("JA3 = %q, want %q", got, want)
	}
	for _, c := range []struct {
		ch   ClientHello
		want string
	}{
		{ClientHello{}, "t00i000000_e3b0c44298fc_d2e2adf7177b"},
		{ClientHello{Version: VersionTLS12}, "t12i000000_e3b0c44298fc_d2e2adf7177b"},
		{ClientHello{Version: VersionTLS12, Extensions: []uint16{0x0a0a, 0, 16}, ALPN: [][]byte{[]byte("h3-16")}},
			"t12d0002h6_e3b0c44298fc_d2e2adf7177b"},
		{ClientHello{Version: VersionTLS12, Ciphers: []uint16{0x1111, 0x0a20, 0xbada}, Extensions: []uint16{0, 16}, ALPN: [][]byte{[]byte("h3-16")}},
			"t12d0302h6_f500716053f9_d2e2adf7177b"},
		{ClientHello{Version: VersionTLS12, Ciphers: []uint16{0x1111, 0x0a20, 0xbada}, Extensions: []uint16{0, 16, 0xface, 0x0121, 0x1234},
			ALPN: [][]byte{[]byte("h3-16")}, SigAlgs: []uint16{0x6666}}, "t12d0305h6_f500716053f9_2debc8880bae"},
		{ClientHello{ALPN: [][]byte{[]byte("a")}}, "t00i000000_e3b0c44298fc_d2e2adf7177b"},
	} {
		if got := JA4(c.ch, 't'); got != c.want {
			t.Errorf("JA4(%+v) = %q, want %q", c.ch, got, c.want)
		}
	}
}

func TestGarbage(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("GET / HTTP/1.1\r\n\r\n"))
	p.Parse(applayer.ToClient, []byte{0x99, 0x99, 0x99, 0x99, 0x99, 0x99})
	if p.State()&applayer.StateError == 0 {
		t.Errorf("state %v, want error", p.State())
	}
}

func TestSteadyStateAllocs(t *testing.T) {
	log := handshake(t, gotls.VersionTLS12)
	p := New()
	for _, c := range log {
		p.Parse(c.dir, c.data)
	}
	rec := append([]byte{23, 3, 3, 0x05, 0x00}, make([]byte, 0x500)...)
	if n := testing.AllocsPerRun(100, func() {
		p.Parse(applayer.ToServer, rec[:700])
		p.Parse(applayer.ToServer, rec[700:])
	}); n != 0 {
		t.Errorf("application data allocates %v per record", n)
	}
}

// TestLogReady checks Suricata 8's handshake-done progress, which the tls
// record waits for: on TLS 1.2 both sides are done once the server's
// certificate is parsed (before the key exchange); on TLS 1.3, whose
// certificate is encrypted, each side at its first encrypted record
// (the client's ChangeCipherSpec counts).
func TestLogReady(t *testing.T) {
	for _, c := range []struct {
		ver     uint16
		readyAt func(p *Parser) bool // state the first ready chunk must show
	}{
		{gotls.VersionTLS12, func(p *Parser) bool { return len(p.tx.Certs) > 0 && !p.sides[0].ccs }},
		{gotls.VersionTLS13, func(p *Parser) bool { return p.sides[1].appData }},
	} {
		p := New()
		ready := false
		for _, ch := range handshake(t, c.ver) {
			p.Parse(ch.dir, ch.data)
			if p.Tx().LogReady() && !ready {
				ready = true
				if !c.readyAt(p) {
					t.Errorf("version %#x: ready too early or late (certs %d, client ccs %v)", c.ver, len(p.tx.Certs), p.sides[0].ccs)
				}
			}
		}
		if !ready {
			t.Errorf("version %#x: never ready", c.ver)
		}
	}
	// A server asking for a client certificate: done only with the
	// client's certificate.
	var tx Tx
	tx.Certs = []Cert{{Subject: "CN=s", Issuer: "CN=ca"}}
	tx.needClientCert = true
	tx.noteCertDone()
	if tx.LogReady() {
		t.Error("ready before the client certificate")
	}
	tx.ClientCerts = []Cert{{Subject: "CN=c", Issuer: "CN=ca"}}
	tx.noteCertDone()
	if !tx.LogReady() {
		t.Error("not ready after the client certificate")
	}
}

// TestVersionFallback: with only a ClientHello the record's version is the
// client's (Suricata 8.0.3, ticket 5713).
func TestVersionFallback(t *testing.T) {
	log := handshake(t, gotls.VersionTLS12)
	p := New()
	p.Parse(log[0].dir, log[0].data)
	if v := VersionString(p.Tx().Version()); v != "TLS 1.2" {
		t.Errorf("version %q with a ClientHello only", v)
	}
	if v := VersionString(New().Tx().Version()); v != "UNDETERMINED" {
		t.Errorf("version %q with nothing", v)
	}
}

// TestALPNBuffer: tls.alpn is the client's list to the server, the
// server's choice to the client.
func TestALPNBuffer(t *testing.T) {
	p := New()
	for _, ch := range handshake(t, gotls.VersionTLS12) {
		p.Parse(ch.dir, ch.data)
	}
	tx := p.Tx()
	var got []string
	for i := 0; ; i++ {
		v, ok := tx.BufferAt(applayer.ToServer, bufid.TLSALPN, i)
		if !ok {
			break
		}
		got = append(got, string(v))
	}
	if strings.Join(got, ",") != "h2,http/1.1" {
		t.Errorf("to_server tls.alpn %q", got)
	}
	if v, ok := tx.BufferAt(applayer.ToClient, bufid.TLSALPN, 0); !ok || string(v) != "h2" {
		t.Errorf("to_client tls.alpn %q", v)
	}
	if _, ok := tx.BufferAt(applayer.ToClient, bufid.TLSALPN, 1); ok {
		t.Error("to_client tls.alpn has a second instance")
	}
	if v, ok := tx.BufferAt(applayer.ToClient, bufid.TLSSubjectAltName, 0); !ok || string(v) != "test.example" {
		t.Errorf("tls.subjectaltname %q", v)
	}
}

// TestSubjectAltNames formats each general name as Suricata 8 does.
func TestSubjectAltNames(t *testing.T) {
	// SEQUENCE { [2] "a.example", [7] 10.0.0.1, [6] "http://u", [1] "m@x" }
	der := []byte{0x30, 0x20, 0x82, 0x09, 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x87, 0x04, 10, 0, 0, 1,
		0x86, 0x08, 'h', 't', 't', 'p', ':', '/', '/', 'u', 0x81, 0x03, 'm', '@', 'x'}
	var got []string
	for _, s := range subjectAltNames(der) {
		got = append(got, string(s))
	}
	if want := "a.example|[10, 0, 0, 1]|http://u"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}
