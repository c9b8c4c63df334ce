package dcerpc

import (
	"bytes"
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

var actA = [16]byte{0xdd, 0xdc, 0x32, 0x4e, 3, 0xd8, 0xaf, 0x4e, 0x86, 0xee, 0x76, 0x50, 0xdf, 0x59, 0x9e, 0x40}

// clPDU builds a connectionless PDU: type, flags1, interface (version
// vers), activity, sequence and fragment numbers, opnum and body.
func clPDU(typ, flags uint8, iface [16]byte, vers uint32, seq uint32, frag, opnum uint16, body []byte, big bool) []byte {
	var o binary.ByteOrder = binary.LittleEndian
	drep := byte(0x10)
	if big {
		o, drep = binary.BigEndian, 0
	}
	b := make([]byte, CLHeaderLen, CLHeaderLen+len(body))
	b[0], b[1], b[2], b[4] = 4, typ, flags, drep
	copy(b[24:], wireUUID(iface, o))
	copy(b[40:], wireUUID(actA, binary.LittleEndian))
	o.PutUint32(b[60:], vers)
	o.PutUint32(b[64:], seq)
	o.PutUint16(b[68:], opnum)
	o.PutUint16(b[74:], uint16(len(body)))
	o.PutUint16(b[76:], frag)
	return append(b, body...)
}

func TestUDPCall(t *testing.T) {
	for _, big := range []bool{false, true} {
		p := NewUDP()
		// A request in two fragments, then its response.
		p.ParseDatagram(applayer.ToServer, clPDU(CLTypeRequest, CLFlagFrag, ifA, 0x00010002, 7, 0, 9, []byte("stub-"), big))
		if p.TxCount() != 1 || p.TxAt(0).Complete(applayer.ToServer) {
			t.Fatalf("big %v: first fragment: %d txs, complete %v", big, p.TxCount(), p.TxAt(0).Complete(applayer.ToServer))
		}
		p.ParseDatagram(applayer.ToServer, clPDU(CLTypeRequest, CLFlagFrag|CLFlagLastFrag, ifA, 0x00010002, 7, 1, 9, []byte("data"), big))
		p.ParseDatagram(applayer.ToClient, clPDU(CLTypeResponse, 0, ifA, 0x00010002, 7, 0, 9, []byte("answer"), big))
		if p.TxCount() != 1 {
			t.Fatalf("big %v: %d txs, want 1", big, p.TxCount())
		}
		tx := p.TxAt(0).(*UDPTx)
		if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) || tx.ReqFrags != 2 || tx.RespFrags != 1 || tx.SeqNum != 7 || tx.Activity != actA {
			t.Errorf("big %v: tx %+v", big, tx)
		}
		if got := tx.Buffer(applayer.ToServer, bufid.DCERPCStubData); string(got) != "stub-data" {
			t.Errorf("big %v: request stub %q", big, got)
		}
		if got := tx.Buffer(applayer.ToClient, bufid.DCERPCStubData); string(got) != "answer" {
			t.Errorf("big %v: response stub %q", big, got)
		}
		if got := tx.Buffer(applayer.ToServer, bufid.DCERPCOpnum); !bytes.Equal(got, []byte{9, 0}) {
			t.Errorf("big %v: opnum %x", big, got)
		}
		want := append(append([]byte(nil), ifA[:]...), 2, 0, IfaceFirstFrag)
		if got := tx.Buffer(applayer.ToServer, bufid.DCERPCIface); !bytes.Equal(got, want) {
			t.Errorf("big %v: iface %x, want %x", big, got, want)
		}
		wantBig := byte(0)
		if big {
			wantBig = 1
		}
		if got := tx.Buffer(applayer.ToClient, bufid.DCERPCEndian); !bytes.Equal(got, []byte{wantBig}) {
			t.Errorf("big %v: endian %x", big, got)
		}
		p.Prune(1)
		if p.TxCount() != 0 {
			t.Errorf("big %v: prune left %d", big, p.TxCount())
		}
	}
}

func TestUDPNotPDU(t *testing.T) {
	p := NewUDP()
	good := clPDU(CLTypeRequest, 0, ifA, 1, 1, 0, 1, []byte("abc"), false)
	for _, b := range [][]byte{good[:79], good[:82], append([]byte{5}, good[1:]...)} {
		p.ParseDatagram(applayer.ToServer, b)
	}
	if p.TxCount() != 0 {
		t.Errorf("%d txs from malformed datagrams", p.TxCount())
	}
	if !ProbeUDP(good) || ProbeUDP(good[:82]) {
		t.Error("ProbeUDP")
	}
	// A response without its request is a transaction of its own.
	p.ParseDatagram(applayer.ToClient, clPDU(CLTypeFault, 0, ifA, 1, 3, 0, 1, []byte{1, 0, 0, 0}, false))
	if p.TxCount() != 1 || p.TxAt(0).Buffer(applayer.ToServer, bufid.DCERPCIface) != nil {
		t.Errorf("fault alone: %d txs", p.TxCount())
	}
}
