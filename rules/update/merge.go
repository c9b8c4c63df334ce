package update

import (
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strings"

	"vigil/ruleparser"
	"vigil/rules/version"
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

// generation is the rules/version Generation of what a merge reads: every
// source file (group and bytes, in order) and every conf file (kind and
// bytes). The sources' names are left out: the same bytes from a mirror
// are the same ruleset. Inputs are named so that their sorted order is
// the merge's order (source, then file within it).
func generation(srcs []*Fetched, confs []ConfFile) string {
	var in []version.Input
	for i, s := range srcs {
		for j, f := range s.Files {
			in = append(in, version.Input{Name: fmt.Sprintf("source %06d file %06d %s", i, j, f.Group), Data: f.Data})
		}
		if len(s.Files) == 0 {
			in = append(in, version.Input{Name: fmt.Sprintf("source %06d empty", i)})
		}
	}
	for _, c := range confs {
		in = append(in, version.Input{Name: "conf " + c.Kind, Data: c.Data})
	}
	return version.Generation(in)
}

// Diff compares two rule files by gid:sid over enabled rules (a rule the
// update disabled counts as removed), with rules/version's Compare. A rule
// is changed when its canonical printed form (ruleparser's printer, with
// kw as the keyword table) differs, so whitespace-only edits do not count;
// only rules whose text differs are parsed for it.
func Diff(old, new []byte, kw ruleparser.Keywords) version.Changes {
	before, after := enabledByID(old), enabledByID(new)
	c := version.Compare(textPrints(before), textPrints(after))
	c.Changed = slices.DeleteFunc(c.Changed, func(id version.RuleID) bool {
		return canonical(before[id].Text, kw) == canonical(after[id].Text, kw)
	})
	return c
}

func enabledByID(data []byte) map[version.RuleID]*Rule {
	m := map[version.RuleID]*Rule{}
	for _, r := range parseRules("", data) {
		if r.Enabled {
			m[version.RuleID{Gid: r.Gid, Sid: r.Sid}] = r
		}
	}
	return m
}

// textPrints are the rules' prints over their text as written.
func textPrints(rs map[version.RuleID]*Rule) version.Prints {
	p := make(version.Prints, len(rs))
	for id, r := range rs {
		h := fnv.New64a()
		h.Write([]byte(r.Text))
		p[id] = h.Sum64()
	}
	return p
}
