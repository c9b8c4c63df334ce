package quic

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/quic/header"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readBin(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInitialSecrets checks the key schedule against RFC 9001 appendix
// A.1 (DCID 0x8394c8f03e515708).
func TestInitialSecrets(t *testing.T) {
	prk, err := hkdf.Extract(sha256.New, mustHex(t, "8394c8f03e515708"), saltV1)
	if err != nil {
		t.Fatal(err)
	}
	client := expandLabel(prk, "client in", 32)
	if got := hex.EncodeToString(client); got != "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea" {
		t.Fatalf("client_initial_secret %s", got)
	}
	for label, want := range map[string]string{
		"quic key": "1f369613dd76d5467730efcbe3b1a22d",
		"quic iv":  "fa044b2f42a3fd3b46fb255c",
		"quic hp":  "9f50449e04a0e810283a1e9933adedd2",
	} {
		n := 16
		if label == "quic iv" {
			n = 12
		}
		if got := hex.EncodeToString(expandLabel(client, label, n)); got != want {
			t.Errorf("%s = %s, want %s", label, got, want)
		}
	}
	server := expandLabel(prk, "server in", 32)
	if got := hex.EncodeToString(server); got != "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b" {
		t.Fatalf("server_initial_secret %s", got)
	}
	if _, ok := initialKeys(0x0a0a0a0a, nil); ok {
		t.Error("keys for a version without salt")
	}
}

// TestIETFHandshake decrypts the first client and server Initial
// datagrams of suricata-verify's quic-ietf-ja3 capture (version 1).
func TestIETFHandshake(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, readBin(t, "ietf-client-initial.bin"))
	p.ParseDatagram(applayer.ToClient, readBin(t, "ietf-server-initial.bin"))
	if p.TxCount() < 2 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	c, s := p.Tx(0), p.Tx(1)
	if c.Events != 0 || s.Events != 0 {
		t.Fatalf("events %v %v", c.Events, s.Events)
	}
	if string(c.SNI) != "msquic.net" {
		t.Errorf("sni %q", c.SNI)
	}
	if got := string(c.Buffer(applayer.ToServer, bufid.JA3String)); got != "771,4865-4866-4867,51-0-16-43-13-10-57-45-41,23-29," {
		t.Errorf("ja3 %q", got)
	}
	if got := string(c.Buffer(applayer.ToServer, bufid.JA4Hash)); got != "q00d0309h9_55b375c5d22e_4facdb9c99ee" {
		t.Errorf("ja4 %q", got)
	}
	if got := string(s.Buffer(applayer.ToClient, bufid.JA3SString)); got != "771,4866,43-51-41" {
		t.Errorf("ja3s %q", got)
	}
	if got := s.Buffer(applayer.ToClient, bufid.JA3SHash); len(got) != 32 {
		t.Errorf("ja3s.hash %q", got)
	}
	// Fingerprints belong to their direction only.
	if c.Buffer(applayer.ToClient, bufid.JA3String) != nil || s.Buffer(applayer.ToServer, bufid.JA3SString) != nil ||
		c.Buffer(applayer.ToServer, bufid.JA3SString) != nil || s.Buffer(applayer.ToClient, bufid.JA4Hash) != nil {
		t.Error("fingerprint in the wrong direction")
	}
	if got := c.Buffer(applayer.ToServer, bufid.QUICVersion); string(got) != "\x00\x00\x00\x01" {
		t.Errorf("quic.version % x", got)
	}
	if got := c.Buffer(applayer.ToClient, bufid.QUICSNI); got != nil {
		t.Errorf("client transaction inspected to the client: %q", got)
	}
	// The rest of the client's side is encrypted.
	n := p.TxCount()
	p.ParseDatagram(applayer.ToServer, readBin(t, "ietf-client-initial.bin"))
	if p.TxCount() != n {
		t.Error("transaction after the client's hello")
	}
}

// TestDecryptFailure: a corrupted Initial gives a transaction with the
// failed-decrypt event.
func TestDecryptFailure(t *testing.T) {
	b := readBin(t, "ietf-client-initial.bin")
	b[len(b)-1] ^= 1 // the AEAD tag ends the packet
	p := New()
	p.ParseDatagram(applayer.ToServer, b)
	if p.TxCount() != 1 || p.Tx(0).Events != EventFailedDecrypt || p.Tx(0).SNI != nil {
		t.Fatalf("%d txs, events %v", p.TxCount(), p.Tx(0).Events)
	}
}

// TestGQUIC: a Q024 public-header client packet is clear text but its
// version has no crypto stream Suricata decodes; a Q046-style CHLO with
// SNI and UAID tags gives quic.sni, quic.ua and a CYU fingerprint.
func TestGQUIC(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, readBin(t, "gquic-q024-client.bin"))
	if p.TxCount() != 1 || header.VersionString(p.Tx(0).Version) != "51303234" || p.Tx(0).Long {
		t.Fatalf("q024: %d txs", p.TxCount())
	}
	if p.Tx(0).Buffer(applayer.ToServer, bufid.QUICVersion) != nil {
		t.Error("quic.version on a public header")
	}
	p = New()
	p.ParseDatagram(applayer.ToServer, q046CHLO())
	if p.TxCount() != 1 {
		t.Fatalf("q046: %d txs", p.TxCount())
	}
	tx := p.Tx(0)
	if string(tx.SNI) != "www.example.com" || string(tx.UA) != "test-agent" {
		t.Errorf("sni %q ua %q", tx.SNI, tx.UA)
	}
	if got := string(tx.Buffer(applayer.ToServer, bufid.QUICCyuString)); got != "46,PAD-SNI-UAID" {
		t.Errorf("cyu %q", got)
	}
	if _, ok := tx.BufferAt(applayer.ToServer, bufid.QUICCyuHash, 1); ok {
		t.Error("second cyu hash")
	}
	if got := string(tx.Buffer(applayer.ToServer, bufid.QUICVersion)); got != "Q046" {
		t.Errorf("quic.version %q", got)
	}
}

// q046CHLO builds a Q046 long-header Initial with a clear-text stream
// frame holding a CHLO with PAD, SNI and UAID tags.
func q046CHLO() []byte {
	vals := [][2]string{{"PAD\x00", "\x00\x00"}, {"SNI\x00", "www.example.com"}, {"UAID", "test-agent"}}
	msg := []byte("CHLO")
	msg = append(msg, byte(len(vals)), 0, 0, 0)
	end := 0
	for _, v := range vals {
		end += len(v[1])
		msg = append(msg, v[0]...)
		msg = append(msg, byte(end), byte(end>>8), 0, 0)
	}
	for _, v := range vals {
		msg = append(msg, v[1]...)
	}
	b := []byte{0xc3, 'Q', '0', '4', '6', 0x50, 1, 2, 3, 4, 5, 6, 7, 8}
	b = append(b, 0, 0, 0, 1)                                 // packet number
	b = append(b, make([]byte, 12)...)                        // message authentication hash
	b = append(b, 0xa0, 1, byte(len(msg)>>8), byte(len(msg))) // stream 1, data length
	return append(b, msg...)
}

func TestVersionString(t *testing.T) {
	for v, want := range map[uint32]string{1: "1", header.VersionV2: "v2", header.VersionQ046: "Q046",
		header.VersionQ039: "Q039", 0xff00001d: "ff00001d", 0x51303530: "51303530"} {
		if got := header.VersionString(v); got != want {
			t.Errorf("%#x: %q, want %q", v, got, want)
		}
	}
}

// TestCryptoReassembly: CRYPTO data arriving second half first is
// contiguous from offset 0 once both halves are in.
func TestCryptoReassembly(t *testing.T) {
	var c cryptoBuf
	msg := []byte{1, 0, 0, 5, 'a', 'b', 'c', 'd', 'e'}
	c.frags = append(c.frags, cryptoFrag{4, msg[4:]})
	if got := c.contiguous(); len(got) != 0 {
		t.Fatalf("contiguous without offset 0: %q", got)
	}
	c.frags = append(c.frags, cryptoFrag{0, msg[:6]})
	if got := c.contiguous(); string(got) != string(msg) {
		t.Fatalf("contiguous %q", got)
	}
}
