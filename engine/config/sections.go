package config

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// knownSections are the top-level keys of suricata.yaml (Suricata 6 to 8)
// and Vigil's own "vigil" section. A file may carry any of them: Vigil
// reads what it implements and ignores the rest of Suricata's. Any other
// top-level key is a typo or a foreign file, and is warned about.
var knownSections = []string{
	"action-order", "af-packet", "af-xdp", "anomaly", "app-layer", "asn1-max-frames", "autofp-scheduler",
	"capture", "classification-file", "coredump", "cpu-affinity", "cuda", "datasets", "decoder",
	"default-log-dir", "default-packet-size", "default-rule-path", "defrag", "detect", "detect-engine",
	"dpdk", "engine-analysis", "exception-policy", "file-store", "flow", "flow-timeouts", "geoip-database",
	"heartbeat", "host", "host-mode", "host-os-policy", "include", "ipfw", "ippair", "legacy", "logging",
	"luajit", "max-pending-packets", "mpipe", "mpm-algo", "napatech", "netmap", "nflog", "nfq", "outputs",
	"pcap", "pcap-file", "pcre", "pfring", "plugins", "profiling", "reference-config-file", "rule-files",
	"run-as", "runmode", "security", "sensor-name", "spm-algo", "stats", "stream", "threading",
	"threshold-file", "unix-command", "vars", "vigil", "vlan", "windivert",
}

// Warnings returns the problems that do not stop the configuration from
// loading: top-level sections neither Suricata nor Vigil has, in file
// order, worded like --set's refusal of an unknown key.
func (c *Config) Warnings() []*Error {
	var out []*Error
	for i := 0; i+1 < len(c.root.Content); i += 2 {
		k := c.root.Content[i]
		if !slices.Contains(knownSections, k.Value) {
			out = append(out, &Error{c.pos(k), fmt.Sprintf("%s: unknown or unsupported setting (ignored)", k.Value)})
		}
	}
	return out
}

// Dump writes every scalar of the configuration as "path = value", one per
// line in file order, like suricata --dump-config; list elements are
// numbered (outputs.0.eve-log.enabled).
func (c *Config) Dump(w io.Writer) error {
	var err error
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], join(path, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				walk(e, join(path, fmt.Sprint(i)))
			}
		case yaml.ScalarNode:
			if err == nil {
				_, err = fmt.Fprintf(w, "%s = %s\n", path, n.Value)
			}
		}
	}
	walk(c.root, "")
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// locate finds where a YAML syntax error really is. yaml.v3 reports the
// line where the enclosing construct started (a tab on line 5 is reported
// on line 4) and no column. The first prefix of the document, from that
// line on, that fails with the same message ends on the bad line; for a
// tab in the indentation the column is the tab's.
func locate(data []byte, line int, msg string) (int, int) {
	lines := strings.SplitAfter(string(data), "\n")
	start := max(line, 1)
	for n := start; n <= len(lines); n++ {
		var doc yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc)
		if err == nil || !strings.HasSuffix(err.Error(), msg) {
			continue
		}
		l := lines[n-1]
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if i := strings.IndexByte(indent, '\t'); i >= 0 {
			return n, i + 1
		}
		return n, 0
	}
	return line, 0
}
