//go:build linux

package engine

import (
	"errors"
	"fmt"

	"vigil/afpacket"
	"vigil/bpf"
)

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

// readKernelStats refreshes the kernel ring counters.
func (r *LiveRun) readKernelStats() error {
	var sum afpacket.Stats
	var errs []error
	for i, s := range r.srcs {
		st, err := s.Stats()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sum = sum.Add(st)
		if i < len(r.kern) {
			r.kern[i].packets.Store(st.Packets)
			r.kern[i].drops.Store(st.Drops)
			r.kern[i].freezes.Store(st.QueueFreezes)
		}
	}
	r.kernPkts.Store(sum.Packets)
	r.kernDrops.Store(sum.Drops)
	r.kernFreezes.Store(sum.QueueFreezes)
	return errors.Join(errs...)
}

// publish copies the worker's counters for scrapes (from its goroutine).
func (lw *liveWorker) publish() {
	lw.pPackets.Store(lw.w.Stats.Packets)
	lw.pBytes.Store(lw.w.Stats.Bytes)
	lw.pAlerts.Store(lw.w.Stats.Alerts)
	lw.pFlows.Store(lw.w.flows.Counters().Created)
	lw.w.publishSnap() // for stats records (stats.go)
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

// finalCounters are the capture's counters for the final stats: the kernel
// and bypass counters Suricata's stats schema has go into the EVE stats
// record (stats); Vigil-only ones are appended to Summary.Stats after it
// (vigil).
func (r *LiveRun) finalCounters() (stats, vigil []Counter) {
	c := r.Snapshot()
	var bypassed, bypassErrs uint64
	for _, lw := range r.workers {
		if lw.bp != nil {
			bypassed += lw.bp.flows
			bypassErrs += lw.bp.errors
		}
	}
	stats = append(stats,
		Counter{"capture.kernel_packets", c.KernelPackets},
		Counter{"capture.kernel_drops", c.KernelDrops})
	if r.filter != nil {
		stats = append(stats,
			Counter{"flow_bypassed.pkts", c.Filter.Bypassed.Packets},
			Counter{"flow_bypassed.bytes", c.Filter.Bypassed.Bytes})
	}
	vigil = append(vigil,
		Counter{"vigil.capture.queue_freezes", c.QueueFreezes},
		Counter{"vigil.bypass.flows", bypassed},
		Counter{"vigil.bypass.errors", bypassErrs})
	if r.filter != nil {
		vigil = append(vigil,
			Counter{"vigil.filter.passed_pkts", c.Filter.Passed.Packets},
			Counter{"vigil.filter.excluded_pkts", c.Filter.Excluded.Packets},
			Counter{"vigil.filter.excluded_bytes", c.Filter.Excluded.Bytes},
			Counter{"vigil.filter.resampled_pkts", c.Filter.Resampled.Packets})
	}
	for i, w := range c.Workers {
		vigil = append(vigil,
			Counter{fmt.Sprintf("vigil.worker.%d.packets", i), w.Packets},
			Counter{fmt.Sprintf("vigil.worker.%d.flows", i), w.Flows})
	}
	return stats, vigil
}
