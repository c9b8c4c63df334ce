package ruleparser

import (
	"fmt"
	"net/netip"
)

// Pos is a position in a rule file. Line and Col are 1-based; Col counts
// bytes. The zero Pos means "unknown".
type Pos struct {
	File string
	Line int
	Col  int
}

// String returns "file:line:col" (parts that are unknown are left out).
func (p Pos) String() string {
	switch {
	case p.Line == 0 && p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Dialect is the rule language a rule was written in.
type Dialect uint8

// Dialects. DialectAuto is only meaningful in Options: the parser then
// detects the dialect once per file (see DetectDialect); a parsed Rule always
// carries a concrete dialect.
const (
	DialectAuto Dialect = iota
	DialectSuricata
	DialectSnort2
	DialectSnort3
)

var dialectNames = [...]string{"auto", "suricata", "snort2", "snort3"}

// String returns the canonical text of the Dialect.
func (d Dialect) String() string {
	if int(d) < len(dialectNames) {
		return dialectNames[d]
	}
	return fmt.Sprintf("Dialect(%d)", d)
}

// Action is a rule action.
type Action uint8

// Actions. Log and Sdrop are Snort 2; Block, React and Rewrite are Snort 3.
const (
	ActionInvalid Action = iota
	ActionAlert
	ActionDrop
	ActionReject
	ActionRejectSrc
	ActionRejectDst
	ActionRejectBoth
	ActionPass
	ActionLog
	ActionSdrop
	ActionBlock
	ActionReact
	ActionRewrite
	ActionConfig // Suricata "config" rules (e.g. config:logging disable)
	ActionAccept // Suricata 8 firewall rules
)

var actionNames = [...]string{"invalid", "alert", "drop", "reject", "rejectsrc", "rejectdst",
	"rejectboth", "pass", "log", "sdrop", "block", "react", "rewrite", "config", "accept"}

// String returns the canonical text of the Action.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", a)
}

// ParseAction returns the Action named s (lower case), or false.
func ParseAction(s string) (Action, bool) {
	for i, n := range actionNames {
		if i > 0 && n == s {
			return Action(i), true
		}
	}
	return ActionInvalid, false
}

// Direction is the header direction operator.
type Direction uint8

// Directions.
const (
	DirNone Direction = iota // header-less Snort 3 rule
	DirTo                    // ->
	DirBoth                  // <>
	DirTx                    // => (Suricata 8 transactional, both directions of one transaction)
)

var dirNames = [...]string{"", "->", "<>", "=>"}

// String returns the canonical text of the Direction.
func (d Direction) String() string {
	if int(d) < len(dirNames) {
		return dirNames[d]
	}
	return fmt.Sprintf("Direction(%d)", d)
}

// Expr is a node of an address or port expression. It is sealed: the
// implementations are Any, Var, IP, CIDR, Port, Range, Group and Negated.
// Addresses use Any, Var, IP, CIDR, Group and Negated; ports use Any, Var,
// Port, Range, Group and Negated.
type Expr interface {
	// Position returns where the node starts.
	Position() Pos
	// String returns the canonical text of the node.
	String() string
	isExpr()
}

// Any is the "any" address or port.
type Any struct{ Pos Pos }

// Var is an unresolved variable reference such as $HOME_NET; Name excludes
// the '$'. The rules package resolves it and reports an undefined variable
// at Pos.
type Var struct {
	Pos  Pos
	Name string
}

// IP is a single IPv4 or IPv6 address.
type IP struct {
	Pos  Pos
	Addr netip.Addr
}

// CIDR is an address prefix such as 10.0.0.0/8 (host bits are kept as
// written, e.g. 10.1.2.3/8 stays 10.1.2.3/8).
type CIDR struct {
	Pos    Pos
	Prefix netip.Prefix
}

// Port is a single port number.
type Port struct {
	Pos  Pos
	Port uint16
}

// Range is an inclusive port range "lo:hi". "1024:" is Lo=1024 Hi=65535;
// ":1023" is Lo=0 Hi=1023.
type Range struct {
	Pos    Pos
	Lo, Hi uint16
}

// Group is a bracketed list "[a,b,...]"; it may nest and contain negations.
type Group struct {
	Pos   Pos
	Items []Expr
}

// Negated is "!X".
type Negated struct {
	Pos Pos
	X   Expr
}

// Position returns where the Any starts.
func (e *Any) Position() Pos { return e.Pos }

// Position returns where the Var starts.
func (e *Var) Position() Pos { return e.Pos }

// Position returns where the IP starts.
func (e *IP) Position() Pos { return e.Pos }

// Position returns where the CIDR starts.
func (e *CIDR) Position() Pos { return e.Pos }

// Position returns where the Port starts.
func (e *Port) Position() Pos { return e.Pos }

// Position returns where the Range starts.
func (e *Range) Position() Pos { return e.Pos }

// Position returns where the Group starts.
func (e *Group) Position() Pos { return e.Pos }

// Position returns where the Negated starts.
func (e *Negated) Position() Pos { return e.Pos }

func (*Any) isExpr()     {}
func (*Var) isExpr()     {}
func (*IP) isExpr()      {}
func (*CIDR) isExpr()    {}
func (*Port) isExpr()    {}
func (*Range) isExpr()   {}
func (*Group) isExpr()   {}
func (*Negated) isExpr() {}

// Rule is one parsed rule. A Rule is immutable once returned by the parser:
// callers must not modify it (it may be shared between goroutines).
type Rule struct {
	// Pos is the position of the first character of the action (also for a
	// commented-out rule, whose '#' prefix is not part of the rule).
	Pos Pos
	// Commented is true for a commented-out rule ("# alert ...").
	Commented bool
	// Dialect is the concrete dialect the rule was parsed with.
	Dialect Dialect
	Action  Action
	// Proto is the protocol word as written (lower-cased), e.g. "tcp",
	// "http1", "tcp-pkt", "file".
	Proto string
	// Hook is the hook written after the protocol and a ':' (Suricata 8
	// firewall rules: "tcp:flow_start", "http1:request_line",
	// "http2:stream:request_complete"), "" when none.
	Hook string
	// HeaderLess is true for Snort 3 rules without addresses/ports
	// ("alert http (...)"); Src..DstPorts are nil and Dir is DirNone then.
	HeaderLess bool
	Src        Expr
	SrcPorts   Expr
	Dir        Direction
	Dst        Expr
	DstPorts   Expr
	// Options in rule order. Content modifiers written as separate options
	// (Suricata/Snort 2 "content:..; nocase; depth:4;") are folded into the
	// preceding *Content and do not appear here on their own.
	Options []Option
	// Raw is the logical rule text (continuations joined, without the
	// comment prefix of a commented-out rule).
	Raw string
	// Lines is the number of physical lines the rule spans.
	Lines int
}

// Option is one rule option. It is sealed: every implementation lives in
// this package, one typed struct per keyword shape (parsers in keywords.go and kwparse.go).
type Option interface {
	// Keyword returns the canonical keyword name (e.g. "tls.sni" for
	// "tls_sni" used as a sticky buffer).
	Keyword() string
	// Spelling returns the keyword as written in the rule.
	Spelling() string
	// Position returns the position of the keyword's first character.
	Position() Pos
	// value prints the option's value (printer.go).
	value(d Dialect) (string, bool)
}

// Head is embedded in every option: the keyword as written, its canonical
// name and its position.
type Head struct {
	Name    string // canonical keyword name
	Spelled string // as written
	Pos     Pos
}

// Keyword returns the canonical keyword name.
func (h *Head) Keyword() string { return h.Name }

// Spelling returns the keyword as written.
func (h *Head) Spelling() string { return h.Spelled }

// Position returns the position of the keyword.
func (h *Head) Position() Pos { return h.Pos }

// Sid returns the rule's sid, or 0 when it has none.
func (r *Rule) Sid() uint32 { return r.num("sid") }

// Rev returns the rule's rev, or 0 when it has none.
func (r *Rule) Rev() uint32 { return r.num("rev") }

// Gid returns the rule's gid, or 1 (the default) when it has none.
func (r *Rule) Gid() uint32 {
	if g := r.num("gid"); g != 0 {
		return g
	}
	return 1
}

// Priority returns the rule's priority option, or 0 when it has none.
func (r *Rule) Priority() uint32 { return r.num("priority") }

// Msg returns the rule's message, or "".
func (r *Rule) Msg() string {
	for _, o := range r.Options {
		if m, ok := o.(*Text); ok && m.Name == "msg" {
			return m.Value
		}
	}
	return ""
}

func (r *Rule) num(kw string) uint32 {
	for _, o := range r.Options {
		if n, ok := o.(*Uint); ok && n.Name == kw {
			return n.Value
		}
	}
	return 0
}

// File is a parsed rule file.
type File struct {
	Name    string
	Dialect Dialect
	// Rules holds the rules that parsed, in file order (enabled and
	// commented-out). Rules with errors are left out and reported in the
	// ErrorList returned next to the File.
	Rules []*Rule
	Stats Stats
}

// Stats counts the lines of a file.
type Stats struct {
	Lines     int // physical lines
	Blank     int // empty or comment lines that are not rules
	Enabled   int // enabled rules seen (parsed or not)
	Commented int // commented-out rules seen (parsed or not)
	Errors    int // rules rejected with an error
}
