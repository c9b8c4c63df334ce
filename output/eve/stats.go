package eve

import (
	"strconv"
	"strings"
	"time"
)

// Stats builds a "stats" record from counters named by dotted paths, in
// Suricata's layout: "uptime", "capture.kernel_packets", "decoder.pkts",
// "app_layer.flow.http", ... Objects and keys keep the order in which they
// were first added. Stats records are rare (one per interval), so Stats
// favours flexibility over speed and allocates. The names must be ones the
// EVE schema knows (its stats objects forbid other properties).
type Stats struct {
	root statsNode
}

type statsNode struct {
	keys     []string
	children map[string]*statsNode
	values   map[string]uint64
	raw      map[string][]byte // values given as JSON (AddJSON)
}

func (n *statsNode) child(name string) *statsNode {
	if c, ok := n.children[name]; ok {
		return c
	}
	if n.children == nil {
		n.children = make(map[string]*statsNode)
	}
	c := &statsNode{}
	n.children[name] = c
	n.keys = append(n.keys, name)
	return c
}

// Add adds v to the counter at the dotted path name (adding lets per-worker
// counters be summed). It reports false, changing nothing, if name has an
// empty segment or clashes with an existing object or counter (e.g. "a"
// then "a.b").
func (s *Stats) Add(name string, v uint64) bool {
	n, leaf, ok := s.leaf(name, false)
	if !ok {
		return false
	}
	if n.values == nil {
		n.values = make(map[string]uint64)
	}
	if _, ok := n.values[leaf]; !ok {
		n.keys = append(n.keys, leaf)
	}
	n.values[leaf] += v
	return true
}

// AddJSON sets the value at the dotted path name to raw, a JSON value
// (an array such as detect.engines). It reports false, changing nothing,
// when name is bad or already used.
func (s *Stats) AddJSON(name string, raw []byte) bool {
	n, leaf, ok := s.leaf(name, true)
	if !ok {
		return false
	}
	if n.raw == nil {
		n.raw = make(map[string][]byte)
	}
	n.raw[leaf] = raw
	n.keys = append(n.keys, leaf)
	return true
}

// leaf returns the object that holds the value at the dotted path name
// (creating the objects on the way) and the value's key. It changes
// nothing and reports false when name has an empty segment or clashes
// with an existing object or value (e.g. "a" then "a.b"); with fresh, an
// existing value is a clash too.
func (s *Stats) leaf(name string, fresh bool) (*statsNode, string, bool) {
	parts := strings.Split(name, ".")
	// Check first, so a bad name changes nothing.
	n := &s.root
	for i, p := range parts {
		if p == "" {
			return nil, "", false
		}
		if n == nil {
			continue // the rest will be created
		}
		last := i == len(parts)-1
		_, isObj := n.children[p]
		_, isVal := n.values[p]
		_, isRaw := n.raw[p]
		if (last && (isObj || isRaw || fresh && isVal)) || (!last && (isVal || isRaw)) {
			return nil, "", false
		}
		n = n.children[p]
	}
	n = &s.root
	for _, p := range parts[:len(parts)-1] {
		n = n.child(p)
	}
	return n, parts[len(parts)-1], true
}

// Get returns the counter at the dotted path name.
func (s *Stats) Get(name string) (uint64, bool) {
	n := &s.root
	parts := strings.Split(name, ".")
	for _, p := range parts[:len(parts)-1] {
		if n = n.children[p]; n == nil {
			return 0, false
		}
	}
	v, ok := n.values[parts[len(parts)-1]]
	return v, ok
}

func (n *statsNode) append(dst []byte) []byte {
	dst = append(dst, '{')
	for i, k := range n.keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		if c, ok := n.children[k]; ok {
			dst = c.append(dst)
		} else if r, ok := n.raw[k]; ok {
			dst = append(dst, r...)
		} else {
			dst = strconv.AppendUint(dst, n.values[k], 10)
		}
	}
	return append(dst, '}')
}

// AppendStats appends a stats record for time t as one line ending in '\n'.
func (e *Encoder) AppendStats(dst []byte, t time.Time, s *Stats) []byte {
	dst = append(dst, '{')
	dst = e.appendTime(dst, "timestamp", t)
	dst = appendStr(dst, "event_type", "stats")
	dst = appendKey(dst, "stats")
	dst = s.root.append(dst)
	return append(dst, '}', '\n')
}
