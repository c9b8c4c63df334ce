package eve

import (
	"strconv"
	"strings"
	"time"
)

// Stats builds a "stats" record from counters named by dotted paths, in
// Suricata's layout: "uptime", "capture.kernel_packets", "decoder.pkts",
// "app_layer.flow.http", ... Objects and keys keep the order in which they
// were first added. The names must be ones the EVE schema knows (its stats
// objects forbid other properties).
type Stats struct {
	root statsNode
	// gen counts Resets: a child node of an older generation is absent
	// from the record (its storage waits to be reused).
	gen uint32
}

type statsNode struct {
	gen      uint32
	keys     []string
	children map[string]*statsNode
	values   map[string]uint64
	raw      map[string][]byte // values given as JSON (AddJSON)
}

// Reset empties s for the next record, keeping its storage: a record
// built after Reset with the names of the previous one allocates nothing
// (replay writes one per stats interval of packet time, thousands for a
// long capture).
func (s *Stats) Reset() {
	s.gen++
	s.root.clear(s.gen)
}

func (n *statsNode) clear(gen uint32) {
	n.gen = gen
	n.keys = n.keys[:0]
	clear(n.values)
	clear(n.raw)
}

// live returns n's child name when it belongs to generation gen.
func (n *statsNode) live(name string, gen uint32) *statsNode {
	if c := n.children[name]; c != nil && c.gen == gen {
		return c
	}
	return nil
}

func (n *statsNode) child(name string, gen uint32) *statsNode {
	if c, ok := n.children[name]; ok {
		if c.gen != gen {
			c.clear(gen)
			n.keys = append(n.keys, name)
		}
		return c
	}
	if n.children == nil {
		n.children = make(map[string]*statsNode)
	}
	c := &statsNode{gen: gen}
	n.children[name] = c
	n.keys = append(n.keys, name)
	return c
}

// cutDot splits a dotted path at its first dot.
func cutDot(name string) (seg, rest string, last bool) {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:], false
	}
	return name, "", true
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
	// Check first, so a bad name changes nothing.
	n := &s.root
	for rest, last := name, false; !last; {
		var p string
		p, rest, last = cutDot(rest)
		if p == "" {
			return nil, "", false
		}
		if n == nil {
			continue // the rest will be created
		}
		obj := n.live(p, s.gen)
		_, isVal := n.values[p]
		_, isRaw := n.raw[p]
		if (last && (obj != nil || isRaw || fresh && isVal)) || (!last && (isVal || isRaw)) {
			return nil, "", false
		}
		n = obj
	}
	n = &s.root
	rest := name
	for {
		p, r, last := cutDot(rest)
		if last {
			return n, rest, true
		}
		n, rest = n.child(p, s.gen), r
	}
}

// Get returns the counter at the dotted path name.
func (s *Stats) Get(name string) (uint64, bool) {
	n := &s.root
	for rest := name; ; {
		p, r, last := cutDot(rest)
		if last {
			v, ok := n.values[p]
			return v, ok
		}
		if n = n.live(p, s.gen); n == nil {
			return 0, false
		}
		rest = r
	}
}

func (n *statsNode) append(dst []byte) []byte {
	dst = append(dst, '{')
	for i, k := range n.keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		if c := n.live(k, n.gen); c != nil {
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
