package metrics

import (
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// CounterSource reports monotonically increasing counters, each as
// "<stage>_<thing>" (e.g. "decode_packets", "output_eve_records_dropped").
// Counters is called at scrape time from the scraping goroutine, so it must
// read the counters safely while their owner updates them (atomic loads, or a
// snapshot the owner publishes).
type CounterSource interface {
	Counters(emit func(name string, value uint64))
}

// CounterFunc adapts a function to CounterSource.
type CounterFunc func(emit func(name string, value uint64))

// Counters calls f.
func (f CounterFunc) Counters(emit func(name string, value uint64)) { f(emit) }

// Collector is a prometheus.Collector over CounterSources.
type Collector struct {
	mu      sync.Mutex
	sources []CounterSource
	descs   map[string]*prometheus.Desc
}

// NewCollector returns a collector over sources.
func NewCollector(sources ...CounterSource) *Collector {
	return &Collector{sources: sources, descs: make(map[string]*prometheus.Desc)}
}

// Add adds a source (e.g. a worker started after registration).
func (c *Collector) Add(s CounterSource) {
	c.mu.Lock()
	c.sources = append(c.sources, s)
	c.mu.Unlock()
}

// Describe sends nothing: the counter names are known only at scrape time,
// which makes this an unchecked collector.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// MetricName returns the Prometheus name of counter name:
// vigil_<name>_total, with characters Prometheus does not allow replaced by
// '_'.
func MetricName(name string) string {
	b := make([]byte, 0, len(name)+12)
	b = append(b, "vigil_"...)
	for i := 0; i < len(name); i++ {
		ch := name[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', ch == '_':
			b = append(b, ch)
		default:
			b = append(b, '_')
		}
	}
	return string(append(b, "_total"...))
}

// Collect reads every source and sends one counter per name, summed over
// sources, in name order.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sums := make(map[string]uint64)
	for _, s := range c.sources {
		s.Counters(func(name string, v uint64) { sums[name] += v })
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		d, ok := c.descs[n]
		if !ok {
			d = prometheus.NewDesc(MetricName(n), Help(n), nil, nil)
			c.descs[n] = d
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(sums[n]))
	}
}
