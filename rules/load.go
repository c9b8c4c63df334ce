package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigil/ruleparser"
)

// Checker says whether the detection engine can run an option; detect's
// keyword table satisfies it. A rule with an option Check rejects is parsed
// and valid but not loaded; the Report counts it under Skipped by keyword.
type Checker interface {
	Check(opt ruleparser.Option) error
}

// LoadOptions says what to load and with which tables.
type LoadOptions struct {
	// Paths are rule files or directories; a directory contributes the
	// *.rules files of its whole tree in path order (ExpandPaths). Of two
	// rules with the same gid:sid the higher rev wins, the first loaded on
	// a tie, as in Suricata.
	Paths []string
	// Vars are the address and port variables.
	Vars Vars
	// Classifications defaults to DefaultClassifications().
	Classifications *Classifications
	// References defaults to DefaultReferences().
	References *References
	// Dialect forces a dialect; DialectAuto detects it per file.
	Dialect ruleparser.Dialect
	// Keywords is the keyword table rules are parsed with
	// (detect.Keywords()). Required: without it every option is an
	// unknown keyword.
	Keywords ruleparser.Keywords
	// Checker, when set, decides which rules the engine can load.
	Checker Checker
}

// Rule is a validated rule. It is immutable once loaded.
type Rule struct {
	Gid, Sid, Rev uint32
	Msg           string
	Classtype     string // "" when the rule has none
	// Category is the classtype's description (EVE alert.category).
	Category string
	// Priority is the explicit priority option, else the classtype's
	// priority, else 3 (Suricata's default). EVE's alert.severity is this
	// number.
	Priority int
	Action   ruleparser.Action
	Proto    string
	// Hook is the hook after the protocol ("flow_start" of
	// "tcp:flow_start"), "" when none.
	Hook   string
	Header Header
	// Options are the typed options in rule order, as parsed.
	Options []ruleparser.Option
	// Metadata and References are the rule's metadata and reference
	// options in rule order (also in Options), typed for their readers
	// (EVE output).
	Metadata   []*ruleparser.Metadata
	References []*ruleparser.Reference
	// Target is the target keyword's value ("src_ip", "dest_ip"), "" when
	// the rule has none: who the victim is, for scoring and EVE.
	Target    string
	Dialect   ruleparser.Dialect
	Pos       Pos
	Commented bool
	// AST is the parsed rule this one was built from.
	AST *ruleparser.Rule
}

// Header is a rule header with variables resolved. For a header-less
// Snort 3 rule the sets are nil and HeaderLess is true: the rule matches
// any address and port.
type Header struct {
	HeaderLess bool
	Src, Dst   *AddrSet
	// SrcNegated and DstNegated are set when the address, variables
	// expanded, contains a negation (!$HOME_NET, [any,!10.0.0.0/8]).
	// Like Suricata, such a rule is never IP-only (detect).
	SrcNegated, DstNegated bool
	SrcPorts               *PortSet
	DstPorts               *PortSet
	Dir                    ruleparser.Direction
}

// ID returns "gid:sid".
func (r *Rule) ID() string { return fmt.Sprintf("%d:%d", r.Gid, r.Sid) }

// RuleSet is the immutable result of loading: the active rules (enabled,
// valid, loadable and not duplicated) in load order. It is safe for
// concurrent use.
type RuleSet struct {
	rules []*Rule
	byID  map[uint64]*Rule
	class *Classifications
	refs  *References
}

// Rules returns the active rules in load order. The caller must not modify
// the slice or the rules.
func (s *RuleSet) Rules() []*Rule { return s.rules }

// Len returns the number of active rules.
func (s *RuleSet) Len() int { return len(s.rules) }

// Lookup returns the active rule gid:sid.
func (s *RuleSet) Lookup(gid, sid uint32) (*Rule, bool) {
	r, ok := s.byID[uint64(gid)<<32|uint64(sid)]
	return r, ok
}

// Classifications returns the classification table the set was loaded with.
func (s *RuleSet) Classifications() *Classifications { return s.class }

// References returns the reference systems the set was loaded with.
func (s *RuleSet) References() *References { return s.refs }

// ExpandPaths turns files and directories into the list of rule files to
// load: a directory gives the *.rules files of its whole tree (symbolic
// links to files followed, to directories not) in lexical path order, so
// that ET Open's supplement and iprep subdirectories come with it. A file
// reached twice is listed once, where it was first reached.
func ExpandPaths(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[filepath.Clean(f)] {
			seen[filepath.Clean(f)] = true
			out = append(out, f)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("rule path: %w", err)
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(d.Name(), ".rules") {
				return nil
			}
			if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
				add(f)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("rule path %s: %w", p, err)
		}
	}
	return out, nil
}

// Load parses and validates the rules of opts.Paths. It always returns a
// RuleSet (possibly empty) and a Report; bad rules are reported and left
// out. The caller decides what is fatal (Report.Failed > 0 means an enabled
// rule was rejected).
func Load(opts LoadOptions) (*RuleSet, *Report) {
	start := time.Now()
	l := &loader{
		opts:  opts,
		res:   newResolver(opts.Vars),
		byID:  map[uint64]*Rule{},
		seen:  map[uint64]*Rule{},
		class: opts.Classifications,
		refs:  opts.References,
		rep:   newReport(),
	}
	if l.class == nil {
		l.class = DefaultClassifications()
	}
	if l.refs == nil {
		l.refs = DefaultReferences()
	}
	if opts.Checker != nil {
		l.rep.Skipped = map[string]int{}
	}
	files, err := ExpandPaths(opts.Paths)
	if err != nil {
		l.rep.addError(newError(Pos{}, 0, "", ErrRead, err.Error()), false)
		l.rep.Failed++
	}
	for _, f := range files {
		l.loadFile(f)
	}
	l.activate()
	set := &RuleSet{rules: l.active, byID: l.byID, class: l.class, refs: l.refs}
	l.rep.finish(time.Since(start))
	l.rep.Loaded = len(l.active)
	return set, l.rep
}

// Check loads the rules only to report on them, like `suricata -T`.
func Check(opts LoadOptions) *Report {
	_, rep := Load(opts)
	return rep
}

type loader struct {
	opts   LoadOptions
	res    *resolver
	active []*Rule
	byID   map[uint64]*Rule // active rules
	seen   map[uint64]*Rule // the winner of each gid:sid among valid enabled rules
	order  []uint64         // gid:sid keys in the order first seen
	class  *Classifications
	refs   *References
	rep    *Report
}

func (l *loader) loadFile(path string) {
	fs := FileStats{File: path}
	src, err := os.ReadFile(path)
	if err != nil {
		l.rep.addError(newError(Pos{File: path}, 0, "", ErrRead, fmt.Sprintf("read rule file: %v", err)), false)
		l.rep.Failed++
		fs.Errors++
		l.rep.Files = append(l.rep.Files, fs)
		return
	}
	f, perrs := ruleparser.ParseFile(path, src, ruleparser.Options{Dialect: l.opts.Dialect, Keywords: l.opts.Keywords})
	fs.Dialect = f.Dialect.String()
	fs.Lines = f.Stats.Lines
	fs.Enabled = f.Stats.Enabled
	fs.Commented = f.Stats.Commented
	fs.Total = fs.Enabled + fs.Commented

	// The parser's errors do not say whether the rule was commented out;
	// the first physical line does.
	lines := bytes.Split(src, []byte("\n"))
	commentedAt := func(line int) bool {
		if line < 1 || line > len(lines) {
			return false
		}
		t := bytes.TrimLeft(lines[line-1], " \t")
		return len(t) > 0 && t[0] == '#'
	}
	for _, e := range perrs {
		c := commentedAt(e.Pos.Line)
		l.rep.addError(e, c)
		fs.Errors++
		if c {
			fs.CommentedErrors++
		} else {
			l.rep.Failed++
		}
	}

	for _, ar := range f.Rules {
		fs.Parsed++
		r, errs := l.build(ar)
		if !ar.Commented {
			l.rep.countKeywords(ar)
		}
		if len(errs) > 0 {
			for _, e := range errs {
				l.rep.addError(e, ar.Commented)
			}
			fs.Errors++
			if ar.Commented {
				fs.CommentedErrors++
			} else {
				l.rep.Failed++
			}
			continue
		}
		if ar.Commented {
			continue
		}
		fs.Valid++
		l.dedup(r)
	}
	l.rep.Files = append(l.rep.Files, fs)
}

// dedup records r as the rule for its gid:sid unless one with the same or a
// higher rev was loaded before; the loser is named in a warning with both
// places.
func (l *loader) dedup(r *Rule) {
	key := uint64(r.Gid)<<32 | uint64(r.Sid)
	prev, dup := l.seen[key]
	if !dup {
		l.seen[key] = r
		l.order = append(l.order, key)
		return
	}
	l.rep.Duplicates++
	keep, drop := prev, r
	if r.Rev > prev.Rev {
		keep, drop = r, prev
		l.seen[key] = r
	}
	l.rep.Warnings = append(l.rep.Warnings, Warning{
		Pos: drop.Pos, Sid: r.Sid, Gid: r.Gid, Other: keep.Pos, Kind: WarnDuplicate,
		Msg: fmt.Sprintf("duplicate signature %s: rev %d at %s wins over rev %d at %s, which is skipped",
			r.ID(), keep.Rev, keep.Pos, drop.Rev, drop.Pos),
	})
}

// activate builds the active list from the winners, in the order their
// gid:sid was first seen, leaving out the rules the Keywords checker
// rejects.
func (l *loader) activate() {
	for _, key := range l.order {
		r := l.seen[key]
		if l.opts.Checker != nil {
			skipped := false
			seen := map[string]bool{}
			for _, o := range r.Options {
				if err := l.opts.Checker.Check(o); err != nil && !seen[o.Keyword()] {
					seen[o.Keyword()] = true
					l.rep.Skipped[o.Keyword()]++
					skipped = true
				}
			}
			if skipped {
				l.rep.SkippedRules++
				continue
			}
		}
		l.byID[key] = r
		l.active = append(l.active, r)
	}
}

// build validates one parsed rule.
func (l *loader) build(ar *ruleparser.Rule) (*Rule, []*Error) {
	r := &Rule{
		Gid: ar.Gid(), Sid: ar.Sid(), Rev: ar.Rev(), Msg: ar.Msg(),
		Action: ar.Action, Proto: ar.Proto, Hook: ar.Hook, Options: ar.Options,
		Dialect: ar.Dialect, Pos: ar.Pos, Commented: ar.Commented, AST: ar,
		Priority: 3,
	}
	var errs []*Error
	fail := func(pos Pos, kw string, kind error, msg string) {
		errs = append(errs, newError(pos, r.Sid, kw, kind, msg))
	}
	if r.Sid == 0 {
		fail(ar.Pos, "sid", ErrNoSid, "rule has no sid")
	}
	explicitPrio := false
	for _, o := range ar.Options {
		switch o.Keyword() {
		case "classtype":
			t, ok := o.(*ruleparser.Text)
			if !ok {
				continue
			}
			c, ok := l.class.Lookup(t.Value)
			if !ok {
				fail(o.Position(), "classtype", ErrUnknownClasstype, fmt.Sprintf("unknown classtype %q", t.Value))
				continue
			}
			r.Classtype, r.Category = c.Name, c.Description
			if !explicitPrio {
				r.Priority = c.Priority
			}
		case "priority":
			if u, ok := o.(*ruleparser.Uint); ok {
				r.Priority, explicitPrio = int(u.Value), true
			}
		case "target":
			if t, ok := o.(*ruleparser.Text); ok {
				r.Target = t.Value
			}
		case "metadata":
			if m, ok := o.(*ruleparser.Metadata); ok {
				r.Metadata = append(r.Metadata, m)
			}
		case "reference":
			if ref, ok := o.(*ruleparser.Reference); ok {
				r.References = append(r.References, ref)
				if _, ok := l.refs.Lookup(ref.Type); !ok {
					l.rep.Warnings = append(l.rep.Warnings, Warning{
						Pos: o.Position(), Sid: r.Sid, Gid: r.Gid, Kind: WarnUnknownReference,
						Msg: fmt.Sprintf("reference: unknown reference type %q", ref.Type),
					})
				}
			}
		}
	}
	h := Header{HeaderLess: ar.HeaderLess, Dir: ar.Dir}
	if !ar.HeaderLess {
		addr := func(e ruleparser.Expr, dst **AddrSet, negated *bool) {
			if e == nil {
				fail(ar.Pos, "", ErrBadAddress, "missing address")
				return
			}
			s, err := l.res.Addr(e)
			if err != nil {
				fail(err.pos, "", err.kind, err.msg)
				return
			}
			*dst = s
			*negated = l.res.AddrNegated(e)
		}
		port := func(e ruleparser.Expr, dst **PortSet) {
			if e == nil {
				fail(ar.Pos, "", ErrBadPort, "missing port")
				return
			}
			s, err := l.res.Port(e)
			if err != nil {
				fail(err.pos, "", err.kind, err.msg)
				return
			}
			*dst = s
		}
		addr(ar.Src, &h.Src, &h.SrcNegated)
		port(ar.SrcPorts, &h.SrcPorts)
		addr(ar.Dst, &h.Dst, &h.DstNegated)
		port(ar.DstPorts, &h.DstPorts)
	}
	r.Header = h
	return r, errs
}

// keywordsOf returns the distinct keywords a rule uses, content modifiers
// included (they are folded into the content option by the parser).
func keywordsOf(ar *ruleparser.Rule) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, o := range ar.Options {
		add(o.Keyword())
		if c, ok := o.(*ruleparser.Content); ok {
			for _, m := range c.Mods {
				add(strings.ToLower(m.Name))
			}
		}
	}
	return out
}

// SiblingFile returns the file called name next to the first rule path
// (inside it when it is a directory), or "" when there is none. ET Open
// ships classification.config and reference.config beside its rules.
func SiblingFile(paths []string, name string) string {
	if len(paths) == 0 {
		return ""
	}
	dir := paths[0]
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, name)
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}
