package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestPromlint: the whole registry (Vigil's counters, Go and process
// collectors, build info) passes promlint.
func TestPromlint(t *testing.T) {
	w := &worker{}
	w.packets.Store(3)
	c := NewCollector(w, CounterFunc(func(emit func(string, uint64)) {
		emit("output_eve-log.1_records_dropped", 2)
		emit("capture_kernel_drops", 1)
	}))
	reg := NewRegistry(c, "1.2.3", "abc")
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, mf := range mfs {
		if mf.GetName() == "vigil_build_info" {
			seen = mf.GetMetric()[0].GetGauge().GetValue() == 1
		}
		if mf.GetHelp() == "" {
			t.Errorf("%s has no HELP", mf.GetName())
		}
	}
	if !seen {
		t.Error("no vigil_build_info 1")
	}
	probs, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		":9100": "127.0.0.1:9100", "0.0.0.0:9100": "0.0.0.0:9100", "[::1]:9100": "[::1]:9100", "localhost:9100": "localhost:9100",
	} {
		if got := ListenAddr(in); got != want {
			t.Errorf("ListenAddr(%q) = %q; want %q", in, got, want)
		}
	}
}
