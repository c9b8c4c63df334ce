//go:build linux

package bpf

import (
	"encoding/binary"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// These tests run the program on crafted frames with BPF_PROG_TEST_RUN, so
// the parser is checked on shapes a veth pair will not produce (802.1Q and
// QinQ tags in the frame, IPv4 options and fragments, IPv6 extension
// headers).
//
// For socket filters the kernel's test run removes a 14-byte Ethernet header
// (eth_type_trans) before running the program, whereas on an AF_PACKET
// socket the program sees the frame from the MAC header. testRun therefore
// prepends a dummy header, so the program sees exactly the frame given.

func testRun(t testing.TB, f *Filter, frame []byte) uint32 {
	t.Helper()
	data := append(make([]byte, 14, 14+len(frame)), frame...)
	binary.BigEndian.PutUint16(data[12:], unix.ETH_P_IP)
	ret, err := f.objs.VigilFilter.Run(&ebpf.RunOptions{Data: data})
	if err != nil {
		t.Fatalf("test run: %v", err)
	}
	return ret
}

func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: loading eBPF needs root (CAP_BPF)")
	}
}

// frameSpec describes a frame for buildFrame.
type frameSpec struct {
	vlans      []uint16 // TPIDs of the tags, outermost first
	src, dst   netip.Addr
	proto      uint8
	sport      uint16
	dport      uint16
	ipOptions  int    // extra IPv4 header words
	fragOffset uint16 // IPv4 fragment offset in 8-byte units
	hopByHop   bool   // an IPv6 hop-by-hop header before the transport header
}

func buildFrame(s frameSpec) []byte {
	b := make([]byte, 12) // MACs
	for _, tpid := range s.vlans {
		b = binary.BigEndian.AppendUint16(b, tpid)
		b = binary.BigEndian.AppendUint16(b, 42) // TCI
	}
	l4 := make([]byte, 20)
	binary.BigEndian.PutUint16(l4, s.sport)
	binary.BigEndian.PutUint16(l4[2:], s.dport)
	if s.src.Is4() {
		b = binary.BigEndian.AppendUint16(b, unix.ETH_P_IP)
		ip := make([]byte, 20+4*s.ipOptions)
		ip[0] = 0x40 | byte(5+s.ipOptions)
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)+len(l4)))
		binary.BigEndian.PutUint16(ip[6:], s.fragOffset)
		ip[8], ip[9] = 64, s.proto
		copy(ip[12:], s.src.AsSlice())
		copy(ip[16:], s.dst.AsSlice())
		return append(append(b, ip...), l4...)
	}
	b = binary.BigEndian.AppendUint16(b, unix.ETH_P_IPV6)
	ip := make([]byte, 40)
	ip[0] = 0x60
	ip[6], ip[7] = s.proto, 64
	copy(ip[8:], s.src.AsSlice())
	copy(ip[24:], s.dst.AsSlice())
	if s.hopByHop {
		ip[6] = 0 // hop-by-hop options
		l4 = append([]byte{s.proto, 0, 1, 4, 0, 0, 0, 0}, l4...)
	}
	binary.BigEndian.PutUint16(ip[4:], uint16(len(l4)))
	return append(append(b, ip...), l4...)
}

func TestProgramParse(t *testing.T) {
	requireRoot(t)
	f := loadForTest(t)
	for _, p := range []string{"10.1.0.0/16", "2001:db8:1::/48"} {
		if err := f.AddExclude(netip.MustParsePrefix(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.AddExcludePort(9999); err != nil {
		t.Fatal(err)
	}
	in4, out4 := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.2.0.1")
	in6, out6 := netip.MustParseAddr("2001:db8:1::5"), netip.MustParseAddr("2001:db8:2::5")
	other4, other6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8:9::1")
	byp := FlowKey{Src: netip.MustParseAddr("192.0.2.7"), Dst: netip.MustParseAddr("192.0.2.8"), SrcPort: 5555, DstPort: 443, Proto: unix.IPPROTO_TCP}
	if err := f.Bypass(byp, time.Hour); err != nil {
		t.Fatal(err)
	}
	const q, ad = 0x8100, 0x88a8
	tests := []struct {
		name string
		s    frameSpec
		pass bool
	}{
		{"ipv4 excluded src", frameSpec{src: in4, dst: other4, proto: unix.IPPROTO_UDP, sport: 1, dport: 2}, false},
		{"ipv4 excluded dst", frameSpec{src: other4, dst: in4, proto: unix.IPPROTO_TCP, sport: 1, dport: 2}, false},
		{"ipv4 other", frameSpec{src: out4, dst: other4, proto: unix.IPPROTO_UDP, sport: 1, dport: 2}, true},
		{"802.1Q excluded", frameSpec{vlans: []uint16{q}, src: in4, dst: other4, proto: unix.IPPROTO_UDP}, false},
		{"802.1Q other", frameSpec{vlans: []uint16{q}, src: out4, dst: other4, proto: unix.IPPROTO_UDP}, true},
		{"QinQ excluded", frameSpec{vlans: []uint16{ad, q}, src: other4, dst: in4, proto: unix.IPPROTO_UDP}, false},
		{"ipv4 options excluded port", frameSpec{src: out4, dst: other4, proto: unix.IPPROTO_UDP, sport: 1, dport: 9999, ipOptions: 2}, false},
		{"ipv4 excluded sport", frameSpec{src: out4, dst: other4, proto: unix.IPPROTO_TCP, sport: 9999, dport: 80}, false},
		{"ipv4 later fragment has no ports", frameSpec{src: out4, dst: other4, proto: unix.IPPROTO_UDP, dport: 9999, fragOffset: 100}, true},
		{"port of icmp is not a port", frameSpec{src: out4, dst: other4, proto: unix.IPPROTO_ICMP, dport: 9999}, true},
		{"ipv6 excluded", frameSpec{src: other6, dst: in6, proto: unix.IPPROTO_TCP, sport: 1, dport: 2}, false},
		{"ipv6 other", frameSpec{src: out6, dst: other6, proto: unix.IPPROTO_TCP, sport: 1, dport: 2}, true},
		{"ipv6 excluded port", frameSpec{vlans: []uint16{q}, src: out6, dst: other6, proto: unix.IPPROTO_UDP, sport: 9999, dport: 2}, false},
		{"ipv6 extension header hides ports", frameSpec{src: out6, dst: other6, proto: unix.IPPROTO_UDP, dport: 9999, hopByHop: true}, true},
		{"bypassed flow", frameSpec{src: byp.Src, dst: byp.Dst, proto: unix.IPPROTO_TCP, sport: 5555, dport: 443}, false},
		{"bypassed flow reply", frameSpec{src: byp.Dst, dst: byp.Src, proto: unix.IPPROTO_TCP, sport: 443, dport: 5555}, false},
		{"bypassed addresses other port", frameSpec{src: byp.Src, dst: byp.Dst, proto: unix.IPPROTO_TCP, sport: 5556, dport: 443}, true},
		{"bypassed ports udp", frameSpec{src: byp.Src, dst: byp.Dst, proto: unix.IPPROTO_UDP, sport: 5555, dport: 443}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame := buildFrame(tt.s)
			got := testRun(t, f, frame)
			want := uint32(0)
			if tt.pass {
				want = uint32(len(frame))
			}
			if got != want {
				t.Errorf("verdict = %d, want %d (frame % x)", got, want, frame)
			}
		})
	}
	t.Run("non-ip", func(t *testing.T) {
		arp := make([]byte, 42)
		binary.BigEndian.PutUint16(arp[12:], unix.ETH_P_ARP)
		if got := testRun(t, f, arp); got != 42 {
			t.Errorf("ARP verdict = %d, want 42", got)
		}
		// Shorter frames than this are refused by the test run itself.
		short := make([]byte, 34)
		binary.BigEndian.PutUint16(short[12:], unix.ETH_P_IPV6)
		if got := testRun(t, f, short); got != 34 {
			t.Errorf("truncated IPv6 verdict = %d, want 34", got)
		}
	})
}

// BenchmarkProgram measures the program's run time per packet in the
// kernel (BPF_PROG_TEST_RUN), with a few hundred prefixes and bypassed
// flows loaded.
func BenchmarkProgram(b *testing.B) {
	requireRoot(b)
	f, err := Load(Options{})
	if err != nil {
		b.Skipf("skipping: %v", err)
	}
	defer f.Close()
	for i := 0; i < 256; i++ {
		if err := f.AddExclude(netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i), 0}), 24)); err != nil {
			b.Fatal(err)
		}
		k := FlowKey{Src: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}), Dst: netip.AddrFrom4([4]byte{198, 51, 100, 1}), SrcPort: 1000 + uint16(i), DstPort: 443, Proto: unix.IPPROTO_TCP}
		if err := f.Bypass(k, 0); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name string
		s    frameSpec
	}{
		{"pass/ipv4", frameSpec{src: netip.MustParseAddr("10.0.0.1"), dst: netip.MustParseAddr("10.0.0.2"), proto: unix.IPPROTO_TCP, sport: 1, dport: 80}},
		{"excluded/ipv4", frameSpec{src: netip.MustParseAddr("172.16.7.1"), dst: netip.MustParseAddr("10.0.0.2"), proto: unix.IPPROTO_TCP, sport: 1, dport: 80}},
		{"bypassed/ipv4", frameSpec{src: netip.MustParseAddr("198.51.100.1"), dst: netip.MustParseAddr("192.0.2.9"), proto: unix.IPPROTO_TCP, sport: 443, dport: 1009}},
		{"pass/ipv6", frameSpec{src: netip.MustParseAddr("fd00::1"), dst: netip.MustParseAddr("fd00::2"), proto: unix.IPPROTO_UDP, sport: 1, dport: 53}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			frame := buildFrame(c.s)
			data := append(make([]byte, 14), frame...)
			binary.BigEndian.PutUint16(data[12:], unix.ETH_P_IP)
			_, per, err := f.objs.VigilFilter.Benchmark(data, b.N, b.ResetTimer)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(per.Nanoseconds()), "ns/pkt")
		})
	}
}

// refVerdict is a Go model of filter.c for the map contents FuzzProgram
// installs: excluded 10.1.0.0/16, 2001:db8:1::/48 and port 9999, bypassed
// TCP flow 192.0.2.7:5555 <-> 192.0.2.8:443. It reports whether the frame
// passes.
func refVerdict(frame []byte) bool {
	if len(frame) < 14 {
		return true
	}
	et := binary.BigEndian.Uint16(frame[12:])
	off := 14
	for i := 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++ {
		if len(frame) < off+4 {
			return true
		}
		et = binary.BigEndian.Uint16(frame[off+2:])
		off += 4
	}
	var src, dst netip.Addr
	var proto uint8
	l4 := false
	switch et {
	case unix.ETH_P_IP:
		if len(frame) < off+1 {
			return true
		}
		vihl := frame[off]
		if vihl>>4 != 4 || vihl&0xf < 5 || len(frame) < off+20 {
			return true
		}
		proto = frame[off+9]
		src = netip.AddrFrom4([4]byte(frame[off+12 : off+16]))
		dst = netip.AddrFrom4([4]byte(frame[off+16 : off+20]))
		l4 = binary.BigEndian.Uint16(frame[off+6:])&0x1fff == 0
		off += int(vihl&0xf) * 4
	case unix.ETH_P_IPV6:
		if len(frame) < off+40 {
			return true
		}
		proto = frame[off+6]
		src = netip.AddrFrom16([16]byte(frame[off+8 : off+24]))
		dst = netip.AddrFrom16([16]byte(frame[off+24 : off+40]))
		l4 = true
		off += 40
	default:
		return true
	}
	var sport, dport uint16
	if l4 && (proto == unix.IPPROTO_TCP || proto == unix.IPPROTO_UDP) && len(frame) >= off+4 {
		sport, dport = binary.BigEndian.Uint16(frame[off:]), binary.BigEndian.Uint16(frame[off+2:])
	}
	for _, p := range []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2001:db8:1::/48")} {
		if p.Contains(src) || p.Contains(dst) {
			return false
		}
	}
	if (proto == unix.IPPROTO_TCP || proto == unix.IPPROTO_UDP) && (sport == 9999 || dport == 9999) {
		return false
	}
	a, b := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("192.0.2.8")
	if proto == unix.IPPROTO_TCP && ((src == a && dst == b && sport == 5555 && dport == 443) || (src == b && dst == a && sport == 443 && dport == 5555)) {
		return false
	}
	return true
}

// FuzzProgram checks that the kernel program and refVerdict agree on any
// frame, and that the verdict is always 0 or the whole frame.
func FuzzProgram(f *testing.F) {
	if os.Geteuid() != 0 {
		f.Skip("skipping: loading eBPF needs root (CAP_BPF)")
	}
	flt, err := Load(Options{})
	if err != nil {
		f.Skipf("skipping: %v", err)
	}
	f.Cleanup(func() { flt.Close() })
	for _, p := range []string{"10.1.0.0/16", "2001:db8:1::/48"} {
		if err := flt.AddExclude(netip.MustParsePrefix(p)); err != nil {
			f.Fatal(err)
		}
	}
	if err := flt.AddExcludePort(9999); err != nil {
		f.Fatal(err)
	}
	byp := FlowKey{Src: netip.MustParseAddr("192.0.2.7"), Dst: netip.MustParseAddr("192.0.2.8"), SrcPort: 5555, DstPort: 443, Proto: unix.IPPROTO_TCP}
	if err := flt.Bypass(byp, 0); err != nil {
		f.Fatal(err)
	}
	a4, b4 := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.2.0.1")
	a6 := netip.MustParseAddr("2001:db8:1::5")
	b6 := netip.MustParseAddr("2001:db8:2::5")
	for _, s := range []frameSpec{
		{src: a4, dst: b4, proto: unix.IPPROTO_UDP, sport: 1, dport: 2},
		{src: b4, dst: b4, proto: unix.IPPROTO_TCP, sport: 9999, dport: 2, ipOptions: 1},
		{vlans: []uint16{0x88a8, 0x8100}, src: b4, dst: b4, proto: unix.IPPROTO_UDP, fragOffset: 3},
		{vlans: []uint16{0x8100}, src: b6, dst: a6, proto: unix.IPPROTO_TCP, sport: 1, dport: 2},
		{src: b6, dst: b6, proto: unix.IPPROTO_UDP, dport: 9999, hopByHop: true},
		{src: byp.Dst, dst: byp.Src, proto: unix.IPPROTO_TCP, sport: 443, dport: 5555},
	} {
		f.Add(buildFrame(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		// The test run needs an IPv4 header's worth of bytes after the
		// dummy Ethernet header, and caps the size it accepts.
		if len(frame) < 20 || len(frame) > 1500 {
			return
		}
		got := testRun(t, flt, frame)
		if got != 0 && got != uint32(len(frame)) {
			t.Fatalf("verdict %d, want 0 or %d", got, len(frame))
		}
		if want := refVerdict(frame); (got != 0) != want {
			t.Fatalf("kernel passes = %v, model passes = %v for frame % x", got != 0, want, frame)
		}
	})
}
