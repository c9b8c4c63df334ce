// Package metrics exposes Vigil's counters to Prometheus. It is part of the
// output stage and imports nothing from the project.
//
// Hot counters stay plain per-worker fields (no Prometheus types on the
// packet path); a Collector reads them only at scrape time through the small
// CounterSource interface and publishes each counter name as
// vigil_<name>_total, summed over the sources that report it. The caller
// creates an explicit prometheus.Registry and registers the Collector
// (metrics are never put in the global registry).
//
// A Collector is safe for concurrent scrapes; sources may be added while
// scrapes run.
package metrics
