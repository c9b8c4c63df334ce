package modbus

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// adu builds a Modbus/TCP ADU with protocol id 0.
func adu(tid uint16, unit uint8, pdu ...byte) []byte {
	n := len(pdu) + 1
	return append([]byte{byte(tid >> 8), byte(tid), 0, 0, byte(n >> 8), byte(n), unit}, pdu...)
}

var (
	readHold     = adu(1, 1, 3, 0x00, 0x10, 0x00, 0x04)                             // read 4 holding regs at 16
	readHoldResp = adu(1, 1, 3, 8, 0, 1, 0, 2, 0, 3, 0, 4)                          // four registers
	writeSingle  = adu(2, 1, 6, 0x00, 0x20, 0x12, 0x34)                             // write 0x1234 at 32
	writeMult    = adu(3, 2, 16, 0x00, 0x30, 0x00, 0x02, 4, 0x00, 0x0a, 0x00, 0x0b) // write 10, 11 at 48
	excResp      = adu(3, 2, 0x90, 0x02)                                            // illegal data address
	diag         = adu(4, 1, 8, 0x00, 0x04, 0x00, 0x00)                             // force listen only mode
)

func TestParse(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, append(append([]byte(nil), readHold...), writeSingle...))
	p.Parse(applayer.ToClient, readHoldResp)
	// writeMult split across calls.
	p.Parse(applayer.ToServer, writeMult[:5])
	p.Parse(applayer.ToServer, writeMult[5:])
	p.Parse(applayer.ToClient, excResp)
	p.Parse(applayer.ToServer, diag)
	if p.TxCount() != 4 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	r := p.Tx(0).Request
	if !r.HasRead || r.ReadAddr != 16 || r.ReadQty != 4 || r.Access != AccessRead|AccessHolding || r.Category != CatPublicAssigned {
		t.Errorf("read: %+v", r)
	}
	if p.Tx(0).Response == nil || p.Tx(1).Response != nil {
		t.Error("response not matched to its transaction id")
	}
	w := p.Tx(1).Request
	if !w.HasWrite || w.WriteAddr != 32 || w.WriteValue != 0x1234 || len(w.Values) != 1 {
		t.Errorf("write single: %+v", w)
	}
	m := p.Tx(2).Request
	if m.Unit != 2 || m.WriteAddr != 48 || m.WriteQty != 2 || len(m.Values) != 2 || m.Values[1] != 11 {
		t.Errorf("write multiple: %+v", m)
	}
	if e := p.Tx(2).Response; e == nil || !e.IsException() || e.Exception != 2 {
		t.Errorf("exception: %+v", e)
	}
	if d := p.Tx(3).Request; !d.HasSub || d.Sub != 4 {
		t.Errorf("diagnostic: %+v", d)
	}
	for i := 0; i < p.TxCount(); i++ {
		if ev, ok := p.Tx(i).BufferAt(applayer.ToServer, bufid.ModbusEvents, 0); ok {
			t.Errorf("tx %d: events %x", i, ev)
		}
	}
	b, ok := p.Tx(2).BufferAt(applayer.ToServer, bufid.ModbusRequest, 0)
	if !ok || b[ReqUnit] != 2 || b[ReqFunc] != 16 || b[ReqFlags] != FlagWrite || len(b) != ReqValues+4 {
		t.Errorf("request buffer %x", b)
	}
	if _, ok := p.Tx(2).BufferAt(applayer.ToClient, bufid.ModbusRequest, 0); ok {
		t.Error("request buffer to the client")
	}
}

func TestEvents(t *testing.T) {
	for _, tc := range []struct {
		name      string
		req, resp []byte
		want      uint32
	}{
		{"protocol id", []byte{0, 1, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1}, nil, EventInvalidProtocolID},
		{"unsolicited", nil, readHoldResp, EventUnsolicitedResponse},
		{"short pdu", adu(1, 1, 3, 0, 0), nil, EventInvalidLength},
		{"function 0", adu(1, 1, 0), nil, EventInvalidFunctionCode},
		{"function with exception bit", adu(1, 1, 0x83, 1), nil, EventInvalidFunctionCode},
		{"quantity 0", adu(1, 1, 3, 0, 0, 0, 0), nil, EventInvalidValue},
		{"quantity over 125", adu(1, 1, 3, 0, 0, 0, 126), nil, EventInvalidValue},
		{"coil value", adu(1, 1, 5, 0, 0, 0x12, 0x34), nil, EventInvalidValue},
		{"byte count", adu(1, 1, 16, 0, 0, 0, 2, 2, 0, 1), nil, EventInvalidValue},
		{"exception code", readHold, adu(1, 1, 0x83, 0x55), EventInvalidExceptionCode},
		{"function mismatch", readHold, adu(1, 1, 4, 2, 0, 1), EventValueMismatch},
		{"write echo mismatch", writeSingle, adu(2, 1, 6, 0, 0x20, 0, 1), EventValueMismatch},
		{"length field", []byte{0, 1, 0, 0, 0, 1, 1}, nil, EventInvalidLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			if tc.req != nil {
				p.Parse(applayer.ToServer, tc.req)
			}
			if tc.resp != nil {
				p.Parse(applayer.ToClient, tc.resp)
			}
			if p.TxCount() == 0 {
				t.Fatal("no transaction")
			}
			ev, _ := p.Tx(p.TxCount()-1).BufferAt(applayer.ToServer, bufid.ModbusEvents, 0)
			if len(ev) != 4 || uint32(ev[0])|uint32(ev[1])<<8 != tc.want {
				t.Errorf("events %x, want %x", ev, tc.want)
			}
		})
	}
}

func TestFlooded(t *testing.T) {
	p := New()
	for i := 0; i <= MaxTx; i++ {
		p.Parse(applayer.ToServer, adu(uint16(i), 1, 3, 0, 0, 0, 1))
	}
	ev, _ := p.Tx(p.TxCount()-2).BufferAt(applayer.ToServer, bufid.ModbusEvents, 0)
	if p.TxCount() != MaxTx || len(ev) != 4 || uint32(ev[1])<<8 != EventFlooded {
		t.Errorf("%d transactions, events %x", p.TxCount(), ev)
	}
}

func TestCategory(t *testing.T) {
	for f, want := range map[uint8]uint8{1: CatPublicAssigned, 43: CatPublicAssigned, 9: CatReserved,
		127: CatReserved, 65: CatUserDefined, 110: CatUserDefined, 25: CatPublicUnassigned, 0: CatNone, 0x83: CatPublicAssigned} {
		if got := Category(f); got != want {
			t.Errorf("%d: %d, want %d", f, got, want)
		}
	}
}

// TestUnsolicited checks that a response without a request is complete
// (so it is logged before the transaction cap drops it) and its write echo
// decoded.
func TestUnsolicited(t *testing.T) {
	p := New()
	p.Parse(applayer.ToClient, writeSingle)
	tx := p.Tx(0)
	if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
		t.Error("unsolicited response not complete")
	}
	if r := tx.Response; !r.HasWrite || r.WriteAddr != 32 || r.WriteValue != 0x1234 || r.Errors != 0 {
		t.Errorf("response %+v", r)
	}
}
