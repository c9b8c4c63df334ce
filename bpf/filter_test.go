//go:build linux

package bpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

func TestFlowKeyNormalized(t *testing.T) {
	a4, b4 := netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("10.0.0.1")
	a6, b6 := netip.MustParseAddr("fd00::9"), netip.MustParseAddr("fd00::1")
	tests := []struct {
		name   string
		fwd    FlowKey
		wantA  netip.Addr
		wantPA uint16
	}{
		{"ipv4 tcp", FlowKey{Src: a4, Dst: b4, SrcPort: 1000, DstPort: 80, Proto: unix.IPPROTO_TCP}, b4, 80},
		{"ipv6 udp", FlowKey{Src: b6, Dst: a6, SrcPort: 53, DstPort: 5353, Proto: unix.IPPROTO_UDP}, b6, 53},
		{"same addr orders by port", FlowKey{Src: a4, Dst: a4, SrcPort: 9, DstPort: 7, Proto: unix.IPPROTO_UDP}, a4, 7},
		{"mapped ipv4", FlowKey{Src: netip.AddrFrom16(a4.As16()), Dst: b4, SrcPort: 1, DstPort: 2, Proto: unix.IPPROTO_TCP}, b4, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := FlowKey{Src: tt.fwd.Dst, Dst: tt.fwd.Src, SrcPort: tt.fwd.DstPort, DstPort: tt.fwd.SrcPort, Proto: tt.fwd.Proto}
			kf, err := tt.fwd.key()
			if err != nil {
				t.Fatal(err)
			}
			kr, err := rev.key()
			if err != nil {
				t.Fatal(err)
			}
			if kf != kr {
				t.Errorf("key(fwd) = %+v, key(rev) = %+v; want equal", kf, kr)
			}
			var gotA netip.Addr
			if kf.Family == 4 {
				gotA = netip.AddrFrom4([4]byte(kf.AddrA[:4]))
			} else {
				gotA = netip.AddrFrom16(kf.AddrA)
			}
			if gotA != tt.wantA.Unmap() || kf.PortA != tt.wantPA {
				t.Errorf("first end = %v:%d, want %v:%d", gotA, kf.PortA, tt.wantA, tt.wantPA)
			}
		})
	}
	t.Run("icmp ports ignored", func(t *testing.T) {
		k, err := FlowKey{Src: a4, Dst: b4, SrcPort: 8, DstPort: 0, Proto: unix.IPPROTO_ICMP}.key()
		if err != nil {
			t.Fatal(err)
		}
		if k.PortA != 0 || k.PortB != 0 {
			t.Errorf("ports = %d,%d; want 0,0", k.PortA, k.PortB)
		}
	})
	t.Run("mixed families", func(t *testing.T) {
		if _, err := (FlowKey{Src: a4, Dst: b6, Proto: unix.IPPROTO_TCP}).key(); err == nil {
			t.Error("want error for mixed address families")
		}
	})
}

func TestClassifyLoadError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("map create: %w", unix.EPERM), true},
		{fmt.Errorf("prog load: %w", ebpf.ErrNotSupported), true},
		{fmt.Errorf("bpf: %w", unix.ENOSYS), true},
		{errors.New("bad elf"), false},
	}
	for _, tt := range tests {
		got := classifyLoadError(tt.err)
		if errors.Is(got, ErrNotSupported) != tt.want {
			t.Errorf("classifyLoadError(%v) = %v; ErrNotSupported = %v, want %v", tt.err, got, !tt.want, tt.want)
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("classifyLoadError(%v) = %v; does not wrap the cause", tt.err, got)
		}
	}
}

// loadForTest loads the filter or skips when the kernel cannot.
func loadForTest(t *testing.T) *Filter {
	t.Helper()
	f, err := Load(Options{})
	if errors.Is(err, ErrNotSupported) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// rig is a filter attached to a plain AF_PACKET socket on side A of a
// testNet, plus UDP sinks on side A so that no ICMP errors add noise.
type rig struct {
	net   *testNet
	f     *Filter
	fd    int
	sinks map[netip.AddrPort]*net.UDPConn
}

func newRig(t *testing.T) *rig {
	t.Helper()
	n := newTestNet(t)
	f := loadForTest(t)
	r := &rig{net: n, f: f, fd: -1, sinks: map[netip.AddrPort]*net.UDPConn{}}
	n.Do(t, n.NSA, func() error {
		ifi, err := net.InterfaceByName(n.IfA)
		if err != nil {
			return err
		}
		// Protocol 0: nothing is queued before the filter is attached and
		// the socket bound.
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		r.fd = fd
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ATTACH_BPF, f.FD()); err != nil {
			return fmt.Errorf("attach filter: %w", err)
		}
		tv := unix.NsecToTimeval(int64(150 * time.Millisecond))
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return err
		}
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index})
	})
	t.Cleanup(func() { unix.Close(r.fd) })
	for _, a := range []netip.Addr{n.A4, n.A6} {
		for _, port := range []int{6000, 6001} {
			n.Do(t, n.NSA, func() error {
				c, err := net.ListenUDP("udp", &net.UDPAddr{IP: a.AsSlice(), Port: port})
				if err != nil {
					return err
				}
				t.Cleanup(func() { c.Close() })
				r.sinks[netip.AddrPortFrom(a, uint16(port))] = c
				return nil
			})
		}
	}
	return r
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// udp opens a UDP socket in ns bound to src:sport and connected to dst:dport.
func (r *rig) udp(t *testing.T, ns string, src netip.Addr, sport int, dst netip.Addr, dport int) *net.UDPConn {
	t.Helper()
	var c *net.UDPConn
	r.net.Do(t, ns, func() (err error) {
		c, err = net.DialUDP("udp", &net.UDPAddr{IP: src.AsSlice(), Port: sport}, &net.UDPAddr{IP: dst.AsSlice(), Port: dport})
		return err
	})
	t.Cleanup(func() { c.Close() })
	return c
}

func send(t *testing.T, c net.Conn, n int) {
	t.Helper()
	payload := make([]byte, 100)
	for i := 0; i < n; i++ {
		if _, err := c.Write(payload); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
}

// flow summarizes one captured frame.
type flow struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

func (f flow) String() string {
	return fmt.Sprintf("%d %v:%d -> %v:%d", f.proto, f.src, f.sport, f.dst, f.dport)
}

func parseFrame(b []byte) (flow, bool) {
	var f flow
	if len(b) < 14 {
		return f, false
	}
	et, off := binary.BigEndian.Uint16(b[12:]), 14
	l4 := off
	switch et {
	case unix.ETH_P_IP:
		if len(b) < off+20 {
			return f, false
		}
		f.proto = b[off+9]
		f.src = netip.AddrFrom4([4]byte(b[off+12 : off+16]))
		f.dst = netip.AddrFrom4([4]byte(b[off+16 : off+20]))
		l4 = off + int(b[off]&0xf)*4
	case unix.ETH_P_IPV6:
		if len(b) < off+40 {
			return f, false
		}
		f.proto = b[off+6]
		f.src = netip.AddrFrom16([16]byte(b[off+8 : off+24]))
		f.dst = netip.AddrFrom16([16]byte(b[off+24 : off+40]))
		l4 = off + 40
	default:
		return f, false
	}
	if (f.proto == unix.IPPROTO_TCP || f.proto == unix.IPPROTO_UDP) && len(b) >= l4+4 {
		f.sport = binary.BigEndian.Uint16(b[l4:])
		f.dport = binary.BigEndian.Uint16(b[l4+2:])
	}
	return f, true
}

// drain reads frames until the socket has been idle for its receive timeout.
func (r *rig) drain(t *testing.T) []flow {
	t.Helper()
	var got []flow
	buf := make([]byte, 65536)
	for {
		n, _, err := unix.Recvfrom(r.fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			return got
		}
		if err != nil {
			t.Fatalf("recv: %v", err)
		}
		if f, ok := parseFrame(buf[:n]); ok {
			got = append(got, f)
		}
	}
}

// count counts captured frames matching pred.
func count(got []flow, pred func(flow) bool) int {
	n := 0
	for _, f := range got {
		if pred(f) {
			n++
		}
	}
	return n
}

// from matches UDP packets from a (neighbor discovery is background noise).
func from(a netip.Addr) func(flow) bool {
	return func(f flow) bool { return f.src == a && f.proto == unix.IPPROTO_UDP }
}

func onPorts(p, q uint16) func(flow) bool {
	return func(f flow) bool { return (f.sport == p && f.dport == q) || (f.sport == q && f.dport == p) }
}

func counters(t *testing.T, f *Filter) Counters {
	t.Helper()
	c, err := f.Counters()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExcludePrefix(t *testing.T) {
	r := newRig(t)
	n := r.net
	for _, p := range []string{"10.77.0.3/32", "fd00:77::3/128"} {
		if err := r.f.AddExclude(netip.MustParsePrefix(p)); err != nil {
			t.Fatal(err)
		}
	}
	conns := map[netip.Addr]*net.UDPConn{
		n.B4:  r.udp(t, n.NSB, n.B4, 40000, n.A4, 6000),
		n.B4x: r.udp(t, n.NSB, n.B4x, 40000, n.A4, 6000),
		n.B6:  r.udp(t, n.NSB, n.B6, 40000, n.A6, 6000),
		n.B6x: r.udp(t, n.NSB, n.B6x, 40000, n.A6, 6000),
	}
	r.drain(t)
	before := counters(t, r.f)
	for _, c := range conns {
		send(t, c, 10)
	}
	got := r.drain(t)
	want := map[netip.Addr]int{n.B4: 10, n.B6: 10, n.B4x: 0, n.B6x: 0}
	for a, w := range want {
		if g := count(got, from(a)); g != w {
			t.Errorf("captured %d packets from %v, want %d", g, a, w)
		}
	}
	after := counters(t, r.f)
	// 20 UDP datagrams of 14+20+8+100 or 14+40+8+100 bytes, plus possibly
	// neighbor discovery from the excluded IPv6 address.
	if d := after.Excluded.Packets - before.Excluded.Packets; d < 20 || d > 24 {
		t.Errorf("excluded packets delta = %d, want 20..24", d)
	}
	if d := after.Excluded.Bytes - before.Excluded.Bytes; d < 10*142+10*162 {
		t.Errorf("excluded bytes delta = %d, want >= %d", d, 10*142+10*162)
	}
	if d := after.Passed.Packets - before.Passed.Packets; d < 20 {
		t.Errorf("passed packets delta = %d, want >= 20", d)
	}

	if err := r.f.RemoveExclude(netip.MustParsePrefix("10.77.0.3/32")); err != nil {
		t.Fatal(err)
	}
	send(t, conns[n.B4x], 5)
	if g := count(r.drain(t), from(n.B4x)); g != 5 {
		t.Errorf("after RemoveExclude captured %d packets from %v, want 5", g, n.B4x)
	}
}

func TestExcludePort(t *testing.T) {
	r := newRig(t)
	n := r.net
	if err := r.f.AddExcludePort(6001); err != nil {
		t.Fatal(err)
	}
	if err := r.f.AddExcludePort(0); err == nil {
		t.Error("AddExcludePort(0): want error")
	}
	keep := r.udp(t, n.NSB, n.B4, 40000, n.A4, 6000)
	drop := r.udp(t, n.NSB, n.B6, 40001, n.A6, 6001)
	r.drain(t)
	send(t, keep, 7)
	send(t, drop, 7)
	got := r.drain(t)
	if g := count(got, onPorts(40000, 6000)); g != 7 {
		t.Errorf("captured %d packets to port 6000, want 7", g)
	}
	if g := count(got, onPorts(40001, 6001)); g != 0 {
		t.Errorf("captured %d packets to excluded port 6001, want 0", g)
	}
	if c := counters(t, r.f); c.Excluded.Packets != 7 {
		t.Errorf("excluded packets = %d, want 7", c.Excluded.Packets)
	}
}

func TestIncludeOnly(t *testing.T) {
	r := newRig(t)
	n := r.net
	if err := r.f.AddExclude(netip.MustParsePrefix("10.77.0.3/32")); err != nil {
		t.Fatal(err)
	}
	if err := r.f.SetIncludeOnly(true); err != nil {
		t.Fatal(err)
	}
	in := r.udp(t, n.NSB, n.B4x, 40000, n.A4, 6000)
	out4 := r.udp(t, n.NSB, n.B4, 40000, n.A4, 6000)
	out6 := r.udp(t, n.NSB, n.B6, 40000, n.A6, 6000)
	r.drain(t)
	send(t, in, 6)
	send(t, out4, 6)
	send(t, out6, 6)
	got := r.drain(t)
	if g := count(got, from(n.B4x)); g != 6 {
		t.Errorf("include-only: captured %d packets from included %v, want 6", g, n.B4x)
	}
	if g := count(got, func(f flow) bool { return f.src != n.B4x && f.dst != n.B4x }); g != 0 {
		t.Errorf("include-only: captured %d packets not involving %v, want 0: %v", g, n.B4x, got)
	}
	if err := r.f.SetIncludeOnly(false); err != nil {
		t.Fatal(err)
	}
	send(t, in, 3)
	send(t, out4, 3)
	got = r.drain(t)
	if g, h := count(got, from(n.B4x)), count(got, from(n.B4)); g != 0 || h != 3 {
		t.Errorf("exclude mode again: captured %d from %v (want 0) and %d from %v (want 3)", g, n.B4x, h, n.B4)
	}
}

func TestBypassUDP(t *testing.T) {
	r := newRig(t)
	n := r.net
	f1 := r.udp(t, n.NSB, n.B4, 40001, n.A4, 6000)
	f2 := r.udp(t, n.NSB, n.B4, 40002, n.A4, 6000)
	// The reply direction of f1, sent from side A.
	f1r := r.sinks[netip.AddrPortFrom(n.A4, 6000)]
	f1rTo := &net.UDPAddr{IP: n.B4.AsSlice(), Port: 40001}
	r.drain(t)
	send(t, f1, 5)
	send(t, f2, 5)
	got := r.drain(t)
	if g, h := count(got, onPorts(40001, 6000)), count(got, onPorts(40002, 6000)); g != 5 || h != 5 {
		t.Fatalf("before bypass: captured %d and %d packets, want 5 and 5", g, h)
	}

	// Key given in the reverse direction: both directions must be bypassed.
	key := FlowKey{Src: n.A4, Dst: n.B4, SrcPort: 6000, DstPort: 40001, Proto: unix.IPPROTO_UDP}
	if err := r.f.Bypass(key, 0); err != nil {
		t.Fatal(err)
	}
	before := counters(t, r.f)
	send(t, f1, 10)
	for i := 0; i < 10; i++ {
		if _, err := f1r.WriteToUDP(make([]byte, 100), f1rTo); err != nil {
			t.Fatal(err)
		}
	}
	send(t, f2, 10)
	got = r.drain(t)
	if g := count(got, func(f flow) bool { return f.sport == 40001 || f.dport == 40001 }); g != 0 {
		t.Errorf("bypassed flow: captured %d packets, want 0", g)
	}
	if g := count(got, onPorts(40002, 6000)); g != 10 {
		t.Errorf("other flow: captured %d packets, want 10", g)
	}
	after := counters(t, r.f)
	if d := after.Bypassed.Packets - before.Bypassed.Packets; d != 20 {
		t.Errorf("bypassed packets delta = %d, want 20", d)
	}
	if d := after.Bypassed.Bytes - before.Bypassed.Bytes; d != 20*142 {
		t.Errorf("bypassed bytes delta = %d, want %d", d, 20*142)
	}

	if err := r.f.Unbypass(key); err != nil {
		t.Fatal(err)
	}
	if err := r.f.Unbypass(key); err != nil {
		t.Errorf("second Unbypass: %v", err)
	}
	send(t, f1, 4)
	if g := count(r.drain(t), onPorts(40001, 6000)); g != 4 {
		t.Errorf("after Unbypass: captured %d packets, want 4", g)
	}

	// A deadline: dropped before it, passed after it.
	if err := r.f.Bypass(key, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	send(t, f1, 3)
	if g := count(r.drain(t), onPorts(40001, 6000)); g != 0 {
		t.Errorf("within ttl: captured %d packets, want 0", g)
	}
	time.Sleep(350 * time.Millisecond)
	send(t, f1, 3)
	if g := count(r.drain(t), onPorts(40001, 6000)); g != 3 {
		t.Errorf("after ttl: captured %d packets, want 3", g)
	}
}

func TestBypassTCPv6(t *testing.T) {
	r := newRig(t)
	n := r.net
	var ln *net.TCPListener
	n.Do(t, n.NSA, func() (err error) {
		ln, err = net.ListenTCP("tcp", &net.TCPAddr{IP: n.A6.AsSlice(), Port: 7000})
		return err
	})
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan *net.TCPConn, 1)
	go func() {
		c, err := ln.AcceptTCP()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	var cli *net.TCPConn
	n.Do(t, n.NSB, func() (err error) {
		cli, err = net.DialTCP("tcp", &net.TCPAddr{IP: n.B6.AsSlice(), Port: 41000}, &net.TCPAddr{IP: n.A6.AsSlice(), Port: 7000})
		return err
	})
	t.Cleanup(func() { cli.Close() })
	srv, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { srv.Close() })
	other := r.udp(t, n.NSB, n.B6, 40002, n.A6, 6000)

	r.drain(t)
	if err := r.f.Bypass(FlowKey{Src: n.B6, Dst: n.A6, SrcPort: 41000, DstPort: 7000, Proto: unix.IPPROTO_TCP}, time.Minute); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	for i := 0; i < 10; i++ {
		send(t, cli, 1)
		if _, err := srv.Read(buf); err != nil {
			t.Fatal(err)
		}
		send(t, srv, 1)
		if _, err := cli.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	send(t, other, 5)
	got := r.drain(t)
	if g := count(got, onPorts(41000, 7000)); g != 0 {
		t.Errorf("bypassed TCP flow: captured %d packets, want 0", g)
	}
	if g := count(got, onPorts(40002, 6000)); g != 5 {
		t.Errorf("other flow: captured %d packets, want 5", g)
	}
	// 20 data segments at least (ACKs may be delayed and piggybacked).
	if c := counters(t, r.f); c.Bypassed.Packets < 20 {
		t.Errorf("bypassed packets = %d, want >= 20", c.Bypassed.Packets)
	}
}

func TestResample(t *testing.T) {
	r := newRig(t)
	n := r.net
	c := r.udp(t, n.NSB, n.B4, 40001, n.A4, 6000)
	if err := r.f.Bypass(FlowKey{Src: n.B4, Dst: n.A4, SrcPort: 40001, DstPort: 6000, Proto: unix.IPPROTO_UDP}, 0); err != nil {
		t.Fatal(err)
	}
	if err := r.f.SetResample(4); err != nil {
		t.Fatal(err)
	}
	r.drain(t)
	send(t, c, 20)
	if g := count(r.drain(t), onPorts(40001, 6000)); g != 5 {
		t.Errorf("resample 1 in 4 of 20: captured %d packets, want 5", g)
	}
	got := counters(t, r.f)
	if got.Resampled.Packets != 5 || got.Bypassed.Packets != 15 {
		t.Errorf("counters: resampled %d bypassed %d, want 5 and 15", got.Resampled.Packets, got.Bypassed.Packets)
	}
	if err := r.f.SetResample(0); err != nil {
		t.Fatal(err)
	}
	send(t, c, 8)
	if g := count(r.drain(t), onPorts(40001, 6000)); g != 0 {
		t.Errorf("resample off: captured %d packets, want 0", g)
	}
}

// TestLoadWithoutCapabilities checks that a kernel refusal for want of
// privileges wraps ErrNotSupported with a clear message. It re-runs itself
// in a child process whose loading thread has dropped its effective
// capabilities (so a cached feature probe cannot leak into other tests).
func TestLoadWithoutCapabilities(t *testing.T) {
	if os.Getenv("VIGIL_BPF_NOCAP_CHILD") == "1" {
		runtime.LockOSThread() // never unlocked: the thread dies with the test
		var hdr = unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
		if err := unix.Capget(&hdr, &data[0]); err != nil {
			t.Fatal(err)
		}
		data[0].Effective, data[1].Effective = 0, 0
		if err := unix.Capset(&hdr, &data[0]); err != nil {
			t.Fatal(err)
		}
		f, err := Load(Options{})
		if err == nil {
			f.Close()
			t.Fatal("Load without capabilities succeeded")
		}
		if !errors.Is(err, ErrNotSupported) {
			t.Fatalf("Load without capabilities: %v; want ErrNotSupported", err)
		}
		fmt.Println("LOAD ERROR:", err)
		return
	}
	requirePrivileges(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadWithoutCapabilities$", "-test.v")
	cmd.Env = append(os.Environ(), "VIGIL_BPF_NOCAP_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("LOAD ERROR:")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}
