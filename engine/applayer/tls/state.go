package tls

import "vigil/engine/applayer"

// Handshake-state flags of the ssl_state buffer (Tx.State). StateUnknown
// is never set: Suricata's parser never sets its unknown state, and
// Snort's (records it decoded as garbage) is not modelled.
const (
	StateClientHello = 1 << iota
	StateServerHello
	StateClientKeyX
	StateServerKeyX
	StateUnknown
)

// More handshake message types (RFC 5246 section 7.4).
const (
	hsServerKeyExchange  = 12
	hsCertificateRequest = 13
	hsClientKeyExchange  = 16
)

// SSLv2 message types (the byte after a 2-byte SSLv2 record header).
const (
	ssl2ClientHello = 1
	ssl2ServerHello = 4
)

// State returns the ssl_state buffer of direction dir. Byte 0 holds
// Suricata's current state, one for the flow: the flag of the last hello
// or key exchange message parsed since a parse call (of either direction)
// started on a record boundary; a CertificateRequest from the server
// clears it, as Suricata's need-client-cert flag replaces it. Byte 1
// holds Snort's state of direction dir, the state of the PDU Snort
// inspects: every hello and key exchange message of dir's last parse
// call, each counted only in the direction it belongs to (client_hello
// and client_keyx from the client, server_hello and server_keyx from the
// server).
func (t *Tx) State(dir applayer.Direction) []byte {
	t.stateBuf = [2]byte{t.state, t.snortState[dir&1]}
	return t.stateBuf[:]
}

// beginParse starts a parse call of direction dir; atRecord says no record
// is partly read.
func (t *Tx) beginParse(dir applayer.Direction, atRecord bool) {
	if atRecord {
		t.state = 0
	}
	t.snortState[dir&1] = 0
}

// noteHandshake records a clear-text handshake message of type typ sent in
// direction dir.
func (t *Tx) noteHandshake(dir applayer.Direction, typ byte) {
	var f byte
	own := false
	switch typ {
	case hsClientHello:
		f, own = StateClientHello, dir == applayer.ToServer
	case hsServerHello:
		f, own = StateServerHello, dir == applayer.ToClient
	case hsClientKeyExchange:
		f, own = StateClientKeyX, dir == applayer.ToServer
	case hsServerKeyExchange:
		f, own = StateServerKeyX, dir == applayer.ToClient
	case hsCertificateRequest:
		if dir == applayer.ToClient {
			t.state = 0
		}
		return
	default:
		return
	}
	t.state = f
	if own {
		t.snortState[dir&1] |= f
	}
}

// noteSSLv2 records an SSLv2 record whose message type is typ.
func (t *Tx) noteSSLv2(dir applayer.Direction, typ byte) {
	switch typ {
	case ssl2ClientHello:
		t.noteHandshake(dir, hsClientHello)
	case ssl2ServerHello:
		t.noteHandshake(dir, hsServerHello)
	}
}
