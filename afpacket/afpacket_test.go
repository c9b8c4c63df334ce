//go:build linux

package afpacket

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
	"vigil/internal/testutil"

	"github.com/google/go-cmp/cmp"
	gpafpacket "github.com/google/gopacket/afpacket"
	"golang.org/x/sys/unix"
)

func TestParseFanoutType(t *testing.T) {
	for _, ft := range []FanoutType{FanoutHash, FanoutLB, FanoutCPU, FanoutQM} {
		got, err := ParseFanoutType(ft.String())
		if err != nil || got != ft {
			t.Errorf("ParseFanoutType(%q) = %v, %v; want %v", ft.String(), got, err, ft)
		}
	}
	if _, err := ParseFanoutType("rollover"); err == nil {
		t.Error(`ParseFanoutType("rollover"): want error`)
	}
}

func TestOptionsValidation(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string // error substring; "" = valid
	}{
		{"defaults", DefaultOptions("eth0"), ""},
		{"zero sizes take defaults", Options{Interface: "eth0"}, ""},
		{"no interface", Options{}, "no interface"},
		{"defrag with lb", Options{Interface: "eth0", FanoutType: FanoutLB, Defrag: true}, "defrag needs fanout type hash"},
		{"bad fanout", Options{Interface: "eth0", FanoutType: 9}, "unknown fanout type"},
		{"block not page multiple", Options{Interface: "eth0", BlockSize: 5000}, "multiple of the page size"},
		{"negative blocks", Options{Interface: "eth0", NumBlocks: -1}, "number of blocks"},
		{"sub-ms block timeout", Options{Interface: "eth0", BlockTimeout: time.Microsecond}, "block timeout"},
		{"two filters", Options{Interface: "eth0", BPFFilter: "tcp", ProgramFD: 5}, "one filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.o.withDefaults()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("withDefaults: %v", err)
				}
				if got.BlockSize == 0 || got.NumBlocks == 0 || got.BlockTimeout == 0 || got.PollTimeout == 0 {
					t.Errorf("defaults not filled: %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("withDefaults error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCompileFilter(t *testing.T) {
	prog, err := CompileFilter("udp and dst port 53", DefaultSnapLen)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) < 4 {
		t.Errorf("compiled %d instructions, want a real program", len(prog))
	}
	for _, expr := range []string{"tcp port", "udp and and", "port 99999", "host not.an.address.invalid.!"} {
		_, err := CompileFilter(expr, DefaultSnapLen)
		if !errors.Is(err, ErrBadFilter) {
			t.Errorf("CompileFilter(%q) error = %v; want ErrBadFilter", expr, err)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", expr)) {
			t.Errorf("error %q does not quote the expression", err)
		}
	}
	// Open reports it before touching any socket, so this needs no root.
	_, err = Open(Options{Interface: "lo", BPFFilter: "tcp port"}, 1)
	if !errors.Is(err, ErrBadFilter) {
		t.Errorf("Open with a bad filter: error = %v; want ErrBadFilter", err)
	}
	t.Logf("bad filter error: %v", err)
}

// flow summarizes one captured frame.
type flow struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

// canon returns f with the lower end first, the same for both directions.
func (f flow) canon() flow {
	if f.src.Compare(f.dst) > 0 || (f.src == f.dst && f.sport > f.dport) {
		f.src, f.dst, f.sport, f.dport = f.dst, f.src, f.dport, f.sport
	}
	return f
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

// openIn opens a Source inside namespace ns and closes it in t.Cleanup.
func openIn(t *testing.T, n *testNet, ns string, o Options, rings int) *Source {
	t.Helper()
	var s *Source
	n.Do(t, ns, func() (err error) {
		s, err = Open(o, rings)
		return err
	})
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// readAll reads r until it has been idle for one poll timeout and returns
// the summaries of the IP frames (the frames themselves are only valid
// until the next Read).
func readAll(t *testing.T, r *Ring) (got []flow, frames int) {
	t.Helper()
	for {
		b, _, err := r.Read()
		if errors.Is(err, ErrTimeout) {
			return got, frames
		}
		if err != nil {
			t.Errorf("read: %v", err)
			return got, frames
		}
		frames++
		if f, ok := parseFrame(b); ok {
			got = append(got, f)
		}
	}
}

func count(got []flow, pred func(flow) bool) int {
	n := 0
	for _, f := range got {
		if pred(f) {
			n++
		}
	}
	return n
}

func udpPorts(p, q uint16) func(flow) bool {
	return func(f flow) bool {
		return f.proto == unix.IPPROTO_UDP && ((f.sport == p && f.dport == q) || (f.sport == q && f.dport == p))
	}
}

// udp opens a UDP socket in ns bound to src:sport; when dst is valid it is
// connected to dst:dport.
func udp(t *testing.T, n *testNet, ns string, src netip.AddrPort, dst netip.AddrPort) *net.UDPConn {
	t.Helper()
	var c *net.UDPConn
	n.Do(t, ns, func() (err error) {
		if dst.IsValid() {
			c, err = net.DialUDP("udp", net.UDPAddrFromAddrPort(src), net.UDPAddrFromAddrPort(dst))
		} else {
			c, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(src))
		}
		return err
	})
	t.Cleanup(func() { c.Close() })
	return c
}

func send(t *testing.T, c *net.UDPConn, to netip.AddrPort, n int) {
	t.Helper()
	payload := make([]byte, 100)
	for i := 0; i < n; i++ {
		var err error
		if to.IsValid() {
			_, err = c.WriteToUDPAddrPort(payload, to)
		} else {
			_, err = c.Write(payload)
		}
		if err != nil {
			t.Fatalf("send: %v", err)
		}
	}
}

func smallRing(iface string) Options {
	o := DefaultOptions(iface)
	o.BlockSize = 1 << 16
	o.NumBlocks = 4
	o.BlockTimeout = 2 * time.Millisecond
	o.PollTimeout = 150 * time.Millisecond
	return o
}

func TestCapture(t *testing.T) {
	n := newTestNet(t)
	sink := udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	_ = sink
	src := openIn(t, n, n.NSA, smallRing(n.IfA), 1)
	r := src.Rings()[0]
	readAll(t, r) // setup noise
	c := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))
	start := time.Now()
	send(t, c, netip.AddrPort{}, 25)

	var got []flow
	var info Info
	for {
		b, ci, err := r.Read()
		if errors.Is(err, ErrTimeout) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := parseFrame(b); ok && udpPorts(40000, 6000)(f) {
			got = append(got, f)
			info = ci
		}
	}
	if len(got) != 25 {
		t.Fatalf("captured %d datagrams, want 25", len(got))
	}
	if want := 14 + 20 + 8 + 100; info.Length != want || info.CaptureLength != want {
		t.Errorf("Info lengths = %d/%d, want %d", info.CaptureLength, info.Length, want)
	}
	if info.Ifindex != r.Ifindex() || info.Ifindex == 0 {
		t.Errorf("Info.Ifindex = %d, want %d", info.Ifindex, r.Ifindex())
	}
	if d := info.Timestamp.Sub(start); d < -time.Second || d > 5*time.Second {
		t.Errorf("Info.Timestamp %v is %v from the send time", info.Timestamp, d)
	}
	st, err := src.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets < 25 || st.Drops != 0 {
		t.Errorf("Stats = %+v, want >= 25 packets and no drops", st)
	}
	t.Logf("stats: %+v", st)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Read(); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v, want ErrClosed", err)
	}
}

// TestFanoutFlowAffinity checks that with two rings in a hash fanout group
// every flow, in both directions, lands on exactly one ring.
func TestFanoutFlowAffinity(t *testing.T) {
	n := newTestNet(t)
	const flows = 24
	src := openIn(t, n, n.NSA, smallRing(n.IfA), 2)
	for i, r := range src.Rings() {
		v, err := unix.GetsockoptInt(r.Fd(), unix.SOL_PACKET, unix.PACKET_FANOUT)
		if err != nil {
			t.Fatal(err)
		}
		// id | type<<16 | flags<<24
		if id, typ, flags := uint16(v), v>>16&0xff, v>>24&0xff; id != src.FanoutID() || typ != unix.PACKET_FANOUT_HASH || flags != unix.PACKET_FANOUT_FLAG_DEFRAG>>8 {
			t.Errorf("ring %d: fanout id %d type %d flags %#x; want id %d, hash, defrag", i, id, typ, flags, src.FanoutID())
		}
	}
	sink4 := udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	sink6 := udp(t, n, n.NSA, netip.AddrPortFrom(n.A6, 6000), netip.AddrPort{})

	var mu sync.Mutex
	seen := map[flow]map[int]int{} // canonical flow -> ring -> packets
	dirs := map[flow]map[netip.Addr]bool{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, r := range src.Rings() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b, _, err := r.Read()
				if errors.Is(err, ErrTimeout) {
					select {
					case <-stop:
						return
					default:
						continue
					}
				}
				if err != nil {
					t.Errorf("ring %d: %v", i, err)
					return
				}
				f, ok := parseFrame(b)
				if !ok || f.proto != unix.IPPROTO_UDP {
					continue
				}
				c := f.canon()
				mu.Lock()
				if seen[c] == nil {
					seen[c], dirs[c] = map[int]int{}, map[netip.Addr]bool{}
				}
				seen[c][i]++
				dirs[c][f.src] = true
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < flows; i++ {
		sink, a, b := sink4, n.A4, n.B4
		if i%2 == 1 {
			sink, a, b = sink6, n.A6, n.B6
		}
		port := uint16(41000 + i)
		c := udp(t, n, n.NSB, netip.AddrPortFrom(b, port), netip.AddrPortFrom(a, 6000))
		send(t, c, netip.AddrPort{}, 4)
		send(t, sink, netip.AddrPortFrom(b, port), 4) // the reply direction
	}
	// Wait until every packet was read (8 per flow) rather than a fixed
	// time: a loaded machine (CI on 2 cores) may read them late.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := 0
		for _, rings := range seen {
			for _, pkts := range rings {
				n += pkts
			}
		}
		mu.Unlock()
		if n >= flows*8 {
			break
		}
	}
	time.Sleep(50 * time.Millisecond) // any stray duplicate shows up in the counts
	close(stop)
	wg.Wait()

	perRing := map[int]int{}
	if len(seen) != flows {
		t.Errorf("saw %d flows, want %d", len(seen), flows)
	}
	for f, rings := range seen {
		if len(rings) != 1 {
			t.Errorf("flow %v:%d <-> %v:%d spread over rings %v", f.src, f.sport, f.dst, f.dport, rings)
		}
		if len(dirs[f]) != 2 {
			t.Errorf("flow %v:%d <-> %v:%d: saw directions from %v, want both", f.src, f.sport, f.dst, f.dport, dirs[f])
		}
		for ring, pkts := range rings {
			perRing[ring]++
			if pkts != 8 {
				t.Errorf("flow %v:%d <-> %v:%d: %d packets on ring %d, want 8", f.src, f.sport, f.dst, f.dport, pkts, ring)
			}
		}
	}
	// With 24 flows hashed over 2 rings, one ring being empty means fanout
	// is not spreading (probability 2^-23 by chance).
	if len(perRing) != 2 {
		t.Errorf("flows per ring = %v, want both rings used", perRing)
	}
	t.Logf("flows per ring: %v", perRing)
}

func TestFilterExpression(t *testing.T) {
	n := newTestNet(t)
	o := smallRing(n.IfA)
	o.BPFFilter = "udp and dst port 6000"
	src := openIn(t, n, n.NSA, o, 1)
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6001), netip.AddrPort{})
	c0 := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))
	c1 := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40001), netip.AddrPortFrom(n.A4, 6001))
	send(t, c0, netip.AddrPort{}, 5)
	send(t, c1, netip.AddrPort{}, 5)
	got, frames := readAll(t, src.Rings()[0])
	if g := count(got, udpPorts(40000, 6000)); g != 5 {
		t.Errorf("captured %d datagrams to port 6000, want 5", g)
	}
	if frames != 5 {
		t.Errorf("captured %d frames, want only the 5 matching the filter: %v", frames, got)
	}
	if err := src.AttachFilter(1); err == nil || !strings.Contains(err.Error(), "would replace") {
		t.Errorf("AttachFilter on a ring with a filter expression: %v, want a conflict error", err)
	}
}

// loadDropAll loads the smallest eBPF socket filter, "return 0", with a raw
// bpf(2) call (this package must not import cilium/ebpf or vigil/bpf).
func loadDropAll(t *testing.T) int {
	t.Helper()
	insns := [2]uint64{
		0xb7, // r0 = 0 (BPF_ALU64|BPF_MOV|BPF_K)
		0x95, // exit (BPF_JMP|BPF_EXIT)
	}
	license := []byte("GPL\x00")
	var attr struct {
		progType, insnCnt uint32
		insns, license    uint64
		_                 [104]byte
	}
	attr.progType = 1 // BPF_PROG_TYPE_SOCKET_FILTER
	attr.insnCnt = uint32(len(insns))
	attr.insns = uint64(uintptr(unsafe.Pointer(&insns[0])))
	attr.license = uint64(uintptr(unsafe.Pointer(&license[0])))
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		t.Skipf("skipping: cannot load an eBPF socket filter: %v", errno)
	}
	t.Cleanup(func() { unix.Close(int(fd)) })
	return int(fd)
}

func TestAttachEBPF(t *testing.T) {
	n := newTestNet(t)
	prog := loadDropAll(t)
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	c := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))

	t.Run("at open", func(t *testing.T) {
		o := smallRing(n.IfA)
		o.ProgramFD = prog
		src := openIn(t, n, n.NSA, o, 2)
		send(t, c, netip.AddrPort{}, 10)
		for i, r := range src.Rings() {
			if _, frames := readAll(t, r); frames != 0 {
				t.Errorf("ring %d read %d frames through a drop-all program, want 0", i, frames)
			}
		}
		st, err := src.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Packets != 0 {
			t.Errorf("Stats.Packets = %d, want 0: filtered packets are not queued", st.Packets)
		}
	})
	t.Run("later", func(t *testing.T) {
		src := openIn(t, n, n.NSA, smallRing(n.IfA), 1)
		r := src.Rings()[0]
		send(t, c, netip.AddrPort{}, 3)
		if got, _ := readAll(t, r); count(got, udpPorts(40000, 6000)) != 3 {
			t.Fatalf("before attach: captured %d, want 3", count(got, udpPorts(40000, 6000)))
		}
		if err := src.AttachFilter(prog); err != nil {
			t.Fatal(err)
		}
		send(t, c, netip.AddrPort{}, 3)
		if got, _ := readAll(t, r); count(got, udpPorts(40000, 6000)) != 0 {
			t.Errorf("after attach: captured %d, want 0", count(got, udpPorts(40000, 6000)))
		}
	})
}

// TestStatsDrops overflows a tiny ring and checks the kernel counters.
func TestStatsDrops(t *testing.T) {
	n := newTestNet(t)
	o := smallRing(n.IfA)
	o.BlockSize = 4096
	o.NumBlocks = 2
	o.BlockTimeout = 1000 * time.Millisecond
	src := openIn(t, n, n.NSA, o, 1)
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	c := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))
	const sent = 500
	send(t, c, netip.AddrPort{}, sent) // nobody reads: the ring fills up
	_, frames := readAll(t, src.Rings()[0])
	st, err := src.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sent %d, read %d frames, stats %+v", sent, frames, st)
	if st.Packets < sent {
		t.Errorf("Stats.Packets = %d, want >= %d", st.Packets, sent)
	}
	if st.Drops == 0 || st.QueueFreezes == 0 {
		t.Errorf("Stats = %+v, want drops and queue freezes from a 2-block ring", st)
	}
	if delivered := st.Packets - st.Drops; delivered < uint64(frames) || delivered > uint64(frames)+5 {
		t.Errorf("packets - drops = %d, want about the %d frames read", delivered, frames)
	}
}

// TestOpenAll opens rings on two interfaces (the veth end and loopback).
func TestOpenAll(t *testing.T) {
	n := newTestNet(t)
	var srcs []*Source
	n.Do(t, n.NSA, func() (err error) {
		srcs, err = OpenAll([]Options{smallRing(n.IfA), smallRing("lo")}, 2)
		return err
	})
	t.Cleanup(func() {
		for _, s := range srcs {
			s.Close()
		}
	})
	if srcs[0].FanoutID() == srcs[1].FanoutID() {
		t.Errorf("both interfaces in fanout group %d, want one group each", srcs[0].FanoutID())
	}
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	loc := netip.MustParseAddr("127.0.0.1")
	udp(t, n, n.NSA, netip.AddrPortFrom(loc, 6000), netip.AddrPort{})
	cv := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))
	cl := udp(t, n, n.NSA, netip.AddrPortFrom(loc, 40001), netip.AddrPortFrom(loc, 6000))
	send(t, cv, netip.AddrPort{}, 4)
	send(t, cl, netip.AddrPort{}, 4)
	for i, want := range []struct {
		pred func(flow) bool
		n    int
	}{{udpPorts(40000, 6000), 4}, {udpPorts(40001, 6000), 4}} {
		total := 0
		for _, r := range srcs[i].Rings() {
			got, _ := readAll(t, r)
			total += count(got, want.pred)
		}
		// Loopback frames are seen once per direction of the device: the
		// kernel shows each outgoing and incoming copy.
		if total != want.n && total != 2*want.n {
			t.Errorf("%s: captured %d datagrams, want %d", srcs[i].Interface(), total, want.n)
		}
	}
}

func TestReadAllocs(t *testing.T) {
	n := newTestNet(t)
	o := smallRing(n.IfA)
	o.NumBlocks = 16
	src := openIn(t, n, n.NSA, o, 1)
	r := src.Rings()[0]
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	c := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))
	send(t, c, netip.AddrPort{}, 300)
	time.Sleep(20 * time.Millisecond) // let the block timeout hand the blocks over
	if _, _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	var bad error
	allocs := testing.AllocsPerRun(200, func() {
		if _, _, err := r.Read(); err != nil && bad == nil {
			bad = err
		}
	})
	if bad != nil {
		t.Fatalf("read: %v", bad)
	}
	if allocs != 0 {
		t.Errorf("Read allocates %v times per frame, want 0", allocs)
	}
}

// TestDifferentialGopacket reads the same traffic with a Ring and with
// gopacket's afpacket.TPacket (an independent TPACKET_V3 reader, outside the
// fanout group) and compares the frames, while the small ring wraps around
// many times.
func TestDifferentialGopacket(t *testing.T) {
	n := newTestNet(t)
	src := openIn(t, n, n.NSA, smallRing(n.IfA), 1)
	var ref *gpafpacket.TPacket
	n.Do(t, n.NSA, func() (err error) {
		ref, err = gpafpacket.NewTPacket(gpafpacket.OptInterface(n.IfA), gpafpacket.TPacketVersion3,
			gpafpacket.OptBlockSize(1<<20), gpafpacket.OptNumBlocks(8), gpafpacket.OptPollTimeout(150*time.Millisecond))
		return err
	})
	t.Cleanup(ref.Close)
	udp(t, n, n.NSA, netip.AddrPortFrom(n.A4, 6000), netip.AddrPort{})
	c := udp(t, n, n.NSB, netip.AddrPortFrom(n.B4, 40000), netip.AddrPortFrom(n.A4, 6000))

	const total = 3000
	collect := func(read func() ([]byte, error)) (seqs []uint32, sizes []int) {
		for {
			b, err := read()
			if err != nil {
				return seqs, sizes
			}
			if f, ok := parseFrame(b); ok && udpPorts(40000, 6000)(f) && len(b) >= 14+20+8+4 {
				seqs = append(seqs, binary.BigEndian.Uint32(b[14+20+8:]))
				sizes = append(sizes, len(b))
			}
		}
	}
	type result struct {
		seqs  []uint32
		sizes []int
	}
	ours, theirs := make(chan result, 1), make(chan result, 1)
	r := src.Rings()[0]
	go func() {
		s, z := collect(func() ([]byte, error) { b, _, err := r.Read(); return b, err })
		ours <- result{s, z}
	}()
	go func() {
		s, z := collect(func() ([]byte, error) { b, _, err := ref.ZeroCopyReadPacketData(); return b, err })
		theirs <- result{s, z}
	}()
	payload := make([]byte, 1400)
	for i := 0; i < total; i++ {
		binary.BigEndian.PutUint32(payload, uint32(i))
		if _, err := c.Write(payload[:4+i%1300]); err != nil {
			t.Fatal(err)
		}
		if i%200 == 0 {
			time.Sleep(time.Millisecond) // stay within what the readers keep up with
		}
	}
	got, want := <-ours, <-theirs
	st, err := src.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ring: %d frames, stats %+v; gopacket: %d frames", len(got.seqs), st, len(want.seqs))
	if st.Drops == 0 && len(got.seqs) != total {
		t.Errorf("ring captured %d datagrams without drops, want %d", len(got.seqs), total)
	}
	for i, s := range got.seqs {
		if i > 0 && s <= got.seqs[i-1] {
			t.Fatalf("ring frames out of order at %d: %d after %d", i, s, got.seqs[i-1])
		}
		if want := 14 + 20 + 8 + 4 + int(s)%1300; got.sizes[i] != want {
			t.Fatalf("ring frame %d: %d bytes, want %d", s, got.sizes[i], want)
		}
	}
	if st.Drops == 0 && len(want.seqs) == total {
		if d := cmp.Diff(want, got, cmp.AllowUnexported(result{})); d != "" {
			t.Errorf("ring and gopacket disagree (-gopacket +ring):\n%s", d)
		}
	}
}

// TestInterfaceGone checks that Read reports a vanished interface instead
// of timing out forever.
func TestInterfaceGone(t *testing.T) {
	n := newTestNet(t)
	src := openIn(t, n, n.NSA, smallRing(n.IfA), 1)
	testutil.RunIP(t, "-n", n.NSA, "link", "del", n.IfA)
	// Frames the kernel queued before the deletion (IPv6 DAD and MLD of
	// the new link) are read first; then the error must come.
	var err error
	for i := 0; i < 200; i++ {
		if _, _, err = src.Rings()[0].Read(); err != nil && !errors.Is(err, ErrTimeout) {
			break
		}
	}
	if !errors.Is(err, unix.ENETDOWN) {
		t.Errorf("Read after the interface was deleted: %v, want ENETDOWN", err)
	}
}
