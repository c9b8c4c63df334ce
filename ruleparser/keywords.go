package ruleparser

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Keyword describes one rule keyword as the parser needs it: its canonical
// name, other spellings, the parser of its value and where it is
// documented. The parser holds no list of keywords: it gets them through
// Keywords (Options.Keywords), and the detection engine owns the table
// (detect.Keywords), so that a keyword's name, value parser and match sit
// in one place.
type Keyword struct {
	// Name is the canonical name (Suricata's dotted form where one exists).
	Name string
	// Aliases are other accepted spellings (legacy underscore names).
	Aliases []string
	// Legacy are the spellings that, written right after a content in the
	// Suricata and Snort 2 dialects, act as a content modifier moving that
	// content into this buffer (http_uri, http_header, ...). Each must
	// also be in Aliases.
	Legacy []string
	// Parse parses the option's value into a typed Option. nil for pure
	// content modifiers.
	Parse func(a *Arg) (Option, error)
	// Mod applies a content modifier to the preceding content.
	Mod func(a *Arg, ct *Content) error
	// Doc is the documentation URL.
	Doc string
	// Only, when non-empty, lists the dialects that know the keyword;
	// elsewhere it is reported as unknown.
	Only []Dialect
}

// Keywords is the keyword table the parser looks option names up in.
// Lookup gets the spelling as written, then lower-cased; it returns the
// keyword for a canonical name or an alias.
type Keywords interface {
	Lookup(name string) (*Keyword, bool)
}

// Unparsed is an optional method of a Keywords table: for a keyword it does
// not parse but knows of (another engine's keyword the table lacks), the
// reason, which the unknown-keyword error then carries; "" otherwise.
type Unparsed interface {
	Unparsed(name string) string
}

// Arg is what a keyword's value parser gets: the option head, its raw
// value and the rule's dialect. Errors a parser returns are reported at
// the option (or, for the parsers of this package, at the offending byte
// of the value).
type Arg struct {
	head    Head
	val     string
	hasVal  bool
	dialect Dialect
	m       *posMap // maps offsets of the logical rule to positions
	valOff  int     // offset of val in the logical rule
}

// at returns the position of byte off of the value (the keyword's position
// when unknown).
func (c *Arg) at(off int) Pos {
	if c.m == nil {
		return c.head.Pos
	}
	return c.m.pos(c.valOff + off)
}

func (c *Arg) noValue() error {
	if c.hasVal {
		return errors.New("takes no value")
	}
	return nil
}

func (c *Arg) need() (string, error) {
	if !c.hasVal || strings.TrimSpace(c.val) == "" {
		return "", errors.New("missing value")
	}
	return c.val, nil
}

// builder assembles a rule's options, folding content modifiers into the
// preceding content.
type builder struct {
	dialect Dialect
	last    *Content
}

func (b *builder) add(r *Rule, s *Keyword, c *Arg) error {
	legacy := slices.Contains(s.Legacy, c.head.Spelled) && b.last != nil && b.dialect != DialectSnort3
	if s.Mod != nil && (s.Parse == nil || legacy) {
		if b.last == nil {
			return errors.New("content modifier without a preceding content")
		}
		if err := s.Mod(c, b.last); err != nil {
			return err
		}
		b.last.Mods = append(b.last.Mods, Mod{Name: c.head.Spelled, Pos: c.head.Pos})
		return nil
	}
	if s.Parse == nil {
		return errors.New("keyword has no value parser")
	}
	o, err := s.Parse(c)
	if err != nil {
		return err
	}
	r.Options = append(r.Options, o)
	switch x := o.(type) {
	case *Content:
		b.last = x
	case *Buffer:
		if x.Kind == Sticky {
			b.last = nil
		}
	}
	return nil
}

// Value parsers for the common shapes. A keyword table pairs them with
// keyword names; the detection engine's table is the only one.

// ParseFlag parses a keyword that takes no value (noalert, sameip, ...).
func ParseFlag(c *Arg) (*Flag, error) {
	if err := c.noValue(); err != nil {
		return nil, err
	}
	return &Flag{Head: c.head}, nil
}

// ParseSticky parses a sticky buffer (http.uri, file.data, ...): no value,
// except in Snort 3 where some take an argument.
func ParseSticky(c *Arg) (*Buffer, error) {
	if c.hasVal {
		if c.dialect != DialectSnort3 {
			return nil, errors.New("sticky buffer takes no value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		return &Buffer{Head: c.head, Kind: Sticky, Arg: v}, nil
	}
	return &Buffer{Head: c.head, Kind: Sticky}, nil
}

// ParseTransform parses a transform without an argument (to_lowercase, ...).
func ParseTransform(c *Arg) (*Buffer, error) {
	if err := c.noValue(); err != nil {
		return nil, err
	}
	return &Buffer{Head: c.head, Kind: Transform}, nil
}

// TransformArg returns the parser of a transform with an optional (opt)
// or required argument (xor, pcrexform, from_base64, ...).
func TransformArg(opt bool) func(c *Arg) (*Buffer, error) {
	return func(c *Arg) (*Buffer, error) {
		if !c.hasVal {
			if opt {
				return &Buffer{Head: c.head, Kind: Transform}, nil
			}
			return nil, errors.New("missing value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		return &Buffer{Head: c.head, Kind: Transform, Arg: v}, nil
	}
}

// ParseUint parses one unsigned 32-bit number (sid, rev, gid, ...).
func ParseUint(c *Arg) (*Uint, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	n, err := parseUint32(v)
	if err != nil {
		return nil, err
	}
	return &Uint{Head: c.head, Value: n}, nil
}

// ParseCompare parses an integer comparison (dsize:>10, ttl:<5, ...).
func ParseCompare(c *Arg) (*Compare, error) { return compare(c, nil) }

// CompareWith returns the parser of an integer comparison that may be
// followed by the comma-separated words in extras (urilen:>10,norm).
func CompareWith(extras ...string) func(c *Arg) (*Compare, error) {
	return func(c *Arg) (*Compare, error) { return compare(c, extras) }
}

func compare(c *Arg, extras []string) (*Compare, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	parts := splitArgs(v)
	if len(parts) > 1 && len(extras) == 0 {
		return nil, fmt.Errorf("unexpected %q after the comparison", strings.Join(parts[1:], ","))
	}
	for _, p := range parts[1:] {
		if err := oneOf("modifier", p, extras...); err != nil {
			return nil, err
		}
	}
	cmp, err := parseUintCmp(parts[0])
	if err != nil {
		return nil, err
	}
	o := &Compare{Head: c.head, Cmp: cmp}
	if len(parts) > 1 {
		o.Extra = parts[1:]
	}
	return o, nil
}

// ParseCompareOrText parses an integer comparison or, when the value is
// not one, free text (Suricata's integer keywords that also take names or
// flag lists, such as mqtt.type:CONNACK and mqtt.flags:dup,!retain).
func ParseCompareOrText(c *Arg) (*CompareOrText, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	if cmp, err := parseUintCmp(v); err == nil {
		return &CompareOrText{Head: c.head, Cmp: &cmp}, nil
	}
	t, err := TextWith(nil)(c)
	if err != nil {
		return nil, err
	}
	return &CompareOrText{Head: c.head, Text: t.Value, Quoted: t.Quoted}, nil
}

// ParseText parses free text, quoted or not (msg, dce_iface, ...).
func ParseText(c *Arg) (*Text, error) { return text(c, nil) }

// TextWith returns the parser of free text that check (when not nil)
// validates.
func TextWith(check func(string) error) func(c *Arg) (*Text, error) {
	return func(c *Arg) (*Text, error) { return text(c, check) }
}

func text(c *Arg, check func(string) error) (*Text, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	t := &Text{Head: c.head, Value: v}
	if strings.HasPrefix(v, `"`) {
		s, err := quotedOnly(v)
		if err != nil {
			return nil, err
		}
		t.Value, t.Quoted = s, true
	} else if n := len(v) - len(strings.TrimRight(v, `\`)); n%2 == 1 {
		// An unquoted value cannot end in a lone backslash: written
		// back it would escape the ';' that ends the option.
		return nil, fmt.Errorf("dangling '\\' at the end of the value")
	}
	if check != nil {
		if err := check(t.Value); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// WordSet returns a check accepting only the words in set.
func WordSet(set ...string) func(string) error {
	return func(s string) error { return oneOf("value", strings.TrimSpace(s), set...) }
}

// ListOf returns the parser of a comma-separated list of optionally
// negated words; set, when not empty, restricts the words.
func ListOf(set ...string) func(c *Arg) (*List, error) {
	return func(c *Arg) (*List, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		l := &List{Head: c.head, Sep: ','}
		for _, p := range splitArgs(v) {
			it := ListItem{}
			if strings.HasPrefix(p, "!") {
				it.Negated, p = true, strings.TrimSpace(p[1:])
			}
			if p == "" {
				return nil, fmt.Errorf("empty element in %q", v)
			}
			if len(set) > 0 {
				if err := oneOf("value", p, set...); err != nil {
					return nil, err
				}
			}
			it.Value = p
			l.Items = append(l.Items, it)
		}
		return l, nil
	}
}

// OrListOf is ListOf whose elements may also be separated by '|'
// (Suricata's ssl_state: "client_hello|server_hello"). Sep records '|'
// when the list used only that separator.
func OrListOf(set ...string) func(c *Arg) (*List, error) {
	inner := ListOf(set...)
	return func(c *Arg) (*List, error) {
		orig := c.val
		bar := c.hasVal && strings.Contains(orig, "|")
		if bar {
			c.val = strings.ReplaceAll(orig, "|", ",")
		}
		l, err := inner(c)
		if l != nil && bar && !strings.Contains(orig, ",") {
			l.Sep = '|'
		}
		return l, err
	}
}

// ArgsWith returns the parser of a comma-separated argument list, which
// may be left out when optional; check (when not nil) validates it.
func ArgsWith(optional bool, check func([]string) error) func(c *Arg) (*Args, error) {
	return func(c *Arg) (*Args, error) {
		if !c.hasVal {
			if optional {
				return &Args{Head: c.head}, nil
			}
			return nil, errors.New("missing value")
		}
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		a := splitArgs(v)
		for _, x := range a {
			if x == "" {
				return nil, fmt.Errorf("empty argument in %q", v)
			}
		}
		if check != nil {
			if err := check(a); err != nil {
				return nil, err
			}
		}
		return &Args{Head: c.head, Args: a}, nil
	}
}

// OneOf returns an error unless s is in set; what names s in the message.
func OneOf(what, s string, set ...string) error { return oneOf(what, s, set...) }

// IsIdent reports whether s is a name: a letter or '_' followed by
// letters, digits, '_', '.' or '-'.
func IsIdent(s string) bool { return isIdent(s) }
