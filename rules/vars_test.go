package rules

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"vigil/ruleparser"
)

func TestResolveErrors(t *testing.T) {
	vars := Vars{
		Address: map[string]string{
			"A": "$B", "B": "[1.2.3.4,$C]", "C": "$A", // cycle
			"SELF":    "$SELF",
			"BAD":     "[1.2.3.4,nope]",
			"UNCLOSE": "[1.2.3.4",
			"EMPTY":   "!any",
			"UNDEF":   "[$NOWHERE]",
			"P":       "1.1.1.1",
		},
		Port:  map[string]string{"HTTP_PORTS": "80", "BADP": "[70000]", "REV": "90:80"},
		Where: map[string]string{"address-groups.BAD": "cfg.yaml:3:4"},
	}
	pos := ruleparser.Pos{File: "x.rules", Line: 7, Col: 12}
	tests := []struct {
		kind exprKind
		name string
		want error
		msg  string
	}{
		{addrKind, "A", ErrVarCycle, "variable cycle: $A -> $B -> $C -> $A"},
		{addrKind, "B", ErrVarCycle, "variable cycle: $B -> $C -> $A -> $B"},
		{addrKind, "SELF", ErrVarCycle, "variable cycle: $SELF -> $SELF"},
		{addrKind, "BAD", ErrBadAddress, `$BAD (defined at cfg.yaml:3:4): bad address "nope"`},
		{addrKind, "UNCLOSE", ErrBadAddress, "$UNCLOSE: missing ']'"},
		{addrKind, "EMPTY", ErrBadAddress, "$EMPTY matches no address"},
		{addrKind, "UNDEF", ErrUndefinedVar, "undefined address variable $NOWHERE"},
		{addrKind, "MISSING", ErrUndefinedVar, "undefined address variable $MISSING"},
		{addrKind, "HTTP_PORTS", ErrUndefinedVar, "undefined address variable $HTTP_PORTS (it is a port variable)"},
		{portKind, "P", ErrUndefinedVar, "undefined port variable $P (it is an address variable)"},
		{portKind, "BADP", ErrBadPort, `$BADP: bad port "70000"`},
		{portKind, "REV", ErrBadPort, "port range 90:80 is reversed"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.name, func(t *testing.T) {
			r := newResolver(vars)
			v := &ruleparser.Var{Pos: pos, Name: tt.name}
			var err *exprError
			if tt.kind == addrKind {
				_, err = r.Addr(v)
			} else {
				_, err = r.Port(v)
			}
			if err == nil {
				t.Fatalf("no error, want %v", tt.want)
			}
			if err.kind != tt.want {
				t.Errorf("kind = %v, want %v", err.kind, tt.want)
			}
			if err.msg != tt.msg {
				t.Errorf("msg = %q\nwant  %q", err.msg, tt.msg)
			}
			if err.pos != pos {
				t.Errorf("pos = %v, want %v (the variable's position in the rule)", err.pos, pos)
			}
			// A second use reports the same error again (memoized), at its own position.
			pos2 := ruleparser.Pos{File: "y.rules", Line: 1, Col: 1}
			v2 := &ruleparser.Var{Pos: pos2, Name: tt.name}
			if tt.kind == addrKind {
				_, err = r.Addr(&ruleparser.Group{Pos: pos2, Items: []ruleparser.Expr{v2}})
			} else {
				_, err = r.Port(&ruleparser.Group{Pos: pos2, Items: []ruleparser.Expr{v2}})
			}
			if err == nil || !errors.Is(err.kind, tt.want) || err.pos != pos2 {
				t.Errorf("second use: %+v", err)
			}
		})
	}
}

func TestParseExprErrors(t *testing.T) {
	for _, tt := range []struct {
		k    exprKind
		text string
		want string
	}{
		{addrKind, "", "empty expression"},
		{addrKind, "[]", "unexpected ']'"},
		{addrKind, "1.2.3.4 5.6.7.8", "unexpected"},
		{addrKind, "10.0.0.0/33", "bad address"},
		{addrKind, "$", "empty variable name"},
		{portKind, "abc", "bad port"},
		{portKind, ":", "bad port range"},
		{portKind, "[80;81]", "bad port"},
		{addrKind, strings.Repeat("[", 100) + "any" + strings.Repeat("]", 100), "nested too deeply"},
	} {
		if _, err := parseExpr(tt.k, tt.text); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseExpr(%q) = %v, want error containing %q", tt.text, err, tt.want)
		}
	}
}

func TestResolverShares(t *testing.T) {
	r := newResolver(Vars{Address: map[string]string{"HOME_NET": "10.0.0.0/8"}})
	a, err1 := r.Addr(&ruleparser.Var{Name: "HOME_NET"})
	b, err2 := r.Addr(&ruleparser.Var{Name: "HOME_NET"})
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("two uses of $HOME_NET give different sets (%p, %p) or errors (%v, %v)", a, b, err1, err2)
	}
}

// FuzzVarExpr feeds variable values through the expression parser and the
// resolver: no panic, and a set that resolves must contain what its
// positive literal members say.
func FuzzVarExpr(f *testing.F) {
	f.Add("[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]", "[$HTTP_PORTS,110,143]")
	f.Add("!$HOME_NET", "!80")
	f.Add("[$A,![1.2.3.4,::1/128]]", "[1:100,!50:60]")
	f.Fuzz(func(t *testing.T, addr, port string) {
		vars := Vars{
			Address: map[string]string{"HOME_NET": "10.0.0.0/8", "A": addr, "X": addr},
			Port:    map[string]string{"HTTP_PORTS": "80", "P": port, "X": port},
		}
		r := newResolver(vars)
		if s, err := r.Addr(&ruleparser.Var{Name: "X"}); err == nil {
			if s.IsEmpty() {
				t.Fatalf("%q resolved to an empty set", addr)
			}
			_ = s.String()
		}
		if s, err := r.Port(&ruleparser.Var{Name: "X"}); err == nil {
			if len(s.Ranges()) == 0 {
				t.Fatalf("%q resolved to an empty set", port)
			}
			rs := s.Ranges()
			for i := 1; i < len(rs); i++ {
				if rs[i].Lo <= rs[i-1].Hi+1 && rs[i-1].Hi != 0xffff {
					t.Fatalf("%q: ranges not disjoint and sorted: %v", port, rs)
				}
			}
		}
	})
}

// TestVarsCheck: every bad variable is reported at start-up with where it
// was defined, whether or not a rule uses it; one that is bad only through
// another ($EXTERNAL_NET = !$HOME_NET) is not repeated.
func TestVarsCheck(t *testing.T) {
	good := Vars{Address: map[string]string{"HOME_NET": "[10.0.0.0/8]", "EXTERNAL_NET": "!$HOME_NET", "ANY": "any"},
		Port: map[string]string{"HTTP_PORTS": "[80,8080]"}}
	if err := good.Check(); err != nil {
		t.Fatalf("good vars: %v", err)
	}
	bad := Vars{
		Address: map[string]string{"HOME_NET": "[10.0.0.0/8,", "EXTERNAL_NET": "!$HOME_NET", "G": "garbage"},
		Port:    map[string]string{"HTTP_PORTS": "90:80"},
		Where:   map[string]string{"address-groups.HOME_NET": "cfg.yaml:3:15", "address-groups.G": "--set vars.address-groups.G"},
	}
	err := bad.Check()
	if !errors.Is(err, ErrBadAddress) || !errors.Is(err, ErrBadPort) {
		t.Fatalf("error classes: %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`--set vars.address-groups.G: address variable $G: bad address "garbage"`,
		"cfg.yaml:3:15: address variable $HOME_NET: empty expression",
		"vars.port-groups.HTTP_PORTS: port variable $HTTP_PORTS: port range 90:80 is reversed",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want[i])
		}
	}
}

func TestAddressVar(t *testing.T) {
	v := Vars{Address: map[string]string{"HOME_NET": "[10.0.0.0/8,!10.1.0.0/16]", "BAD": "$NOPE"}}
	s, err := v.AddressVar("HOME_NET")
	if err != nil {
		t.Fatal(err)
	}
	for a, want := range map[string]bool{"10.2.3.4": true, "10.1.2.3": false, "192.0.2.1": false} {
		if got := s.Contains(netip.MustParseAddr(a)); got != want {
			t.Errorf("%s in HOME_NET = %v, want %v", a, got, want)
		}
	}
	if _, err := v.AddressVar("BAD"); err == nil {
		t.Error("BAD: no error for an undefined variable")
	}
}
