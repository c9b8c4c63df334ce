package ruleparser

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
)

// DefaultMaxRuleLen is the default limit on the length of one logical rule.
const DefaultMaxRuleLen = 256 << 10

// Options configures parsing. The zero value auto-detects the dialect and
// uses DefaultMaxRuleLen.
type Options struct {
	// Dialect to parse with; DialectAuto detects it once per file (or per
	// rule for ParseRule) with DetectDialect.
	Dialect Dialect
	// MaxRuleLen limits the length in bytes of one logical rule
	// (continuations joined); 0 means DefaultMaxRuleLen.
	MaxRuleLen int
	// Keywords is the keyword table options are looked up in (the
	// detection engine's, detect.Keywords()). It is required: without it
	// every rule is reported as an error.
	Keywords Keywords
}

func (o Options) maxLen() int {
	if o.MaxRuleLen > 0 {
		return o.MaxRuleLen
	}
	return DefaultMaxRuleLen
}

// DetectDialect guesses the dialect of a rule file: a "service:" option
// means Snort 3; metadata with "service <name>" entries (Talos' Snort 2
// packaging) means Snort 2; anything else is Suricata.
func DetectDialect(src []byte) Dialect {
	snort2 := false
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("service"))
		if j < 0 {
			break
		}
		j += i
		i = j + len("service")
		// "service:" as an option: preceded by '(' or ';' (spaces allowed).
		k := j - 1
		for k >= 0 && (src[k] == ' ' || src[k] == '\t') {
			k--
		}
		n := i
		for n < len(src) && (src[n] == ' ' || src[n] == '\t') {
			n++
		}
		if k >= 0 && (src[k] == ';' || src[k] == '(') && n < len(src) && src[n] == ':' {
			return DialectSnort3
		}
		// "service http" inside metadata: preceded by ',' or ':'.
		if k >= 0 && (src[k] == ',' || src[k] == ':') && i < len(src) && src[i] == ' ' {
			snort2 = true
		}
	}
	if snort2 {
		return DialectSnort2
	}
	return DialectSuricata
}

// ReadFile reads and parses the rule file at path. A file that cannot be
// read gives an ErrorList with one *Error wrapping ErrRead.
func ReadFile(path string, opt Options) (*File, ErrorList) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: fmt.Sprintf("read rule file: %v", err), Kind: ErrRead}}
	}
	return ParseFile(path, src, opt)
}

// ParseFile parses every rule of a rule file. Rules that fail are reported
// in the ErrorList (sorted, at most one error per rule) and left out of
// File.Rules; the other rules still load. Empty lines and comments that are
// not commented-out rules are skipped. The returned File is never nil.
func ParseFile(name string, src []byte, opt Options) (*File, ErrorList) {
	d := opt.Dialect
	if d == DialectAuto {
		d = DetectDialect(src)
	}
	f := &File{Name: name, Dialect: d}
	p := &parser{file: name, dialect: d, maxLen: opt.maxLen(), kw: opt.Keywords}
	var errs ErrorList
	lines := splitLines(src)
	f.Stats.Lines = len(lines)
	for i := 0; i < len(lines); i++ {
		first := i
		line := lines[i]
		trim := strings.TrimSpace(line)
		if trim == "" {
			f.Stats.Blank++
			continue
		}
		commented := false
		prefix := len(line) - len(strings.TrimLeft(line, " \t"))
		if trim[0] == '#' {
			body := strings.TrimLeft(trim, "# \t")
			if !looksLikeRule(body) {
				f.Stats.Blank++
				continue
			}
			commented = true
			prefix = strings.Index(line, body)
		}
		// Join '\' continuations.
		var m posMap
		m.file = name
		m.segs = p.segs[:0]
		if s := strings.TrimRight(line, " \t\r"); !strings.HasSuffix(s, "\\") || i+1 >= len(lines) {
			// One physical line (the common case). The rule gets its own
			// copy of the line: its AST keeps substrings of it, which
			// would otherwise keep the whole file (commented-out rules
			// included) alive as long as the ruleset.
			m.segs = append(m.segs, seg0{log: 0, line: i + 1, col0: prefix})
			p.segs = m.segs
			if commented {
				f.Stats.Commented++
			} else {
				f.Stats.Enabled++
			}
			r, err := p.parse(strings.Clone(s[prefix:]), &m, commented)
			if err != nil {
				errs = append(errs, err)
				f.Stats.Errors++
				continue
			}
			r.Lines = 1
			f.Rules = append(f.Rules, r)
			continue
		}
		var b strings.Builder
		seg := line[prefix:]
		col0 := prefix
		for {
			s := strings.TrimRight(seg, " \t\r")
			if strings.HasSuffix(s, "\\") && i+1 < len(lines) {
				m.segs = append(m.segs, seg0{log: b.Len(), line: i + 1, col0: col0})
				b.WriteString(s[:len(s)-1])
				i++
				seg, col0 = lines[i], 0
				if commented {
					// A continued commented-out rule: drop the '#'s of the
					// following lines too.
					t := strings.TrimLeft(seg, "# \t")
					col0 = len(seg) - len(t)
					seg = t
				}
				continue
			}
			m.segs = append(m.segs, seg0{log: b.Len(), line: i + 1, col0: col0})
			b.WriteString(strings.TrimRight(seg, " \t\r"))
			break
		}
		if commented {
			f.Stats.Commented++
		} else {
			f.Stats.Enabled++
		}
		r, err := p.parse(b.String(), &m, commented)
		if err != nil {
			errs = append(errs, err)
			f.Stats.Errors++
			continue
		}
		r.Lines = i - first + 1
		f.Rules = append(f.Rules, r)
	}
	errs.Sort()
	return f, errs
}

// looksLikeRule reports whether the text after a comment's '#' is a
// commented-out rule: an action word, a space, and a closing ')'.
func looksLikeRule(s string) bool {
	sp := strings.IndexAny(s, " \t")
	if sp <= 0 {
		return false
	}
	if _, ok := ParseAction(s[:sp]); !ok {
		return false
	}
	t := strings.TrimRight(s, " \t\r\\")
	return strings.HasSuffix(t, ")") && strings.Contains(s, "(")
}

func splitLines(src []byte) []string {
	s := string(src)
	n := strings.Count(s, "\n") + 1
	out := make([]string, 0, n)
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			break
		}
		out = append(out, strings.TrimSuffix(s[:i], "\r"))
		s = s[i+1:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// ParseRule parses one rule (it may span lines joined with '\', and may be
// commented out with a leading '#'). It returns a non-nil *Rule and a nil
// error, or a nil *Rule and an *Error.
func ParseRule(text string, opt Options) (*Rule, error) {
	d := opt.Dialect
	if d == DialectAuto {
		d = DetectDialect([]byte(text))
	}
	f, errs := ParseFile("", []byte(text), Options{Dialect: d, MaxRuleLen: opt.MaxRuleLen, Keywords: opt.Keywords})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	switch len(f.Rules) {
	case 0:
		return nil, &Error{Pos: Pos{Line: 1, Col: 1}, Msg: "no rule found", Kind: ErrSyntax}
	case 1:
		return f.Rules[0], nil
	}
	return nil, &Error{Pos: f.Rules[1].Pos, Msg: "more than one rule", Kind: ErrSyntax}
}

// posMap maps offsets in a logical (continuation-joined) rule to physical
// positions.
type posMap struct {
	file string
	segs []seg0
}

type seg0 struct{ log, line, col0 int }

func (m *posMap) pos(off int) Pos {
	s := m.segs[0]
	for _, x := range m.segs[1:] {
		if x.log > off {
			break
		}
		s = x
	}
	return Pos{File: m.file, Line: s.line, Col: s.col0 + off - s.log + 1}
}

type parser struct {
	file    string
	dialect Dialect
	maxLen  int
	kw      Keywords
	// headers memoises parsed headers of this file by header text.
	headers map[string]*header
	opts    []rawOpt // scratch for frameOptions
	segs    []seg0   // scratch for single-line position maps
}

// header parses (or recalls) the header text before the '('.
func (p *parser) header(h string) (*header, error) {
	if g, ok := p.headers[h]; ok {
		return g, nil
	}
	g, err := grammar.ParseString(p.file, h)
	if err != nil {
		return nil, err
	}
	if p.headers == nil {
		p.headers = make(map[string]*header)
	}
	if len(p.headers) < 4096 {
		p.headers[h] = g
	}
	return g, nil
}

// ruleErr builds the *Error of a rule: the position is moved to the rule's
// first physical line when the problem is on a continuation line.
func (p *parser) ruleErr(m *posMap, off int, sid uint32, kw string, kind error, msg string) *Error {
	pos := m.pos(off)
	first := m.segs[0].line
	if pos.Line != first {
		msg = fmt.Sprintf("%s (at line %d:%d)", msg, pos.Line, pos.Col)
		pos = Pos{File: pos.File, Line: first, Col: m.segs[0].col0 + 1}
	}
	return &Error{Pos: pos, Sid: sid, Keyword: kw, Msg: msg, Kind: kind}
}

func (p *parser) parse(text string, m *posMap, commented bool) (*Rule, *Error) {
	if len(text) > p.maxLen {
		return nil, p.ruleErr(m, 0, 0, "", ErrSyntax, fmt.Sprintf("rule is %d bytes long; the limit is %d", len(text), p.maxLen))
	}
	open := strings.IndexByte(text, '(')
	if open < 0 {
		return nil, p.ruleErr(m, len(text), 0, "", ErrSyntax, "missing '(' starting the option list")
	}
	closing := strings.LastIndexByte(text, ')')
	if closing < open {
		return nil, p.ruleErr(m, open, quickSid(text), "", ErrSyntax, "missing closing ')' of the option list")
	}
	for k := closing + 1; k < len(text); k++ {
		if !isSpace(text[k]) {
			return nil, p.ruleErr(m, k, quickSid(text), "", ErrSyntax, fmt.Sprintf("unexpected %q after closing ')'", snippet(text[k:])))
		}
	}
	g, err := p.header(text[:open])
	if err != nil {
		off := 0
		msg := err.Error()
		var pe participle.Error
		if errors.As(err, &pe) {
			off = pe.Position().Offset
			msg = pe.Message()
		}
		if off > open {
			off = open
		}
		return nil, p.ruleErr(m, off, quickSid(text), "", ErrSyntax, msg)
	}
	opts, ferr := frameOptions(text, open, closing, p.opts[:0])
	p.opts = opts[:0]
	if ferr != nil {
		return nil, p.ruleErr(m, ferr.off, quickSid(text), "", ErrSyntax, ferr.msg)
	}
	r := &Rule{Pos: m.pos(0), Commented: commented, Dialect: p.dialect, Raw: text}
	sid := uint32(0)
	for _, o := range opts {
		if o.key == "sid" && o.hasValue {
			if n, err := strconv.ParseUint(o.val, 10, 32); err == nil {
				sid = uint32(n)
			}
		}
	}
	act, ok := ParseAction(strings.ToLower(g.Action.Text))
	if !ok {
		return nil, p.ruleErr(m, g.Action.Pos.Offset, sid, "", ErrSyntax, fmt.Sprintf("unknown action %q", g.Action.Text))
	}
	r.Action = act
	r.Proto = strings.ToLower(g.Proto.Text)
	if proto, hook, ok := strings.Cut(r.Proto, ":"); ok {
		r.Proto, r.Hook = proto, hook
		if !validHook(hook) {
			return nil, p.ruleErr(m, g.Proto.Pos.Offset+len(proto)+1, sid, "", ErrSyntax, fmt.Sprintf("bad hook %q", hook))
		}
	}
	if !validProto(r.Proto) {
		return nil, p.ruleErr(m, g.Proto.Pos.Offset, sid, "", ErrSyntax, fmt.Sprintf("bad protocol %q", g.Proto.Text))
	}
	if g.Src == nil {
		if p.dialect != DialectSnort3 {
			return nil, p.ruleErr(m, g.Proto.Pos.Offset+len(g.Proto.Text), sid, "", ErrSyntax,
				fmt.Sprintf("missing addresses and ports after protocol (header-less rules are Snort 3 only; dialect is %s)", p.dialect))
		}
		r.HeaderLess = true
	} else {
		var e *exprErr
		if r.Src, e = buildExpr(g.Src, m, false); e == nil {
			if r.SrcPorts, e = buildExpr(g.SrcP, m, true); e == nil {
				if r.Dst, e = buildExpr(g.Dst, m, false); e == nil {
					r.DstPorts, e = buildExpr(g.DstP, m, true)
				}
			}
		}
		if e != nil {
			return nil, p.ruleErr(m, e.off, sid, "", ErrSyntax, e.msg)
		}
		switch g.Dir.Text {
		case "->":
			r.Dir = DirTo
		case "<>":
			r.Dir = DirBoth
		case "=>":
			r.Dir = DirTx
		default:
			return nil, p.ruleErr(m, g.Dir.Pos.Offset, sid, "", ErrSyntax, fmt.Sprintf("bad direction %q (want ->, <> or =>)", g.Dir.Text))
		}
	}
	b := builder{dialect: p.dialect}
	r.Options = make([]Option, 0, len(opts))
	for _, o := range opts {
		key := o.key
		spec, ok := p.lookup(key)
		if !ok {
			key = strings.ToLower(key)
			spec, ok = p.lookup(key)
		}
		if !ok {
			msg := "unknown keyword"
			if u, ok := p.kw.(Unparsed); ok {
				if why := u.Unparsed(key); why != "" {
					msg += " (a Suricata keyword Vigil does not parse: " + why + ")"
				}
			}
			return nil, p.ruleErr(m, o.keyOff, sid, o.key, ErrUnknownKeyword, msg)
		}
		if len(spec.Only) > 0 && !slices.Contains(spec.Only, p.dialect) {
			return nil, p.ruleErr(m, o.keyOff, sid, o.key, ErrUnknownKeyword,
				fmt.Sprintf("unknown keyword in the %s dialect (it is %s only)", p.dialect, dialectList(spec.Only)))
		}
		c := &Arg{
			head:    Head{Name: spec.Name, Spelled: key, Pos: m.pos(o.keyOff)},
			dialect: p.dialect,
		}
		if o.hasValue {
			c.val, c.hasVal, c.m, c.valOff = o.val, true, m, o.valOff
		}
		if err := b.add(r, spec, c); err != nil {
			off := o.keyOff
			var ve *valueErr
			if errors.As(err, &ve) && o.hasValue {
				off = o.valOff + ve.off
			}
			kind := ErrBadValue
			if errors.Is(err, ErrSyntax) {
				kind = ErrSyntax
			}
			return nil, p.ruleErr(m, off, sid, key, kind, err.Error())
		}
	}
	return r, nil
}

// lookup finds a keyword spelling in the table; with no table every
// keyword is unknown.
func (p *parser) lookup(name string) (*Keyword, bool) {
	if p.kw == nil {
		return nil, false
	}
	return p.kw.Lookup(name)
}

func dialectList(ds []Dialect) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, "/")
}

// quickSid finds "sid:N" in raw text for errors raised before the options
// are framed.
var sidRE = regexp.MustCompile(`[;(]\s*sid\s*:\s*(\d+)`)

func quickSid(text string) uint32 {
	if m := sidRE.FindStringSubmatch(text); m != nil {
		if n, err := strconv.ParseUint(m[1], 10, 32); err == nil {
			return uint32(n)
		}
	}
	return 0
}

// validHook reports whether s is a well-formed hook name: lower-case
// words of letters, digits and '_', separated by ':' (a transaction type
// before the state: "stream:request_complete").
func validHook(s string) bool {
	for _, w := range strings.Split(s, ":") {
		if w == "" {
			return false
		}
		for i := 0; i < len(w); i++ {
			if c := w[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

func validProto(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// valueErr is an error at an offset inside an option value.
type valueErr struct {
	off int
	msg string
}

// Error implements error.
func (e *valueErr) Error() string { return e.msg }

func errAt(off int, format string, args ...any) error {
	return &valueErr{off: off, msg: fmt.Sprintf(format, args...)}
}
