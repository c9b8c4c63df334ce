package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Live rows: the bench input sent with tcpreplay from one end of a veth
// pair to the other, between two network namespaces the bench creates, at
// fixed rates and at tcpreplay's top speed, while one engine at a time
// captures on the far end with 2 workers (`vigil run`; Suricata
// --af-packet with cluster_flow); then the large-upload load of engine's
// TestLiveLoad (16 connections sending 64 KiB bodies of random letters)
// for each engine. Each run reports the kernel's packet and drop counts
// as the engine read them at exit, the engine's CPU seconds over the
// traffic window and its alerts.

// LiveWorkers is the worker (thread) count of both engines in live rows.
const LiveWorkers = 2

// LiveLoad is one traffic load of the live rows.
type LiveLoad struct {
	// Mbps is tcpreplay's rate (--mbps); 0 is --topspeed.
	Mbps int `json:"mbps,omitempty"`
	// Upload, when set, is the large-upload load for that long instead
	// of tcpreplay.
	Upload time.Duration `json:"upload_ns,omitempty"`
}

// Name is the load as the report prints it.
func (l LiveLoad) Name() string {
	switch {
	case l.Upload > 0:
		return fmt.Sprintf("uploads, %s", l.Upload)
	case l.Mbps == 0:
		return "tcpreplay --topspeed"
	default:
		return fmt.Sprintf("tcpreplay %d Mbit/s", l.Mbps)
	}
}

// ParseLiveRates parses -live-rates: comma-separated Mbit/s figures and
// "top" (tcpreplay --topspeed), e.g. "200,500,top". "" and "none" mean no
// tcpreplay rows.
func ParseLiveRates(s string) ([]LiveLoad, error) {
	var out []LiveLoad
	if s = strings.TrimSpace(s); s == "" || s == "none" {
		return nil, nil
	}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "top" {
			out = append(out, LiveLoad{})
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("live rate %q: want Mbit/s (a positive integer) or top", f)
		}
		out = append(out, LiveLoad{Mbps: n})
	}
	return out, nil
}

// TcpreplayArgs are tcpreplay's arguments to send pcap out of iface at
// load's rate for at most limit (--duration; 0: no limit).
func TcpreplayArgs(iface, pcap string, load LiveLoad, limit time.Duration) []string {
	args := []string{"--intf1=" + iface}
	if load.Mbps > 0 {
		args = append(args, "--mbps="+strconv.Itoa(load.Mbps))
	} else {
		args = append(args, "--topspeed")
	}
	if limit > 0 {
		args = append(args, "--duration="+strconv.Itoa(max(1, int(limit/time.Second))))
	}
	return append(args, pcap)
}

// reTcpreplay matches tcpreplay's summary: "Actual: 4556 packets (2445677
// bytes) sent in 0.09 seconds", "Rated: 25840034.1 Bps, 206.72 Mbps" and
// "Failed packets: 16" (frames the interface refused, e.g. over its MTU).
var (
	reTcpreplayActual = regexp.MustCompile(`Actual: (\d+) packets \((\d+) bytes\) sent in ([0-9.]+) seconds`)
	reTcpreplayRated  = regexp.MustCompile(`Rated: [0-9.]+ Bps, ([0-9.]+) Mbps`)
	reTcpreplayFailed = regexp.MustCompile(`Failed packets:\s+(\d+)`)
)

// TcpreplaySummary is what tcpreplay reports having sent.
type TcpreplaySummary struct {
	Packets, Bytes, Failed int64
	Seconds, Mbps          float64
}

// ParseTcpreplay reads tcpreplay's summary; ok is false without one.
func ParseTcpreplay(out string) (s TcpreplaySummary, ok bool) {
	m := reTcpreplayActual.FindStringSubmatch(out)
	if m == nil {
		return s, false
	}
	s.Packets, _ = strconv.ParseInt(m[1], 10, 64)
	s.Bytes, _ = strconv.ParseInt(m[2], 10, 64)
	s.Seconds, _ = strconv.ParseFloat(m[3], 64)
	if r := reTcpreplayRated.FindStringSubmatch(out); r != nil {
		s.Mbps, _ = strconv.ParseFloat(r[1], 64)
	}
	if f := reTcpreplayFailed.FindStringSubmatch(out); f != nil {
		s.Failed, _ = strconv.ParseInt(f[1], 10, 64)
	}
	if s.Mbps == 0 && s.Seconds > 0 {
		s.Mbps = float64(s.Bytes) * 8 / 1e6 / s.Seconds
	}
	return s, true
}

var (
	// Vigil's exit summary: "... capture.kernel_packets=N capture.kernel_drops=M ...".
	reVigilKernel = regexp.MustCompile(`capture\.kernel_packets=(\d+)[\s\S]*?capture\.kernel_drops=(\d+)`)
	// Suricata's device summary at exit (notice): "vgaX: packets: N, drops: M (0.00%), ...".
	reSuricataKernel = regexp.MustCompile(`packets: (\d+), drops: (\d+)`)
)

// ParseKernelCounts returns the kernel packet and drop counts an engine
// printed at exit (Vigil's console or Suricata's log); the last ones when
// there are several (Suricata prints one line per device).
func ParseKernelCounts(engine, out string) (pkts, drops uint64, ok bool) {
	re := reVigilKernel
	if engine == EngineSuricata {
		re = reSuricataKernel
	}
	all := re.FindAllStringSubmatch(out, -1)
	if all == nil {
		return 0, 0, false
	}
	for _, m := range all {
		p, _ := strconv.ParseUint(m[1], 10, 64)
		d, _ := strconv.ParseUint(m[2], 10, 64)
		if engine == EngineSuricata {
			pkts, drops = pkts+p, drops+d
		} else {
			pkts, drops = p, d
		}
	}
	return pkts, drops, true
}

// LiveSample is one engine under one load.
type LiveSample struct {
	Load          string  `json:"load"`
	Engine        string  `json:"engine"`
	SentPackets   int64   `json:"sent_packets"`
	SendFailed    int64   `json:"send_failed,omitempty"` // frames tcpreplay could not send
	SentBytes     int64   `json:"sent_bytes"`
	SentMbps      float64 `json:"sent_mbps"`
	KernelPackets uint64  `json:"kernel_packets"`
	KernelDrops   uint64  `json:"kernel_drops"`
	CPUSec        float64 `json:"cpu_sec"` // user+system over the traffic window (+1 s)
	Alerts        int     `json:"alerts"`
	Skipped       string  `json:"skipped,omitempty"`
	Err           string  `json:"error,omitempty"`
}

// DropPct is the kernel drops in percent of the kernel packets.
func (s LiveSample) DropPct() float64 {
	if s.KernelPackets == 0 {
		return 0
	}
	return 100 * float64(s.KernelDrops) / float64(s.KernelPackets)
}

// WriteLiveTable writes the live samples as a Markdown table.
func WriteLiveTable(w io.Writer, ss []LiveSample) error {
	var b strings.Builder
	b.WriteString("| live load | engine | sent Mbit/s | kernel packets | kernel drops | drop % | CPU s | alerts |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range ss {
		if why := s.Skipped + s.Err; why != "" {
			fmt.Fprintf(&b, "| %s | %s | n/a: %s | | | | | |\n", s.Load, s.Engine, oneLine(why))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %d | %d | %.2f | %.2f | %d |\n", s.Load, s.Engine, s.SentMbps,
			s.KernelPackets, s.KernelDrops, s.DropPct(), s.CPUSec, s.Alerts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LiveCheck returns why live rows cannot run here ("" when they can):
// they need root (network namespaces, AF_PACKET), ip and tcpreplay.
func LiveCheck() string {
	if os.Geteuid() != 0 {
		return "live rows skipped: they need root (network namespaces and AF_PACKET capture)"
	}
	for _, tool := range []string{"ip", "tcpreplay"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Sprintf("live rows skipped: %s not installed (scripts/deps.sh installs it)", tool)
		}
	}
	return ""
}

// LiveNet is two network namespaces joined by a veth pair: engines capture
// on IfA in NSA, traffic leaves IfB in NSB. Side A has 10.79.0.1/24 (the
// upload sink), side B 10.79.0.2/24.
type LiveNet struct {
	NSA, NSB, IfA, IfB string
	A, B               string // addresses
}

// NewLiveNet creates the namespaces and the veth pair; Close removes them.
// The MTU is raised so that captured frames larger than 1500 bytes are
// sent rather than refused.
func NewLiveNet() (*LiveNet, error) {
	id := strconv.Itoa(os.Getpid() % 100000)
	n := &LiveNet{NSA: "vigil-bench-a-" + id, NSB: "vigil-bench-b-" + id, IfA: "vba" + id, IfB: "vbb" + id,
		A: "10.79.0.1", B: "10.79.0.2"}
	steps := [][]string{
		{"netns", "add", n.NSA},
		{"netns", "add", n.NSB},
		{"link", "add", n.IfA, "netns", n.NSA, "type", "veth", "peer", "name", n.IfB, "netns", n.NSB},
	}
	for _, s := range [][2]string{{n.NSA, n.IfA}, {n.NSB, n.IfB}} {
		addr := n.A
		if s[0] == n.NSB {
			addr = n.B
		}
		steps = append(steps, []string{"-n", s[0], "link", "set", s[1], "mtu", "9000"},
			[]string{"-n", s[0], "addr", "add", addr + "/24", "dev", s[1]},
			[]string{"-n", s[0], "link", "set", "lo", "up"},
			[]string{"-n", s[0], "link", "set", s[1], "up"})
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			n.Close()
			return nil, fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return n, nil
}

// Close removes the namespaces (and with them the veth pair).
func (n *LiveNet) Close() error {
	var errs []error
	for _, ns := range []string{n.NSA, n.NSB} {
		if _, err := os.Stat(filepath.Join("/run/netns", ns)); err != nil {
			continue
		}
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("ip netns del %s: %v: %s", ns, err, out))
		}
	}
	return errors.Join(errs...)
}

// In returns a command running name with args inside namespace ns.
func (n *LiveNet) In(ctx context.Context, ns, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns, name}, args...)...)
}

// LiveArgs are Vigil's arguments to capture on iface with all rules and
// LiveWorkers workers.
func (v *Vigil) LiveArgs(iface, logDir string) []string {
	args := []string{"run", "-i", iface, "-S", v.RuleFile, "-l", logDir, "-k", "none", "--workers", strconv.Itoa(LiveWorkers)}
	return append(args, v.sets()...)
}

// LiveArgs are Suricata's arguments to capture on iface with all rules:
// AF_PACKET, LiveWorkers threads, cluster_flow.
func (s *Suricata) LiveArgs(iface, logDir string) []string {
	return append(s.common(logDir), "--af-packet="+iface, "-S", s.RuleFile,
		"--set", "af-packet.0.interface="+iface, "--set", "af-packet.0.threads="+strconv.Itoa(LiveWorkers),
		"--set", "af-packet.0.cluster-type=cluster_flow", "--set", "af-packet.0.cluster-id=97",
		"--set", "threading.set-cpu-affinity=no")
}

// Live runs the live rows.
type Live struct {
	Net      *LiveNet
	Vigil    *Vigil // nil: left out
	Suricata *Suricata
	// VigilSkip and SuricataSkip say why an engine is left out.
	VigilSkip, SuricataSkip string
	Input                   string // the bench capture
	// Limit bounds each tcpreplay run (--duration).
	Limit time.Duration
	// Helper runs the upload sink and sender: argv of a program taking
	// "sink ADDR" and "upload ADDR SECONDS" (vigil-bench live-helper).
	Helper   []string
	WorkDir  string
	Timeout  time.Duration // per engine start (rule loading) and stop
	Progress io.Writer
}

// Run measures each load with each engine in turn.
func (l *Live) Run(ctx context.Context, loads []LiveLoad) []LiveSample {
	var out []LiveSample
	for _, load := range loads {
		for _, engine := range []string{EngineVigil, EngineSuricata} {
			s := LiveSample{Load: load.Name(), Engine: engine}
			switch {
			case engine == EngineVigil && (l.Vigil == nil || l.VigilSkip != ""):
				s.Skipped = l.VigilSkip
			case engine == EngineSuricata && (l.Suricata == nil || l.SuricataSkip != ""):
				s.Skipped = l.SuricataSkip
			case ctx.Err() != nil:
				s.Skipped = "interrupted"
			default:
				l.runOne(ctx, load, &s)
			}
			if l.Progress != nil {
				status := fmt.Sprintf("sent %.0f Mbit/s, kernel %d pkts %d drops (%.2f%%), cpu %.2fs, alerts %d",
					s.SentMbps, s.KernelPackets, s.KernelDrops, s.DropPct(), s.CPUSec, s.Alerts)
				if why := s.Skipped + s.Err; why != "" {
					status = why
				}
				fmt.Fprintf(l.Progress, "  live %-24s %-8s %s\n", s.Load, engine, status)
			}
			out = append(out, s)
		}
	}
	return out
}

// runOne starts the engine on IfA, waits until it captures, sends the
// load, stops the engine with SIGTERM and reads its counts.
func (l *Live) runOne(ctx context.Context, load LiveLoad, s *LiveSample) {
	dir, err := os.MkdirTemp(l.WorkDir, "live-"+s.Engine+"-")
	if err != nil {
		s.Err = err.Error()
		return
	}
	fail := func(format string, a ...any) {
		s.Err = fmt.Sprintf(format, a...) + " (logs kept in " + dir + ")"
	}
	console := filepath.Join(dir, "console.txt")
	cf, err := os.Create(console)
	if err != nil {
		fail("%v", err)
		return
	}
	defer cf.Close()
	var cmd *exec.Cmd
	var ready, logFile string
	if s.Engine == EngineVigil {
		cmd = l.Net.In(context.Background(), l.Net.NSA, l.Vigil.Bin, l.Vigil.LiveArgs(l.Net.IfA, dir)...)
		ready, logFile = "msg=capturing", console
	} else {
		cmd = l.Net.In(context.Background(), l.Net.NSA, l.Suricata.Bin, l.Suricata.LiveArgs(l.Net.IfA, dir)...)
		ready, logFile = "Engine started", filepath.Join(dir, "suricata.log")
	}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = cf, cf
	if err := cmd.Start(); err != nil {
		fail("start: %v", err)
		return
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
	}()
	// Wait for capture to start (rule loading takes a while).
	deadline := time.Now().Add(l.Timeout)
	for {
		b, _ := os.ReadFile(logFile)
		if strings.Contains(string(b), ready) {
			break
		}
		select {
		case err := <-exited:
			stopped = true
			c, _ := os.ReadFile(console)
			fail("exited before capturing (%v): %s", err, lastLine(string(c)))
			return
		case <-ctx.Done():
			fail("interrupted")
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			fail("not capturing after %s", l.Timeout)
			return
		}
	}
	time.Sleep(time.Second) // fanout group and rings settled
	pid := cmd.Process.Pid
	cpu0 := ProcCPU(pid)
	var serr error
	if load.Upload > 0 {
		serr = l.upload(ctx, load.Upload, s)
	} else {
		serr = l.replay(ctx, load, s)
	}
	time.Sleep(time.Second) // the rings drained
	s.CPUSec = (ProcCPU(pid) - cpu0).Seconds()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(l.Timeout):
		cmd.Process.Kill()
		<-exited
		serr = errors.Join(serr, fmt.Errorf("did not stop within %s of SIGTERM", l.Timeout))
	}
	stopped = true
	if serr != nil {
		fail("%v", serr)
		return
	}
	text, _ := os.ReadFile(logFile)
	var ok bool
	s.KernelPackets, s.KernelDrops, ok = ParseKernelCounts(s.Engine, string(text))
	if !ok {
		fail("no kernel packet counts at exit: %s", lastLine(string(text)))
		return
	}
	if s.Alerts, err = CountAlertsFile(filepath.Join(dir, "eve.json")); err != nil {
		fail("%v", err)
		return
	}
	os.RemoveAll(dir)
}

// replay sends the input with tcpreplay from side B.
func (l *Live) replay(ctx context.Context, load LiveLoad, s *LiveSample) error {
	tctx, cancel := context.WithTimeout(ctx, l.Limit+time.Minute)
	defer cancel()
	out, err := l.Net.In(tctx, l.Net.NSB, "tcpreplay", TcpreplayArgs(l.Net.IfB, l.Input, load, l.Limit)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("tcpreplay: %v: %s", err, lastLine(string(out)))
	}
	sum, ok := ParseTcpreplay(string(out))
	if !ok {
		return fmt.Errorf("tcpreplay: no summary in %q", lastLine(string(out)))
	}
	s.SentPackets, s.SentBytes, s.SendFailed, s.SentMbps = sum.Packets-sum.Failed, sum.Bytes, sum.Failed, sum.Mbps
	return nil
}

// upload runs the upload sink in side A and the sender in side B for d.
func (l *Live) upload(ctx context.Context, d time.Duration, s *LiveSample) error {
	if len(l.Helper) == 0 {
		return errors.New("no upload helper")
	}
	addr := net.JoinHostPort(l.Net.A, "8080")
	sink := l.Net.In(context.Background(), l.Net.NSA, l.Helper[0], append(l.Helper[1:], "sink", addr)...)
	if err := sink.Start(); err != nil {
		return fmt.Errorf("upload sink: %w", err)
	}
	defer func() {
		sink.Process.Kill()
		sink.Wait()
	}()
	time.Sleep(300 * time.Millisecond) // listening
	uctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	start := time.Now()
	out, err := l.Net.In(uctx, l.Net.NSB, l.Helper[0], append(l.Helper[1:], "upload", addr, strconv.Itoa(int(d/time.Second)))...).Output()
	if err != nil {
		return fmt.Errorf("upload sender: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return fmt.Errorf("upload sender: bad output %q", out)
	}
	s.SentBytes = n
	s.SentMbps = float64(n) * 8 / 1e6 / time.Since(start).Seconds()
	return nil
}

// ProcCPU returns the user+system CPU time of process pid so far (0 when
// unreadable), from /proc/PID/stat.
func ProcCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 (1-based), in clock ticks (100 per second).
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
