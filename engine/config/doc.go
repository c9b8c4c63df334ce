// Package config reads Vigil's Suricata-style YAML configuration.
//
// It is a leaf package: it consumes a YAML file (the layout of Suricata's
// suricata.yaml) plus Suricata-style `--set key=value` overrides, and produces
// a typed Config for the settings later stages use today (rule variables,
// rule files, classification/reference/threshold files) together with the
// raw tree, reachable through Lookup, for keys that are not typed yet.
//
// Every error names the file, line and column of the offending node, or the
// override that introduced it. Values are copied out of the YAML tree; a
// Config is not safe for concurrent mutation (Set), but concurrent readers of
// an unmodified Config are fine.
package config
