package stream

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"

	"vigil/internal/testutil"
)

// tcpPkt is one TCP packet of a capture, decoded by gopacket (tests only).
type tcpPkt struct {
	src, dst netip.AddrPort
	seg      Segment
}

func (p tcpPkt) String() string {
	return fmt.Sprintf("%v>%v seq %d ack %d f %#x len %d", p.src, p.dst, p.seg.Seq, p.seg.Ack, p.seg.Flags, len(p.seg.Payload))
}

// readTCP reads the TCP packets (single IP layer, unfragmented) of a pcap
// or pcapng file.
func readTCP(t testing.TB, path string) []tcpPkt {
	t.Helper()
	var out []tcpPkt
	for _, fr := range testutil.ReadCapture(t, path) {
		p := fr.Pkt
		var src, dst netip.Addr
		nip := 0
		frag := false
		for _, l := range p.Layers() {
			switch l := l.(type) {
			case *layers.IPv4:
				nip++
				src, _ = netip.AddrFromSlice(l.SrcIP.To4())
				dst, _ = netip.AddrFromSlice(l.DstIP.To4())
				frag = frag || l.Flags&layers.IPv4MoreFragments != 0 || l.FragOffset != 0
			case *layers.IPv6:
				nip++
				src, _ = netip.AddrFromSlice(l.SrcIP)
				dst, _ = netip.AddrFromSlice(l.DstIP)
			case *layers.IPv6Fragment:
				frag = true
			}
		}
		tl, ok := p.TransportLayer().(*layers.TCP)
		if !ok || nip != 1 || frag {
			continue
		}
		var f uint8
		for _, b := range []struct {
			on  bool
			bit uint8
		}{{tl.FIN, FlagFin}, {tl.SYN, FlagSyn}, {tl.RST, FlagRst}, {tl.PSH, FlagPsh}, {tl.ACK, FlagAck}} {
			if b.on {
				f |= b.bit
			}
		}
		ws := int8(-1)
		for _, o := range tl.Options {
			if o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 {
				ws = int8(o.OptionData[0])
			}
		}
		pl := tl.Payload
		out = append(out, tcpPkt{
			src: netip.AddrPortFrom(src, uint16(tl.SrcPort)),
			dst: netip.AddrPortFrom(dst, uint16(tl.DstPort)),
			seg: Segment{Seq: tl.Seq, Ack: tl.Ack, Flags: f, Window: tl.Window, WScale: ws, Payload: pl},
		})
	}
	return out
}

// followed is one tshark "follow,tcp,raw" conversation.
type followed struct {
	node [2]netip.AddrPort
	data [2][]byte
}

// tsharkFollow runs tshark once for streams 0..n-1.
func tsharkFollow(t *testing.T, path string, n int) []followed {
	t.Helper()
	args := []string{"-r", path, "-q", "-n"}
	for i := range n {
		args = append(args, "-z", fmt.Sprintf("follow,tcp,raw,%d", i))
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	var res []followed
	var cur *followed
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Follow:"):
			res = append(res, followed{})
			cur = &res[len(res)-1]
		case cur == nil || strings.HasPrefix(line, "====") || strings.HasPrefix(line, "Filter:"):
		case strings.HasPrefix(line, "Node 0: "), strings.HasPrefix(line, "Node 1: "):
			// "addr:port", IPv6 without brackets; ":0" when empty.
			v := line[8:]
			i := strings.LastIndexByte(v, ':')
			a, err := netip.ParseAddr(v[:max(i, 0)])
			port, err2 := strconv.Atoi(v[i+1:])
			if err == nil && err2 == nil {
				cur.node[line[5]-'0'] = netip.AddrPortFrom(a, uint16(port))
			}
		case line != "":
			d := 0
			if line[0] == '\t' {
				d, line = 1, line[1:]
			}
			b, err := hex.DecodeString(line)
			if err != nil {
				t.Fatalf("hex %q: %v", line, err)
			}
			cur.data[d] = append(cur.data[d], b...)
		}
	}
	return res
}

// TestReassemblyVsTshark reassembles TCP conversations of real captures and
// compares both directions with tshark's "follow,tcp,raw" output.
func TestReassemblyVsTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	for _, tc := range []struct {
		name    string
		streams int
	}{
		{"pcaps/bench/zeek__http_bro.org.pcap", 12},
		{"pcaps/malicious/dvwa-sqlinjection.pcapng", 20},
		{"pcaps/bench/zeek__http_http-post-large.pcap", 4},
		{"pcaps/bench/cs__http_espn.pcapng", 20},
		{"pcaps/bench/zeek__ftp_cwd-navigation.pcap", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := testutil.SharedPath(t, strings.Split(tc.name, "/")...)
			pkts := readTCP(t, path)
			convs := tsharkFollow(t, path, tc.streams)
			compared, bytesCmp, gaps := 0, 0, 0
			for i, cv := range convs {
				if len(cv.data[0])+len(cv.data[1]) == 0 || !cv.node[0].IsValid() {
					continue
				}
				var conv []tcpPkt
				client := cv.node[0]
				sawSyn := false
				for _, p := range pkts {
					if (p.src == cv.node[0] && p.dst == cv.node[1]) || (p.src == cv.node[1] && p.dst == cv.node[0]) {
						if p.seg.Flags&(FlagSyn|FlagAck) == FlagSyn && !sawSyn {
							client, sawSyn = p.src, true
						}
						conv = append(conv, p)
					}
				}
				tr := NewTracker(Options{Depth: -1, Midstream: true})
				var s Session
				var r rec
				for _, p := range conv {
					d := ToClient
					if p.src == client {
						d = ToServer
					}
					tr.Process(&s, d, &p.seg, &r)
				}
				tr.Flush(&s, &r)
				want := cv.data
				if client != cv.node[0] {
					want[0], want[1] = want[1], want[0]
				}
				for d := range 2 {
					got := r.text[d]
					want[d] = tsharkGaps(want[d])
					gaps += len(r.gaps[d])
					if !bytes.Equal(got, want[d]) {
						n := 0
						for n < len(got) && n < len(want[d]) && got[n] == want[d][n] {
							n++
						}
						t.Errorf("stream %d %v (%v, %d pkts, state %v): got %d bytes, tshark %d; first difference at %d",
							i, Dir(d), cv.node, len(conv), s.State(), len(got), len(want[d]), n)
					}
					bytesCmp += len(want[d])
				}
				compared++
			}
			if compared == 0 {
				t.Fatalf("no conversation compared")
			}
			t.Logf("%d conversations, %d bytes compared, %d gaps", compared, bytesCmp, gaps)
		})
	}
}

// missingRe matches the marker tshark writes into followed data where
// bytes are missing from the capture.
var missingRe = regexp.MustCompile(`\[(\d+) bytes missing in capture file\]\x00?`)

// tsharkGaps replaces tshark's missing-bytes markers with n '?' bytes, as
// rec writes gaps.
func tsharkGaps(b []byte) []byte {
	return missingRe.ReplaceAllFunc(b, func(m []byte) []byte {
		n, _ := strconv.Atoi(string(missingRe.FindSubmatch(m)[1]))
		return bytes.Repeat([]byte("?"), n)
	})
}

// BenchmarkReassemblyPcap runs every TCP packet of a capture through the
// tracker (IDS mode, default depth), sessions keyed by 4-tuple.
func BenchmarkReassemblyPcap(b *testing.B) {
	path := testutil.SharedPath(b, "pcaps", "bench", "zeek__http_bro.org.pcap")
	pkts := readTCP(b, path)
	type key struct{ a, b netip.AddrPort }
	idx := map[key]int{}
	conv := make([]int, len(pkts))
	dirs := make([]Dir, len(pkts))
	var size int64
	for i, p := range pkts {
		if n, ok := idx[key{p.dst, p.src}]; ok {
			conv[i], dirs[i] = n, ToClient
		} else {
			if _, ok := idx[key{p.src, p.dst}]; !ok {
				idx[key{p.src, p.dst}] = len(idx)
			}
			conv[i] = idx[key{p.src, p.dst}]
		}
		size += int64(len(p.seg.Payload))
	}
	sessions := make([]Session, len(idx))
	tr := NewTracker(Options{})
	sink := &nopSink{}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for i := range pkts {
			tr.Process(&sessions[conv[i]], dirs[i], &pkts[i].seg, sink)
		}
		for i := range sessions {
			tr.Flush(&sessions[i], sink)
			tr.Release(&sessions[i])
		}
	}
	b.ReportMetric(float64(len(pkts))*float64(b.N)/b.Elapsed().Seconds(), "pkt/s")
}
