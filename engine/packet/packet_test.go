package packet

import (
	"net/netip"
	"strings"
	"testing"
)

func TestEventNames(t *testing.T) {
	seen := map[string]Event{}
	for e := Event(1); e < numEvents; e++ {
		n := e.String()
		if !strings.HasPrefix(n, "decoder.") {
			t.Errorf("event %d: name %q lacks the decoder. prefix", e, n)
		}
		if prev, dup := seen[n]; dup {
			t.Errorf("event %d and %d share the name %q", prev, e, n)
		}
		seen[n] = e
		got, ok := EventByName(n)
		if !ok || got != e {
			t.Errorf("EventByName(%q) = %d, %v; want %d", n, got, ok, e)
		}
		short := strings.TrimPrefix(n, "decoder.")
		if got, ok := EventByName(short); !ok || got != e {
			t.Errorf("EventByName(%q) = %d, %v; want %d", short, got, ok, e)
		}
	}
	if EventNone.String() != "" || Event(255).String() != "" {
		t.Errorf("EventNone/unknown must stringify to empty")
	}
	if got := EventTCPHLenTooSmall.String(); got != "decoder.tcp.hlen_too_small" {
		t.Errorf("EventTCPHLenTooSmall = %q", got)
	}
	if got := EventIPv4TruncPkt.String(); got != "decoder.ipv4.trunc_pkt" {
		t.Errorf("EventIPv4TruncPkt = %q", got)
	}
	if _, ok := EventByName("ipv4.nonsense"); ok {
		t.Errorf("EventByName accepted an unknown name")
	}
}

func TestAddEvent(t *testing.T) {
	var p Packet
	for i := 0; i < MaxEvents+3; i++ {
		p.AddEvent(EventIPv4TruncPkt)
	}
	if p.NumEvents != MaxEvents || p.EventsDropped != 3 {
		t.Fatalf("NumEvents=%d EventsDropped=%d; want %d, 3", p.NumEvents, p.EventsDropped, MaxEvents)
	}
	if !p.HasEvent(EventIPv4TruncPkt) || p.HasEvent(EventTCPPktTooSmall) {
		t.Fatalf("HasEvent wrong")
	}
	p.Ts, p.PcapCnt = 5, 7
	p.Reset()
	if p.NumEvents != 0 || p.Ts != 5 || p.PcapCnt != 7 || p.L3Off != -1 {
		t.Fatalf("Reset: %+v", p)
	}
}

func TestFlowHashSymmetric(t *testing.T) {
	tests := []struct {
		name     string
		src, dst string
		sp, dp   uint16
		proto    uint8
	}{
		{"v4 tcp", "10.0.0.1", "192.168.1.9", 51000, 80, ProtoTCP},
		{"v4 same addr", "10.0.0.1", "10.0.0.1", 1, 2, ProtoUDP},
		{"v6 udp", "2001:db8::1", "2001:db8::2", 53, 5353, ProtoUDP},
		{"v4 icmp", "1.2.3.4", "4.3.2.1", 0, 0, ProtoICMP},
	}
	hashes := map[uint32]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fwd := Packet{IPVersion: 4, Src: netip.MustParseAddr(tt.src), Dst: netip.MustParseAddr(tt.dst), SrcPort: tt.sp, DstPort: tt.dp, Proto: tt.proto}
			rev := fwd
			rev.Src, rev.Dst, rev.SrcPort, rev.DstPort = fwd.Dst, fwd.Src, fwd.DstPort, fwd.SrcPort
			if a, b := fwd.FlowHash(), rev.FlowHash(); a != b {
				t.Fatalf("FlowHash A->B %#x != B->A %#x", a, b)
			}
			other := fwd
			other.SrcPort++
			if other.FlowHash() == fwd.FlowHash() {
				t.Errorf("changing a port did not change the hash")
			}
			if prev, dup := hashes[fwd.FlowHash()]; dup {
				t.Errorf("hash collides with %s", prev)
			}
			hashes[fwd.FlowHash()] = tt.name
			if n := testing.AllocsPerRun(100, func() { _ = fwd.FlowHash() }); n != 0 {
				t.Errorf("FlowHash allocates %v times", n)
			}
		})
	}
	var none Packet
	if none.FlowHash() != 0 {
		t.Errorf("non-IP packet hash = %d; want 0", none.FlowHash())
	}
}
