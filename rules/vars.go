package rules

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// Vars are the rule variables (without '$'), as in suricata.yaml's
// vars.address-groups and vars.port-groups. Values are expression text such
// as "[10.0.0.0/8,!10.1.0.0/16]" or "$HTTP_PORTS".
type Vars struct {
	Address map[string]string
	Port    map[string]string
	// Where optionally says where each variable is defined (for error
	// messages), keyed "address-groups.NAME" / "port-groups.NAME".
	Where map[string]string
}

type exprKind uint8

const (
	addrKind exprKind = iota
	portKind
)

func (k exprKind) String() string {
	if k == addrKind {
		return "address"
	}
	return "port"
}

func (k exprKind) group() string {
	if k == addrKind {
		return "address-groups"
	}
	return "port-groups"
}

func (k exprKind) class() error {
	if k == addrKind {
		return ErrBadAddress
	}
	return ErrBadPort
}

// exprError is an error found while evaluating an expression; pos is the
// position of the rule node it belongs to (a variable's value has none).
type exprError struct {
	pos  ruleparser.Pos
	kind error
	msg  string
}

func (e *exprError) Error() string { return e.msg }

// resolver evaluates address and port expressions, resolving variables
// recursively with cycle detection, and memoizes results so that the
// thousands of rules that use $HOME_NET share one set.
type resolver struct {
	vars Vars

	addrVars map[string]*addrVar
	portVars map[string]*portVar
	addrMemo map[string]*AddrSet // canonical rule expression text -> set
	negMemo  map[string]bool     // canonical rule expression text -> AddrNegated
	portMemo map[string]*PortSet
}

type addrVar struct {
	busy bool
	done bool
	val  addrSpans
	err  *exprError
}

type portVar struct {
	busy bool
	done bool
	val  []span
	err  *exprError
}

func newResolver(v Vars) *resolver {
	return &resolver{
		vars:     v,
		addrVars: map[string]*addrVar{},
		portVars: map[string]*portVar{},
		addrMemo: map[string]*AddrSet{},
		negMemo:  map[string]bool{},
		portMemo: map[string]*PortSet{},
	}
}

// Addr returns the address set of a rule's address expression.
func (r *resolver) Addr(e ruleparser.Expr) (*AddrSet, *exprError) {
	key := e.String()
	if s, ok := r.addrMemo[key]; ok {
		return s, nil
	}
	sp, err := r.addr(e, e.Position(), nil)
	if err != nil {
		return nil, err
	}
	if len(sp.v4) == 0 && len(sp.v6) == 0 {
		return nil, &exprError{e.Position(), ErrBadAddress, fmt.Sprintf("%s matches no address", key)}
	}
	s := sp.set()
	r.addrMemo[key] = s
	return s, nil
}

// AddrNegated reports whether an address expression that Addr resolved
// contains a negated part once its variables are expanded: a negation
// under an odd number of "!" ($EXTERNAL_NET when it is !$HOME_NET, but
// not !!x).
func (r *resolver) AddrNegated(e ruleparser.Expr) bool {
	key := e.String()
	if v, ok := r.negMemo[key]; ok {
		return v
	}
	v := r.negates(e, false, 0)
	r.negMemo[key] = v
	return v
}

func (r *resolver) negates(e ruleparser.Expr, neg bool, depth int) bool {
	if depth > 64 {
		return false // a cycle; Addr has reported it
	}
	switch e := e.(type) {
	case *ruleparser.Negated:
		return r.negates(e.X, !neg, depth+1)
	case *ruleparser.Group:
		for _, it := range e.Items {
			if r.negates(it, neg, depth+1) {
				return true
			}
		}
		return false
	case *ruleparser.Var:
		val, err := r.expand(addrKind, e.Name, e.Position())
		return err == nil && r.negates(val, neg, depth+1)
	}
	return neg
}

// Port returns the port set of a rule's port expression.
func (r *resolver) Port(e ruleparser.Expr) (*PortSet, *exprError) {
	key := e.String()
	if s, ok := r.portMemo[key]; ok {
		return s, nil
	}
	sp, err := r.port(e, e.Position(), nil)
	if err != nil {
		return nil, err
	}
	if len(sp) == 0 {
		return nil, &exprError{e.Position(), ErrBadPort, fmt.Sprintf("%s matches no port", key)}
	}
	s := portSet(sp)
	r.portMemo[key] = s
	return s, nil
}

func at(e ruleparser.Expr, outer ruleparser.Pos) ruleparser.Pos {
	if p := e.Position(); p.Line != 0 {
		return p
	}
	return outer
}

// addr evaluates e; pos is the position of the nearest rule node and chain
// the variables being expanded (for cycle messages).
func (r *resolver) addr(e ruleparser.Expr, pos ruleparser.Pos, chain []string) (addrSpans, *exprError) {
	pos = at(e, pos)
	switch e := e.(type) {
	case *ruleparser.Any:
		return anyAddr(), nil
	case *ruleparser.IP:
		return prefixSpans(netip.PrefixFrom(e.Addr.Unmap(), e.Addr.Unmap().BitLen())), nil
	case *ruleparser.CIDR:
		p := e.Prefix
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return prefixSpans(p), nil
	case *ruleparser.Negated:
		x, err := r.addr(e.X, pos, chain)
		if err != nil {
			return addrSpans{}, err
		}
		return x.complement(), nil
	case *ruleparser.Group:
		var pos1, neg addrSpans
		havePos := false
		for _, it := range e.Items {
			if n, ok := it.(*ruleparser.Negated); ok {
				x, err := r.addr(n.X, at(n, pos), chain)
				if err != nil {
					return addrSpans{}, err
				}
				neg = neg.union(x)
				continue
			}
			x, err := r.addr(it, pos, chain)
			if err != nil {
				return addrSpans{}, err
			}
			pos1, havePos = pos1.union(x), true
		}
		if !havePos { // only negations: everything except them
			pos1 = anyAddr()
		}
		return pos1.subtract(neg), nil
	case *ruleparser.Var:
		v, err := r.addrVar(e.Name, pos, chain)
		return v, err
	}
	return addrSpans{}, &exprError{pos, ErrBadAddress, fmt.Sprintf("%s is not an address", e)}
}

func (r *resolver) addrVar(name string, pos ruleparser.Pos, chain []string) (addrSpans, *exprError) {
	v := r.addrVars[name]
	if v == nil {
		v = &addrVar{}
		r.addrVars[name] = v
	}
	if v.done {
		if v.err != nil {
			return addrSpans{}, &exprError{pos, v.err.kind, v.err.msg}
		}
		return v.val, nil
	}
	if v.busy {
		return addrSpans{}, &exprError{pos, ErrVarCycle, cycleMsg(chain, name)}
	}
	v.busy = true
	defer func() { v.busy = false }()
	val, e := r.expand(addrKind, name, pos)
	var out addrSpans
	if e == nil {
		out, e = r.addr(val, pos, append(chain, name))
	}
	if e != nil && e.kind == ErrVarCycle && len(chain) > 0 {
		return addrSpans{}, e // a cycle is reported once, by its outermost use
	}
	v.done, v.val, v.err = true, out, e
	return out, e
}

func (r *resolver) port(e ruleparser.Expr, pos ruleparser.Pos, chain []string) ([]span, *exprError) {
	pos = at(e, pos)
	all := []span{{u128{}, max16}}
	switch e := e.(type) {
	case *ruleparser.Any:
		return all, nil
	case *ruleparser.Port:
		return []span{{u128{0, uint64(e.Port)}, u128{0, uint64(e.Port)}}}, nil
	case *ruleparser.Range:
		if e.Lo > e.Hi {
			return nil, &exprError{pos, ErrBadPort, fmt.Sprintf("port range %d:%d is reversed", e.Lo, e.Hi)}
		}
		return []span{{u128{0, uint64(e.Lo)}, u128{0, uint64(e.Hi)}}}, nil
	case *ruleparser.Negated:
		x, err := r.port(e.X, pos, chain)
		if err != nil {
			return nil, err
		}
		return complement(x, max16), nil
	case *ruleparser.Group:
		var pos1, neg []span
		havePos := false
		for _, it := range e.Items {
			if n, ok := it.(*ruleparser.Negated); ok {
				x, err := r.port(n.X, at(n, pos), chain)
				if err != nil {
					return nil, err
				}
				neg = normalize(append(neg, x...))
				continue
			}
			x, err := r.port(it, pos, chain)
			if err != nil {
				return nil, err
			}
			pos1, havePos = normalize(append(pos1, x...)), true
		}
		if !havePos {
			pos1 = all
		}
		return subtract(pos1, neg, max16), nil
	case *ruleparser.Var:
		return r.portVar(e.Name, pos, chain)
	}
	return nil, &exprError{pos, ErrBadPort, fmt.Sprintf("%s is not a port", e)}
}

func (r *resolver) portVar(name string, pos ruleparser.Pos, chain []string) ([]span, *exprError) {
	v := r.portVars[name]
	if v == nil {
		v = &portVar{}
		r.portVars[name] = v
	}
	if v.done {
		if v.err != nil {
			return nil, &exprError{pos, v.err.kind, v.err.msg}
		}
		return v.val, nil
	}
	if v.busy {
		return nil, &exprError{pos, ErrVarCycle, cycleMsg(chain, name)}
	}
	v.busy = true
	defer func() { v.busy = false }()
	val, e := r.expand(portKind, name, pos)
	var out []span
	if e == nil {
		out, e = r.port(val, pos, append(chain, name))
	}
	if e != nil && e.kind == ErrVarCycle && len(chain) > 0 {
		return nil, e
	}
	v.done, v.val, v.err = true, out, e
	return out, e
}

func cycleMsg(chain []string, name string) string {
	i := 0
	for j, c := range chain {
		if c == name {
			i = j
			break
		}
	}
	return "variable cycle: $" + strings.Join(append(chain[i:], name), " -> $")
}

// expand parses the value of variable name.
func (r *resolver) expand(k exprKind, name string, pos ruleparser.Pos) (ruleparser.Expr, *exprError) {
	m := r.vars.Address
	if k == portKind {
		m = r.vars.Port
	}
	text, ok := m[name]
	if !ok {
		msg := fmt.Sprintf("undefined %s variable $%s", k, name)
		other := r.vars.Address
		if k == addrKind {
			other = r.vars.Port
		}
		if _, ok := other[name]; ok {
			msg += map[exprKind]string{addrKind: " (it is a port variable)", portKind: " (it is an address variable)"}[k]
		}
		return nil, &exprError{pos, ErrUndefinedVar, msg}
	}
	e, err := parseExpr(k, text)
	if err != nil {
		where := ""
		if w := r.vars.Where[k.group()+"."+name]; w != "" {
			where = " (defined at " + w + ")"
		}
		return nil, &exprError{pos, k.class(), fmt.Sprintf("$%s%s: %v", name, where, err)}
	}
	return e, nil
}

// parseExpr parses a variable's value. Its nodes carry no positions.
func parseExpr(k exprKind, text string) (ruleparser.Expr, error) {
	p := exprParser{s: text, k: k}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d of %q", p.s[p.i:], p.i, text)
	}
	return e, nil
}

type exprParser struct {
	s     string
	i     int
	k     exprKind
	depth int
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) expr() (ruleparser.Expr, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errors.New("empty expression")
	}
	switch p.s[p.i] {
	case '!':
		p.i++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &ruleparser.Negated{X: x}, nil
	case '[':
		p.depth++
		if p.depth > 64 {
			return nil, errors.New("groups nested too deeply")
		}
		p.i++
		g := &ruleparser.Group{}
		for {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			g.Items = append(g.Items, x)
			p.space()
			if p.i >= len(p.s) {
				return nil, errors.New("missing ']'")
			}
			c := p.s[p.i]
			p.i++
			if c == ']' {
				p.depth--
				return g, nil
			}
			if c != ',' {
				return nil, fmt.Errorf("unexpected %q in group", c)
			}
		}
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",] \t[!", rune(p.s[p.i])) {
		p.i++
	}
	w := p.s[start:p.i]
	if w == "" {
		return nil, fmt.Errorf("unexpected %q", p.s[p.i])
	}
	if w == "any" {
		return &ruleparser.Any{}, nil
	}
	if name, ok := strings.CutPrefix(w, "$"); ok {
		if name == "" {
			return nil, errors.New("empty variable name")
		}
		return &ruleparser.Var{Name: name}, nil
	}
	if p.k == addrKind {
		if strings.Contains(w, "/") {
			pr, err := netip.ParsePrefix(w)
			if err != nil {
				return nil, fmt.Errorf("bad address %q", w)
			}
			return &ruleparser.CIDR{Prefix: pr}, nil
		}
		a, err := netip.ParseAddr(w)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("bad address %q", w)
		}
		return &ruleparser.IP{Addr: a}, nil
	}
	lo, hi, isRange := strings.Cut(w, ":")
	num := func(s string, def uint16) (uint16, error) {
		if s == "" && isRange {
			return def, nil
		}
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("bad port %q", w)
		}
		return uint16(n), nil
	}
	a, err := num(lo, 0)
	if err != nil {
		return nil, err
	}
	if !isRange {
		return &ruleparser.Port{Port: a}, nil
	}
	if lo == "" && hi == "" {
		return nil, fmt.Errorf("bad port range %q", w)
	}
	b, err := num(hi, 0xffff)
	if err != nil {
		return nil, err
	}
	return &ruleparser.Range{Lo: a, Hi: b}, nil
}

// Check evaluates every variable, as Suricata does at start-up, so that a
// bad value stops the program once, named with where it was defined,
// instead of rejecting every rule that uses it. The error lists every bad
// variable, one per line, in name order.
func (v Vars) Check() error {
	r := newResolver(v)
	var errs []error
	for _, k := range []exprKind{addrKind, portKind} {
		m := v.Address
		if k == portKind {
			m = v.Port
		}
		for _, name := range slices.Sorted(maps.Keys(m)) {
			var e *exprError
			if k == addrKind {
				var sp addrSpans
				sp, e = r.addrVar(name, ruleparser.Pos{}, nil)
				if e == nil && len(sp.v4) == 0 && len(sp.v6) == 0 {
					e = &exprError{kind: ErrBadAddress, msg: "matches no address"}
				}
			} else {
				var sp []span
				sp, e = r.portVar(name, ruleparser.Pos{}, nil)
				if e == nil && len(sp) == 0 {
					e = &exprError{kind: ErrBadPort, msg: "matches no port"}
				}
			}
			if e == nil {
				continue
			}
			where := v.Where[k.group()+"."+name]
			// expand names the variable (and where) when its own value does
			// not parse; that is said once, in front.
			msg := strings.TrimPrefix(strings.TrimPrefix(e.msg, "$"+name+" (defined at "+where+"): "), "$"+name+": ")
			if strings.HasPrefix(msg, "$") {
				continue // about another variable, which is reported itself
			}
			if where == "" {
				where = "vars." + k.group() + "." + name
			}
			errs = append(errs, &varError{kind: e.kind, msg: fmt.Sprintf("%s: %s variable $%s: %s", where, k, name, msg)})
		}
	}
	return errors.Join(errs...)
}

// varError is a bad variable; it unwraps to its class (ErrBadAddress, ...).
type varError struct {
	kind error
	msg  string
}

func (e *varError) Error() string { return e.msg }
func (e *varError) Unwrap() error { return e.kind }

// AddressVar resolves the address variable name (without '$'), such as
// HOME_NET, to its set: what the engine needs to tell inbound from
// outbound traffic outside of rules.
func (v Vars) AddressVar(name string) (*AddrSet, error) {
	sp, err := newResolver(v).addrVar(name, ruleparser.Pos{}, nil)
	if err != nil {
		return nil, fmt.Errorf("address variable %s: %s", name, err.msg)
	}
	return sp.set(), nil
}
