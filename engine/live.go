//go:build linux

package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"vigil/afpacket"
	"vigil/bpf"
	"vigil/engine/applayer"
	"vigil/engine/flow"
	"vigil/engine/packet"
)

// Live capture: one AF_PACKET ring per worker and interface, no dispatcher.
//
// The rings of one interface form one fanout group (symmetric flow hash with
// defragmentation by default), so the kernel keeps both directions of a flow
// on one ring; each ring has its own Worker and goroutine, which reads the
// ring zero-copy and calls Worker.Process with the kernel's capture time.
// With several interfaces there are Workers×interfaces workers: a flow is
// seen on one interface, so it still meets one worker.
//
// The eBPF socket filter of package bpf is attached to every ring before it
// is bound. User space fills its maps: excluded (or include-only) prefixes
// and ports at start, and bypassed flows while running. The flow-bypass
// hook is Worker.bypass: after each packet of a flow the worker asks the
// bypasser whether the flow's inspection is finished (reassembly depth
// reached in both directions, or TLS encrypted after the handshake when
// LiveOptions.BypassEncrypted); if so the flow is written to the filter's
// bypass map with LiveOptions.BypassTTL, marked flow.StateBypassed, and the
// kernel drops its later packets before they are copied.

// LiveOptions configures Live.
type LiveOptions struct {
	// Interfaces to capture on (at least one).
	Interfaces []string
	// Fanout is the fanout mode (default hash: both directions of a flow
	// on one ring). Other modes break flow tracking; for experiments only.
	Fanout afpacket.FanoutType
	// NoDefrag turns off PACKET_FANOUT_FLAG_DEFRAG (on by default with
	// hash fanout).
	NoDefrag bool
	// Promisc puts the interfaces in promiscuous mode.
	Promisc bool
	// BPFFilter is a tcpdump-syntax capture filter (-f). A socket has one
	// filter, so it replaces the eBPF filter: excludes and bypass are then
	// unavailable.
	BPFFilter string
	// Excludes and ExcludePorts are dropped in the kernel (or, with
	// IncludeOnly, are the only traffic that passes).
	Excludes     []netip.Prefix
	ExcludePorts []uint16
	IncludeOnly  bool
	// Bypass bypasses a TCP flow in the kernel once stream reassembly
	// reached its depth in both directions (Suricata's stream.bypass).
	Bypass bool
	// BypassEncrypted bypasses a TLS flow once its handshake is over
	// (Suricata's app-layer.protocols.tls.encryption-handling: bypass).
	BypassEncrypted bool
	// BypassTTL is how long the kernel drops a bypassed flow's packets
	// (default: the bypassed-flow timeout, 100s).
	BypassTTL time.Duration
	// Resample passes 1 in N packets of bypassed flows to user space (0:
	// none).
	Resample uint32
	// NoEBPF does not load the eBPF filter at all.
	NoEBPF bool
	// BlockSize and NumBlocks size each ring (0: afpacket defaults, 32 MiB).
	BlockSize, NumBlocks int
	// StatsInterval is how often the kernel counters are read for metrics
	// (default 1s); they are always read at the end.
	StatsInterval time.Duration
	// Ready, when set, is called once the rings are open and the filter is
	// loaded, before capture starts: the place to drop privileges or
	// register metrics. An error stops the run.
	Ready func(*LiveRun) error
	// Tap, when set, sees every frame a worker reads, before processing,
	// from that worker's goroutine (tests write pcaps with it). frame is
	// valid only during the call.
	Tap func(worker int, frame []byte, tsNs int64, origLen uint32)
	// Log receives lifecycle messages and warnings (default slog.Default()).
	Log *slog.Logger
}

// defaultBypassTTL matches the flow table's bypassed-state timeout.
const defaultBypassTTL = 100 * time.Second

// LiveRun is a running live capture, handed to LiveOptions.Ready. Its
// methods are safe for concurrent use while the capture runs.
type LiveRun struct {
	filter  *bpf.Filter
	srcs    []*afpacket.Source
	workers []*liveWorker
	// scoring reports the scoring stage's counters (scoring.go).
	scoring *pipeline
	// kernel counters, refreshed every StatsInterval and at the end.
	kernPkts, kernDrops, kernFreezes atomic.Uint64
}

// LiveCounters is a snapshot of a live capture's counters.
type LiveCounters struct {
	// Kernel ring counters, summed over rings (as of the last read).
	KernelPackets, KernelDrops, QueueFreezes uint64
	// Filter is the eBPF filter's verdict counters (zero without it).
	Filter      bpf.Counters
	FilterError error
	// Workers are per-worker counters, as of their last publication (every
	// 256 packets and every poll timeout).
	Workers []LiveWorkerCounters
}

// LiveWorkerCounters are one worker's published counters.
type LiveWorkerCounters struct {
	Packets, Bytes, Alerts, Flows uint64
	BypassedFlows, BypassErrors   uint64
	Interface                     string
	Ring                          int
}

// FilterLoaded reports whether the eBPF filter is attached to the rings.
func (r *LiveRun) FilterLoaded() bool { return r.filter != nil }

// Snapshot returns the counters now.
func (r *LiveRun) Snapshot() LiveCounters {
	c := LiveCounters{KernelPackets: r.kernPkts.Load(), KernelDrops: r.kernDrops.Load(), QueueFreezes: r.kernFreezes.Load()}
	if r.filter != nil {
		c.Filter, c.FilterError = r.filter.Counters()
	}
	for _, lw := range r.workers {
		c.Workers = append(c.Workers, lw.counters())
	}
	return c
}

// Counters reports the counters as "<stage>_<thing>" names, the shape of
// output/metrics.CounterSource, for a Prometheus collector made in cmd.
func (r *LiveRun) Counters(emit func(name string, value uint64)) {
	c := r.Snapshot()
	emit("capture_kernel_packets", c.KernelPackets)
	emit("capture_kernel_drops", c.KernelDrops)
	emit("capture_queue_freezes", c.QueueFreezes)
	emit("filter_passed_packets", c.Filter.Passed.Packets)
	emit("filter_excluded_packets", c.Filter.Excluded.Packets)
	emit("filter_bypassed_packets", c.Filter.Bypassed.Packets)
	emit("filter_bypassed_bytes", c.Filter.Bypassed.Bytes)
	emit("filter_resampled_packets", c.Filter.Resampled.Packets)
	if r.scoring != nil {
		r.scoring.ScoreCounters(emit)
	}
	for _, w := range c.Workers {
		emit("worker_packets", w.Packets)
		emit("worker_bytes", w.Bytes)
		emit("detect_alerts", w.Alerts)
		emit("flow_created", w.Flows)
		emit("flow_bypassed", w.BypassedFlows)
		emit("flow_bypass_errors", w.BypassErrors)
	}
}

// readKernelStats refreshes the kernel ring counters.
func (r *LiveRun) readKernelStats() error {
	var sum afpacket.Stats
	var errs []error
	for _, s := range r.srcs {
		st, err := s.Stats()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sum = sum.Add(st)
	}
	r.kernPkts.Store(sum.Packets)
	r.kernDrops.Store(sum.Drops)
	r.kernFreezes.Store(sum.QueueFreezes)
	return errors.Join(errs...)
}

// liveWorker is one ring and the Worker that reads it.
type liveWorker struct {
	id    int
	iface string
	ring  int
	r     *afpacket.Ring
	w     *Worker
	cnt   uint64 // pcap_cnt: per worker, counts the frames this worker read
	first int64
	last  int64
	bp    *bypasser

	// Published copies of the worker's counters (read by scrapes).
	pPackets, pBytes, pAlerts, pFlows, pBypassed, pBypassErr atomic.Uint64
}

func (lw *liveWorker) publish() {
	lw.pPackets.Store(lw.w.Stats.Packets)
	lw.pBytes.Store(lw.w.Stats.Bytes)
	lw.pAlerts.Store(lw.w.Stats.Alerts)
	lw.pFlows.Store(lw.w.flows.Counters().Created)
	if lw.bp != nil {
		lw.pBypassed.Store(lw.bp.flows)
		lw.pBypassErr.Store(lw.bp.errors)
	}
}

func (lw *liveWorker) counters() LiveWorkerCounters {
	return LiveWorkerCounters{Packets: lw.pPackets.Load(), Bytes: lw.pBytes.Load(), Alerts: lw.pAlerts.Load(),
		Flows: lw.pFlows.Load(), BypassedFlows: lw.pBypassed.Load(), BypassErrors: lw.pBypassErr.Load(),
		Interface: lw.iface, Ring: lw.ring}
}

// run reads the ring until stop is set, then drains it: it goes on
// reading until the ring is idle for a poll timeout or drainMax passed, so
// that packets the kernel queued before the stop are inspected. It
// allocates nothing per packet (Ring.Read and Worker.Process do not).
func (lw *liveWorker) run(stop *atomic.Bool, tap func(int, []byte, int64, uint32)) error {
	w := lw.w
	var drainEnd time.Time
	for {
		if drainEnd.IsZero() {
			if stop.Load() {
				drainEnd = time.Now().Add(drainMax)
			}
		} else if time.Now().After(drainEnd) {
			return nil
		}
		data, info, err := lw.r.Read()
		if err != nil {
			if err == afpacket.ErrTimeout {
				if !drainEnd.IsZero() {
					return nil // drained
				}
				// Idle: hand over pending records and let flows time out
				// by wall-clock time, which live packet time follows.
				w.out.Flush()
				w.tick(time.Now().UnixNano())
				lw.publish()
				continue
			}
			if errors.Is(err, afpacket.ErrClosed) {
				return nil
			}
			return fmt.Errorf("worker %d (%s ring %d): %w", lw.id, lw.iface, lw.ring, err)
		}
		lw.cnt++
		ts := info.Timestamp.UnixNano()
		if lw.first == 0 {
			lw.first = ts
		}
		lw.last = max(lw.last, ts)
		if tap != nil {
			tap(lw.id, data, ts, uint32(info.Length))
		}
		w.Process(data, packet.LinkEthernet, ts, lw.cnt, uint32(info.Length))
		if lw.cnt&255 == 0 {
			w.out.Flush()
			lw.publish()
		}
	}
}

// drainMax bounds the drain at shutdown under continuous traffic.
const drainMax = 2 * time.Second

// bypasser decides and performs flow bypass for one worker. It is called
// by the worker after each packet of a flow (Worker.bypass).
type bypasser struct {
	filter    *bpf.Filter
	depth     bool // bypass at stream depth (both directions)
	encrypted bool // bypass TLS once encrypted
	ttl       time.Duration
	flows     uint64 // flows bypassed
	errors    uint64 // failed map updates
}

// after is the worker's per-packet hook. It costs two field tests for a
// flow that is not finished, and one bpf(2) call once per bypassed flow.
func (b *bypasser) after(w *Worker, e *flow.Entry[flowData]) {
	fd := &e.Value
	if fd.bypassed {
		// A re-sampled packet: the stream tracker just moved the state
		// back; keep the flow bypassed.
		w.flows.SetState(e, flow.StateBypassed)
		return
	}
	finished := false
	switch {
	case b.depth && e.Key.Proto == packet.ProtoTCP && fd.sess.DepthReached(0) && fd.sess.DepthReached(1):
		finished = true
	case b.encrypted && fd.proto == applayer.ProtoTLS && fd.parser != nil &&
		fd.parser.State()&applayer.StateEncrypted != 0:
		finished = true
	}
	// The kernel filter sees only the outer headers (and up to two VLAN
	// tags): tunnelled flows cannot be bypassed there.
	if !finished || e.Key.Tunnel != 0 {
		return
	}
	cAddr, cPort := e.Client()
	sAddr, sPort := e.Server()
	fd.bypassed = true // decided: do not retry per packet even if the update fails
	if err := b.filter.Bypass(bpf.FlowKey{Src: cAddr, Dst: sAddr, SrcPort: cPort, DstPort: sPort, Proto: e.Key.Proto}, b.ttl); err != nil {
		b.errors++
		return
	}
	b.flows++
	w.flows.SetState(e, flow.StateBypassed)
}

// Live captures on opts.Interfaces until ctx is done, then drains the
// workers, ends every flow, writes the final stats and closes the outputs.
// It needs CAP_NET_RAW and CAP_BPF (CAP_NET_ADMIN with Promisc). When the
// kernel refuses the eBPF filter (errors wrapping bpf.ErrNotSupported) it
// logs one warning and captures without it. The returned Summary's Stats
// hold the EVE stats counters, then Vigil-only ones ("vigil.*") that the
// EVE stats record does not carry. pcap_cnt is counted per worker.
func Live(ctx context.Context, cfg Config, opts LiveOptions) (*Summary, error) {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "live")
	if len(opts.Interfaces) == 0 {
		return nil, errors.New("live capture: no interface")
	}
	if opts.BPFFilter != "" {
		if _, err := afpacket.CompileFilter(opts.BPFFilter, afpacket.DefaultSnapLen); err != nil {
			return nil, fmt.Errorf("capture filter: %w", err)
		}
		if len(opts.Excludes) > 0 || len(opts.ExcludePorts) > 0 || opts.IncludeOnly {
			return nil, errors.New("capture filter: -f cannot be combined with excluded or include-only addresses and ports (a socket has one filter); express them in the -f expression")
		}
	}
	if opts.IncludeOnly && len(opts.Excludes) == 0 && len(opts.ExcludePorts) == 0 {
		return nil, errors.New("include-only capture without any address or port")
	}
	n := cfg.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	cfg.Workers = n * len(opts.Interfaces)
	cfg.Live = true
	cfg.Deterministic = false
	if opts.BypassTTL <= 0 {
		opts.BypassTTL = defaultBypassTTL
	}
	if opts.StatsInterval <= 0 {
		opts.StatsInterval = time.Second
	}

	run := &LiveRun{}
	defer func() {
		for _, s := range run.srcs {
			s.Close()
		}
		if run.filter != nil {
			run.filter.Close()
		}
	}()
	if opts.BPFFilter == "" && !opts.NoEBPF {
		f, err := loadLiveFilter(opts)
		switch {
		case errors.Is(err, bpf.ErrNotSupported):
			log.Warn("eBPF socket filter not available: capturing without kernel-side exclusion and flow bypass", "err", err)
		case err != nil:
			return nil, err
		default:
			run.filter = f
		}
	} else if opts.BPFFilter != "" && (opts.Bypass || opts.BypassEncrypted) {
		log.Warn("flow bypass needs the eBPF filter, which a -f capture filter replaces: bypass is off")
	}

	if err := run.open(n, opts); err != nil && run.filter != nil && errors.Is(err, afpacket.ErrNotSupported) {
		log.Warn("attaching the eBPF socket filter failed: capturing without it", "err", err)
		run.filter.Close()
		run.filter = nil
		if err := run.open(n, opts); err != nil {
			return nil, fmt.Errorf("live capture: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("live capture: %w", err)
	}

	pl, err := newPipeline(cfg)
	if err != nil {
		return nil, err
	}
	run.scoring = pl
	for i, s := range run.srcs {
		for j, r := range s.Rings() {
			id := i*n + j
			lw := &liveWorker{id: id, iface: s.Interface(), ring: j, r: r, w: pl.workers[id]}
			if run.filter != nil && (opts.Bypass || opts.BypassEncrypted) {
				lw.bp = &bypasser{filter: run.filter, depth: opts.Bypass, encrypted: opts.BypassEncrypted, ttl: opts.BypassTTL}
				lw.w.bypass = lw.bp
			}
			run.workers = append(run.workers, lw)
		}
	}
	if opts.Ready != nil {
		if err := opts.Ready(run); err != nil {
			pl.close()
			return nil, err
		}
	}
	log.Info("capturing", "interfaces", opts.Interfaces, "workers", len(run.workers),
		"fanout", opts.Fanout.String(), "ebpf", run.filter != nil, "bypass", run.filter != nil && (opts.Bypass || opts.BypassEncrypted))

	start := time.Now()
	var stop atomic.Bool
	var wg sync.WaitGroup
	errc := make(chan error, len(run.workers))
	for _, lw := range run.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lw.run(&stop, opts.Tap); err != nil {
				errc <- err
			}
		}()
	}
	tick := time.NewTicker(opts.StatsInterval)
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case runErr = <-errc:
			break loop
		case <-tick.C:
			if err := run.readKernelStats(); err != nil {
				log.Warn("reading ring statistics", "err", err)
			}
		}
	}
	tick.Stop()
	stop.Store(true)
	wg.Wait()
	if runErr == nil {
		select {
		case runErr = <-errc:
		default:
		}
	}
	sum := &Summary{Workers: len(run.workers)}
	sum.Elapsed = time.Since(start)
	for _, lw := range run.workers {
		lw.publish()
		if lw.first != 0 && (sum.FirstNs == 0 || lw.first < sum.FirstNs) {
			sum.FirstNs = lw.first
		}
		sum.LastNs = max(sum.LastNs, lw.last)
	}
	if sum.LastNs == 0 {
		sum.FirstNs, sum.LastNs = start.UnixNano(), time.Now().UnixNano()
	}
	if err := run.readKernelStats(); err != nil {
		log.Warn("reading ring statistics", "err", err)
	}
	if err := pl.finishLive(sum, run); err != nil {
		return sum, errors.Join(runErr, err)
	}
	if runErr != nil {
		return sum, fmt.Errorf("live capture: %w", runErr)
	}
	return sum, nil
}

// open opens n rings on every interface, with the filter when loaded. On
// error it closes what it opened.
func (r *LiveRun) open(n int, opts LiveOptions) error {
	for _, iface := range opts.Interfaces {
		src, err := openLiveSource(iface, n, opts, r.filter)
		if err != nil {
			for _, s := range r.srcs {
				s.Close()
			}
			r.srcs = nil
			return err
		}
		r.srcs = append(r.srcs, src)
	}
	return nil
}

func loadLiveFilter(opts LiveOptions) (*bpf.Filter, error) {
	f, err := bpf.Load(bpf.Options{})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*bpf.Filter, error) {
		f.Close()
		return nil, fmt.Errorf("configure socket filter: %w", err)
	}
	for _, p := range opts.Excludes {
		if err := f.AddExclude(p); err != nil {
			return fail(err)
		}
	}
	for _, p := range opts.ExcludePorts {
		if err := f.AddExcludePort(p); err != nil {
			return fail(err)
		}
	}
	if opts.IncludeOnly {
		if err := f.SetIncludeOnly(true); err != nil {
			return fail(err)
		}
	}
	if opts.Resample > 0 {
		if err := f.SetResample(opts.Resample); err != nil {
			return fail(err)
		}
	}
	return f, nil
}

func openLiveSource(iface string, n int, opts LiveOptions, f *bpf.Filter) (*afpacket.Source, error) {
	o := afpacket.DefaultOptions(iface)
	o.FanoutType = opts.Fanout
	o.Defrag = opts.Fanout == afpacket.FanoutHash && !opts.NoDefrag
	o.Promisc = opts.Promisc
	o.BPFFilter = opts.BPFFilter
	if opts.BlockSize > 0 {
		o.BlockSize = opts.BlockSize
	}
	if opts.NumBlocks > 0 {
		o.NumBlocks = opts.NumBlocks
	}
	if f != nil {
		o.ProgramFD = f.FD()
	}
	return afpacket.Open(o, n)
}

// finishLive is pipeline.finish with the capture's counters: the kernel
// and bypass counters Suricata's stats schema has go into the EVE stats
// record; Vigil-only ones are appended to sum.Stats afterwards.
func (pl *pipeline) finishLive(sum *Summary, run *LiveRun) error {
	for i, w := range pl.workers {
		w.clock = max(w.clock, sum.LastNs)
		w.flows.Flush()
		pl.emitters[i].Flush()
	}
	pl.drainScoring()
	pl.summarize(sum)
	c := run.Snapshot()
	var bypassed, bypassErrs uint64
	for _, lw := range run.workers {
		if lw.bp != nil {
			bypassed += lw.bp.flows
			bypassErrs += lw.bp.errors
		}
	}
	sum.Stats = append(sum.Stats,
		Counter{"capture.kernel_packets", c.KernelPackets},
		Counter{"capture.kernel_drops", c.KernelDrops})
	if run.filter != nil {
		sum.Stats = append(sum.Stats,
			Counter{"flow_bypassed.pkts", c.Filter.Bypassed.Packets},
			Counter{"flow_bypassed.bytes", c.Filter.Bypassed.Bytes})
	}
	if pl.cfg.EVE.Stats {
		pl.writeStats(sum)
	}
	sum.Stats = append(sum.Stats,
		Counter{"vigil.capture.queue_freezes", c.QueueFreezes},
		Counter{"vigil.bypass.flows", bypassed},
		Counter{"vigil.bypass.errors", bypassErrs})
	if run.filter != nil {
		sum.Stats = append(sum.Stats,
			Counter{"vigil.filter.passed_pkts", c.Filter.Passed.Packets},
			Counter{"vigil.filter.excluded_pkts", c.Filter.Excluded.Packets},
			Counter{"vigil.filter.excluded_bytes", c.Filter.Excluded.Bytes},
			Counter{"vigil.filter.resampled_pkts", c.Filter.Resampled.Packets})
	}
	for i, w := range c.Workers {
		sum.Stats = append(sum.Stats,
			Counter{fmt.Sprintf("vigil.worker.%d.packets", i), w.Packets},
			Counter{fmt.Sprintf("vigil.worker.%d.flows", i), w.Flows})
	}
	sum.Stats = append(sum.Stats, pl.scoreCounters()...)
	return pl.close()
}

// Counter returns the value of the named counter in s.Stats.
func (s *Summary) Counter(name string) (uint64, bool) {
	for _, c := range s.Stats {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}
