package tls

import (
	gotls "crypto/tls"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// rec builds a TLS record of type typ and version ver around body.
func rec(typ byte, ver uint16, body []byte) []byte {
	return append([]byte{typ, byte(ver >> 8), byte(ver), byte(len(body) >> 8), byte(len(body))}, body...)
}

// hs builds a handshake message of type typ with body.
func hs(typ byte, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func stateOf(p *Parser, dir applayer.Direction) [2]byte {
	s := p.Tx().Buffer(dir, bufid.SSLState)
	if len(s) != 2 {
		return [2]byte{0xff, 0xff}
	}
	return [2]byte{s[0], s[1]}
}

// TestStateFlights: after each flight of a real TLS 1.2 handshake,
// Suricata's state is its last hello or key exchange message and Snort's
// all of them of the direction's last data.
func TestStateFlights(t *testing.T) {
	log := handshake(t, gotls.VersionTLS12)
	p := New()
	var ts, tc [][2]byte
	for _, c := range log {
		p.Parse(c.dir, c.data)
		ts = append(ts, stateOf(p, applayer.ToServer))
		tc = append(tc, stateOf(p, applayer.ToClient))
	}
	if ts[0] != [2]byte{StateClientHello, StateClientHello} || tc[0] != [2]byte{StateClientHello, 0} {
		t.Errorf("after ClientHello: %x %x", ts[0], tc[0])
	}
	// ServerHello, Certificate, ServerKeyExchange (ECDHE), ServerHelloDone.
	if tc[1] != [2]byte{StateServerKeyX, StateServerHello | StateServerKeyX} || ts[1] != [2]byte{StateServerKeyX, StateClientHello} {
		t.Errorf("after the server flight: %x %x", ts[1], tc[1])
	}
	// ClientKeyExchange, ChangeCipherSpec, encrypted Finished.
	if ts[2] != [2]byte{StateClientKeyX, StateClientKeyX} || tc[2] != [2]byte{StateClientKeyX, StateServerHello | StateServerKeyX} {
		t.Errorf("after the client flight: %x %x", ts[2], tc[2])
	}
}

func TestStateRules(t *testing.T) {
	ch := rec(recHandshake, 0x0301, hs(hsClientHello, make([]byte, 40)))
	S, C := applayer.ToServer, applayer.ToClient
	for _, tc := range []struct {
		name string
		run  func(p *Parser)
		dir  applayer.Direction
		want [2]byte
	}{
		{"nothing yet", func(*Parser) {}, S, [2]byte{0, 0}},
		{"client hello", func(p *Parser) { p.Parse(applayer.ToServer, ch) }, S, [2]byte{StateClientHello, StateClientHello}},
		{"client hello from the server counts for Suricata only", func(p *Parser) {
			p.Parse(applayer.ToClient, rec(recHandshake, 0x0303, hs(hsClientHello, make([]byte, 40))))
		}, C, [2]byte{StateClientHello, 0}},
		{"the other direction keeps Snort's", func(p *Parser) {
			p.Parse(applayer.ToServer, ch)
			p.Parse(applayer.ToClient, rec(recHandshake, 0x0303, hs(hsServerHello, make([]byte, 40))))
		}, S, [2]byte{StateServerHello, StateClientHello}},
		{"a new parse call resets", func(p *Parser) {
			p.Parse(applayer.ToServer, ch)
			p.Parse(applayer.ToServer, rec(recAlert, 0x0303, []byte{1, 0}))
		}, S, [2]byte{0, 0}},
		{"two messages in one record", func(p *Parser) {
			r := rec(recHandshake, 0x0303, cat(hs(hsClientHello, make([]byte, 40)), hs(hsClientKeyExchange, []byte{1, 2})))
			p.Parse(applayer.ToServer, r[:30])
			p.Parse(applayer.ToServer, r[30:])
		}, S, [2]byte{StateClientKeyX, StateClientHello | StateClientKeyX}},
		{"a call starting mid-record keeps Suricata's", func(p *Parser) {
			r := cat(ch, rec(recHandshake, 0x0303, hs(hsCertificate, make([]byte, 10))))
			p.Parse(applayer.ToServer, r[:len(ch)+3])
			p.Parse(applayer.ToServer, r[len(ch)+3:])
		}, S, [2]byte{StateClientHello, 0}},
		{"certificate request clears Suricata's", func(p *Parser) {
			p.Parse(applayer.ToClient, rec(recHandshake, 0x0303, cat(hs(hsServerKeyExchange, []byte{1}), hs(hsCertificateRequest, []byte{0}))))
		}, C, [2]byte{0, StateServerKeyX}},
		{"sslv2 client hello", func(p *Parser) {
			p.Parse(applayer.ToServer, []byte{0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15})
		}, S, [2]byte{StateClientHello, StateClientHello}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			tc.run(p)
			if got := stateOf(p, tc.dir); got != tc.want {
				t.Errorf("state %x, want %x", got, tc.want)
			}
		})
	}
}
