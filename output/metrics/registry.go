package metrics

import (
	"net"
	"runtime"
	"strconv"
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
// ("9100" or ":9100") means 127.0.0.1:9100, so metrics are not exposed
// beyond the host unless an address is given explicitly (0.0.0.0:9100,
// [::]:9100).
func ListenAddr(s string) string {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		return "127.0.0.1:" + s
	}
	if strings.HasPrefix(s, ":") {
		return "127.0.0.1" + s
	}
	if host, port, err := net.SplitHostPort(s); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return s
}
