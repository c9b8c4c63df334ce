package ruleparser

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

type exprErr struct {
	off int
	msg string
}

// buildExpr turns a grammar expression into an Expr. ports selects the port
// grammar (numbers and ranges) instead of addresses.
func buildExpr(g *expr, m *posMap, ports bool) (Expr, *exprErr) {
	pos := m.pos(g.Pos.Offset)
	switch {
	case g.Neg != nil:
		x, err := buildExpr(g.Neg, m, ports)
		if err != nil {
			return nil, err
		}
		if _, ok := x.(*Negated); ok {
			return nil, &exprErr{g.Pos.Offset, "double negation"}
		}
		if _, ok := x.(*Any); ok {
			return nil, &exprErr{g.Pos.Offset, "negated any"}
		}
		return &Negated{Pos: pos, X: x}, nil
	case g.Group != nil:
		if len(g.Group.Items) == 0 {
			return nil, &exprErr{g.Pos.Offset, "empty group"}
		}
		grp := &Group{Pos: pos, Items: make([]Expr, 0, len(g.Group.Items))}
		for _, it := range g.Group.Items {
			x, err := buildExpr(it, m, ports)
			if err != nil {
				return nil, err
			}
			grp.Items = append(grp.Items, x)
		}
		return grp, nil
	}
	a := g.Atom
	if strings.EqualFold(a, "any") {
		return &Any{Pos: pos}, nil
	}
	if strings.HasPrefix(a, "$") {
		name := a[1:]
		if !validVarName(name) {
			return nil, &exprErr{g.Pos.Offset, fmt.Sprintf("bad variable name %q", a)}
		}
		return &Var{Pos: pos, Name: name}, nil
	}
	if ports {
		return parsePortAtom(a, pos, g.Pos.Offset)
	}
	if strings.Contains(a, "/") {
		pfx, err := netip.ParsePrefix(a)
		if err != nil {
			return nil, &exprErr{g.Pos.Offset, fmt.Sprintf("bad address %q", a)}
		}
		return &CIDR{Pos: pos, Prefix: pfx}, nil
	}
	ip, err := netip.ParseAddr(a)
	if err != nil || ip.Zone() != "" {
		return nil, &exprErr{g.Pos.Offset, fmt.Sprintf("bad address %q", a)}
	}
	return &IP{Pos: pos, Addr: ip}, nil
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func parsePortAtom(a string, pos Pos, off int) (Expr, *exprErr) {
	bad := func() (Expr, *exprErr) { return nil, &exprErr{off, fmt.Sprintf("bad port %q", a)} }
	num := func(s string) (uint16, bool) {
		if s == "" || len(s) > 5 {
			return 0, false
		}
		n, err := strconv.ParseUint(s, 10, 16)
		return uint16(n), err == nil
	}
	i := strings.IndexByte(a, ':')
	if i < 0 {
		n, ok := num(a)
		if !ok {
			return bad()
		}
		return &Port{Pos: pos, Port: n}, nil
	}
	lo, hi := uint16(0), uint16(65535)
	var ok bool
	if a[:i] == "" && a[i+1:] == "" {
		return bad()
	}
	if a[:i] != "" {
		if lo, ok = num(a[:i]); !ok {
			return bad()
		}
	}
	if a[i+1:] != "" {
		if hi, ok = num(a[i+1:]); !ok {
			return bad()
		}
	}
	if lo > hi {
		return nil, &exprErr{off, fmt.Sprintf("bad port range %q: low end above high end", a)}
	}
	return &Range{Pos: pos, Lo: lo, Hi: hi}, nil
}

// String returns the canonical text of the Any.
func (e *Any) String() string { return "any" }

// String returns the canonical text of the Var.
func (e *Var) String() string { return "$" + e.Name }

// String returns the canonical text of the IP.
func (e *IP) String() string { return e.Addr.String() }

// String returns the canonical text of the CIDR.
func (e *CIDR) String() string { return e.Prefix.String() }

// String returns the canonical text of the Port.
func (e *Port) String() string { return strconv.Itoa(int(e.Port)) }

// String returns the canonical text of the Negated.
func (e *Negated) String() string { return "!" + e.X.String() }

// String returns the canonical text of the Range.
func (e *Range) String() string {
	switch {
	case e.Lo == 0 && e.Hi != 65535:
		return ":" + strconv.Itoa(int(e.Hi))
	case e.Hi == 65535:
		return strconv.Itoa(int(e.Lo)) + ":"
	}
	return strconv.Itoa(int(e.Lo)) + ":" + strconv.Itoa(int(e.Hi))
}

// String returns the canonical text of the Group.
func (e *Group) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range e.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x.String())
	}
	b.WriteByte(']')
	return b.String()
}
