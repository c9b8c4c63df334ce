package decode

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"vigil/engine/packet"
	"vigil/engine/pcapfile"
)

// TestDecodeCorpus decodes every packet of every shared capture, checks
// invariants that must hold for any input, and logs per-directory counts
// and the decoder events seen.
func TestDecodeCorpus(t *testing.T) {
	dirs := captureDirs(t)
	names := make([]string, 0, len(dirs))
	for k := range dirs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, dir := range names {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			d := New(Options{Checksum: ChecksumAll})
			var p packet.Packet
			files := 0
			for _, f := range dirs[dir] {
				r, err := pcapfile.Open(f)
				if err != nil {
					t.Fatal(err)
				}
				files++
				for {
					rec, err := r.Next()
					if err != nil {
						if err != io.EOF {
							t.Logf("%v", err)
						}
						break
					}
					p.PcapCnt++
					d.Decode(&p, rec.LinkType, rec.Data)
					checkInvariants(t, f, &p)
				}
				r.Close()
			}
			s := &d.Stats
			if s.Packets == 0 || s.IPv4+s.IPv6 == 0 || s.TCP == 0 {
				t.Fatalf("implausible stats: %+v", *s)
			}
			t.Logf("%s: %d files, %d packets, %d bytes; ipv4 %d ipv6 %d tcp %d udp %d icmp4 %d icmp6 %d sctp %d; vlan %d mpls %d pppoe %d gre %d erspan %d vxlan %d geneve %d ipip %d teredo %d; frags %d invalid %d other %d; bad csum ip %d tcp %d udp %d icmp %d",
				dir, files, s.Packets, s.Bytes, s.IPv4, s.IPv6, s.TCP, s.UDP, s.ICMPv4, s.ICMPv6, s.SCTP,
				s.VLAN, s.MPLS, s.PPPoE, s.GRE, s.ERSPAN, s.VXLAN, s.Geneve, s.IPIP, s.Teredo,
				s.Fragments, s.Invalid, s.Other, s.IPv4CsumInvalid, s.TCPCsumInvalid, s.UDPCsumInvalid, s.ICMPCsumInvalid)
			t.Logf("%s events: %s", dir, eventSummary(s))
		})
	}
}

func eventSummary(s *Stats) string {
	var parts []string
	for e := 1; e < packet.NumEvents; e++ {
		if s.Events[e] != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", packet.Event(e), s.Events[e]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// checkInvariants fails the test when decoded offsets and slices do not fit
// the frame.
func checkInvariants(t *testing.T, file string, p *packet.Packet) {
	t.Helper()
	n := len(p.Data)
	for _, o := range []int{p.L2Off, p.L3Off, p.L4Off, p.PayloadOff} {
		if o < -1 || o > n {
			t.Fatalf("%s pkt %d: offset %d outside frame of %d", file, p.PcapCnt, o, n)
		}
	}
	if p.L4Off >= 0 && p.L3Off > p.L4Off {
		t.Fatalf("%s pkt %d: L3 %d after L4 %d", file, p.PcapCnt, p.L3Off, p.L4Off)
	}
	if (p.IPVersion == 4) != p.Src.Is4() && p.IPVersion != 0 {
		t.Fatalf("%s pkt %d: IP version %d with address %v", file, p.PcapCnt, p.IPVersion, p.Src)
	}
	if p.IsFragment && (p.Frag.DataOff+p.Frag.DataLen > n || p.Frag.DataOff < 0) {
		t.Fatalf("%s pkt %d: fragment data %d+%d outside frame %d", file, p.PcapCnt, p.Frag.DataOff, p.Frag.DataLen, n)
	}
	if p.NumEvents > 0 && p.Events[0] == packet.EventNone {
		t.Fatalf("%s pkt %d: empty event recorded", file, p.PcapCnt)
	}
}
