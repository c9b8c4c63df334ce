//go:build linux

package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"vigil/afpacket"
	"vigil/bpf"
	"vigil/output"
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
// hook is the worker's flowBypass (live_bypass.go): after each packet of a
// flow the worker asks it whether the flow's inspection is finished (reassembly depth
// reached in both directions, or TLS encrypted after the handshake when
// LiveOptions.BypassEncrypted); if so the flow is written to the filter's
// bypass map with LiveOptions.BypassTTL, marked flow.StateBypassed, and the
// kernel drops its later packets before they are copied.

// LiveRun is a running live capture, handed to LiveOptions.Ready. Its
// methods are safe for concurrent use while the capture runs.
type LiveRun struct {
	filter  *bpf.Filter
	srcs    []*afpacket.Source
	workers []*liveWorker
	// sinks are the output files, reopened by ReopenOutputs.
	sinks []reopener
	// kernel counters, refreshed every StatsInterval and at the end.
	kernPkts, kernDrops, kernFreezes atomic.Uint64
	// kern are the same per source (interface), for metrics.
	kern []kernStats
	// scoring reports the scoring stage's counters (scoring.go).
	scoring *pipeline
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
	if err := opts.check(); err != nil {
		return nil, err
	}
	n := cfg.Workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	cfg.Workers = n * len(opts.Interfaces)
	cfg.Live = true
	cfg.Deterministic = false
	opts.setDefaults()

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

	run.kern = make([]kernStats, len(run.srcs))
	pl, err := newPipeline(cfg)
	if err != nil {
		return nil, err
	}
	run.sinks = pl.fileSinks()
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
	// Stats records every stats interval, in wall-clock time (which live
	// packet time follows).
	var statsC <-chan time.Time
	if iv := cfg.EVE.StatsInterval; iv > 0 && pl.statsOn() {
		st := time.NewTicker(iv)
		defer st.Stop()
		statsC = st.C
	}
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
		case now := <-statsC:
			if err := run.readKernelStats(); err != nil {
				log.Warn("reading ring statistics", "err", err)
			}
			cs := append(pl.counters(pl.snapshots(), true),
				Counter{"capture.kernel_packets", run.kernPkts.Load()},
				Counter{"capture.kernel_drops", run.kernDrops.Load()})
			pl.emitStats(output.Key{Time: now.UnixNano()}, now.UnixNano(), int64(now.Sub(start)), cs)
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
	if err := pl.finish(sum, run.finalCounters); err != nil {
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
