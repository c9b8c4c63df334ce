package flow

import (
	"bufio"
	"bytes"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

// TestCommunityIDSpecVectors checks the published baseline of the spec
// (corelight/community-id-spec baseline/baseline_deflt.json and
// baseline_seed1.json's TCP entry). For ICMP the baseline lists type and
// code (or counterpart type) as sport/dport; type is what we feed.
func TestCommunityIDSpecVectors(t *testing.T) {
	tests := []struct {
		proto        uint8
		saddr, daddr string
		sport, dport uint16
		want         string
	}{
		{58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
		{58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
		{58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
		{58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
		{58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="},
		{58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0="},
		{58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
		{58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
		{58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="},
		{58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
		{1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
		{1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
		{1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM="},
		{6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
		{6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
		{132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
		{132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
		{6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
		{6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
		{17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
		{17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
		{46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
		{46, "10.1.12.2", "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
	}
	for _, tc := range tests {
		tp := tup(tc.saddr, tc.daddr, tc.sport, tc.dport, tc.proto, 0)
		if tc.proto == ProtoICMP || tc.proto == ProtoICMPv6 {
			tp.ICMPType, tp.ICMPCode = uint8(tc.sport), uint8(tc.dport)
		}
		if got := string(CommunityIDOf(nil, 0, tp)); got != tc.want {
			t.Errorf("%d %s %s %d %d: got %s; want %s", tc.proto, tc.saddr, tc.daddr, tc.sport, tc.dport, got, tc.want)
		}
		// Through the table: the flow's id equals the first packet's.
		tb := New[int](Options{})
		e, _, _ := tb.Lookup(tp, 0, 1)
		if tc.proto != ProtoICMP && tc.proto != ProtoICMPv6 {
			if got := e.CommunityID(0); got != tc.want {
				t.Errorf("flow %d %s %s: got %s; want %s", tc.proto, tc.saddr, tc.daddr, got, tc.want)
			}
		}
	}
	// Seed 1 (baseline_seed1.json).
	tp := tup("128.232.110.120", "66.35.250.204", 34855, 80, ProtoTCP, 0)
	if got := string(CommunityIDOf(nil, 1, tp)); got != "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" {
		t.Errorf("seed 1: got %s", got)
	}
}

func TestCommunityIDAllocs(t *testing.T) {
	tb := New[int](Options{})
	e, _, _ := tb.Lookup(tup("10.0.0.1", "10.0.0.2", 1, 2, ProtoTCP, TCPSyn), 0, 1)
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = e.AppendCommunityID(buf[:0], 0) }); n != 0 {
		t.Errorf("AppendCommunityID allocates %v times; want 0", n)
	}
}

// TestCommunityIDTshark compares, packet by packet, the Community ID of the
// flow each packet maps to with the one tshark computes for the packet.
func TestCommunityIDTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	for _, name := range []string{
		"pcaps/bench/zeek__http_bro.org.pcap",
		"pcaps/bench/el__miscellaneous.pcapng",
		"pcaps/bench/malcolm__NTP.pcap",
	} {
		t.Run(name, func(t *testing.T) {
			path := testutil.SharedPath(t, strings.Split(name, "/")...)
			out, err := exec.Command("tshark", "-r", path, "-n", "--enable-protocol", "communityid",
				"-T", "fields", "-e", "frame.number", "-e", "communityid").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			want := map[int]string{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				f := strings.Split(sc.Text(), "\t")
				if len(f) == 2 && f[1] != "" {
					var n int
					for _, c := range f[0] {
						n = n*10 + int(c-'0')
					}
					want[n] = f[1]
				}
			}
			pkts := readPcap(t, path)
			tb := New[int](Options{})
			checked, bad := 0, 0
			for i, p := range pkts {
				tp, ok := tupleOf(p.Pkt)
				if !ok || tp.Family == 0 {
					continue
				}
				w, ok := want[i+1]
				if !ok {
					continue
				}
				e, _, _ := tb.Lookup(&tp, p.Ts, len(p.Data))
				got := string(CommunityIDOf(nil, 0, &tp))
				if got != w {
					bad++
					if bad < 5 {
						t.Errorf("frame %d (%v): packet id %s; tshark %s", i+1, netip.AddrFrom16(tp.Src).Unmap(), got, w)
					}
				}
				// TCP/UDP flow ids are direction-free; ICMP depends on
				// the message, so only check the packet-level value.
				if tp.Proto == ProtoTCP || tp.Proto == ProtoUDP {
					if fid := e.CommunityID(0); fid != w {
						bad++
						if bad < 5 {
							t.Errorf("frame %d: flow id %s; tshark %s", i+1, fid, w)
						}
					}
				}
				checked++
			}
			if checked < 10 {
				t.Fatalf("only %d packets checked", checked)
			}
			t.Logf("%d packets checked, %d mismatches", checked, bad)
		})
	}
}
