package flow

import (
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"vigil/internal/testutil"
)

// readPcap reads a capture with gopacket (tests only).
func readPcap(t testing.TB, path string) []testutil.Frame { return testutil.ReadCapture(t, path) }

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
