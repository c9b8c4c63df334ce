package evetest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// elasticTable is the field types of the Elastic Suricata integration, as
// Vigil summarised them (elastic.tsv says where each comes from).
//
//go:embed elastic.tsv
var elasticTable string

// ElasticChecker checks EVE lines against the field types the Elastic
// Suricata integration declares or converts to (CheckLine), and records
// the JSON kind of every field path across lines: a path seen with two
// kinds (a number in one record, a string in another) would conflict in
// Elasticsearch's dynamic mapping (Conflicts). It is not safe for
// concurrent use.
type ElasticChecker struct {
	types map[string]string
	// prefix types ("stats" for stats.*).
	prefixes map[string]string
	kinds    map[string]string
	first    map[string]string // path -> first line with each kind, for reports
}

// NewElasticChecker parses the embedded table.
func NewElasticChecker() (*ElasticChecker, error) {
	c := &ElasticChecker{types: map[string]string{}, prefixes: map[string]string{}, kinds: map[string]string{},
		first: map[string]string{}}
	for i, line := range strings.Split(elasticTable, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			return nil, fmt.Errorf("elastic.tsv:%d: want path and type", i+1)
		}
		switch f[1] {
		case "long", "integer", "keyword", "ip", "date", "boolean", "idstring":
		default:
			return nil, fmt.Errorf("elastic.tsv:%d: unknown type %q", i+1, f[1])
		}
		if p, ok := strings.CutSuffix(f[0], ".*"); ok {
			c.prefixes[p] = f[1]
		} else {
			c.types[f[0]] = f[1]
		}
	}
	return c, nil
}

// CheckLine parses one EVE line as the ingest pipeline's json processor
// does and checks every field it has a type for. It returns every
// mismatch, joined.
func (c *ElasticChecker) CheckLine(line []byte) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, ok := m["timestamp"]; !ok {
		return fmt.Errorf("no timestamp")
	}
	var errs []string
	c.walk("", m, line, &errs)
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func (c *ElasticChecker) walk(path string, v any, line []byte, errs *[]string) {
	if o, ok := v.(map[string]any); ok {
		c.kind(path, "object", line)
		for k, x := range o {
			p := k
			if path != "" {
				p = path + "." + k
			}
			c.walk(p, x, line, errs)
		}
		return
	}
	if a, ok := v.([]any); ok {
		for _, x := range a {
			c.walk(path, x, line, errs)
		}
		return
	}
	switch v.(type) {
	case json.Number:
		c.kind(path, "number", line)
	case string:
		c.kind(path, "string", line)
	case bool:
		c.kind(path, "boolean", line)
	}
	typ, ok := c.types[path]
	if !ok {
		if i := strings.IndexByte(path, '.'); i > 0 {
			typ, ok = c.prefixes[path[:i]]
		}
	}
	if !ok || v == nil {
		return
	}
	if err := checkType(typ, v); err != nil {
		*errs = append(*errs, fmt.Sprintf("%s: %v", path, err))
	}
}

func (c *ElasticChecker) kind(path, k string, line []byte) {
	if path == "" {
		return
	}
	if _, seen := c.first[path+" "+k]; seen {
		return
	}
	c.first[path+" "+k] = string(line)
	if prev, ok := c.kinds[path]; ok {
		c.kinds[path] = prev + "|" + k
	} else {
		c.kinds[path] = k
	}
}

// Conflicts returns the field paths seen with more than one JSON kind,
// each with a line of each kind.
func (c *ElasticChecker) Conflicts() []string {
	var out []string
	for p, k := range c.kinds {
		if !strings.Contains(k, "|") {
			continue
		}
		s := fmt.Sprintf("%s: %s", p, k)
		for _, kk := range strings.Split(k, "|") {
			s += "\n\t" + firstLine(c.first[p+" "+kk])
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// checkType checks one JSON value against an Elastic type.
func checkType(typ string, v any) error {
	switch typ {
	case "long", "integer", "idstring":
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("want an integer (%s), got %T %v", typ, v, v)
		}
		i, err := n.Int64()
		if err != nil {
			return fmt.Errorf("want an integer within int64 (%s), got %s", typ, n)
		}
		if typ == "integer" && (i < math.MinInt32 || i > math.MaxInt32) {
			return fmt.Errorf("want an integer within int32, got %d", i)
		}
	case "keyword":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("want a string (keyword), got %T %v", v, v)
		}
	case "ip":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want an IP string, got %T %v", v, v)
		}
		if _, err := netip.ParseAddr(s); err != nil {
			return fmt.Errorf("want an IP: %v", err)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want a boolean, got %T %v", v, v)
		}
	case "date":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want an ISO 8601 date string, got %T %v", v, v)
		}
		if !isISO8601(s) {
			return fmt.Errorf("want an ISO 8601 date, got %q", s)
		}
	}
	return nil
}

// isISO8601 accepts the forms Suricata writes and Elasticsearch's ISO8601
// date format reads: a date and time, with optional fraction and zone
// (Z, +hh:mm or +hhmm).
func isISO8601(s string) bool {
	for _, layout := range []string{
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05",
	} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
