package metrics

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Labels are the label values of one sample. The set of label names is
// closed and each has a bounded number of values: a worker index, a
// capture interface, an output sink's name and an application protocol
// (the last taken from the stats key, see Family). Empty values are not
// exported; every sample of a family must set the same ones.
type Labels struct {
	Worker    string // worker index ("0", "1", ...)
	Interface string // capture interface (live)
	Sink      string // output stage ("eve", "fast", "stats_log", an eve-log output's name)
}

// labelNames are the exported label names in their fixed order.
var labelNames = [4]string{"worker", "interface", "sink", "app_proto"}

// Emitter receives the samples of one scrape. Sources call Stat (or
// Counter/Gauge) once per series; the Collector sums samples with the same
// name and label values.
type Emitter struct {
	samples []sample
}

type sample struct {
	key   string
	gauge bool
	v     float64
	l     Labels
}

// Stat reports the stats key key (as the EVE stats record and stats.log
// name it, e.g. "decoder.pkts", "app_layer.flow.http") with value v: a
// gauge when IsGauge(key), otherwise a counter.
func (e *Emitter) Stat(key string, v uint64, l Labels) {
	e.samples = append(e.samples, sample{key: key, gauge: IsGauge(key), v: float64(v), l: l})
}

// Counter reports a monotonically increasing value under stats key key.
func (e *Emitter) Counter(key string, v uint64, l Labels) {
	e.samples = append(e.samples, sample{key: key, v: float64(v), l: l})
}

// Gauge reports a value that goes up and down under stats key key.
func (e *Emitter) Gauge(key string, v float64, l Labels) {
	e.samples = append(e.samples, sample{key: key, gauge: true, v: v, l: l})
}

// Source reports samples at scrape time, from the scraping goroutine: it
// must read the values safely while their owner updates them (atomic
// loads, or a snapshot the owner publishes), and must never make the owner
// wait on the packet path.
type Source interface {
	Metrics(e *Emitter)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(e *Emitter)

// Metrics calls f.
func (f SourceFunc) Metrics(e *Emitter) { f(e) }

// CounterSource reports unlabelled counters, each as "<stage>_<thing>"
// (e.g. "verdict_applied"). Counters is called at scrape time like
// Source.Metrics.
type CounterSource interface {
	Counters(emit func(name string, value uint64))
}

// CounterFunc adapts a function to CounterSource.
type CounterFunc func(emit func(name string, value uint64))

// Counters calls f.
func (f CounterFunc) Counters(emit func(name string, value uint64)) { f(emit) }

// Counters adapts a CounterSource to Source: each counter becomes
// vigil_<name>_total without labels, except names with "_now_" in them
// (values at this moment, e.g. verdict_blocked_now_ipv4), which are
// gauges, and sums of microseconds ("_us"), which become seconds
// (verdict_hook_nft_latency_us is vigil_verdict_hook_nft_latency_seconds_total).
func Counters(s CounterSource) Source {
	return SourceFunc(func(e *Emitter) {
		s.Counters(func(name string, v uint64) {
			if base, ok := strings.CutSuffix(name, "_us"); ok {
				e.samples = append(e.samples, sample{key: base + "_seconds", v: float64(v) / 1e6})
				return
			}
			if strings.Contains(name, "_now_") {
				e.Gauge(name, float64(v), Labels{})
			} else {
				e.Counter(name, v, Labels{})
			}
		})
	})
}

// Collector is a prometheus.Collector over Sources. It is unchecked (the
// series are known only at scrape time) and safe for concurrent scrapes;
// sources may be added while scrapes run.
type Collector struct {
	mu      sync.Mutex
	sources []Source
	descs   map[string]*prometheus.Desc // by name and label names
}

// NewCollector returns a collector over sources.
func NewCollector(sources ...Source) *Collector {
	return &Collector{sources: sources, descs: make(map[string]*prometheus.Desc)}
}

// Add adds a source (e.g. a capture started after registration).
func (c *Collector) Add(s Source) {
	c.mu.Lock()
	c.sources = append(c.sources, s)
	c.mu.Unlock()
}

// Describe sends nothing: this is an unchecked collector.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// family is one metric name's series during a scrape.
type family struct {
	name   string
	gauge  bool
	labels []string // label names
	keys   []string // stats keys seen (for HELP)
	series map[[4]string]float64
	order  [][4]string
}

// Collect reads every source and sends each series, summed over the
// samples that share its name and label values, in name order.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var e Emitter
	for _, s := range c.sources {
		s.Metrics(&e)
	}
	fams := map[string]*family{}
	for _, s := range e.samples {
		name, proto := Family(s.key, s.gauge)
		vals := [4]string{s.l.Worker, s.l.Interface, s.l.Sink, proto}
		var ln []string
		for i, v := range vals {
			if v != "" {
				ln = append(ln, labelNames[i])
			}
		}
		f, ok := fams[name]
		if !ok {
			f = &family{name: name, gauge: s.gauge, labels: ln, series: map[[4]string]float64{}}
			fams[name] = f
		}
		if f.gauge != s.gauge || !slices.Equal(f.labels, ln) {
			ch <- prometheus.NewInvalidMetric(prometheus.NewDesc(name, "inconsistent", nil, nil),
				fmt.Errorf("stats key %s: labels %v (gauge %v) differ from %v (gauge %v) of the family's first sample", s.key, ln, s.gauge, f.labels, f.gauge))
			continue
		}
		if !slices.Contains(f.keys, s.key) {
			f.keys = append(f.keys, s.key)
		}
		if _, ok := f.series[vals]; !ok {
			f.order = append(f.order, vals)
		}
		f.series[vals] += s.v
	}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f := fams[n]
		id := n + "\xff" + strings.Join(f.labels, ",")
		d, ok := c.descs[id]
		if !ok {
			d = prometheus.NewDesc(n, Help(f.keys[0]), f.labels, nil)
			c.descs[id] = d
		}
		vt := prometheus.CounterValue
		if f.gauge {
			vt = prometheus.GaugeValue
		}
		for _, vals := range f.order {
			lv := make([]string, 0, len(f.labels))
			for _, v := range vals {
				if v != "" {
					lv = append(lv, v)
				}
			}
			ch <- prometheus.MustNewConstMetric(d, vt, f.series[vals], lv...)
		}
	}
}

// gauges maps the stats keys that are gauges (values now, not totals) to
// their metric names, with the unit Prometheus wants in the name.
var gauges = map[string]string{
	"flow.active":           "vigil_flow_active",
	"flow.memuse":           "vigil_flow_memuse_bytes",
	"tcp.reassembly_memuse": "vigil_tcp_reassembly_memuse_bytes",
	"decoder.avg_pkt_size":  "vigil_decoder_avg_pkt_size_bytes",
	"decoder.max_pkt_size":  "vigil_decoder_max_pkt_size_bytes",
	"output.queue_batches":  "vigil_output_queue_batches",
	"vigil.reload.rules":    "vigil_rules_loaded",
	"vigil.reload.last":     "vigil_reload_last_timestamp_seconds",
}

// IsGauge reports whether stats key key is a gauge.
func IsGauge(key string) bool {
	_, ok := gauges[key]
	return ok
}

// Family returns the metric name of stats key key and the app_proto label
// value it carries, if any. The name is the key with "vigil." (Vigil-only
// keys) dropped, '.' and any other character Prometheus does not allow
// turned into '_', under "vigil_", with "_total" for counters:
// capture.kernel_drops is vigil_capture_kernel_drops_total. The
// per-protocol keys app_layer.flow.<proto>, app_layer.tx.<proto> and
// app_layer.error.<proto>.parser are one family each with the protocol as
// app_proto ("http", "dns_udp"). Gauges take the names in the gauges table
// (with their unit).
func Family(key string, gauge bool) (name, appProto string) {
	if n, ok := gauges[key]; ok {
		return n, ""
	}
	key = strings.TrimPrefix(key, "vigil.")
	for _, kind := range []string{"flow", "tx"} {
		if p, ok := strings.CutPrefix(key, "app_layer."+kind+"."); ok {
			return "vigil_app_layer_" + kind + "_total", p
		}
	}
	if p, ok := strings.CutPrefix(key, "app_layer.error."); ok {
		if p, ok := strings.CutSuffix(p, ".parser"); ok {
			return "vigil_app_layer_error_parser_total", p
		}
	}
	b := make([]byte, 0, len(key)+12)
	b = append(b, "vigil_"...)
	for i := 0; i < len(key); i++ {
		ch := key[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '_':
			b = append(b, ch)
		case ch >= 'A' && ch <= 'Z':
			b = append(b, ch+'a'-'A')
		default:
			b = append(b, '_')
		}
	}
	if !gauge {
		b = append(b, "_total"...)
	}
	return string(b), ""
}

// MetricName returns the name of the counter with stats key name.
func MetricName(name string) string {
	n, _ := Family(name, false)
	return n
}
