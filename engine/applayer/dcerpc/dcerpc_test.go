package dcerpc

import (
	"bytes"
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// pdu builds a PDU with the given type, flags, call id and body, in
// little or big endian.
func pdu(typ, flags uint8, callID uint32, body []byte, big bool) []byte {
	var o binary.ByteOrder = binary.LittleEndian
	drep := byte(0x10)
	if big {
		o, drep = binary.BigEndian, 0
	}
	b := make([]byte, HeaderLen, HeaderLen+len(body))
	b[0], b[1], b[2], b[3], b[4] = 5, 0, typ, flags, drep
	o.PutUint16(b[8:], uint16(HeaderLen+len(body)))
	o.PutUint32(b[12:], callID)
	return append(b, body...)
}

// wireUUID encodes a text-order UUID in wire order o.
func wireUUID(u [16]byte, o binary.ByteOrder) []byte {
	b := make([]byte, 16)
	o.PutUint32(b, binary.BigEndian.Uint32(u[0:]))
	o.PutUint16(b[4:], binary.BigEndian.Uint16(u[4:]))
	o.PutUint16(b[6:], binary.BigEndian.Uint16(u[6:]))
	copy(b[8:], u[8:])
	return b
}

var (
	ifA = [16]byte{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd, 0xef, 0, 1, 2, 3, 4, 5, 6}
	ifB = [16]byte{0xaf, 0xa8, 0xbd, 0x80, 0x7d, 0x8a, 0x11, 0xc9, 0xbe, 0xf4, 8, 0, 0x2b, 0x10, 0x29, 0x89}
)

func bindBody(ctxs ...[16]byte) []byte {
	b := make([]byte, 12)
	b[8] = byte(len(ctxs))
	for i, u := range ctxs {
		c := make([]byte, 4, 44)
		binary.LittleEndian.PutUint16(c, uint16(i))
		c[2] = 1
		c = append(c, wireUUID(u, binary.LittleEndian)...)
		c = append(c, 1, 0, 0, 0)          // version 1.0
		c = append(c, make([]byte, 20)...) // transfer syntax
		b = append(b, c...)
	}
	return b
}

func bindAckBody(results ...uint16) []byte {
	b := make([]byte, 10)
	binary.LittleEndian.PutUint16(b[8:], 4)
	b = append(b, '1', '3', '5', 0) // secondary address; 16+14 = 30, pad to 32
	b = append(b, 0, 0)
	b = append(b, byte(len(results)), 0, 0, 0)
	for _, r := range results {
		e := make([]byte, 24)
		binary.LittleEndian.PutUint16(e, r)
		b = append(b, e...)
	}
	return b
}

func reqBody(ctx, opnum uint16, stub string, big bool) []byte {
	var o binary.ByteOrder = binary.LittleEndian
	if big {
		o = binary.BigEndian
	}
	b := make([]byte, 8)
	o.PutUint16(b[4:], ctx)
	o.PutUint16(b[6:], opnum)
	return append(b, stub...)
}

func feedAll(p *Parser, dir applayer.Direction, b []byte, step int) {
	for len(b) > 0 {
		n := min(step, len(b))
		p.Parse(dir, b[:n])
		b = b[n:]
	}
}

// conversation is a bind of ifA (rejected) and ifB (accepted), then a
// request on context 1 split in two fragments, and its response.
func conversation() (ts, tc []byte) {
	ts = append(ts, pdu(TypeBind, 3, 1, bindBody(ifA, ifB), false)...)
	ts = append(ts, pdu(TypeRequest, FlagFirstFrag, 2, reqBody(1, 7, "hello ", false), false)...)
	ts = append(ts, pdu(TypeRequest, FlagLastFrag, 2, reqBody(1, 7, "world", false), false)...)
	tc = append(tc, pdu(TypeBindAck, 3, 1, bindAckBody(2, 0), false)...)
	tc = append(tc, pdu(TypeResponse, 3, 2, []byte("\x00\x00\x00\x00\x01\x00\x00\x00resp"), false)...)
	return ts, tc
}

func TestConversation(t *testing.T) {
	ts, tc := conversation()
	for _, step := range []int{1, 7, 1 << 20} {
		p := New()
		// The bind and bind_ack first, as on the wire.
		bindLen := int(binary.LittleEndian.Uint16(ts[8:]))
		feedAll(p, applayer.ToServer, ts[:bindLen], step)
		ackLen := int(binary.LittleEndian.Uint16(tc[8:]))
		feedAll(p, applayer.ToClient, tc[:ackLen], step)
		if ifs := p.st.Ifaces(); len(ifs) != 2 || !ifs[1].Accepted() || ifs[0].Accepted() {
			t.Fatalf("step %d: contexts after bind_ack %+v", step, ifs)
		}
		feedAll(p, applayer.ToServer, ts[bindLen:], step)
		feedAll(p, applayer.ToClient, tc[ackLen:], step)
		if p.State() != 0 {
			t.Fatalf("step %d: state %v", step, p.State())
		}
		if p.TxCount() != 2 {
			t.Fatalf("step %d: %d txs, want 2", step, p.TxCount())
		}
		bind, req := p.TxAt(0), p.TxAt(1)
		if _, ok := bind.BufferAt(applayer.ToServer, bufid.DCERPCIface, 0); ok {
			t.Errorf("bind tx has an iface record")
		}
		if got := req.Buffer(applayer.ToServer, bufid.DCERPCStubData); string(got) != "hello world" {
			t.Errorf("step %d: request stub %q", step, got)
		}
		if got := req.Buffer(applayer.ToClient, bufid.DCERPCStubData); string(got) != "resp" {
			t.Errorf("step %d: response stub %q", step, got)
		}
		if got := req.Buffer(applayer.ToServer, bufid.DCERPCOpnum); !bytes.Equal(got, []byte{7, 0}) {
			t.Errorf("opnum %v", got)
		}
		rec, ok := req.BufferAt(applayer.ToServer, bufid.DCERPCIface, 0)
		if !ok || !bytes.Equal(rec[:16], ifB[:]) || rec[16] != 1 || rec[18] != IfaceFirstFrag {
			t.Errorf("iface record %x, %v", rec, ok)
		}
		if _, ok := req.BufferAt(applayer.ToServer, bufid.DCERPCIface, 1); ok {
			t.Errorf("rejected context listed")
		}
		if !req.Complete(applayer.ToServer) || !req.Complete(applayer.ToClient) {
			t.Errorf("request tx not complete")
		}
		p.Prune(2)
		if p.TxCount() != 0 {
			t.Errorf("prune left %d txs", p.TxCount())
		}
	}
}

func TestBigEndianAndContextMismatch(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, pdu(TypeBind, 2, 1, bindBody(ifA), false)) // no first-frag flag
	p.Parse(applayer.ToClient, pdu(TypeBindAck, 3, 1, bindAckBody(0), false))
	p.Parse(applayer.ToServer, pdu(TypeRequest, 3, 2, reqBody(0, 0x1234, "x", true), true))
	p.Parse(applayer.ToServer, pdu(TypeRequest, 3, 3, reqBody(5, 1, "y", false), false))
	if p.TxCount() != 3 {
		t.Fatalf("%d txs", p.TxCount())
	}
	req := p.TxAt(1)
	if got := req.Buffer(applayer.ToServer, bufid.DCERPCOpnum); !bytes.Equal(got, []byte{0x34, 0x12}) {
		t.Errorf("big endian opnum %x", got)
	}
	if got := req.Buffer(applayer.ToServer, bufid.DCERPCEndian); !bytes.Equal(got, []byte{1}) {
		t.Errorf("endian %v", got)
	}
	if rec, ok := req.BufferAt(applayer.ToServer, bufid.DCERPCIface, 0); !ok || rec[18] != 0 {
		t.Errorf("iface record %x %v: want one without the first-frag flag", rec, ok)
	}
	if _, ok := p.TxAt(2).BufferAt(applayer.ToServer, bufid.DCERPCIface, 0); ok {
		t.Errorf("request on an unbound context has an iface")
	}
}

func TestNotDCERPC(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	if p.State()&applayer.StateError == 0 {
		t.Errorf("no error state on HTTP")
	}
	for _, tc := range []struct {
		in   string
		want applayer.ProbeResult
	}{
		{"\x05", applayer.ProbeNeedMore},
		{"\x05\x01\x00", applayer.ProbeNeedMore}, // SOCKS5 greeting prefix: needs the header
		{"\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50\x00\x00\x00\x00\x00\x00", applayer.ProbeNoMatch},
		{string(pdu(TypeBind, 3, 1, bindBody(ifA), false)), applayer.ProbeMatch},
		{"\x04\x00", applayer.ProbeNoMatch},
	} {
		if got := applayer.ProbeDCERPC([]byte(tc.in)); got != tc.want {
			t.Errorf("ProbeDCERPC(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	p := New()
	ts, tc := conversation()
	p.Parse(applayer.ToServer, ts)
	p.Parse(applayer.ToClient, tc)
	req := pdu(TypeRequest, 3, 9, reqBody(1, 7, "stub", false), false)
	p.Parse(applayer.ToServer, req)
	p.Prune(^uint64(0))
	// A request is a new transaction: one Tx and its stub are expected;
	// bound the count so a regression (per-byte copies) shows.
	n := testing.AllocsPerRun(100, func() {
		p.Parse(applayer.ToServer, req)
		p.Parse(applayer.ToClient, pdu(TypeResponse, 3, 9, []byte("\x00\x00\x00\x00\x01\x00\x00\x00"), false))
		p.Prune(^uint64(0))
	})
	if n > 4 {
		t.Errorf("%v allocations per request/response, want <= 4", n)
	}
}
