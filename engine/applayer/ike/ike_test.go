package ike

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/ike/isakmp"
)

// mainMode parses the nine messages of suricata-verify's ikev1-rules
// capture (main mode, then quick mode), alternating directions.
func mainMode(t testing.TB) *Parser {
	t.Helper()
	p := New()
	for i := 1; i <= 9; i++ {
		b, err := os.ReadFile(fmt.Sprintf("testdata/ikev1-main-%d.bin", i))
		if err != nil {
			t.Fatal(err)
		}
		dir := applayer.ToServer
		if i%2 == 0 {
			dir = applayer.ToClient
		}
		p.ParseDatagram(dir, b)
	}
	if p.TxCount() != 9 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	return p
}

func TestIKEv1Buffers(t *testing.T) {
	p := mainMode(t)
	first, resp := p.Tx(0), p.Tx(1)
	if got := string(first.Buffer(applayer.ToServer, bufid.IKEInitSPI)); got != "e47a591fd057587f" {
		t.Errorf("init_spi %q", got)
	}
	if got := string(resp.Buffer(applayer.ToClient, bufid.IKERespSPI)); got != "a00b8ef0902bb8ec" {
		t.Errorf("resp_spi %q", got)
	}
	if got := string(first.Buffer(applayer.ToServer, bufid.IKERespSPI)); got != "0000000000000000" {
		t.Errorf("first resp_spi %q", got)
	}
	if first.Buffer(applayer.ToClient, bufid.IKEInitSPI) != nil {
		t.Error("a client message inspected to the client")
	}
	if got := first.Buffer(applayer.ToServer, bufid.IKEExchType); binary.BigEndian.Uint32(got) != 2 {
		t.Errorf("exchtype %x", got)
	}
	var vendors []string
	for i := 0; ; i++ {
		v, ok := first.BufferAt(applayer.ToServer, bufid.IKEVendor, i)
		if !ok {
			break
		}
		vendors = append(vendors, string(v))
	}
	if len(vendors) != 4 || vendors[0] != "4a131c81070358455c5728f20e95452f" {
		t.Errorf("vendors %q", vendors)
	}
	// The responder's single transform is the chosen one.
	sa := resp.Buffer(applayer.ToClient, bufid.IKEChosenSA)
	want := map[uint16]uint32{1: 7, 2: 2, 3: 1, 4: 2, 11: 1, 12: 86400, 14: 128}
	got := map[uint16]uint32{}
	for ; len(sa) >= 6; sa = sa[6:] {
		got[binary.BigEndian.Uint16(sa)] = binary.BigEndian.Uint32(sa[2:])
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("chosen SA %v, want %v", got, want)
	}
	ke := p.Tx(2)
	if n := ke.Buffer(applayer.ToServer, bufid.IKENonceLen); binary.BigEndian.Uint32(n) != 20 {
		t.Errorf("nonce length %x", n)
	}
	if got := hex.EncodeToString(ke.Buffer(applayer.ToServer, bufid.IKENonce)); got != "89d7c8fbf94b515b521d5d9589c2602021e1a709" {
		t.Errorf("nonce %s", got)
	}
	if n := ke.Buffer(applayer.ToServer, bufid.IKEKeyExchangeLen); binary.BigEndian.Uint32(n) != 128 {
		t.Errorf("key exchange length %x", n)
	}
	// Encrypted messages: no payload buffers, the header ones remain.
	enc := p.Tx(4)
	if !enc.Encrypted || enc.Buffer(applayer.ToServer, bufid.IKENonce) != nil || enc.Buffer(applayer.ToServer, bufid.IKENonceLen) != nil {
		t.Error("encrypted message has payload buffers")
	}
	if got := p.Tx(6).Buffer(applayer.ToServer, bufid.IKEExchType); binary.BigEndian.Uint32(got) != 32 {
		t.Errorf("quick mode exchtype %x", got)
	}
}

func TestProbeAndMalformed(t *testing.T) {
	b, err := os.ReadFile("testdata/ikev1-main-1.bin")
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	p.ParseDatagram(applayer.ToServer, b[:20])
	b2 := append([]byte(nil), b...)
	b2[17] = 0x30 // version 3
	p.ParseDatagram(applayer.ToServer, b2)
	if p.TxCount() != 0 || p.Malformed != 2 {
		t.Fatalf("%d txs, %d malformed", p.TxCount(), p.Malformed)
	}
	v2 := ikev2SAInit(false)
	bad := append([]byte(nil), v2...)
	bad[18] = 33 // not an IKEv2 exchange type
	for _, c := range []struct {
		in   []byte
		want bool
	}{{b, true}, {b[:27], false}, {b2, false}, {v2, true}, {bad, false}, {append(v2, 0), false}} {
		if got := isakmp.Probe(c.in); got != c.want {
			t.Errorf("probe(% x...) = %v", c.in[:min(len(c.in), 20)], got)
		}
	}
}

// ikev2SAInit builds an IKE_SA_INIT message: an SA with one proposal
// (AES-CBC, HMAC-SHA1-96, PRF-HMAC-SHA1, DH 14), a KE, a nonce and a
// NAT_DETECTION_SOURCE_IP notify; response sets the responder's flags.
func ikev2SAInit(response bool) []byte {
	transform := func(last bool, typ uint8, id uint16) []byte {
		l := byte(3)
		if last {
			l = 0
		}
		return []byte{l, 0, 0, 8, typ, 0, byte(id >> 8), byte(id)}
	}
	var tr []byte
	tr = append(tr, transform(false, 1, 12)...)
	tr = append(tr, transform(false, 3, 2)...)
	tr = append(tr, transform(false, 2, 2)...)
	tr = append(tr, transform(true, 4, 14)...)
	prop := append([]byte{0, 0, 0, byte(8 + len(tr)), 1, 1, 0, 4}, tr...)
	sa := append([]byte{34, 0, 0, byte(4 + len(prop))}, prop...)
	ke := append([]byte{40, 0, 0, 8 + 4, 0, 14, 0, 0}, 1, 2, 3, 4)
	nonce := append([]byte{41, 0, 0, 4 + 4}, 9, 9, 9, 9)
	notify := []byte{0, 0, 0, 8, 0, 0, 0x40, 0x04}
	body := append(append(append(sa, ke...), nonce...), notify...)
	flags := byte(0x08)
	if response {
		flags = 0x20
	}
	h := make([]byte, 28)
	binary.BigEndian.PutUint64(h, 0x1122334455667788)
	if response {
		binary.BigEndian.PutUint64(h[8:], 0x99aabbccddeeff00)
	}
	h[16], h[17], h[18], h[19] = 33, 0x20, 34, flags
	binary.BigEndian.PutUint32(h[24:], uint32(28+len(body)))
	return append(h, body...)
}

func TestIKEv2(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, ikev2SAInit(false))
	p.ParseDatagram(applayer.ToClient, ikev2SAInit(true))
	if p.TxCount() != 2 {
		t.Fatalf("%d txs", p.TxCount())
	}
	req, resp := p.Tx(0), p.Tx(1)
	if req.Version != 2 || len(req.V2Transforms) != 0 || req.Buffer(applayer.ToServer, bufid.IKEChosenSA) != nil {
		t.Errorf("request: version %d, %d chosen transforms", req.Version, len(req.V2Transforms))
	}
	if fmt.Sprint(req.PayloadTypes) != "[34 40 41 0]" || fmt.Sprint(req.Notify) != "[16388]" || req.Errors != 0 {
		t.Errorf("payloads %v notify %v errors %d", req.PayloadTypes, req.Notify, req.Errors)
	}
	if resp.V2Chosen != (V2Chosen{Enc: 12, Auth: 2, PRF: 2, DH: 14}) {
		t.Errorf("chosen %+v", resp.V2Chosen)
	}
	sa := resp.Buffer(applayer.ToClient, bufid.IKEChosenSA)
	if hex.EncodeToString(sa) != "00010000000c000300000002000d000000020004"+"0000000e" {
		t.Errorf("chosen SA records % x", sa)
	}
	if got := resp.Buffer(applayer.ToClient, bufid.IKEKeyExchange); got != nil {
		t.Errorf("IKEv2 key exchange buffer %x", got)
	}
}
