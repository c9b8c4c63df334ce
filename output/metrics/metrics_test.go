package metrics

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// worker is a per-worker counter struct as the engine keeps it.
type worker struct {
	id             string
	packets, drops atomic.Uint64
	active         atomic.Int64
}

func (w *worker) Metrics(e *Emitter) {
	l := Labels{Worker: w.id, Interface: "eth0"}
	e.Stat("decoder.pkts", w.packets.Load(), l)
	e.Stat("flow.active", uint64(w.active.Load()), l)
	e.Stat("app_layer.flow.dns_udp", 2, l)
	e.Stat("app_layer.flow.http", 1, l)
}

// gather scrapes reg and returns "name{labels}" -> value.
func gather(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, lp := range m.GetLabel() {
				ls = append(ls, lp.GetName()+"="+lp.GetValue())
			}
			k := mf.GetName()
			if len(ls) > 0 {
				k += "{" + strings.Join(ls, ",") + "}"
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				got[k] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				got[k] = m.GetGauge().GetValue()
			default:
				t.Fatalf("%s: type %s", k, mf.GetType())
			}
		}
	}
	return got
}

func TestCollector(t *testing.T) {
	w0, w1 := &worker{id: "0"}, &worker{id: "1"}
	w0.packets.Store(10)
	w1.packets.Store(5)
	w1.active.Store(3)
	c := NewCollector(w0)
	c.Add(w1)
	c.Add(SourceFunc(func(e *Emitter) {
		e.Stat("output.records_written", 7, Labels{Sink: "eve"})
		e.Stat("output.queue_batches", 2, Labels{Sink: "eve"})
		e.Stat("vigil.reload.rules", 40000, Labels{})
	}))
	c.Add(Counters(CounterFunc(func(emit func(string, uint64)) {
		emit("verdict_applied", 4)
		emit("verdict_applied", 1) // summed
		emit("verdict_blocked_now_ipv4", 2)
		emit("verdict_hook_nft_latency_us", 2500)
	})))
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := map[string]float64{
		"vigil_decoder_pkts_total{interface=eth0,worker=0}":                     10,
		"vigil_decoder_pkts_total{interface=eth0,worker=1}":                     5,
		"vigil_flow_active{interface=eth0,worker=0}":                            0,
		"vigil_flow_active{interface=eth0,worker=1}":                            3,
		"vigil_app_layer_flow_total{app_proto=dns_udp,interface=eth0,worker=0}": 2,
		"vigil_app_layer_flow_total{app_proto=dns_udp,interface=eth0,worker=1}": 2,
		"vigil_app_layer_flow_total{app_proto=http,interface=eth0,worker=0}":    1,
		"vigil_app_layer_flow_total{app_proto=http,interface=eth0,worker=1}":    1,
		"vigil_output_records_written_total{sink=eve}":                          7,
		"vigil_output_queue_batches{sink=eve}":                                  2,
		"vigil_rules_loaded":                                                    40000,
		"vigil_verdict_applied_total":                                           5,
		"vigil_verdict_blocked_now_ipv4":                                        2,
		"vigil_verdict_hook_nft_latency_seconds_total":                          0.0025,
	}
	if diff := cmp.Diff(want, gather(t, reg)); diff != "" {
		t.Fatalf("scrape (-want +got):\n%s", diff)
	}
	// Values are read at scrape time.
	w0.packets.Add(100)
	if got := gather(t, reg)["vigil_decoder_pkts_total{interface=eth0,worker=0}"]; got != 110 {
		t.Fatalf("decoder packets after update = %v; want 110", got)
	}
}

// TestInconsistentLabels: a family whose samples disagree on label names
// fails the scrape instead of exporting a family Prometheus would reject.
func TestInconsistentLabels(t *testing.T) {
	c := NewCollector(SourceFunc(func(e *Emitter) {
		e.Stat("decoder.pkts", 1, Labels{Worker: "0"})
		e.Stat("decoder.pkts", 1, Labels{})
	}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	if _, err := reg.Gather(); err == nil {
		t.Fatal("gather of inconsistent labels succeeded")
	}
}

func TestFamily(t *testing.T) {
	for _, tc := range []struct {
		key         string
		gauge       bool
		name, proto string
	}{
		{"decoder.pkts", false, "vigil_decoder_pkts_total", ""},
		{"capture.kernel_drops", false, "vigil_capture_kernel_drops_total", ""},
		{"flow_bypassed.pkts", false, "vigil_flow_bypassed_pkts_total", ""},
		{"app_layer.flow.http", false, "vigil_app_layer_flow_total", "http"},
		{"app_layer.tx.dns_udp", false, "vigil_app_layer_tx_total", "dns_udp"},
		{"app_layer.error.tls.parser", false, "vigil_app_layer_error_parser_total", "tls"},
		{"app_layer.flow.failed_tcp", false, "vigil_app_layer_flow_total", "failed_tcp"},
		{"vigil.reload.published", false, "vigil_reload_published_total", ""},
		{"vigil.score.crossings.flow", false, "vigil_score_crossings_flow_total", ""},
		{"flow.active", true, "vigil_flow_active", ""},
		{"flow.memuse", true, "vigil_flow_memuse_bytes", ""},
		{"vigil.reload.rules", true, "vigil_rules_loaded", ""},
		{"output-eve records", false, "vigil_output_eve_records_total", ""},
		{"verdict_blocked_now_ipv4", true, "vigil_verdict_blocked_now_ipv4", ""},
	} {
		name, proto := Family(tc.key, tc.gauge)
		if name != tc.name || proto != tc.proto {
			t.Errorf("Family(%q, %v) = %q, %q; want %q, %q", tc.key, tc.gauge, name, proto, tc.name, tc.proto)
		}
	}
}

// TestHelp: every family the engine reports has its own explanation, not
// the fallback.
func TestHelp(t *testing.T) {
	for _, key := range []string{"decoder.pkts", "decoder.vxlan", "flow.memcap", "app_layer.flow.http", "app_layer.error.dns_udp.parser",
		"capture.kernel_drops", "output.records_dropped", "vigil.reload.last", "vigil.score.crossings.flow", "verdict_applied"} {
		h := Help(key)
		if strings.Contains(h, "no description") || !strings.HasSuffix(h, ".") {
			t.Errorf("Help(%q) = %q", key, h)
		}
	}
	if h := Help("nosuch.key"); !strings.Contains(h, "no description") {
		t.Errorf("Help of an unknown key = %q; want the fallback", h)
	}
}
