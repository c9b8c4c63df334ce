// Package verify runs detection tests laid out as Suricata's own
// regression suite (suricata-verify): a directory with test.yaml, one rules
// file and a pcap, and checks that filter the eve.json the run produced.
//
// It consumes test directories and a Runner that replays a capture with
// rules into a log directory (the engine's replay), and produces one Result
// per test: pass, fail with the failing check, or skip with the reason.
// Requirements are evaluated as Suricata 8.0.7 built with JA3 and JA4 would
// evaluate them, because Vigil follows Suricata 8.0 behaviour.
package verify

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is the Suricata version whose behaviour Vigil follows.
var Version = [3]int{8, 0, 7}

// Features are the build features Vigil has, by Suricata's names.
var Features = map[string]bool{"HAVE_JA3": true, "HAVE_JA4": true, "HAVE_LIBJANSSON": true, "HAVE_NSS": true}

// Test is one test directory.
type Test struct {
	Name   string
	Dir    string
	Rules  string   // path of the rules file; "" when the test has none
	Pcap   string   // path of the capture
	Args   []string // extra command-line arguments, ${TEST_DIR} expanded
	Checks []Check
	req    requires
	// IPS is set for tests whose name contains "ips": they run with
	// --simulate-ips, as the upstream runner does.
	IPS bool
}

// Check is one filter over eve.json: Count events must match every key.
type Check struct {
	Count int
	Match map[string]any
	req   requires
}

type requires struct {
	MinVersion string   `yaml:"min-version"`
	LtVersion  string   `yaml:"lt-version"`
	GtVersion  string   `yaml:"gt-version"`
	Version    string   `yaml:"version"`
	Features   []string `yaml:"features"`
	other      []string // keys this runner does not understand
}

func (r *requires) UnmarshalYAML(n *yaml.Node) error {
	type plain requires
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = requires(p)
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "min-version", "lt-version", "gt-version", "version", "features":
			default:
				r.other = append(r.other, k)
			}
		}
	}
	return nil
}

type testYAML struct {
	Requires requires  `yaml:"requires"`
	Pcap     string    `yaml:"pcap"`
	Args     []string  `yaml:"args"`
	Checks   []checkYA `yaml:"checks"`
	Skip     []any     `yaml:"skip"`
}

type checkYA struct {
	Filter *struct {
		Count    *int           `yaml:"count"`
		Match    map[string]any `yaml:"match"`
		Requires requires       `yaml:"requires"`
	} `yaml:"filter"`
	Other map[string]any `yaml:",inline"`
}

// Load reads the test in dir.
func Load(dir string) (*Test, error) {
	data, err := os.ReadFile(filepath.Join(dir, "test.yaml"))
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	var y testYAML
	if err := yaml.Unmarshal(data, &y); err != nil {
		return nil, fmt.Errorf("verify: %s: %w", filepath.Join(dir, "test.yaml"), err)
	}
	t := &Test{Name: filepath.Base(dir), Dir: dir, req: y.Requires}
	t.IPS = strings.Contains(t.Name, "ips")
	rules, _ := filepath.Glob(filepath.Join(dir, "*.rules"))
	switch len(rules) {
	case 0: // the test checks protocol records only
	case 1:
		t.Rules = rules[0]
	default:
		return nil, fmt.Errorf("verify: %s: want at most one rules file, found %d", dir, len(rules))
	}
	if y.Pcap != "" {
		t.Pcap = filepath.Join(dir, strings.TrimSpace(y.Pcap))
	} else {
		pcaps, _ := filepath.Glob(filepath.Join(dir, "*.pcap"))
		if len(pcaps) != 1 {
			return nil, fmt.Errorf("verify: %s: want one pcap, found %d", dir, len(pcaps))
		}
		t.Pcap = pcaps[0]
	}
	for _, a := range y.Args {
		a = strings.ReplaceAll(a, "${TEST_DIR}", dir)
		t.Args = append(t.Args, strings.Fields(a)...)
	}
	for i, c := range y.Checks {
		if c.Filter == nil {
			keys := make([]string, 0, len(c.Other))
			for k := range c.Other {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return nil, fmt.Errorf("verify: %s: check %d: unsupported check type %v", dir, i+1, keys)
		}
		ch := Check{Count: -1, Match: c.Filter.Match, req: c.Filter.Requires}
		if c.Filter.Count != nil {
			ch.Count = *c.Filter.Count
		}
		t.Checks = append(t.Checks, ch)
	}
	return t, nil
}

// Skip returns why the test cannot run against Suricata 8.0.7, or "".
func (t *Test) Skip() string { return t.req.unmet() }

func (r *requires) unmet() string {
	if len(r.other) > 0 {
		return "unsupported requirement " + strings.Join(r.other, ", ")
	}
	if r.MinVersion != "" && cmpVersion(Version, r.MinVersion) < 0 {
		return "needs Suricata >= " + r.MinVersion
	}
	if r.LtVersion != "" && cmpVersion(Version, r.LtVersion) >= 0 {
		return "needs Suricata < " + r.LtVersion
	}
	if r.GtVersion != "" && cmpVersion(Version, r.GtVersion) <= 0 {
		return "needs Suricata > " + r.GtVersion
	}
	if r.Version != "" && cmpVersion(Version, r.Version) != 0 {
		return "needs Suricata " + r.Version
	}
	for _, f := range r.Features {
		if !Features[f] {
			return "needs feature " + f
		}
	}
	return ""
}

// cmpVersion compares v with a dotted version string; missing parts of s
// match anything ("8" equals every 8.x.y).
func cmpVersion(v [3]int, s string) int {
	parts := strings.Split(strings.TrimSpace(s), ".")
	for i := 0; i < 3 && i < len(parts); i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return 0
		}
		if v[i] != n {
			if v[i] < n {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Status is a test outcome.
type Status uint8

// Outcomes.
const (
	Pass Status = iota
	Fail
	Skipped
)

func (s Status) String() string {
	return [...]string{"pass", "fail", "skip"}[s]
}

// Result is the outcome of one test.
type Result struct {
	Name   string
	Status Status
	// Reason says which check failed (with the count seen), why the test
	// was skipped, or what went wrong running it.
	Reason string
}

// Runner replays t's capture with t's rules and arguments into logDir,
// which must then hold eve.json. An error wrapping ErrSkip skips the test
// (something Vigil lacks, e.g. an unsupported argument or keyword).
type Runner func(t *Test, logDir string) error

// ErrSkip marks a Runner error as "cannot run here" rather than a failure.
var ErrSkip = errors.New("skip")

// Run runs one test.
func Run(t *Test, logDir string, run Runner) Result {
	res := Result{Name: t.Name}
	if why := t.Skip(); why != "" {
		res.Status, res.Reason = Skipped, why
		return res
	}
	if err := run(t, logDir); err != nil {
		res.Status, res.Reason = Fail, err.Error()
		if errors.Is(err, ErrSkip) {
			res.Status = Skipped
		}
		return res
	}
	events, err := readEVE(filepath.Join(logDir, "eve.json"))
	if err != nil {
		res.Status, res.Reason = Fail, err.Error()
		return res
	}
	for i, c := range t.Checks {
		if c.req.unmet() != "" {
			continue
		}
		n := 0
		for _, ev := range events {
			if matchAll(ev, c.Match) {
				n++
			}
		}
		if c.Count >= 0 && n != c.Count || c.Count < 0 && n == 0 {
			res.Status = Fail
			res.Reason = fmt.Sprintf("check %d: want %d events matching %s, got %d", i+1, c.Count, describe(c.Match), n)
			return res
		}
	}
	return res
}

func describe(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%v", k, m[k])
	}
	return "{" + b.String() + "}"
}

func readEVE(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}

// matchAll reports whether ev satisfies every key of m.
func matchAll(ev map[string]any, m map[string]any) bool {
	for k, want := range m {
		if !matchKey(ev, k, want) {
			return false
		}
	}
	return true
}

var suffixOps = []string{"__len", "__contains", "__find", "__startswith", "__endswith", "__gte", "__gt", "__lte", "__lt"}

func matchKey(ev map[string]any, key string, want any) bool {
	switch key {
	case "has-key":
		_, ok := lookup(ev, fmt.Sprint(want))
		return ok
	case "not-has-key":
		_, ok := lookup(ev, fmt.Sprint(want))
		return !ok
	}
	op := ""
	for _, s := range suffixOps {
		if strings.HasSuffix(key, "."+s) {
			op, key = s, strings.TrimSuffix(key, "."+s)
			break
		}
	}
	got, ok := lookup(ev, key)
	if !ok {
		return false
	}
	switch op {
	case "":
		return equal(got, want)
	case "__len":
		n := -1
		switch v := got.(type) {
		case string:
			n = len(v)
		case []any:
			n = len(v)
		case map[string]any:
			n = len(v)
		}
		return equal(float64(n), want)
	case "__contains":
		switch v := got.(type) {
		case string:
			return strings.Contains(v, fmt.Sprint(want))
		case []any:
			for _, x := range v {
				if equal(x, want) {
					return true
				}
			}
		}
		return false
	case "__find":
		s, ok := got.(string)
		return ok && strings.Contains(s, fmt.Sprint(want))
	case "__startswith":
		s, ok := got.(string)
		return ok && strings.HasPrefix(s, fmt.Sprint(want))
	case "__endswith":
		s, ok := got.(string)
		return ok && strings.HasSuffix(s, fmt.Sprint(want))
	}
	g, ok1 := number(got)
	w, ok2 := number(want)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case "__gt":
		return g > w
	case "__gte":
		return g >= w
	case "__lt":
		return g < w
	case "__lte":
		return g <= w
	}
	return false
}

// lookup follows a dotted path, with one optional [i] index per part. A
// JSON null counts as absent.
func lookup(ev map[string]any, path string) (any, bool) {
	var cur any = ev
	for _, part := range strings.Split(path, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			n, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil {
				return nil, false
			}
			idx, part = n, part[:i]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[part]
		if !ok || cur == nil {
			return nil, false
		}
		if idx >= 0 {
			l, ok := cur.([]any)
			if !ok || idx >= len(l) {
				return nil, false
			}
			cur = l[idx]
		}
	}
	return cur, cur != nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

// equal compares a JSON value with a YAML one: numbers by value, the rest
// by their text.
func equal(got, want any) bool {
	if g, ok := number(got); ok {
		if w, ok := number(want); ok {
			return g == w
		}
		if s, ok := want.(string); ok {
			w, err := strconv.ParseFloat(s, 64)
			return err == nil && g == w
		}
		return false
	}
	switch g := got.(type) {
	case string:
		return g == fmt.Sprint(want)
	case bool:
		w, ok := want.(bool)
		return ok && g == w
	case []any:
		w, ok := want.([]any)
		if !ok || len(w) != len(g) {
			return false
		}
		for i := range g {
			if !equal(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		w, ok := want.(map[string]any)
		if !ok || len(w) != len(g) {
			return false
		}
		for k, gv := range g {
			if !equal(gv, w[k]) {
				return false
			}
		}
		return true
	}
	return false
}
