package tls

import (
	gotls "crypto/tls"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestEVETable encodes the "tls" object of real handshakes the way the
// worker does (FillEVE, then output/eve) and checks each field's key, JSON
// type and value against Suricata 8.0's extended format (its default):
// dates as "2006-01-02T15:04:05" from time.Time, client_alpns and
// server_alpns as string arrays after ja4. Every line must validate against
// the EVE schema.
func TestEVETable(t *testing.T) {
	str := func(re string) func(any) bool {
		r := regexp.MustCompile("^" + re + "$")
		return func(v any) bool { s, ok := v.(string); return ok && r.MatchString(s) }
	}
	is := func(want string) func(any) bool {
		return func(v any) bool { b, _ := json.Marshal(v); return string(b) == want }
	}
	hash := func(v any) bool {
		m, ok := v.(map[string]any)
		return ok && len(m) == 2 && str("[0-9a-f]{32}")(m["hash"]) && str("[0-9,-]+")(m["string"])
	}
	tls12 := map[string]func(any) bool{
		"subject":        is(`"C=US, O=Vigil Test, CN=test.example"`),
		"issuerdn":       is(`"C=US, O=Vigil Test, CN=test.example"`),
		"subjectaltname": is(`["test.example"]`),
		"serial":         is(`"00:A1:B2:C3"`),
		"fingerprint":    str("([0-9a-f]{2}:){19}[0-9a-f]{2}"),
		"sni":            is(`"test.example"`),
		"version":        is(`"TLS 1.2"`),
		"notbefore":      is(`"2024-01-02T03:04:05"`),
		"notafter":       is(`"2034-01-02T03:04:05"`),
		"ja3":            hash,
		"ja3s":           hash,
		"ja4":            str("t12d[0-9a-z_]+"),
		"client_alpns":   is(`["h2","http/1.1"]`),
		"server_alpns":   is(`["h2"]`),
	}
	// TLS 1.3 encrypts the certificate and the server's ALPN (in
	// EncryptedExtensions): no certificate fields, no server_alpns.
	tls13 := map[string]func(any) bool{
		"sni": tls12["sni"], "version": is(`"TLS 1.3"`), "ja3": hash, "ja3s": hash, "ja4": str("t13d[0-9a-z_]+"),
		"client_alpns": tls12["client_alpns"],
	}
	for _, c := range []struct {
		name   string
		ver    uint16
		fields map[string]func(any) bool
		order  string // keys in Suricata's order
	}{
		{"TLS 1.2", gotls.VersionTLS12, tls12,
			"subject issuerdn subjectaltname serial fingerprint sni version notbefore notafter ja3 ja3s ja4 client_alpns server_alpns"},
		{"TLS 1.3", gotls.VersionTLS13, tls13, "sni version ja3 ja3s ja4 client_alpns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			for _, ch := range handshake(t, c.ver) {
				p.Parse(ch.dir, ch.data)
			}
			r := eve.Record{Type: eve.EventTLS}
			if !p.Tx().FillEVE(&r, applayer.ToClient) {
				t.Fatal("FillEVE: no object")
			}
			line := new(eve.Encoder).Encode(&r)
			var rec struct{ TLS map[string]any }
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			for k, ok := range c.fields {
				if v, found := rec.TLS[k]; !found || !ok(v) {
					t.Errorf("tls.%s = %#v", k, v)
				}
			}
			for k := range rec.TLS {
				if c.fields[k] == nil {
					t.Errorf("unexpected tls.%s", k)
				}
			}
			// Key order, as Suricata writes them.
			prev := -1
			for _, k := range strings.Fields(c.order) {
				i := strings.Index(string(line), `"`+k+`":`)
				if i < prev {
					t.Errorf("tls.%s out of order in %s", k, line)
				}
				prev = i
			}
			evetest.Validate(t, line)
		})
	}
}

// TestEventType checks which handshakes get a tls record, as Suricata 7
// writes them on the bench captures: every TLS handshake, complete or not,
// including one refused with an Alert, but not an SSL 3.0 or SSLv2
// ClientHello the server never answered with a ServerHello (the SSLv3
// probes of malcolm__SSL.pcap).
func TestEventType(t *testing.T) {
	first := func(log []chunk) []byte {
		for _, c := range log {
			if c.dir == applayer.ToServer {
				return c.data
			}
		}
		return nil
	}
	parse := func(chunks ...chunk) *Tx {
		p := New()
		for _, c := range chunks {
			p.Parse(c.dir, c.data)
		}
		return p.Tx()
	}
	log12 := handshake(t, gotls.VersionTLS12)
	alert := rec(21, 0x0300, []byte{2, 40})           // fatal handshake_failure
	body := append([]byte{3, 0}, make([]byte, 32)...) // SSL 3.0, random
	body = append(body, 0, 0, 2, 0, 0x0a, 1, 0)       // no session id, one suite, null compression
	ssl3 := rec(22, 0x0300, hs(1, body))
	sslv2 := []byte{0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10}
	sslv2 = append(append(sslv2, 0x07, 0x00, 0xc0, 0x05, 0x00, 0x80, 0x03, 0x00, 0x80, 0x01, 0x00, 0x80, 0x08, 0x00, 0x80, 0x06, 0x00, 0x40, 0x04, 0x00, 0x80),
		make([]byte, 16)...)
	for _, c := range []struct {
		name string
		tx   *Tx
		want eve.EventType
	}{
		{"tls1.2 with certificate", parse(log12...), eve.EventTLS},
		{"tls1.3", parse(handshake(t, gotls.VersionTLS13)...), eve.EventTLS},
		{"client hello only", parse(chunk{applayer.ToServer, first(log12)}), eve.EventTLS},
		{"tls hello refused by alert", parse(chunk{applayer.ToServer, first(log12)}, chunk{applayer.ToClient, alert}), eve.EventTLS},
		{"ssl3 hello refused by alert", parse(chunk{applayer.ToServer, ssl3}, chunk{applayer.ToClient, alert}), 0},
		{"sslv2 hello", parse(chunk{applayer.ToServer, sslv2}), 0},
	} {
		if got := c.tx.EventType(); got != c.want {
			t.Errorf("%s: EventType() = %v, want %v (client version %#x)", c.name, got, c.want, c.tx.ClientVersion)
		}
	}
}

// TestEVEHandshakeObjects checks Suricata 8's client_handshake and
// server_handshake objects, written only when the tls custom list names
// them: the hello's highest version, ciphers (the server's one as
// "cipher"), extensions and signature algorithms without GREASE values.
func TestEVEHandshakeObjects(t *testing.T) {
	p := New()
	for _, ch := range handshake(t, gotls.VersionTLS12) {
		p.Parse(ch.dir, ch.data)
	}
	tx := p.Tx()
	r := eve.Record{Type: eve.EventTLS}
	tx.FillEVE(&r, applayer.ToClient)
	for _, c := range []struct {
		fields eve.TLSFields
		want   []string // keys of the tls object
	}{
		{0, []string{"subject", "issuerdn", "subjectaltname", "serial", "fingerprint", "sni", "version", "notbefore",
			"notafter", "ja3", "ja3s", "ja4", "client_alpns", "server_alpns"}},
		{eve.TLSFieldsOf(true, []eve.TLSFields{eve.TLSFieldClientHandshake}, false), []string{"client_handshake"}},
		{eve.TLSFieldsOf(true, []eve.TLSFields{eve.TLSFieldServerHandshake, eve.TLSFieldSNI}, false), []string{"sni", "server_handshake"}},
		{eve.TLSFieldsOf(false, nil, false), []string{"subject", "issuerdn", "subjectaltname"}},
	} {
		line := (&eve.Encoder{TLSFields: c.fields}).Encode(&r)
		var rec struct {
			TLS map[string]json.RawMessage
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range rec.TLS {
			keys = append(keys, k)
		}
		if len(keys) != len(c.want) {
			t.Errorf("fields %#x: keys %v, want %v", c.fields, keys, c.want)
		}
		for _, k := range c.want {
			if _, ok := rec.TLS[k]; !ok {
				t.Errorf("fields %#x: no tls.%s in %s", c.fields, k, line)
			}
		}
		evetest.Validate(t, line)
	}
	ch := clientHandshake(&tx.Client)
	if ch.Version != "TLS 1.2" || len(ch.Ciphers) == 0 || len(ch.Exts) == 0 || len(ch.SigAlgs) == 0 {
		t.Errorf("client_handshake %+v", ch)
	}
	sh := serverHandshake(&tx.Server)
	if sh.Version != "TLS 1.2" || len(sh.Ciphers) != 1 || sh.Ciphers[0] != tx.Server.Cipher {
		t.Errorf("server_handshake %+v", sh)
	}
	grease := &ClientHello{Version: VersionTLS12, Ciphers: []uint16{0x0a0a, 0x1301}, Extensions: []uint16{0x1a1a, 0},
		SigAlgs: []uint16{0x2a2a, 0x0403}, SupportedVersions: []uint16{0x3a3a, VersionTLS13, VersionTLS12}}
	if g := clientHandshake(grease); g.Version != "TLS 1.3" || len(g.Ciphers) != 1 || len(g.Exts) != 1 || len(g.SigAlgs) != 1 {
		t.Errorf("GREASE kept or version wrong: %+v", g)
	}
}
