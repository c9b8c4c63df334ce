package dnp3

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// frame builds a link frame with user data (transport header first).
func frame(control byte, dst, src uint16, data []byte) []byte {
	h := []byte{0x05, 0x64, byte(5 + len(data)), control}
	h = binary.LittleEndian.AppendUint16(h, dst)
	h = binary.LittleEndian.AppendUint16(h, src)
	h = binary.LittleEndian.AppendUint16(h, CRC(h))
	for len(data) > 0 {
		n := min(len(data), 16)
		h = append(h, data[:n]...)
		h = binary.LittleEndian.AppendUint16(h, CRC(data[:n]))
		data = data[n:]
	}
	return h
}

// request is a single-segment request fragment from master 1 to 10.
func request(th, ac, fc byte, objs ...byte) []byte {
	return frame(0xc4, 10, 1, append([]byte{th, ac, fc}, objs...))
}

// response is a single-segment response fragment from 10 to 1.
func response(ac, fc byte, iin uint16, objs ...byte) []byte {
	return frame(0x44, 1, 10, append([]byte{0xc0, ac, fc, byte(iin >> 8), byte(iin)}, objs...))
}

var (
	// Class 1, 2, 3 data read (group 60, qualifier 6).
	readClasses = request(0xc0, 0xc1, 1, 60, 2, 6, 60, 3, 6, 60, 4, 6)
	// Response: binary inputs 0-9 packed (g1v1), analog input 0-1 with
	// flags (g30v1, 5 octets each), counter by 1-octet index (g20v2).
	readResp = response(0xc1, 129, 0x8000,
		1, 1, 0x00, 0, 9, 0xff, 0x03,
		30, 1, 0x00, 0, 1, 1, 1, 0, 0, 0, 1, 2, 0, 0, 0,
		20, 2, 0x17, 1, 7, 1, 0x34, 0x12)
	directOperate = request(0xc1, 0xc2, 5, 12, 1, 0x28, 1, 0, 3, 0, 0x41, 1, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0)
	confirm       = request(0xc2, 0xd3, 0)
	unsolicited   = response(0xf0, 130, 0x8002)
)

func TestParse(t *testing.T) {
	stream := bytes.Join([][]byte{readClasses, confirm, directOperate}, nil)
	for _, step := range []int{1, 5, 11, len(stream)} {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(applayer.ToServer, stream[i:min(i+step, len(stream))])
		}
		p.Parse(applayer.ToClient, readResp)
		p.Parse(applayer.ToClient, unsolicited)
		if p.TxCount() != 4 || p.State() != 0 {
			t.Fatalf("step %d: %d transactions, state %v", step, p.TxCount(), p.State())
		}
		read, op, resp, uns := p.Tx(0), p.Tx(1), p.Tx(2), p.Tx(3)
		if !read.Request || read.Func != 1 || len(read.Objects) != 3 || !read.Decoded || read.Src != 1 || read.Dst != 10 {
			t.Errorf("step %d: read %+v", step, read)
		}
		if op.Func != 5 || len(op.Objects) != 1 || op.Objects[0].Group != 12 || len(op.Objects[0].Points) != 1 ||
			op.Objects[0].Points[0].Index != 3 || !op.Decoded {
			t.Errorf("step %d: direct operate %+v", step, op)
		}
		if resp.Request || resp.IIN != 0x8000 || len(resp.Objects) != 3 || !resp.Decoded {
			t.Fatalf("step %d: response %+v", step, resp)
		}
		if o := resp.Objects[0]; o.Count != 10 || len(o.Points) != 10 || o.Points[9].Index != 9 {
			t.Errorf("step %d: packed bits %+v", step, o)
		}
		if o := resp.Objects[2]; o.PrefixCode != 1 || o.Count != 1 || o.Points[0].Index != 7 {
			t.Errorf("step %d: indexed counter %+v", step, o)
		}
		if uns.Func != 130 || uns.IIN != 0x8002 || !uns.Done {
			t.Errorf("step %d: unsolicited %+v", step, uns)
		}
	}
}

func TestSegments(t *testing.T) {
	// One request in two transport segments: FIR seq 5, FIN seq 6.
	first := frame(0xc4, 10, 1, []byte{0x45, 0xc3, 1, 60, 2})
	last := frame(0xc4, 10, 1, []byte{0x86, 6, 60, 3, 6})
	p := New()
	p.Parse(applayer.ToServer, first)
	if p.TxCount() != 1 || p.Tx(0).Done {
		t.Fatalf("after first segment: %d transactions", p.TxCount())
	}
	// A segment out of sequence is not joined.
	p.Parse(applayer.ToServer, frame(0xc4, 10, 1, []byte{0x88, 1}))
	p.Parse(applayer.ToServer, last)
	tx := p.Tx(0)
	if !tx.Done || !tx.Decoded || len(tx.Objects) != 2 || !bytes.Equal(tx.Data, []byte{0xc3, 1, 60, 2, 6, 60, 3, 6}) {
		t.Errorf("reassembled %x, objects %+v", tx.Data, tx.Objects)
	}
}

func TestErrors(t *testing.T) {
	ev := func(tx *Tx) uint32 {
		v, _ := tx.BufferAt(applayer.ToServer, bufid.DNP3Events, 0)
		if v == nil {
			return 0
		}
		return binary.LittleEndian.Uint32(v)
	}
	p := New()
	p.Parse(applayer.ToServer, readClasses)
	bad := append([]byte(nil), directOperate...)
	bad[12] ^= 0xff // user data block
	p.Parse(applayer.ToServer, bad)
	unknown := request(0xc0, 0xc4, 2, 99, 1, 0x00, 0, 0, 1)
	p.Parse(applayer.ToServer, unknown)
	if p.TxCount() != 2 || ev(p.Tx(0))&EventBadTransportCRC == 0 || ev(p.Tx(1)) != EventUnknownObject || p.Tx(1).Decoded {
		t.Errorf("%d transactions, events %x %x", p.TxCount(), ev(p.Tx(0)), ev(p.Tx(p.TxCount()-1)))
	}
	hdr := append([]byte(nil), readClasses...)
	hdr[4] ^= 1 // link header CRC
	p.Parse(applayer.ToServer, hdr)
	p.Parse(applayer.ToServer, readClasses)
	if p.TxCount() != 2 || p.State()&applayer.StateError == 0 || ev(p.Tx(1))&EventBadLinkCRC == 0 {
		t.Errorf("bad link crc: %d transactions, state %v", p.TxCount(), p.State())
	}
	p = New()
	p.Parse(applayer.ToClient, []byte("\x05\x65garbage and more"))
	if p.State()&applayer.StateError == 0 {
		t.Error("bad start octets accepted")
	}
	p = New()
	p.Parse(applayer.ToServer, readClasses[:7])
	p.Gap(applayer.ToServer, 3)
	p.Parse(applayer.ToServer, readClasses)
	if p.TxCount() != 0 || p.State()&applayer.StateGap == 0 {
		t.Errorf("gap: %d transactions", p.TxCount())
	}
}

func TestTxBuffers(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, readClasses)
	p.Parse(applayer.ToClient, readResp)
	req, resp := p.Tx(0), p.Tx(1)
	for _, c := range []struct {
		tx   *Tx
		dir  applayer.Direction
		b    applayer.BufferID
		want string
		ok   bool
	}{
		{req, applayer.ToServer, bufid.DNP3Func, "\x01", true},
		{req, applayer.ToClient, bufid.DNP3Func, "", false},
		{req, applayer.ToServer, bufid.DNP3Ind, "", false},
		{req, applayer.ToServer, bufid.DNP3Obj, "\x3c\x02\x3c\x03\x3c\x04", true},
		{req, applayer.ToServer, bufid.DNP3Data, "\xc1\x01\x3c\x02\x06\x3c\x03\x06\x3c\x04\x06", true},
		{resp, applayer.ToClient, bufid.DNP3Func, "\x81", true},
		{resp, applayer.ToClient, bufid.DNP3Ind, "\x80\x00", true},
		{resp, applayer.ToServer, bufid.DNP3Ind, "", false},
		{resp, applayer.ToClient, bufid.DNP3Obj, "\x01\x01\x1e\x01\x14\x02", true},
	} {
		v, ok := c.tx.BufferAt(c.dir, c.b, 0)
		if ok != c.ok || string(v) != c.want {
			t.Errorf("tx %d %v %v = %x %v, want %x", c.tx.ID(), c.dir, c.b, v, ok, c.want)
		}
	}
}

func TestCaptured(t *testing.T) {
	req, err1 := os.ReadFile("testdata/opendnp3-master.tcp")
	resp, err2 := os.ReadFile("testdata/opendnp3-outstation.tcp")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	p := New()
	p.Parse(applayer.ToServer, req)
	p.Parse(applayer.ToClient, resp)
	if p.State() != 0 || p.TxCount() < 20 {
		t.Fatalf("%d transactions, state %v", p.TxCount(), p.State())
	}
	funcs := map[uint8]int{}
	for i := 0; i < p.TxCount(); i++ {
		tx := p.Tx(i)
		if !tx.Done || !tx.Decoded {
			t.Errorf("tx %d (function %d) done %v decoded %v", i, tx.Func, tx.Done, tx.Decoded)
		}
		funcs[tx.Func]++
	}
	if funcs[21] != 1 || funcs[129] == 0 || funcs[130] == 0 {
		t.Errorf("function codes %v", funcs)
	}
}

// TestEventBits keeps the parser's event bits and bufid's event table in
// step.
func TestEventBits(t *testing.T) {
	want := map[string]uint32{
		"dnp3.flooded": EventFlooded, "dnp3.len_too_small": EventLenTooSmall, "dnp3.bad_link_crc": EventBadLinkCRC,
		"dnp3.bad_transport_crc": EventBadTransportCRC, "dnp3.malformed": EventMalformed,
		"dnp3.unknown_object": EventUnknownObject, "dnp3.too_many_points": EventTooManyPoints,
		"dnp3.too_many_objects": EventTooManyObjects, "dnp3.too_long_reassembly": EventTooLongReassembly,
	}
	for _, e := range bufid.AppEvents {
		if e.Buf == bufid.DNP3Events {
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
