package flow

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// testPkt is one frame of a capture, decoded by gopacket (tests only).
type testPkt struct {
	ts   int64
	data []byte
	pkt  gopacket.Packet
}

// readPcap reads a pcap or pcapng file whole.
func readPcap(t testing.TB, path string) []testPkt {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("read %s: %v", path, err)
	}
	var (
		next func() ([]byte, gopacket.CaptureInfo, error)
		lt   layers.LinkType
	)
	if len(raw) >= 4 && bytes.Equal(raw[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bufio.NewReader(bytes.NewReader(raw)), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("pcapng %s: %v", path, err)
		}
		next, lt = r.ReadPacketData, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("pcap %s: %v", path, err)
		}
		next, lt = r.ReadPacketData, r.LinkType()
	}
	var out []testPkt
	for {
		d, ci, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		p := gopacket.NewPacket(d, lt, gopacket.Default)
		out = append(out, testPkt{ts: ci.Timestamp.UnixNano(), data: d, pkt: p})
	}
	return out
}

// tupleOf fills a Tuple from a decoded packet with exactly one IP layer;
// ok is false for anything else (tunnels, fragments, non-IP).
func tupleOf(p gopacket.Packet) (tp Tuple, ok bool) {
	nip := 0
	for _, l := range p.Layers() {
		switch l := l.(type) {
		case *layers.IPv4:
			nip++
			if l.Flags&layers.IPv4MoreFragments != 0 || l.FragOffset != 0 {
				return tp, false
			}
			copy(tp.Src[12:], l.SrcIP.To4())
			copy(tp.Dst[12:], l.DstIP.To4())
			tp.Src[10], tp.Src[11], tp.Dst[10], tp.Dst[11] = 0xff, 0xff, 0xff, 0xff
			tp.Family = 4
			tp.Proto = uint8(l.Protocol)
		case *layers.IPv6:
			nip++
			copy(tp.Src[:], l.SrcIP.To16())
			copy(tp.Dst[:], l.DstIP.To16())
			tp.Family = 6
			tp.Proto = uint8(l.NextHeader)
		case *layers.IPv6Fragment:
			return tp, false
		case *layers.TCP:
			tp.Proto = ProtoTCP
			tp.SrcPort, tp.DstPort = uint16(l.SrcPort), uint16(l.DstPort)
			if l.SYN {
				tp.TCPFlags |= TCPSyn
			}
			if l.ACK {
				tp.TCPFlags |= TCPAck
			}
			if l.FIN {
				tp.TCPFlags |= TCPFin
			}
			if l.RST {
				tp.TCPFlags |= TCPRst
			}
		case *layers.UDP:
			tp.Proto = ProtoUDP
			tp.SrcPort, tp.DstPort = uint16(l.SrcPort), uint16(l.DstPort)
		case *layers.ICMPv4:
			tp.Proto = ProtoICMP
			tp.ICMPType, tp.ICMPCode = l.TypeCode.Type(), l.TypeCode.Code()
		case *layers.ICMPv6:
			tp.Proto = ProtoICMPv6
			tp.ICMPType, tp.ICMPCode = l.TypeCode.Type(), l.TypeCode.Code()
		}
	}
	return tp, nip == 1
}
