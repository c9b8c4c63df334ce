//go:build linux

package engine_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/afpacket"
	"vigil/detect"
	"vigil/engine"
	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
	"vigil/rules"
)

// Privileged integration tests of live capture: two network namespaces
// joined by a veth pair (testutil.NewTestNet), Vigil's Live capturing on
// side A inside namespace A, traffic made by Go code between the
// namespaces. They skip unless run as root.

// compileRules compiles testdata/live/live.rules.
func compileRules(t *testing.T, path string) *detect.Engine {
	t.Helper()
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Keywords: detect.Keywords()})
	if len(rep.Errors) > 0 || rs == nil {
		t.Fatalf("load %s: %v", path, rep.Errors)
	}
	eng, _, err := detect.Compile(rs, detect.Options{})
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// testConfig is the engine configuration of the live tests: no checksum
// checks (veth frames carry partial checksums), all EVE types.
func testConfig(t *testing.T, workers int) engine.Config {
	t.Helper()
	cfg := engine.Config{Workers: workers, LogDir: t.TempDir(), EVE: engine.DefaultEVE(),
		Rules: compileRules(t, "testdata/live/live.rules")}
	cfg.Decode.Checksum = decode.ChecksumNone
	return cfg
}

// frame is one frame a worker read, copied from the ring by the tap.
type frame struct {
	worker  int
	ts      int64
	data    []byte
	origLen uint32
}

// liveRun is Live running in namespace A.
type liveRun struct {
	t      *testing.T
	cfg    engine.Config
	run    *engine.LiveRun
	cancel context.CancelFunc
	done   chan struct{}
	sum    *engine.Summary
	err    error

	mu     sync.Mutex
	frames []frame
}

// startLive starts Live on n's side A and waits until it captures.
func startLive(t *testing.T, n *testutil.TestNet, cfg engine.Config, opts engine.LiveOptions) *liveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lr := &liveRun{t: t, cfg: cfg, cancel: cancel, done: make(chan struct{})}
	ready := make(chan *engine.LiveRun, 1)
	opts.Interfaces = []string{n.IfA}
	if opts.NumBlocks == 0 {
		opts.BlockSize, opts.NumBlocks = 1<<20, 4
	}
	opts.Ready = func(r *engine.LiveRun) error { ready <- r; return nil }
	opts.Tap = func(w int, data []byte, ts int64, origLen uint32) {
		lr.mu.Lock()
		lr.frames = append(lr.frames, frame{worker: w, ts: ts, data: append([]byte(nil), data...), origLen: origLen})
		lr.mu.Unlock()
	}
	go func() {
		defer close(lr.done)
		lr.err = testutil.InNetns(n.NSA, func() error {
			lr.sum, lr.err = engine.Live(ctx, cfg, opts)
			return lr.err
		})
	}()
	t.Cleanup(func() { lr.stop() })
	select {
	case lr.run = <-ready:
	case <-lr.done:
		t.Fatalf("Live ended before capturing: %v", lr.err)
	case <-time.After(20 * time.Second):
		t.Fatal("Live did not start within 20s")
	}
	if !lr.run.FilterLoaded() && !opts.NoEBPF {
		t.Log("note: the eBPF filter did not load (kernel refused); exclusion and bypass tests will skip")
	}
	return lr
}

// stop lets the workers catch up with what was sent, stops Live and
// returns its summary.
func (lr *liveRun) stop() *engine.Summary {
	lr.t.Helper()
	select {
	case <-lr.done:
		return lr.sum
	default:
	}
	time.Sleep(300 * time.Millisecond) // > block timeout + poll timeout
	lr.cancel()
	select {
	case <-lr.done:
	case <-time.After(20 * time.Second):
		lr.t.Fatal("Live did not stop within 20s of cancel")
	}
	if lr.err != nil {
		lr.t.Fatalf("Live: %v", lr.err)
	}
	return lr.sum
}

// waitFor polls cond for up to 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// tuple is a frame's IPv4 5-tuple.
type tuple struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

// sym returns t with its endpoints in a fixed order (both directions equal).
func (t tuple) sym() tuple {
	if t.src.Compare(t.dst) > 0 || t.src == t.dst && t.sport > t.dport {
		t.src, t.dst, t.sport, t.dport = t.dst, t.src, t.dport, t.sport
	}
	return t
}

// parseTuple decodes an untagged Ethernet/IPv4 TCP or UDP frame.
func parseTuple(b []byte) (tuple, []byte, bool) {
	if len(b) < 34 || binary.BigEndian.Uint16(b[12:]) != 0x0800 {
		return tuple{}, nil, false
	}
	ip := b[14:]
	ihl := int(ip[0]&15) * 4
	if len(ip) < ihl+8 {
		return tuple{}, nil, false
	}
	t := tuple{src: netip.AddrFrom4([4]byte(ip[12:16])), dst: netip.AddrFrom4([4]byte(ip[16:20])), proto: ip[9]}
	l4 := ip[ihl:min(len(ip), int(binary.BigEndian.Uint16(ip[2:])))]
	t.sport, t.dport = binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:])
	var payload []byte
	switch t.proto {
	case 6:
		if len(l4) >= 20 {
			payload = l4[int(l4[12]>>4)*4:]
		}
	case 17:
		payload = l4[8:]
	default:
		t.sport, t.dport = 0, 0
	}
	return t, payload, true
}

// alertKey identifies an alert independently of time and worker.
type alertKey struct {
	SID          uint64
	Src, Dst     string
	Sport, Dport uint16
}

// eveRecords validates dir/eve.json against the EVE schema and returns
// its alerts (sorted), flow records and final stats.
func eveRecords(t *testing.T, dir string) (alerts []alertKey, flows []map[string]any, stats map[string]any) {
	t.Helper()
	evetest.ValidateFile(t, filepath.Join(dir, "eve.json"))
	f, err := os.Open(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct {
			EventType string `json:"event_type"`
			SrcIP     string `json:"src_ip"`
			DestIP    string `json:"dest_ip"`
			SrcPort   uint16 `json:"src_port"`
			DestPort  uint16 `json:"dest_port"`
			Alert     *struct {
				SID uint64 `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("eve.json: %v: %s", err, sc.Bytes())
		}
		switch r.EventType {
		case "alert":
			alerts = append(alerts, alertKey{r.Alert.SID, r.SrcIP, r.DestIP, r.SrcPort, r.DestPort})
		case "flow":
			var m map[string]any
			json.Unmarshal(sc.Bytes(), &m)
			flows = append(flows, m)
		case "stats":
			var m map[string]any
			json.Unmarshal(sc.Bytes(), &m)
			stats, _ = m["stats"].(map[string]any)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Slice(alerts, func(i, j int) bool { return fmt.Sprint(alerts[i]) < fmt.Sprint(alerts[j]) })
	return alerts, flows, stats
}

// writePcap writes frames in capture-time order to a classic pcap file
// (nanosecond timestamps, Ethernet).
func writePcap(t *testing.T, path string, frames []frame) {
	t.Helper()
	fs := append([]frame(nil), frames...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].ts < fs[j].ts })
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 0xa1b23c4d)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 262144)
	b = binary.LittleEndian.AppendUint32(b, 1)
	for _, f := range fs {
		b = binary.LittleEndian.AppendUint32(b, uint32(f.ts/1e9))
		b = binary.LittleEndian.AppendUint32(b, uint32(f.ts%1e9))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f.data)))
		b = binary.LittleEndian.AppendUint32(b, f.origLen)
		b = append(b, f.data...)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// httpServer serves on side A: paths starting with /vigil-live-test get a
// body with a marker, others 404.
func httpServer(t *testing.T, n *testutil.TestNet) netip.AddrPort {
	t.Helper()
	var ln net.Listener
	n.Do(t, n.NSA, func() (err error) {
		ln, err = net.Listen("tcp4", net.JoinHostPort(n.A4.String(), "0"))
		return err
	})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/vigil-live-test") {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprintf(w, "hello from side A: live-body-marker %s\n", r.URL.Path)
			return
		}
		http.NotFound(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return netip.MustParseAddrPort(ln.Addr().String())
}

// httpClients makes conns connections from side B, each with two
// keep-alive requests (one hit, one miss), and reads the responses.
func httpClients(t *testing.T, n *testutil.TestNet, srv netip.AddrPort, conns int) {
	t.Helper()
	n.Do(t, n.NSB, func() error {
		for i := range conns {
			c, err := net.Dial("tcp4", srv.String())
			if err != nil {
				return err
			}
			br := bufio.NewReader(c)
			for j, path := range []string{fmt.Sprintf("/vigil-live-test/%d", i), fmt.Sprintf("/missing/%d", i)} {
				fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: VigilLiveTest/%d\r\n\r\n", path, srv.Addr(), j)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					c.Close()
					return fmt.Errorf("conn %d request %d: %w", i, j, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			c.Close()
		}
		return nil
	})
}

// TestLiveAlertsMatchReplay checks that alerts from live HTTP traffic equal
// those from replaying a capture of the same traffic (the frames the
// workers read, written to a pcap by the tap).
func TestLiveAlertsMatchReplay(t *testing.T) {
	n := testutil.NewTestNet(t, "10.78.0")
	srv := httpServer(t, n)
	cfg := testConfig(t, 2)
	lr := startLive(t, n, cfg, engine.LiveOptions{})
	httpClients(t, n, srv, 8)
	sum := lr.stop()

	live, _, stats := eveRecords(t, cfg.LogDir)
	sids := map[uint64]int{}
	for _, a := range live {
		sids[a.SID]++
	}
	// 8 connections, each with a hit (uri, body) and a miss (404); both
	// requests carry the user agent.
	want := map[uint64]int{9100001: 8, 9100002: 16, 9100003: 8, 9100004: 8}
	if diff := cmp.Diff(want, sids); diff != "" {
		t.Errorf("live alerts per sid (-want +got):\n%s", diff)
	}
	if capt, _ := stats["capture"].(map[string]any); capt == nil || capt["kernel_packets"] == nil {
		t.Errorf("final EVE stats lack capture.kernel_packets: %v", stats)
	}
	if kp, _ := sum.Counter("capture.kernel_packets"); kp < sum.Packets {
		t.Errorf("capture.kernel_packets = %d < %d packets processed", kp, sum.Packets)
	}

	pcap := filepath.Join(t.TempDir(), "live.pcap")
	lr.mu.Lock()
	writePcap(t, pcap, lr.frames)
	nframes := len(lr.frames)
	lr.mu.Unlock()
	rcfg := testConfig(t, 1)
	rsum, err := engine.Replay(rcfg, []string{pcap}, nil)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	replayed, _, _ := eveRecords(t, rcfg.LogDir)
	if diff := cmp.Diff(replayed, live); diff != "" {
		t.Errorf("live alerts differ from replayed ones (-replay +live):\n%s", diff)
	}
	t.Logf("live: %d packets, %d alerts, %d flows; replay of %d frames: %d packets, %d alerts",
		sum.Packets, sum.Alerts, sum.Flows, nframes, rsum.Packets, rsum.Alerts)
}

// TestLiveFlowsStayOnOneWorker checks that with two workers every flow's
// packets, both directions, are read by one worker.
func TestLiveFlowsStayOnOneWorker(t *testing.T) {
	n := testutil.NewTestNet(t, "10.78.1")
	srv := httpServer(t, n)
	cfg := testConfig(t, 2)
	lr := startLive(t, n, cfg, engine.LiveOptions{})
	httpClients(t, n, srv, 24)
	// And UDP flows from many source ports.
	var sink *net.UDPConn
	n.Do(t, n.NSA, func() (err error) {
		sink, err = net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(n.A4, 0)))
		return err
	})
	defer sink.Close()
	n.Do(t, n.NSB, func() error {
		// The sockets stay open until all are sent: a closed one's
		// ephemeral port may be handed out again, and two "flows" with
		// one tuple are one flow.
		var conns []*net.UDPConn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for range 24 {
			c, err := net.DialUDP("udp4", nil, sink.LocalAddr().(*net.UDPAddr))
			if err != nil {
				return err
			}
			conns = append(conns, c)
			for range 3 {
				c.Write([]byte("udp flow payload"))
			}
		}
		return nil
	})
	sum := lr.stop()

	lr.mu.Lock()
	defer lr.mu.Unlock()
	owner := map[tuple]int{}
	flowsPer := map[int]int{}
	pktsPer := map[int]int{}
	split := 0
	for _, f := range lr.frames {
		tp, _, ok := parseTuple(f.data)
		if !ok {
			continue
		}
		k := tp.sym()
		pktsPer[f.worker]++
		w, seen := owner[k]
		switch {
		case !seen:
			owner[k] = f.worker
			flowsPer[f.worker]++
		case w != f.worker:
			split++
			t.Errorf("flow %v: packets on workers %d and %d", k, w, f.worker)
		}
	}
	if len(owner) < 48 {
		t.Errorf("saw %d flows; want at least 48", len(owner))
	}
	if flowsPer[0] == 0 || flowsPer[1] == 0 {
		t.Errorf("flows per worker %v: want both workers used", flowsPer)
	}
	for i := range 2 {
		if got, _ := sum.Counter(fmt.Sprintf("vigil.worker.%d.packets", i)); got < uint64(pktsPer[i]) {
			t.Errorf("worker %d counted %d packets; the tap saw %d IPv4 ones", i, got, pktsPer[i])
		}
	}
	t.Logf("%d flows: per worker flows %v, IPv4 packets %v; %d split", len(owner), flowsPer, pktsPer, split)
}

// TestLiveExclude checks that traffic of an excluded CIDR is dropped in the
// kernel: the filter counts it and no worker sees a packet of it.
func TestLiveExclude(t *testing.T) {
	n := testutil.NewTestNet(t, "10.78.2")
	cfg := testConfig(t, 2)
	excluded := netip.PrefixFrom(n.B4x, 32)
	lr := startLive(t, n, cfg, engine.LiveOptions{Excludes: []netip.Prefix{excluded}})
	if !lr.run.FilterLoaded() {
		t.Skip("eBPF filter not available")
	}
	var sink *net.UDPConn
	n.Do(t, n.NSA, func() (err error) {
		sink, err = net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(n.A4, 0)))
		return err
	})
	defer sink.Close()
	dst := sink.LocalAddr().(*net.UDPAddr)
	const count = 50
	n.Do(t, n.NSB, func() error {
		for _, src := range []netip.Addr{n.B4x, n.B4} {
			c, err := net.DialUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(src, 0)), dst)
			if err != nil {
				return err
			}
			for range count {
				if _, err := c.Write([]byte("UDPMARK from " + src.String())); err != nil {
					return err
				}
			}
			c.Close()
		}
		return nil
	})
	waitFor(t, "excluded packets counted", func() bool {
		return lr.run.Snapshot().Filter.Excluded.Packets >= count
	})
	sum := lr.stop()

	fromExcluded, fromOther := 0, 0
	lr.mu.Lock()
	for _, f := range lr.frames {
		tp, _, ok := parseTuple(f.data)
		if !ok {
			continue
		}
		switch {
		case excluded.Contains(tp.src) || excluded.Contains(tp.dst):
			fromExcluded++
		case tp.src == n.B4 && tp.proto == 17:
			fromOther++
		}
	}
	lr.mu.Unlock()
	ex, _ := sum.Counter("vigil.filter.excluded_pkts")
	if ex < count {
		t.Errorf("filter excluded %d packets; want >= %d", ex, count)
	}
	if fromExcluded != 0 {
		t.Errorf("workers read %d packets of excluded %v; want 0", fromExcluded, excluded)
	}
	if fromOther != count {
		t.Errorf("workers read %d UDP packets from %v; want %d", fromOther, n.B4, count)
	}
	alerts, _, _ := eveRecords(t, cfg.LogDir)
	for _, a := range alerts {
		if a.Src == n.B4x.String() || a.Dst == n.B4x.String() {
			t.Errorf("alert for excluded traffic: %+v", a)
		}
	}
	t.Logf("excluded in kernel: %d packets; workers: %d from %v, %d from excluded", ex, fromOther, n.B4, fromExcluded)
}

// TestLiveBypass checks that once a TCP flow reached the reassembly depth
// in both directions its later packets are dropped in the kernel, while a
// flow that did not is still inspected.
func TestLiveBypass(t *testing.T) {
	n := testutil.NewTestNet(t, "10.78.3")
	cfg := testConfig(t, 2)
	const depth = 4096
	cfg.Stream.Depth = depth
	lr := startLive(t, n, cfg, engine.LiveOptions{Bypass: true, BypassTTL: time.Minute})
	if !lr.run.FilterLoaded() {
		t.Skip("eBPF filter not available")
	}
	// Side A: echo what it receives back, except on connections whose
	// first byte is 'U' (upload only).
	var ln net.Listener
	n.Do(t, n.NSA, func() (err error) {
		ln, err = net.Listen("tcp4", net.JoinHostPort(n.A4.String(), "0"))
		return err
	})
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				echo := true
				first := true
				for {
					k, err := c.Read(buf)
					if k > 0 && first {
						echo, first = buf[0] != 'U', false
					}
					if k > 0 && echo {
						c.Write(buf[:k])
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	big := make([]byte, 2*depth)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	var bypassed, kept net.Conn
	n.Do(t, n.NSB, func() (err error) {
		if bypassed, err = net.Dial("tcp4", ln.Addr().String()); err != nil {
			return err
		}
		if _, err = bypassed.Write(big); err != nil {
			return err
		}
		_, err = io.ReadFull(bypassed, make([]byte, len(big)))
		return err
	})
	defer bypassed.Close()
	waitFor(t, "a bypassed flow", func() bool {
		for _, w := range lr.run.Snapshot().Workers {
			if w.BypassedFlows > 0 {
				return true
			}
		}
		return false
	})
	before := lr.run.Snapshot().Filter.Bypassed.Packets
	// Now both flows send markers: the bypassed one after the bypass, the
	// other one (upload only: depth reached in one direction) from its
	// start.
	const markers = 20
	n.Do(t, n.NSB, func() (err error) {
		if kept, err = net.Dial("tcp4", ln.Addr().String()); err != nil {
			return err
		}
		kept.Write([]byte("U RAWMARK first"))
		time.Sleep(20 * time.Millisecond)
		kept.Write(big)
		for i := range markers {
			msg := []byte(fmt.Sprintf("RAWMARK %02d after depth", i))
			if _, err := bypassed.Write(msg); err != nil {
				return err
			}
			if _, err := io.ReadFull(bypassed, msg); err != nil {
				return err
			}
			kept.Write(msg)
			time.Sleep(2 * time.Millisecond)
		}
		return nil
	})
	defer kept.Close()
	waitFor(t, "bypassed packets counted", func() bool {
		return lr.run.Snapshot().Filter.Bypassed.Packets-before >= markers
	})
	bypassedAddr := netip.MustParseAddrPort(bypassed.LocalAddr().String())
	keptAddr := netip.MustParseAddrPort(kept.LocalAddr().String())
	sum := lr.stop()

	bpk, _ := sum.Counter("flow_bypassed.pkts")
	if bpk < 2*markers { // each marker and its echo
		t.Errorf("flow_bypassed.pkts = %d; want >= %d", bpk, 2*markers)
	}
	if nb, _ := sum.Counter("vigil.bypass.flows"); nb != 1 {
		t.Errorf("vigil.bypass.flows = %d; want 1", nb)
	}
	seenMarkers := map[uint16]int{}
	lr.mu.Lock()
	for _, f := range lr.frames {
		tp, payload, ok := parseTuple(f.data)
		if ok && tp.proto == 6 && strings.Contains(string(payload), "after depth") {
			seenMarkers[tp.sym().dport]++
			seenMarkers[tp.sym().sport]++
		}
	}
	lr.mu.Unlock()
	if c := seenMarkers[bypassedAddr.Port()]; c != 0 {
		t.Errorf("workers read %d marker packets of the bypassed flow; want 0", c)
	}
	if c := seenMarkers[keptAddr.Port()]; c == 0 {
		t.Errorf("workers read no marker packet of the flow that was not bypassed")
	}
	alerts, flows, _ := eveRecords(t, cfg.LogDir)
	var keptAlerts int
	for _, a := range alerts {
		if a.SID != 9100005 {
			continue
		}
		switch a.Sport {
		case bypassedAddr.Port():
			t.Errorf("alert on the bypassed flow: %+v", a)
		case keptAddr.Port():
			keptAlerts++
		}
	}
	if keptAlerts == 0 {
		t.Errorf("no RAWMARK alert on the flow that was not bypassed")
	}
	states := map[uint16]string{}
	for _, f := range flows {
		sp, _ := f["src_port"].(float64)
		fl, _ := f["flow"].(map[string]any)
		st, _ := fl["state"].(string)
		states[uint16(sp)] = st
	}
	if states[bypassedAddr.Port()] != "bypassed" {
		t.Errorf("bypassed flow's EVE state %q; want bypassed", states[bypassedAddr.Port()])
	}
	if states[keptAddr.Port()] == "bypassed" {
		t.Errorf("the flow that reached depth one way only was bypassed")
	}
	t.Logf("bypassed in kernel: %d packets; marker packets read: bypassed flow %d, other flow %d; alerts on other flow %d",
		bpk, seenMarkers[bypassedAddr.Port()], seenMarkers[keptAddr.Port()], keptAlerts)
}

// TestLiveBadFilter checks that a bad -f expression is a clear error before
// anything is opened (no privileges needed).
func TestLiveBadFilter(t *testing.T) {
	cfg := engine.Config{Workers: 1, LogDir: t.TempDir()}
	_, err := engine.Live(context.Background(), cfg, engine.LiveOptions{Interfaces: []string{"nonexistent0"}, BPFFilter: "tcp port"})
	if err == nil {
		t.Fatal("Live with filter \"tcp port\" succeeded; want an error")
	}
	if !errors.Is(err, afpacket.ErrBadFilter) || !strings.Contains(err.Error(), `"tcp port"`) {
		t.Errorf("error %q: want one wrapping afpacket.ErrBadFilter and quoting the expression", err)
	}
	t.Logf("error: %v", err)
}

// TestLiveLoad is the bounded load test (not run by go test unless
// VIGIL_LOADTEST=1): for ~20s per engine it pushes as much TCP traffic
// through the veth as the machine allows, first with `vigil run` and then
// with Suricata 7 in AF_PACKET mode (cluster_flow, 2 threads), both with
// all of ET Open, and reports kernel packets and drops, Mbit/s and CPU.
//
//	VIGIL_LOADTEST=1 go test ./engine -run TestLiveLoad -v -timeout 15m
//
// VIGIL_LOADTEST_SECONDS changes the duration of each run.
func TestLiveLoad(t *testing.T) {
	if os.Getenv("VIGIL_LOADTEST") != "1" {
		t.Skip("load test: set VIGIL_LOADTEST=1 to run")
	}
	secs := 20
	if s := os.Getenv("VIGIL_LOADTEST_SECONDS"); s != "" {
		fmt.Sscan(s, &secs)
	}
	dur := time.Duration(secs) * time.Second
	n := testutil.NewTestNet(t, "10.78.4")
	root := testutil.ModuleRoot(t)
	et := testutil.SharedPath(t, "rules", "et-open")
	tmp := t.TempDir()
	vigil := filepath.Join(tmp, "vigil")
	if out, err := runCmd(root, "go", "build", "-o", vigil, "./cmd/vigil"); err != nil {
		t.Fatalf("build vigil: %v\n%s", err, out)
	}
	// Suricata's -S takes one file.
	all := filepath.Join(tmp, "et-open.rules")
	files, _ := filepath.Glob(filepath.Join(et, "*.rules"))
	var cat []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cat = append(append(cat, b...), '\n')
	}
	if err := os.WriteFile(all, cat, 0o644); err != nil {
		t.Fatal(err)
	}
	vars := []string{"--set", "vars.address-groups.HOME_NET=any", "--set", "vars.address-groups.EXTERNAL_NET=any"}

	sink := loadSink(t, n)
	type result struct {
		name                string
		sentBytes           uint64
		kernPkts, kernDrops uint64
		cpu, cpuTotal, wall time.Duration
		ok                  bool
	}
	var results []result
	runEngine := func(name string, args []string, ready string, parse func(out string, logDir string) (uint64, uint64, bool)) {
		logDir := filepath.Join(tmp, "out-"+name)
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := execCommand("ip", append([]string{"netns", "exec", n.NSA}, args...)...)
		outPath := filepath.Join(logDir, "console.txt")
		of, err := os.Create(outPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = of, of
		for i, a := range cmd.Args {
			cmd.Args[i] = strings.ReplaceAll(a, "LOGDIR", logDir)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		}()
		for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
			b, _ := os.ReadFile(outPath)
			if strings.Contains(string(b), ready) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not start in 5 minutes:\n%s", name, b)
			}
		}
		t.Logf("%s ready after %s", name, time.Since(start).Round(time.Millisecond))
		time.Sleep(time.Second)
		cpu0 := procCPU(cmd.Process.Pid)
		sent := loadSend(t, n, sink, dur)
		time.Sleep(time.Second)
		cpuWindow := procCPU(cmd.Process.Pid) - cpu0
		cmd.Process.Signal(sigterm)
		err = cmd.Wait()
		of.Close()
		b, _ := os.ReadFile(outPath)
		if err != nil {
			t.Errorf("%s exited with %v:\n%s", name, err, lastLines(string(b), 20))
		}
		r := result{name: name, sentBytes: sent, wall: dur}
		r.cpu = cpuWindow
		r.cpuTotal = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		r.kernPkts, r.kernDrops, r.ok = parse(string(b), logDir)
		if !r.ok {
			t.Errorf("%s: no capture statistics found:\n%s", name, lastLines(string(b), 30))
		}
		t.Logf("%s console (tail):\n%s", name, lastLines(string(b), 8))
		results = append(results, r)
	}

	rounds := 1
	if s := os.Getenv("VIGIL_LOADTEST_ROUNDS"); s != "" {
		fmt.Sscan(s, &rounds)
	}
	for round := range rounds {
		t.Logf("round %d of %d", round+1, rounds)
		vargs := append([]string{vigil, "run", "-i", n.IfA, "-S", et, "-l", "LOGDIR", "--workers", "2", "-k", "none"}, vars...)
		vargs = append(vargs, strings.Fields(os.Getenv("VIGIL_LOADTEST_VIGIL_ARGS"))...)
		runEngine("vigil", vargs,
			"msg=capturing", func(out, _ string) (uint64, uint64, bool) {
				var p, d uint64
				okP := scanCounter(out, "capture.kernel_packets=", &p)
				okD := scanCounter(out, "capture.kernel_drops=", &d)
				return p, d, okP && okD
			})
		if os.Getenv("VIGIL_LOADTEST_VIGIL_ONLY") == "1" {
			continue
		}
		runEngine("suricata", append([]string{"suricata", "--af-packet=" + n.IfA, "-S", all, "-l", "LOGDIR", "-k", "none",
			"--set", "af-packet.0.interface=" + n.IfA, "--set", "af-packet.0.threads=2",
			"--set", "af-packet.0.cluster-type=cluster_flow", "--set", "af-packet.0.cluster-id=97",
			"--set", "classification-file=" + filepath.Join(et, "classification.config"),
			"--set", "reference-config-file=" + filepath.Join(et, "reference.config")}, vars...),
			"Engine started", func(out, logDir string) (uint64, uint64, bool) {
				log, _ := os.ReadFile(filepath.Join(logDir, "suricata.log"))
				text := out + string(log)
				var p, d uint64
				okP := scanCounter(text, "packets: ", &p)
				okD := scanCounter(text, "drops: ", &d)
				return p, d, okP && okD
			})
	}

	t.Logf("load test: %s per engine, 2 workers/threads, ET Open, veth between namespaces, %d CPUs shared", dur, runtimeNumCPU())
	t.Logf("CPU: user+system time of the engine process during the traffic window (+1s); total includes rule loading")
	t.Logf("%-9s %12s %12s %12s %8s %10s %8s %10s", "engine", "sent Mbit/s", "kernel pkts", "kernel drop", "drop %", "CPU s", "CPU %", "total CPU")
	for _, r := range results {
		dropPct := 0.0
		if r.kernPkts > 0 {
			dropPct = 100 * float64(r.kernDrops) / float64(r.kernPkts)
		}
		t.Logf("%-9s %12.0f %12d %12d %8.2f %10.1f %8.0f %10.1f", r.name, float64(r.sentBytes)*8/1e6/r.wall.Seconds(),
			r.kernPkts, r.kernDrops, dropPct, r.cpu.Seconds(), 100*r.cpu.Seconds()/(r.wall.Seconds()+1), r.cpuTotal.Seconds())
	}
	for i := 0; i+1 < len(results); i += 2 {
		v, s := results[i], results[i+1]
		if v.kernPkts == 0 || s.kernPkts == 0 {
			continue
		}
		// Packets inspected per CPU second: what each engine got through.
		vIns, sIns := float64(v.kernPkts-v.kernDrops), float64(s.kernPkts-s.kernDrops)
		t.Logf("round %d ratio vigil/suricata: sent Mbit/s %.2f, packets inspected %.2f, drop rate %.1f%% vs %.1f%%, CPU %.2f, inspected per CPU-s %.2f",
			i/2+1, float64(v.sentBytes)/float64(max(s.sentBytes, 1)), vIns/sIns,
			100*float64(v.kernDrops)/float64(v.kernPkts), 100*float64(s.kernDrops)/float64(s.kernPkts),
			v.cpu.Seconds()/max(s.cpu.Seconds(), 1e-9), (vIns/max(v.cpu.Seconds(), 1e-9))/(sIns/max(s.cpu.Seconds(), 1e-9)))
	}
}

// loadSink is a TCP discard server on side A.
func loadSink(t *testing.T, n *testutil.TestNet) string {
	t.Helper()
	var ln net.Listener
	n.Do(t, n.NSA, func() (err error) {
		ln, err = net.Listen("tcp4", net.JoinHostPort(n.A4.String(), "8080"))
		return err
	})
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// loadSend sends HTTP-like uploads from side B to addr over 16 concurrent
// connections for d (each connection carries 16 requests of 64 KiB, then
// a new one starts) and returns the bytes sent.
func loadSend(t *testing.T, n *testutil.TestNet, addr string, d time.Duration) uint64 {
	t.Helper()
	body := make([]byte, 64<<10)
	x := uint32(2463534242)
	for i := range body {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body[i] = 'a' + byte(x%26)
		if x%61 == 0 {
			body[i] = ' '
		}
	}
	deadline := time.Now().Add(d)
	var total atomicCounter
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			testutil.InNetns(n.NSB, func() error {
				for conn := 0; time.Now().Before(deadline); conn++ {
					c, err := net.Dial("tcp4", addr)
					if err != nil {
						return err
					}
					c.SetWriteDeadline(deadline)
					for req := 0; req < 16 && time.Now().Before(deadline); req++ {
						hdr := fmt.Sprintf("POST /upload/%d/%d/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil-load/1.0\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n",
							g, conn, req, addr, len(body))
						k1, err1 := c.Write([]byte(hdr))
						k2, err2 := c.Write(body)
						total.add(uint64(k1 + k2))
						if err1 != nil || err2 != nil {
							break
						}
					}
					c.Close()
				}
				return nil
			})
		}()
	}
	wg.Wait()
	return total.load()
}

func scanCounter(text, prefix string, v *uint64) bool {
	i := strings.LastIndex(text, prefix)
	if i < 0 {
		return false
	}
	_, err := fmt.Sscan(text[i+len(prefix):], v)
	return err == nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

var sigterm = syscall.SIGTERM

func execCommand(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }

func runCmd(dir, name string, args ...string) ([]byte, error) {
	c := exec.Command(name, args...)
	c.Dir = dir
	return c.CombinedOutput()
}

func runtimeNumCPU() int { return runtime.NumCPU() }

type atomicCounter struct{ v atomic.Uint64 }

func (c *atomicCounter) add(n uint64) { c.v.Add(n) }
func (c *atomicCounter) load() uint64 { return c.v.Load() }

// procCPU returns the user+system CPU time of process pid so far (0 when
// unreadable).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 (1-based), in clock ticks (100 per second on Linux).
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// TestLiveBypassEncrypted checks TLS bypass (encryption-handling: bypass):
// once a TLS flow carries encrypted application data, the rest of it is
// dropped in the kernel.
func TestLiveBypassEncrypted(t *testing.T) {
	n := testutil.NewTestNet(t, "10.78.5")
	cfg := testConfig(t, 2)
	lr := startLive(t, n, cfg, engine.LiveOptions{BypassEncrypted: true, BypassTTL: time.Minute})
	if !lr.run.FilterLoaded() {
		t.Skip("eBPF filter not available")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vigil-live.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"vigil-live.test"}}
	der, err := x509.CreateCertificate(crand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	tcfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	var ln net.Listener
	n.Do(t, n.NSA, func() (err error) {
		ln, err = net.Listen("tcp4", net.JoinHostPort(n.A4.String(), "0"))
		return err
	})
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s := tls.Server(c, tcfg)
		io.Copy(s, s) // echo the plaintext back, encrypted
	}()
	var c *tls.Conn
	n.Do(t, n.NSB, func() error {
		raw, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			return err
		}
		c = tls.Client(raw, &tls.Config{ServerName: "vigil-live.test", InsecureSkipVerify: true})
		return c.Handshake()
	})
	defer c.Close()
	echo := func(msg string) {
		t.Helper()
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	echo("first encrypted record")
	waitFor(t, "the TLS flow bypassed", func() bool {
		for _, w := range lr.run.Snapshot().Workers {
			if w.BypassedFlows > 0 {
				return true
			}
		}
		return false
	})
	before := lr.run.Snapshot().Filter.Bypassed.Packets
	const records = 20
	for i := range records {
		echo(fmt.Sprintf("record %02d after the bypass", i))
		time.Sleep(2 * time.Millisecond)
	}
	waitFor(t, "bypassed packets counted", func() bool {
		return lr.run.Snapshot().Filter.Bypassed.Packets-before >= records
	})
	client := netip.MustParseAddrPort(c.LocalAddr().String())
	sum := lr.stop()
	if nb, _ := sum.Counter("vigil.bypass.flows"); nb != 1 {
		t.Errorf("vigil.bypass.flows = %d; want 1", nb)
	}
	bpk, _ := sum.Counter("flow_bypassed.pkts")
	if bpk < records {
		t.Errorf("flow_bypassed.pkts = %d; want >= %d", bpk, records)
	}
	_, flows, _ := eveRecords(t, cfg.LogDir)
	state := ""
	for _, f := range flows {
		if sp, _ := f["src_port"].(float64); uint16(sp) == client.Port() {
			fl, _ := f["flow"].(map[string]any)
			state, _ = fl["state"].(string)
		}
	}
	if state != "bypassed" {
		t.Errorf("TLS flow's EVE state %q; want bypassed", state)
	}
	t.Logf("TLS flow bypassed after the handshake: %d packets dropped in the kernel", bpk)
}
