package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestPromlint: the whole registry (Vigil's counters, Go and process
// collectors, build info) passes promlint.
func TestPromlint(t *testing.T) {
	w := &worker{id: "0"}
	w.packets.Store(3)
	c := NewCollector(w, SourceFunc(func(e *Emitter) {
		e.Stat("output.records_dropped", 2, Labels{Sink: "eve-log.1"})
		e.Stat("output.queue_batches", 0, Labels{Sink: "eve-log.1"})
		e.Stat("capture.kernel_drops", 1, Labels{Interface: "eth0"})
		e.Stat("flow.memuse", 1<<20, Labels{Worker: "0"})
	}), Counters(CounterFunc(func(emit func(string, uint64)) {
		// The verdict stage's counters, as it names them.
		emit("verdict_hook_nft_latency_us", 1500)
		emit("verdict_hook_nft_calls", 3)
		emit("verdict_policy_block_dry_run", 1)
		emit("verdict_blocked_now_ipv4", 1)
	})))
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
		":9100": "127.0.0.1:9100", "9100": "127.0.0.1:9100", "0.0.0.0:9100": "0.0.0.0:9100", "[::1]:9100": "[::1]:9100", "localhost:9100": "localhost:9100",
	} {
		if got := ListenAddr(in); got != want {
			t.Errorf("ListenAddr(%q) = %q; want %q", in, got, want)
		}
	}
}
