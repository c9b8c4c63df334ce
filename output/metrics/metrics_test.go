package metrics

import (
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

// worker is a per-worker counter struct as the engine keeps it.
type worker struct {
	packets, drops atomic.Uint64
}

func (w *worker) Counters(emit func(string, uint64)) {
	emit("decode_packets", w.packets.Load())
	emit("capture_kernel_drops", w.drops.Load())
}

// gather scrapes reg and returns counter name -> value.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetType().String() != "COUNTER" || len(mf.GetMetric()) != 1 {
			t.Fatalf("metric family %s: type %s with %d metrics; want one counter", mf.GetName(), mf.GetType(), len(mf.GetMetric()))
		}
		got[mf.GetName()] = mf.GetMetric()[0].GetCounter().GetValue()
	}
	return got
}

func TestCollector(t *testing.T) {
	w1, w2 := &worker{}, &worker{}
	w1.packets.Store(10)
	w2.packets.Store(5)
	w2.drops.Store(1)
	c := NewCollector(w1)
	c.Add(w2)
	c.Add(CounterFunc(func(emit func(string, uint64)) { emit("output_eve-records written", 7) }))
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := map[string]float64{
		"vigil_capture_kernel_drops_total":       1,
		"vigil_decode_packets_total":             15,
		"vigil_output_eve_records_written_total": 7,
	}
	if diff := cmp.Diff(want, gather(t, reg)); diff != "" {
		t.Fatalf("scrape (-want +got):\n%s", diff)
	}
	// Counters are read at scrape time.
	w1.packets.Add(100)
	if got := gather(t, reg)["vigil_decode_packets_total"]; got != 115 {
		t.Fatalf("decode packets after update = %v; want 115", got)
	}
}

func TestMetricName(t *testing.T) {
	for in, want := range map[string]string{
		"decode_packets":      "vigil_decode_packets_total",
		"output_eve.dropped":  "vigil_output_eve_dropped_total",
		"app-layer flow http": "vigil_app_layer_flow_http_total",
	} {
		if got := MetricName(in); got != want {
			t.Errorf("MetricName(%q) = %q; want %q", in, got, want)
		}
	}
}
