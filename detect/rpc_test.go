package detect

import (
	"encoding/binary"
	"testing"

	"vigil/detect/mpm"
)

// rpcCall returns an ONC RPC call message (24 bytes of header).
func rpcCall(msgType, prog, vers, proc uint32) []byte {
	b := make([]byte, 24)
	be := binary.BigEndian
	be.PutUint32(b[0:], 0x1234) // xid
	be.PutUint32(b[4:], msgType)
	be.PutUint32(b[8:], 2) // rpcvers
	be.PutUint32(b[12:], prog)
	be.PutUint32(b[16:], vers)
	be.PutUint32(b[20:], proc)
	return b
}

func TestRPC(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert udp any any -> any any (rpc:100000; sid:1;)
alert udp any any -> any any (rpc:100000,2,*; sid:2;)
alert udp any any -> any any (rpc:100000,*,4; sid:3;)
alert udp any any -> any any (rpc:100000,3,4; sid:4;)
alert tcp any any -> any any (rpc:100003,3; sid:5;)
`)
	if rep.Loaded != 5 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	udp := func(payload []byte) *Packet {
		p := tcpPacket("", true)
		p.Proto, p.Payload = 17, payload
		return p
	}
	for _, tc := range []struct {
		name string
		p    *Packet
		want []uint32
	}{
		{"portmap getport v2", udp(rpcCall(0, 100000, 2, 3)), []uint32{1, 2}},
		{"portmap dump v2 proc 4", udp(rpcCall(0, 100000, 2, 4)), []uint32{1, 2, 3}},
		{"v3 proc 4", udp(rpcCall(0, 100000, 3, 4)), []uint32{1, 3, 4}},
		{"reply", udp(rpcCall(1, 100000, 2, 4)), nil},
		{"short", udp(rpcCall(0, 100000, 2, 4)[:23]), nil},
		{"tcp after the record marker", func() *Packet {
			p := tcpPacket("", true)
			p.Payload = append([]byte{0x80, 0, 0, 24}, rpcCall(0, 100003, 3, 1)...)
			return p
		}(), []uint32{5}},
	} {
		if got := sids(m.MatchPacket(tc.p, nil)); !equal(got, tc.want...) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, bad := range []string{"rpc:;", "rpc:x;", "rpc:1,2,3,4;", "rpc:*;", "rpc:12345678901;"} {
		if n := compileCount(t, `alert udp any any -> any any (`+bad+` sid:1;)`); n != 0 {
			t.Errorf("%s compiled", bad)
		}
	}
}
