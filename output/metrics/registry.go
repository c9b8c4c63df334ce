package metrics

import (
	"net"
	"runtime"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// NewRegistry returns a registry holding c, the Go runtime and process
// collectors (go_*, process_*) and vigil_build_info.
func NewRegistry(c *Collector, version, commit string) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(c, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	bi := prometheus.NewGauge(prometheus.GaugeOpts{Name: "vigil_build_info",
		Help:        "Always 1; the labels tell which Vigil build is running (version, commit, Go version).",
		ConstLabels: prometheus.Labels{"version": version, "commit": commit, "goversion": runtime.Version()}})
	bi.Set(1)
	reg.MustRegister(bi)
	return reg
}

// ListenAddr returns the address --metrics listens on: a bare port
// (":9100") means 127.0.0.1:9100, so metrics are not exposed beyond the
// host unless an address is given explicitly (0.0.0.0:9100, [::]:9100).
func ListenAddr(s string) string {
	if strings.HasPrefix(s, ":") {
		return "127.0.0.1" + s
	}
	if host, port, err := net.SplitHostPort(s); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return s
}

// helps explains the counters by name prefix (longest prefix wins).
var helps = []struct{ prefix, help string }{
	{"capture_kernel_packets", "Packets the kernel delivered to the capture rings (AF_PACKET tp_packets)."},
	{"capture_kernel_drops", "Packets the kernel dropped because a capture ring was full (AF_PACKET tp_drops)."},
	{"capture_queue_freezes", "Times a capture ring was frozen because it was full (TPACKET_V3)."},
	{"filter_", "Packets (or bytes) the capture filter passed, excluded, bypassed or resampled, by outcome in the name."},
	{"worker_packets", "Packets the workers processed."},
	{"worker_bytes", "Bytes of the packets the workers processed."},
	{"detect_alerts", "Alerts logged (after thresholds and suppression)."},
	{"flow_created", "Flows created in the flow tables."},
	{"flow_bypassed", "Flows bypassed in the kernel (no more packets reach user space)."},
	{"flow_bypass_errors", "Flows whose kernel bypass could not be installed."},
	{"output_", "EVE and fast.log output stage counters: records submitted, written and dropped (queue full or sink down), write errors, bytes written."},
	{"score_", "Flow and host scoring counters: events fed, threshold crossings, hosts tracked."},
	{"verdict_", "Verdict stage counters: requests taken, applied, failed and dropped."},
}

// Help returns the HELP text of counter name.
func Help(name string) string {
	best := ""
	for _, h := range helps {
		if strings.HasPrefix(name, h.prefix) && len(h.prefix) > len(best) {
			best = h.prefix
		}
	}
	for _, h := range helps {
		if h.prefix == best && best != "" {
			return h.help + " (Vigil counter " + name + ".)"
		}
	}
	return "Vigil counter " + strings.ReplaceAll(name, "_", " ") + ", summed over its sources since start."
}
