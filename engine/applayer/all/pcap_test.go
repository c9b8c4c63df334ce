package all

// Test-only plumbing: read a capture, reassemble TCP naively (in order,
// retransmissions trimmed, out-of-order segments buffered, holes reported
// as gaps at the end), run detection and the parsers, and collect the
// transactions. Not production code: the engine has its own decoder, flow
// table and reassembly.

import (
	"bytes"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tls"
	"vigil/internal/testutil"
)

type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// readCapture calls fn for each decoded packet of a pcap or pcapng file.
func readCapture(tb testing.TB, path string, fn func(gopacket.Packet)) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		tb.Fatal(err)
	}
	f.Seek(0, io.SeekStart)
	var src packetSource
	var lt layers.LinkType
	if bytes.Equal(magic[:], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		src, lt = r, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(f)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		src, lt = r, r.LinkType()
	}
	for {
		data, _, err := src.ReadPacketData()
		if err != nil {
			return
		}
		fn(gopacket.NewPacket(data, lt, gopacket.NoCopy))
	}
}

type dirState struct {
	init bool
	next uint32
	ooo  map[uint32][]byte
}

type tcpFlow struct {
	client, server netip.AddrPort
	dirs           [2]dirState
	det            applayer.Detection
	parser         applayer.Parser
	pending        [2][]byte
	proto          applayer.Proto
}

type flowKey struct{ a, b netip.AddrPort }

func keyOf(src, dst netip.AddrPort) flowKey {
	if src.Addr().Less(dst.Addr()) || (src.Addr() == dst.Addr() && src.Port() < dst.Port()) {
		return flowKey{src, dst}
	}
	return flowKey{dst, src}
}

// result collects what the parsers produced for one capture.
type result struct {
	http []*http.Tx
	tls  []*tls.Tx
	ssh  []*ssh.Tx
	dns  []*dns.Tx
	// protos counts detected flows per protocol.
	protos map[applayer.Proto]int
}

type runner struct {
	reg  *applayer.Registry
	tcp  map[flowKey]*tcpFlow
	udp  map[flowKey]*dns.Parser
	res  result
	flow []*tcpFlow // creation order
	udpf []*dns.Parser
}

func newRunner() *runner {
	return &runner{reg: Registry(Config{}), tcp: map[flowKey]*tcpFlow{}, udp: map[flowKey]*dns.Parser{},
		res: result{protos: map[applayer.Proto]int{}}}
}

func addrPort(ip []byte, port uint16) netip.AddrPort {
	a, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(a.Unmap(), port)
}

func (r *runner) packet(p gopacket.Packet) {
	// Use the innermost IP header and the transport after it, so that
	// tunnelled traffic (GRE, IP-in-IP, Teredo) is seen as well.
	var srcIP, dstIP []byte
	var tr gopacket.Layer
	for _, l := range p.Layers() {
		switch n := l.(type) {
		case *layers.IPv4:
			srcIP, dstIP, tr = n.SrcIP, n.DstIP, nil
		case *layers.IPv6:
			srcIP, dstIP, tr = n.SrcIP, n.DstIP, nil
		case *layers.TCP, *layers.UDP:
			if tr == nil {
				tr = l
			}
		}
	}
	if srcIP == nil {
		return
	}
	switch t := tr.(type) {
	case *layers.TCP:
		r.tcpPacket(addrPort(srcIP, uint16(t.SrcPort)), addrPort(dstIP, uint16(t.DstPort)), t)
	case *layers.UDP:
		src, dst := addrPort(srcIP, uint16(t.SrcPort)), addrPort(dstIP, uint16(t.DstPort))
		if dst.Port() != 53 && src.Port() != 53 {
			return
		}
		k := keyOf(src, dst)
		dp := r.udp[k]
		if dp == nil {
			dp = dns.New()
			r.udp[k] = dp
			r.udpf = append(r.udpf, dp)
		}
		dir := applayer.ToServer
		if src.Port() == 53 && dst.Port() != 53 {
			dir = applayer.ToClient
		}
		var det applayer.Detection
		if r.reg.Detect(&det, applayer.UDP, dir, t.Payload, src.Port(), dst.Port()) == bufid.ProtoDNS {
			dp.ParseDatagram(dir, t.Payload)
		}
	}
}

func (r *runner) tcpPacket(src, dst netip.AddrPort, t *layers.TCP) {
	k := keyOf(src, dst)
	f := r.tcp[k]
	if f == nil {
		if t.RST || (len(t.Payload) == 0 && !t.SYN) {
			return
		}
		f = &tcpFlow{client: src, server: dst}
		if (t.SYN && t.ACK) || (!t.SYN && src.Port() < 1024 && dst.Port() >= 1024) {
			f.client, f.server = dst, src
		}
		r.tcp[k] = f
		r.flow = append(r.flow, f)
	}
	dir := applayer.ToServer
	if src != f.client {
		dir = applayer.ToClient
	}
	// The peer acknowledged data we never saw: declare the hole a gap.
	if o := &f.dirs[dir^1]; t.ACK && o.init && int32(t.Ack-o.next) > 0 && int32(t.Ack-o.next) < 1<<24 {
		if f.parser != nil {
			f.parser.Gap(dir^1, int(int32(t.Ack-o.next)))
		} else {
			f.proto = bufid.ProtoFailed // detection cannot continue over a hole
		}
		o.next = t.Ack
		r.segment(f, dir^1, o.next, nil)
	}
	d := &f.dirs[dir]
	if t.SYN {
		d.init, d.next = true, t.Seq+1
		return
	}
	if len(t.Payload) == 0 {
		return
	}
	if !d.init {
		d.init, d.next = true, t.Seq
	}
	r.segment(f, dir, t.Seq, t.Payload)
}

func (r *runner) segment(f *tcpFlow, dir applayer.Direction, seq uint32, data []byte) {
	d := &f.dirs[dir]
	off := int32(d.next - seq)
	if off >= int32(len(data)) {
		if len(data) == 0 {
			r.drain(f, dir)
		}
		return // retransmission
	}
	if off < 0 {
		if d.ooo == nil {
			d.ooo = map[uint32][]byte{}
		}
		if old, ok := d.ooo[seq]; !ok || len(old) < len(data) {
			d.ooo[seq] = append([]byte(nil), data...)
		}
		if len(d.ooo) > 256 {
			r.flushGap(f, dir)
		}
		return
	}
	data = data[off:]
	d.next += uint32(len(data))
	r.deliver(f, dir, data)
	r.drain(f, dir)
}

// drain delivers buffered segments that became in order.
func (r *runner) drain(f *tcpFlow, dir applayer.Direction) {
	d := &f.dirs[dir]
	for {
		progressed := false
		for s, b := range d.ooo {
			o := int32(d.next - s)
			if o < 0 {
				continue
			}
			delete(d.ooo, s)
			if o < int32(len(b)) {
				b = b[o:]
				d.next += uint32(len(b))
				r.deliver(f, dir, b)
			}
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

// flushGap jumps over the hole before the lowest buffered segment.
func (r *runner) flushGap(f *tcpFlow, dir applayer.Direction) {
	d := &f.dirs[dir]
	for len(d.ooo) > 0 {
		var low uint32
		first := true
		for s := range d.ooo {
			if first || int32(s-d.next) < int32(low-d.next) {
				low, first = s, false
			}
		}
		gap := int(int32(low - d.next))
		if gap > 0 {
			if f.parser != nil {
				f.parser.Gap(dir, gap)
			}
			d.next = low
		}
		b := d.ooo[low]
		delete(d.ooo, low)
		r.segment(f, dir, low, b)
	}
}

func (r *runner) deliver(f *tcpFlow, dir applayer.Direction, data []byte) {
	if f.parser != nil {
		f.parser.Parse(dir, data)
		return
	}
	if f.proto != bufid.ProtoUnknown {
		return
	}
	f.pending[dir] = append(f.pending[dir], data...)
	p := r.reg.Detect(&f.det, applayer.TCP, dir, data, f.client.Port(), f.server.Port())
	if p == bufid.ProtoUnknown {
		return
	}
	f.proto = p
	r.res.protos[p]++
	e, _ := r.reg.Lookup(p)
	if e.New == nil {
		return
	}
	f.parser = e.New()
	f.parser.Parse(applayer.ToServer, f.pending[0])
	f.parser.Parse(applayer.ToClient, f.pending[1])
	f.pending = [2][]byte{}
}

func (r *runner) finish() result {
	for _, f := range r.flow {
		for dir := applayer.ToServer; dir <= applayer.ToClient; dir++ {
			r.flushGap(f, dir)
		}
		switch p := f.parser.(type) {
		case *http.Parser:
			p.EOF(applayer.ToClient)
			for i := 0; i < p.TxCount(); i++ {
				r.res.http = append(r.res.http, p.Tx(i))
			}
		case *tls.Parser:
			r.res.tls = append(r.res.tls, p.Tx())
		case *ssh.Parser:
			r.res.ssh = append(r.res.ssh, p.Tx())
		case *dns.Parser:
			for i := 0; i < p.TxCount(); i++ {
				r.res.dns = append(r.res.dns, p.Tx(i))
			}
		}
	}
	for _, p := range r.udpf {
		for i := 0; i < p.TxCount(); i++ {
			r.res.dns = append(r.res.dns, p.Tx(i))
		}
	}
	return r.res
}

func runCapture(tb testing.TB, path string) result {
	tb.Helper()
	r := newRunner()
	readCapture(tb, path, r.packet)
	return r.finish()
}

// captures lists the shared pcaps (bench + malicious).
func captures(tb testing.TB) []string {
	tb.Helper()
	dir := testutil.SharedDir(tb)
	var out []string
	for _, sub := range []string{"bench", "malicious"} {
		m, _ := filepath.Glob(filepath.Join(dir, "pcaps", sub, "*.pcap*"))
		out = append(out, m...)
	}
	sort.Strings(out)
	if len(out) == 0 {
		tb.Skip("no captures in ../shared/pcaps")
	}
	return out
}

func TestCapturesSmoke(t *testing.T) {
	dir := testutil.SharedDir(t)
	cases := []struct {
		file           string
		http, tls, ssh int // minimum transactions expected
		dns            int
	}{
		{"bench/zeek__http_bro.org.pcap", 10, 0, 0, 0},
		{"bench/zeek__ssh_ssh.pcap", 0, 0, 1, 0},
		{"bench/malcolm__SSL.pcap", 0, 10, 0, 0},
		{"bench/cs__http_espn.pcapng", 10, 0, 0, 5},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			path := filepath.Join(dir, "pcaps", c.file)
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			res := runCapture(t, path)
			if len(res.http) < c.http || len(res.tls) < c.tls || len(res.ssh) < c.ssh || len(res.dns) < c.dns {
				t.Errorf("got http=%d tls=%d ssh=%d dns=%d, want at least %d/%d/%d/%d",
					len(res.http), len(res.tls), len(res.ssh), len(res.dns), c.http, c.tls, c.ssh, c.dns)
			}
			for _, tx := range res.ssh {
				if len(tx.Client.ProtoVersion) == 0 && len(tx.Server.ProtoVersion) == 0 {
					t.Errorf("ssh client proto %q", tx.Client.ProtoVersion)
				}
			}
		})
	}
}
