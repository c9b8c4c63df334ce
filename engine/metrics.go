package engine

import (
	"vigil/output"
	"vigil/output/metrics"
)

// metrics reports what the pipeline owns beside the workers: the output
// sinks' counters and queue depths (label sink), suppressed alerts, the
// running ruleset (rules loaded, when it went live), reload and scoring
// counters. Safe from any goroutine while the pipeline runs.
func (pl *pipeline) metrics(e *metrics.Emitter) {
	sink := func(name string, st *output.Stage) {
		if st == nil {
			return
		}
		s := st.Stats()
		l := metrics.Labels{Sink: name}
		e.Stat("output.records_submitted", s.Submitted, l)
		e.Stat("output.records_written", s.Written, l)
		e.Stat("output.records_dropped", s.Dropped, l)
		e.Stat("output.batches_dropped", s.DroppedBatches, l)
		e.Stat("output.write_errors", s.WriteErrors, l)
		e.Stat("output.bytes_written", s.Bytes, l)
		e.Stat("output.queue_batches", s.Queued, l)
	}
	for _, o := range pl.outs {
		sink(o.name, o.st)
	}
	sink("fast", pl.fast)
	sink("stats_log", pl.statsLog)
	sink("pcap_log", pl.pcap)
	e.Stat("detect.alerts_suppressed", pl.thr.suppressed(), metrics.Labels{})
	for _, c := range pl.reloadCounters() {
		e.Stat(c.Name, c.Value, metrics.Labels{})
	}
	if p := pl.rules.Load(); p != nil && p.at > 0 {
		e.Gauge("vigil.reload.last", float64(p.at)/1e9, metrics.Labels{})
	}
	for _, c := range pl.scoreCounters() {
		e.Stat(c.Name, c.Value, metrics.Labels{})
	}
}
