package packet

import (
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
