package snmp

import (
	"bytes"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// tlv encodes one BER element with a definite length.
func tlv(id byte, parts ...[]byte) []byte {
	content := bytes.Join(parts, nil)
	out := []byte{id}
	switch n := len(content); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, content...)
}

func integer(v byte) []byte      { return tlv(0x02, []byte{v}) }
func octets(s string) []byte     { return tlv(0x04, []byte(s)) }
func seq(parts ...[]byte) []byte { return tlv(0x30, parts...) }

// oid is 1.3.6.1.2.1.1.3.0 (sysUpTime.0).
var oid = tlv(0x06, []byte{0x2b, 6, 1, 2, 1, 1, 3, 0})

// pdu builds a generic PDU of type typ with one NULL-valued binding.
func pdu(typ byte) []byte {
	return tlv(0xa0|typ, integer(1), integer(0), integer(0), seq(seq(oid, tlv(0x05))))
}

// v3 builds an SNMPv3 message with USM user and data as msgData.
func v3(user string, data []byte) []byte {
	usm := seq(octets("\x80\x00\x1f\x88"), integer(1), integer(2), octets(user), octets(""), octets(""))
	return seq(integer(3), seq(integer(7), tlv(0x02, []byte{0x05, 0xdc}), octets("\x04"), integer(3)),
		tlv(0x04, usm), data)
}

var (
	v1Get  = seq(integer(0), octets("public"), pdu(PDUGetRequest))
	v2Resp = seq(integer(1), octets("private"), pdu(PDUResponse))
	v1Trap = seq(integer(0), octets("traps"), tlv(0xa4, oid, tlv(0x40, []byte{10, 0, 0, 1}), integer(6), integer(1),
		tlv(0x43, []byte{1}), seq()))
	v3Plain     = v3("admin", seq(octets("eng"), octets(""), pdu(PDUReport)))
	v3Encrypted = v3("bob", octets("\x01\x02\x03\x04"))
)

func TestParse(t *testing.T) {
	real, err := os.ReadFile("testdata/v2c-getnext.bin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want Message
		ok   bool
	}{
		{"v1 get", v1Get, Message{Version: 1, Community: []byte("public"), PDUType: PDUGetRequest, HasPDU: true}, true},
		{"v2c response", v2Resp, Message{Version: 2, Community: []byte("private"), PDUType: PDUResponse, HasPDU: true}, true},
		{"v1 trap", v1Trap, Message{Version: 1, Community: []byte("traps"), PDUType: PDUTrapV1, HasPDU: true}, true},
		{"v2c capture", real, Message{Version: 2, Community: []byte("[R0_C@cti!]"), PDUType: PDUGetNextRequest, HasPDU: true}, true},
		{"v3 plaintext", v3Plain, Message{Version: 3, User: []byte("admin"), HasUser: true, PDUType: PDUReport, HasPDU: true}, true},
		{"v3 encrypted", v3Encrypted, Message{Version: 3, User: []byte("bob"), HasUser: true, Encrypted: true}, true},
		{"version 2", seq(integer(2), octets("public"), pdu(0)), Message{}, false},
		{"extra element", seq(integer(1), octets("public"), pdu(0), integer(0)), Message{}, false},
		{"pdu tag 9", seq(integer(1), octets("public"), pdu(9)), Message{}, false},
		{"binary community", seq(integer(1), octets("\xff\xfe"), pdu(0)), Message{}, false},
		{"truncated", v2Resp[:len(v2Resp)-1], Message{}, false},
		{"varbind without oid", seq(integer(1), octets("c"), tlv(0xa0, integer(1), integer(0), integer(0), seq(seq(integer(1), integer(2))))), Message{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if got.Version != tt.want.Version || !bytes.Equal(got.Community, tt.want.Community) ||
				!bytes.Equal(got.User, tt.want.User) || got.HasUser != tt.want.HasUser ||
				got.PDUType != tt.want.PDUType || got.HasPDU != tt.want.HasPDU || got.Encrypted != tt.want.Encrypted {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEnvelopeVersion(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want uint32
		ok   bool
	}{
		{v1Get, 1, true}, {v2Resp, 2, true}, {v3Plain, 3, true},
		{seq(integer(3), octets("x"), pdu(0)), 0, false},
		{[]byte{0x30, 0x03, 0x02}, 0, false},
	} {
		got, ok := EnvelopeVersion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("EnvelopeVersion(%x) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func be32(v uint32) string {
	return string([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func TestTxBuffers(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, v1Get)
	p.ParseDatagram(applayer.ToClient, v2Resp) // the flow's version stays 1
	p.ParseDatagram(applayer.ToServer, []byte("not snmp"))
	p.ParseDatagram(applayer.ToServer, v3Encrypted)
	if p.TxCount() != 3 || p.Malformed != 1 {
		t.Fatalf("%d transactions, %d malformed", p.TxCount(), p.Malformed)
	}
	type want struct {
		dir                        applayer.Direction
		version, community, pdu, u string // "" means absent
	}
	wants := []want{
		{applayer.ToServer, be32(1), "public", be32(0), ""},
		{applayer.ToClient, be32(1), "private", be32(2), ""},
		{applayer.ToServer, be32(1), "", "", "bob"},
	}
	for i, w := range wants {
		tx := p.Tx(i)
		if tx.ID() != uint64(i) || tx.Proto() != bufid.ProtoSNMP {
			t.Errorf("tx %d: id %d proto %v", i, tx.ID(), tx.Proto())
		}
		for _, c := range []struct {
			b    applayer.BufferID
			want string
		}{{bufid.SNMPVersion, w.version}, {bufid.SNMPCommunity, w.community}, {bufid.SNMPPDUType, w.pdu}, {bufid.SNMPUsm, w.u}} {
			got, ok := tx.BufferAt(w.dir, c.b, 0)
			if ok != (c.want != "") || string(got) != c.want {
				t.Errorf("tx %d %v = %q, %v; want %q", i, c.b, got, ok, c.want)
			}
			if _, ok := tx.BufferAt(w.dir.Reverse(), c.b, 0); ok {
				t.Errorf("tx %d %v present in the other direction", i, c.b)
			}
			if _, ok := tx.BufferAt(w.dir, c.b, 1); ok {
				t.Errorf("tx %d %v has a second instance", i, c.b)
			}
		}
	}
	p.Prune(2)
	if p.TxCount() != 1 || p.Tx(0).ID() != 2 {
		t.Errorf("after prune: %d transactions", p.TxCount())
	}
}

func TestMaxTx(t *testing.T) {
	p := New()
	for i := 0; i < MaxTx+10; i++ {
		p.ParseDatagram(applayer.ToServer, v1Get)
	}
	if p.TxCount() != MaxTx || p.Tx(0).ID() != 10 {
		t.Errorf("%d transactions, oldest %d", p.TxCount(), p.Tx(0).ID())
	}
}

func TestCopies(t *testing.T) {
	in := append([]byte(nil), v1Get...)
	p := New()
	p.ParseDatagram(applayer.ToServer, in)
	clear(in)
	if got := p.Tx(0).Buffer(applayer.ToServer, bufid.SNMPCommunity); string(got) != "public" {
		t.Errorf("community %q after the input was reused", got)
	}
}
