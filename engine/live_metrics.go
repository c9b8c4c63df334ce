//go:build linux

package engine

import (
	"strconv"
	"sync/atomic"

	"vigil/output/metrics"
)

// kernStats are one source's kernel ring counters as of the last read.
type kernStats struct{ packets, drops, freezes atomic.Uint64 }

// Metrics reports the capture's counters and gauges for a Prometheus
// scrape (metrics.Source), under the keys of the EVE stats record: per
// worker (labels worker, interface) the counters a stats record sums over
// the workers, from the copies each worker publishes every 256 packets and
// every poll timeout (nothing is read from a running worker, nothing is
// added to the packet path); per interface the kernel ring counters; per
// output sink its record counters and queue depth; then the eBPF filter,
// reload and scoring counters. It runs in the scraping goroutine.
func (r *LiveRun) Metrics(e *metrics.Emitter) {
	pl := r.scoring
	cs := pl.snapshots()
	var buf []Counter
	for _, lw := range r.workers {
		l := metrics.Labels{Worker: strconv.Itoa(lw.id), Interface: lw.iface}
		buf = pl.countersTo(buf[:0], cs[lw.id:lw.id+1], false)
		for _, c := range buf {
			e.Stat(c.Name, c.Value, l)
		}
		wc := lw.counters()
		e.Stat("vigil.bypass.flows", wc.BypassedFlows, l)
		e.Stat("vigil.bypass.errors", wc.BypassErrors, l)
	}
	for i, s := range r.srcs {
		if i >= len(r.kern) {
			break
		}
		l := metrics.Labels{Interface: s.Interface()}
		e.Stat("capture.kernel_packets", r.kern[i].packets.Load(), l)
		e.Stat("capture.kernel_drops", r.kern[i].drops.Load(), l)
		e.Stat("vigil.capture.queue_freezes", r.kern[i].freezes.Load(), l)
	}
	if r.filter != nil {
		if fc, err := r.filter.Counters(); err == nil {
			e.Stat("flow_bypassed.pkts", fc.Bypassed.Packets, metrics.Labels{})
			e.Stat("flow_bypassed.bytes", fc.Bypassed.Bytes, metrics.Labels{})
			e.Stat("vigil.filter.passed_pkts", fc.Passed.Packets, metrics.Labels{})
			e.Stat("vigil.filter.excluded_pkts", fc.Excluded.Packets, metrics.Labels{})
			e.Stat("vigil.filter.excluded_bytes", fc.Excluded.Bytes, metrics.Labels{})
			e.Stat("vigil.filter.resampled_pkts", fc.Resampled.Packets, metrics.Labels{})
		}
	}
	pl.metrics(e)
}
