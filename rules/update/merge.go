package update

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"vigil/ruleparser"
)

// ConfFile is one conf file as read: its kind ("enable", "disable",
// "modify" or "drop"), where it was read from, and its bytes (part of the
// generation).
type ConfFile struct {
	Kind string
	Path string
	Data []byte
}

// ConfKinds are the conf file kinds, in apply order.
var ConfKinds = []string{"disable", "enable", "modify", "drop"}

// ReadConf reads the conf files given (kind → path; a path that is ""
// is skipped) and parses them. optional lists kinds whose missing file is
// not an error (the defaults under a conf directory).
func ReadConf(paths map[string]string, optional map[string]bool) ([]ConfFile, *Conf, error) {
	var files []ConfFile
	conf := &Conf{}
	for _, kind := range ConfKinds {
		p := paths[kind]
		if p == "" {
			continue
		}
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) && optional[kind] {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s.conf: %w", kind, err)
		}
		files = append(files, ConfFile{Kind: kind, Path: p, Data: data})
		switch kind {
		case "modify":
			conf.Modify, err = ParseModify(p, data)
		case "disable":
			conf.Disable, err = ParseMatchers(p, data)
		case "enable":
			conf.Enable, err = ParseMatchers(p, data)
		case "drop":
			conf.Drop, err = ParseMatchers(p, data)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return files, conf, nil
}

// Result is a merged ruleset.
type Result struct {
	// Data is the merged rule file.
	Data []byte
	// Gen is the generation: a hash of the source files and conf files.
	Gen   string
	Rules []*Rule
	// Enabled and Disabled count the merged rules; Duplicates the rules
	// dropped because another with the same gid:sid and a higher (or the
	// same, earlier) rev was kept.
	Enabled, Disabled, Duplicates int
	// Changed counts, per conf kind, the rules it changed.
	Changed map[string]int
	// Unused names conf lines ("file:line") that matched no rule.
	Unused []string
}

// Merge joins the sources' rules (a gid:sid seen twice keeps the highest
// rev, like suricata-update) and applies conf: disable, enable, modify,
// drop, in that order. drop.conf turns the action of enabled alert rules
// into drop.
func Merge(srcs []*Fetched, conf *Conf, confFiles []ConfFile) *Result {
	res := &Result{Changed: map[string]int{}, Gen: generation(srcs, confFiles)}
	index := map[string]int{}
	for _, s := range srcs {
		for _, f := range s.Files {
			for _, r := range parseRules(f.Group, f.Data) {
				id := r.ID()
				if i, ok := index[id]; ok {
					res.Duplicates++
					if r.Rev > res.Rules[i].Rev {
						res.Rules[i] = r
					}
					continue
				}
				index[id] = len(res.Rules)
				res.Rules = append(res.Rules, r)
			}
		}
	}
	if conf == nil {
		conf = &Conf{}
	}
	apply := func(kind string, ms []Matcher, change func(*Rule) bool) {
		for i := range ms {
			hit := false
			for _, r := range res.Rules {
				if ms[i].Match(r) {
					hit = true
					if change(r) {
						res.Changed[kind]++
					}
				}
			}
			if !hit {
				res.Unused = append(res.Unused, ms[i].Where)
			}
		}
	}
	apply("disable", conf.Disable, func(r *Rule) bool {
		was := r.Enabled
		r.Enabled = false
		return was
	})
	apply("enable", conf.Enable, func(r *Rule) bool {
		was := r.Enabled
		r.Enabled = true
		return !was
	})
	for i := range conf.Modify {
		m := &conf.Modify[i]
		apply("modify", []Matcher{m.Matcher}, func(r *Rule) bool {
			t := m.from.ReplaceAllString(r.Text, m.to)
			if t == r.Text {
				return false
			}
			r.Text = t
			r.extract()
			return true
		})
	}
	apply("drop", conf.Drop, func(r *Rule) bool {
		if !r.Enabled {
			return false // a disabled rule stays as its source wrote it
		}
		if !strings.HasPrefix(r.Text, "alert ") && !strings.HasPrefix(r.Text, "alert\t") {
			return false
		}
		r.Text = "drop" + strings.TrimPrefix(r.Text, "alert")
		return true
	})
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by vigil rules update from %d source(s); the next update replaces it.\n", len(srcs))
	for _, r := range res.Rules {
		if r.Enabled {
			res.Enabled++
		} else {
			res.Disabled++
		}
		b.WriteString(r.Line())
		b.WriteByte('\n')
	}
	res.Data = []byte(b.String())
	return res
}

// generation hashes what a merge reads: every source file (group and
// bytes, in order) and every conf file (kind and bytes). The sources'
// names are left out: the same bytes from a mirror are the same ruleset.
func generation(srcs []*Fetched, confs []ConfFile) string {
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "source %d\n", len(s.Files))
		for _, f := range s.Files {
			fmt.Fprintf(h, "file %q %d\n", f.Group, len(f.Data))
			h.Write(f.Data)
		}
	}
	for _, c := range confs {
		fmt.Fprintf(h, "conf %s %d\n", c.Kind, len(c.Data))
		h.Write(c.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Changes is what differs between two rule files, by gid:sid over enabled
// rules: a rule disabled by the update counts as removed.
type Changes struct {
	Added, Removed, Modified []string
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool { return len(c.Added)+len(c.Removed)+len(c.Modified) == 0 }

// Diff compares two rule files. A rule is modified when its canonical
// printed form (ruleparser's printer, with kw as the keyword table)
// differs, so whitespace-only edits do not count.
func Diff(old, new []byte, kw ruleparser.Keywords) Changes {
	before := enabledByID(old)
	after := enabledByID(new)
	var c Changes
	for id, r := range after {
		o, ok := before[id]
		switch {
		case !ok:
			c.Added = append(c.Added, id)
		case o.Text != r.Text && canonical(o.Text, kw) != canonical(r.Text, kw):
			c.Modified = append(c.Modified, id)
		}
	}
	for id := range before {
		if _, ok := after[id]; !ok {
			c.Removed = append(c.Removed, id)
		}
	}
	for _, l := range [][]string{c.Added, c.Removed, c.Modified} {
		sortIDs(l)
	}
	return c
}

func enabledByID(data []byte) map[string]*Rule {
	m := map[string]*Rule{}
	for _, r := range parseRules("", data) {
		if r.Enabled {
			m[r.ID()] = r
		}
	}
	return m
}

// sortIDs sorts "gid:sid" strings numerically.
func sortIDs(ids []string) {
	key := func(s string) (g, n int) {
		fmt.Sscanf(s, "%d:%d", &g, &n)
		return g, n
	}
	sort.Slice(ids, func(i, j int) bool {
		gi, si := key(ids[i])
		gj, sj := key(ids[j])
		if gi != gj {
			return gi < gj
		}
		return si < sj
	})
}
