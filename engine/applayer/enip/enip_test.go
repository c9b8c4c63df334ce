package enip

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// pdu builds an encapsulation PDU.
func pdu(cmd uint16, session, status uint32, data ...[]byte) []byte {
	d := bytes.Join(data, nil)
	b := binary.LittleEndian.AppendUint16(nil, cmd)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(d)))
	b = binary.LittleEndian.AppendUint32(b, session)
	b = binary.LittleEndian.AppendUint32(b, status)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, 0)
	return append(b, d...)
}

func item(typ uint16, data ...[]byte) []byte {
	d := bytes.Join(data, nil)
	return append(append(le16(typ), le16(uint16(len(d)))...), d...)
}

// cpf is a SendRRData/SendUnitData body: handle, timeout, items.
func cpf(items ...[]byte) []byte {
	b := append(make([]byte, 6), le16(uint16(len(items)))...)
	return append(b, bytes.Join(items, nil)...)
}

var (
	register     = pdu(CmdRegisterSession, 0, 0, []byte{1, 0, 0, 0})
	registerResp = pdu(CmdRegisterSession, 0x1234, 0, []byte{1, 0, 0, 0})
	// Get Attribute List on class 1 instance 1, attributes 1 and 7.
	getAttrs = pdu(CmdSendRRData, 0x1234, 0, cpf(item(0), item(ItemUnconnectedData,
		[]byte{0x03, 2, 0x20, 0x01, 0x24, 0x01}, le16(2), le16(1), le16(7))))
	getAttrsResp = pdu(CmdSendRRData, 0x1234, 0, cpf(item(0), item(ItemUnconnectedData,
		[]byte{0x83, 0, 0, 0})))
	// A Multiple Service Packet to the message router (class 2) holding
	// a Get Attributes Single (class 0xf5, attribute 5) and a Read Data.
	multiReq = pdu(CmdSendUnitData, 0x1234, 0, cpf(item(0xa1, []byte{1, 2, 3, 4}), item(ItemConnectedData, le16(7),
		[]byte{0x0a, 2, 0x20, 0x02, 0x24, 0x01}, le16(2), le16(6), le16(14),
		[]byte{0x0e, 3, 0x20, 0xf5, 0x24, 0x01, 0x30, 0x05},
		[]byte{0x4c, 1, 0x20, 0x6b})))
	multiResp = pdu(CmdSendUnitData, 0x1234, 0, cpf(item(0xa1, []byte{5, 6, 7, 8}), item(ItemConnectedData, le16(7),
		[]byte{0x8a, 0, 0x1e, 0}, le16(2), le16(6), le16(10),
		[]byte{0x8e, 0, 0, 0}, []byte{0xcc, 0, 0x1f, 2, 0x05, 0x01})))
	listIdentity     = pdu(CmdListIdentity, 0, 0)
	listIdentityResp = pdu(CmdListIdentity, 0, 0, le16(1), item(ItemIdentity, le16(1), make([]byte, 16),
		le16(1), le16(14), le16(0x36), []byte{20, 11}, le16(0x30), []byte{0x78, 0x56, 0x34, 0x12},
		[]byte{4}, []byte("PLC5"), []byte{3}))
	listServicesResp = pdu(CmdListServices, 0, 0, le16(1), item(ItemServices, le16(1), le16(0x120),
		[]byte("Communications\x00\x00")))
)

func TestParse(t *testing.T) {
	p, n := Parse(getAttrs)
	if n != len(getAttrs) || p.Invalid || p.Kind != PayloadCIP {
		t.Fatalf("n %d kind %d invalid %v", n, p.Kind, p.Invalid)
	}
	c := p.FirstCIP()
	if c == nil || c.Service != 3 || c.Response || len(c.Path) != 2 || c.Path[0].Kind() != 8 || c.Path[1].Kind() != 9 ||
		len(c.Attrs) != 2 || c.Attrs[1] != 7 {
		t.Errorf("cip %+v", c)
	}
	p, _ = Parse(multiReq)
	c = p.FirstCIP()
	if c == nil || c.Service != ServiceMultiple || len(c.Multiple) != 2 || c.Multiple[0].Path[2].Value != 5 || c.Multiple[1].Service != 0x4c {
		t.Errorf("multiple %+v", c)
	}
	p, _ = Parse(multiResp)
	c = p.FirstCIP()
	if c == nil || !c.Response || c.Status != 0x1e || len(c.Multiple) != 2 || c.Multiple[1].Status != 0x1f ||
		!bytes.Equal(c.Multiple[1].ExtStatus, []byte{5, 1}) {
		t.Errorf("multiple response %+v", c)
	}
	p, _ = Parse(listIdentityResp)
	if id := p.FirstIdentity(); id == nil || id.VendorID != 1 || id.DeviceType != 14 || string(id.ProductName) != "PLC5" || id.State != 3 || id.Serial != 0x12345678 {
		t.Errorf("identity %+v", p.FirstIdentity())
	}
	p, _ = Parse(listServicesResp)
	if sv := p.FirstServices(); sv == nil || sv.Capabilities != 0x120 || !strings.HasPrefix(string(sv.Name), "Communications") {
		t.Errorf("services %+v", p.FirstServices())
	}
	if _, n := Parse(getAttrs[:30]); n != 0 {
		t.Errorf("partial PDU: n %d", n)
	}
	// A port segment in the path is not read: the PDU is invalid.
	bad := pdu(CmdSendRRData, 1, 0, cpf(item(0), item(ItemUnconnectedData, []byte{0x52, 1, 0x01, 0x00})))
	if p, n := Parse(bad); n != len(bad) || !p.Invalid || p.FirstCIP() != nil {
		t.Errorf("port segment: invalid %v", p.Invalid)
	}
}

func TestPairing(t *testing.T) {
	stream := bytes.Join([][]byte{register, getAttrs, multiReq}, nil)
	resp := bytes.Join([][]byte{registerResp, multiResp}, nil)
	for _, step := range []int{1, 7, 24, len(stream)} {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(applayer.ToServer, stream[i:min(i+step, len(stream))])
		}
		for i := 0; i < len(resp); i += step {
			p.Parse(applayer.ToClient, resp[i:min(i+step, len(resp))])
		}
		if p.TxCount() != 3 {
			t.Fatalf("step %d: %d transactions", step, p.TxCount())
		}
		reg, get, multi := p.Tx(0), p.Tx(1), p.Tx(2)
		if reg.Response == nil || !reg.Complete(applayer.ToClient) {
			t.Errorf("step %d: register session unanswered", step)
		}
		// The multiple service response closes the unanswered Get
		// Attribute List before it.
		if get.Response != nil || !get.Complete(applayer.ToClient) {
			t.Errorf("step %d: get attributes: response %v complete %v", step, get.Response != nil, get.Complete(applayer.ToClient))
		}
		if multi.Response == nil {
			t.Errorf("step %d: multiple service unanswered", step)
		}
	}
	// Connected data with another sequence number does not answer.
	p := New()
	p.Parse(applayer.ToServer, multiReq)
	other := append([]byte(nil), multiResp...)
	other[24+6+2+4+4+4] = 8 // sequence number
	p.Parse(applayer.ToClient, other)
	if p.TxCount() != 2 || p.Tx(0).Response != nil || p.Tx(1).Request != nil {
		t.Errorf("sequence mismatch: %d transactions", p.TxCount())
	}
}

func TestUDPAndEvents(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, listIdentity)
	p.ParseDatagram(applayer.ToClient, listIdentityResp)
	p.ParseDatagram(applayer.ToServer, pdu(CmdRegisterSession, 0, 0, []byte{1}))
	if p.TxCount() != 2 || p.Tx(0).Response == nil {
		t.Fatalf("%d transactions", p.TxCount())
	}
	ev, ok := p.Tx(1).BufferAt(applayer.ToServer, bufid.ENIPEvents, 0)
	if !ok || binary.LittleEndian.Uint32(ev) != EventInvalidPDU {
		t.Errorf("events %x %v", ev, ok)
	}
}

func TestGap(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, getAttrs[:10])
	p.Gap(applayer.ToServer, 20)
	p.Parse(applayer.ToServer, getAttrs[30:])
	p.Parse(applayer.ToServer, register)
	if p.TxCount() != 1 || p.Tx(0).Request.Cmd != CmdRegisterSession || p.State()&applayer.StateGap == 0 {
		t.Errorf("%d transactions after gap", p.TxCount())
	}
}

func TestTxBuffers(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, bytes.Join([][]byte{multiReq, listIdentity, register}, nil))
	p.Parse(applayer.ToClient, bytes.Join([][]byte{multiResp, listIdentityResp, registerResp}, nil))
	multi, ident, reg := p.Tx(0), p.Tx(1), p.Tx(2)
	get := func(tx *Tx, d applayer.Direction, b applayer.BufferID) string {
		v, ok := tx.BufferAt(d, b, 0)
		if !ok {
			return ""
		}
		return string(v)
	}
	s, c := applayer.ToServer, applayer.ToClient
	for _, x := range []struct {
		tx   *Tx
		d    applayer.Direction
		b    applayer.BufferID
		want string
	}{
		{multi, s, bufid.ENIPCommand, "\x00\x70"},
		{multi, c, bufid.ENIPStatus, "\x00\x00\x00\x00"},
		{multi, s, bufid.ENIPCIPService, "\x0a\x01\x00\x00\x00\x02\x00" + "\x0e\x01\x00\x00\x00\xf5\x01\x00\x00\x00\x05" + "\x4c\x01\x00\x00\x00\x6b\x00"},
		{multi, c, bufid.ENIPCIPService, "\x0a\x00\x00\x0e\x00\x00\x4c\x00\x00"},
		{multi, c, bufid.ENIPCIPClass, "\x01\x00\x00\x00\x02\x01\x00\x00\x00\xf5\x01\x00\x00\x00\x6b"},
		{multi, s, bufid.ENIPCIPInstance, "\x01\x00\x00\x00\x01\x01\x00\x00\x00\x01"},
		{multi, s, bufid.ENIPCIPAttribute, "\x01\x00\x00\x00\x05"},
		{multi, s, bufid.ENIPCIPStatus, "\x01\x1e\x01\x00\x01\x1f"},
		{multi, s, bufid.ENIPCIPExtStatus, "\x01\x01\x05"},
		{ident, c, bufid.ENIPVendorID, "\x00\x01"},
		{ident, c, bufid.ENIPDeviceType, "\x00\x0e"},
		{ident, s, bufid.ENIPProductCode, "\x00\x36"},
		{ident, c, bufid.ENIPRevision, "\x14\x0b"},
		{ident, c, bufid.ENIPIdentityStatus, "\x00\x30"},
		{ident, c, bufid.ENIPSerial, "\x12\x34\x56\x78"},
		{ident, c, bufid.ENIPState, "\x03"},
		{ident, c, bufid.ENIPProductName, "PLC5"},
		{ident, c, bufid.ENIPProtocolVersion, "\x00\x01"},
		{ident, s, bufid.ENIPProtocolVersion, ""},
		{reg, s, bufid.ENIPProtocolVersion, "\x00\x01"},
		{reg, c, bufid.ENIPCommand, "\x00\x65"},
		{reg, c, bufid.ENIPVendorID, ""},
	} {
		if got := get(x.tx, x.d, x.b); got != x.want {
			t.Errorf("tx %d %v %v = %x, want %x", x.tx.ID(), x.d, x.b, got, x.want)
		}
	}
}

func TestCaptured(t *testing.T) {
	for _, c := range []struct {
		req, resp string
		min       int
	}{
		{"testdata/list-identity-request.tcp", "testdata/list-identity-response.tcp", 1},
		{"testdata/connected-request.tcp", "testdata/connected-response.tcp", 4},
	} {
		req, err1 := os.ReadFile(c.req)
		resp, err2 := os.ReadFile(c.resp)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		p := New()
		p.Parse(applayer.ToServer, req)
		p.Parse(applayer.ToClient, resp)
		if p.TxCount() < c.min {
			t.Fatalf("%s: %d transactions", c.req, p.TxCount())
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			if tx.Request == nil || tx.Response == nil || tx.Request.Invalid || tx.Response.Invalid {
				t.Errorf("%s: tx %d request %v response %v", c.req, i, tx.Request != nil, tx.Response != nil)
			}
		}
	}
}

func TestProbe(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want int
	}{
		{register, probeOK}, {listIdentity, probeOK}, {getAttrs, probeOK},
		{register[:10], probeShort},
		{pdu(CmdRegisterSession, 0, 0, []byte{1, 0}), probeBad},
		{pdu(0x99, 0, 0), probeBad},
		{pdu(CmdSendRRData, 0, 7), probeBad},
	} {
		if got := Probe(c.in); got != c.want {
			t.Errorf("%x: %d, want %d", c.in[:4], got, c.want)
		}
	}
}

// TestEventBits keeps the parser's event bits and bufid's event table in
// step.
func TestEventBits(t *testing.T) {
	want := map[string]uint32{"enip.too_many_transactions": EventTooManyTransactions, "enip.invalid_pdu": EventInvalidPDU}
	for _, e := range bufid.AppEvents {
		if e.Buf == bufid.ENIPEvents {
			if want[e.Name] != e.Bit {
				t.Errorf("%s: bit %x, parser's %x", e.Name, e.Bit, want[e.Name])
			}
			delete(want, e.Name)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing from bufid.AppEvents: %v", want)
	}
}
