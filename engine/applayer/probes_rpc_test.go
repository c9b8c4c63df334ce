package applayer

import (
	"encoding/binary"
	"testing"
)

// rpcCallMsg is an RPC call (RFC 5531) with AUTH_SYS credentials and an
// AUTH_NONE verifier.
func rpcCallMsg(prog, vers, proc uint32) []byte {
	cred := []byte{0, 0, 0, 0, 0, 0, 0, 1, 'h', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	b := binary.BigEndian.AppendUint32(nil, 0x1234)
	for _, v := range []uint32{0, 2, prog, vers, proc, 1, uint32(len(cred))} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, cred...)
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0)
}

// rpcRecord puts msg behind a last-fragment record mark.
func rpcRecord(msg []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, 0x80000000|uint32(len(msg))), msg...)
}

func TestProbeRPC(t *testing.T) {
	call := rpcCallMsg(100003, 3, 1)
	accepted := []byte{0, 0, 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	denied := []byte{0, 0, 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5}
	badVers := append([]byte(nil), call...)
	badVers[11] = 3
	badFlavor := append([]byte(nil), call...)
	badFlavor[27] = 9
	for _, c := range []struct {
		name     string
		in       []byte
		udp, tcp ProbeResult
		reply    bool
	}{
		{"call", call, ProbeMatch, ProbeMatch, false},
		{"call truncated in verifier", call[:len(call)-4], ProbeNoMatch, ProbeNoMatch, false},
		{"rpc version 3", badVers, ProbeNoMatch, ProbeNoMatch, false},
		{"unknown credential flavor", badFlavor, ProbeNoMatch, ProbeNoMatch, false},
		{"reply is not a call", accepted, ProbeNoMatch, ProbeNoMatch, false},
		{"accepted reply", accepted, ProbeMatch, ProbeMatch, true},
		{"denied reply", denied, ProbeMatch, ProbeMatch, true},
		{"call is not a reply", call, ProbeNoMatch, ProbeNoMatch, true},
		{"http", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ProbeNoMatch, ProbeNoMatch, false},
	} {
		udp, tcp := ProbeRPCCallUDP, ProbeRPCCallTCP
		if c.reply {
			udp, tcp = ProbeRPCReplyUDP, ProbeRPCReplyTCP
		}
		if got := udp(c.in); got != c.udp {
			t.Errorf("%s: udp %v, want %v", c.name, got, c.udp)
		}
		if got := tcp(rpcRecord(c.in)); got != c.tcp {
			t.Errorf("%s: tcp %v, want %v", c.name, got, c.tcp)
		}
	}
	// A record whose message has not all arrived waits.
	rec := rpcRecord(call)
	if got := ProbeRPCCallTCP(rec[:20]); got != ProbeNeedMore {
		t.Errorf("partial record: %v, want need more", got)
	}
	if got := ProbeRPCCallTCP([]byte{0x80, 0, 0, 4, 1, 2, 3, 4}); got != ProbeNoMatch {
		t.Errorf("tiny record: %v, want no match", got)
	}
}
