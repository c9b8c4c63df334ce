// Package metrics exposes Vigil's counters and gauges to Prometheus. It is
// part of the output stage and imports nothing from the project.
//
// Hot counters stay plain per-worker fields (no Prometheus types on the
// packet path, nothing incremented per packet through this package). A
// Collector reads them only at scrape time through the small Source
// interface: the engine reports each value under the key the EVE stats
// record and stats.log give it ("decoder.pkts", "app_layer.flow.http",
// "capture.kernel_drops") with bounded labels (worker, interface, sink),
// and Family turns the key into the metric name
// (vigil_decoder_pkts_total, vigil_app_layer_flow_total{app_proto="http"},
// vigil_capture_kernel_drops_total), so a dashboard and a stats.log line
// name the same thing the same way. Help explains each family.
//
// The caller creates an explicit prometheus.Registry (NewRegistry: this
// collector, the Go and process collectors and vigil_build_info) and
// serves it; metrics never go to the global registry. ListenAddr binds a
// bare port to 127.0.0.1.
//
// A Collector is safe for concurrent scrapes; sources may be added while
// scrapes run.
package metrics
