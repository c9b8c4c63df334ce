package detect

import (
	"bytes"
	"errors"
	"strings"

	"vigil/ruleparser"
)

// flowvar and pktvar: test that a flow or packet variable holds a string.
// Docs: https://docs.suricata.io/en/latest/rules/flow-keywords.html and
// rules-internals.html (flowvar, pktvar); the variables are stored by pcre
// captures (pcrecapture.go).
//
//	flowvar:name,"content";
//	pktvar:name,"content";
//
// As in Suricata 8's detect-flowvar.c and detect-pktvar.c: the value is
// split at its last ','; the content may be quoted and uses content
// syntax (|hex|, escapes); the test matches when the variable exists and
// the content occurs anywhere in its value. A flowvar sees what rules
// stored in the flow before (a capture of the same rule is stored only
// once the rule matched); a pktvar what earlier rules stored while
// inspecting the same packet. Names and contents are limited to 63 bytes,
// as Suricata's are.

// Var is a named variable a rule stored: a flow or packet variable or an
// alert context entry. Value is owned by the variable.
type Var struct {
	Name  string
	Value []byte
}

// FloatVar is a named float flow variable (entropy).
type FloatVar struct {
	Name  string
	Value float64
}

// Vars returns the flow's string variables in the order first stored
// (EVE metadata.flowvars). Valid until the flow state changes.
func (f *FlowState) Vars() []Var { return f.vars }

// Floats returns the flow's float variables in the order first stored
// (EVE metadata.entropy). Valid until the flow state changes.
func (f *FlowState) Floats() []FloatVar { return f.floats }

// setVar stores a copy of value as variable name, replacing its value
// when it exists.
func (f *FlowState) setVar(name string, value []byte) {
	for i := range f.vars {
		if f.vars[i].Name == name {
			f.vars[i].Value = append(f.vars[i].Value[:0:0], value...)
			return
		}
	}
	f.vars = append(f.vars, Var{Name: name, Value: clone(value)})
}

// setFloat stores value as float variable name.
func (f *FlowState) setFloat(name string, value float64) {
	for i := range f.floats {
		if f.floats[i].Name == name {
			f.floats[i].Value = value
			return
		}
	}
	f.floats = append(f.floats, FloatVar{Name: name, Value: value})
}

func lookupVar(vars []Var, name string) ([]byte, bool) {
	for i := range vars {
		if vars[i].Name == name {
			return vars[i].Value, true
		}
	}
	return nil, false
}

// varTest is one flowvar or pktvar option.
type varTest struct {
	flow    bool
	name    string
	content []byte
}

func (v *varTest) match(p *Packet) bool {
	vars := p.PktVars
	if v.flow {
		if p.Flow == nil {
			return false
		}
		vars = p.Flow.vars
	}
	val, ok := lookupVar(vars, v.name)
	return ok && bytes.Contains(val, v.content)
}

// parseVarTest parses name,"content".
func parseVarTest(s string) (name string, content []byte, err error) {
	k := strings.LastIndexByte(s, ',')
	if k < 0 {
		return "", nil, errors.New(`want name,"content"`)
	}
	name, c := s[:k], s[k+1:]
	if name == "" || len(name) > 63 || len(c) > 63 {
		return "", nil, errors.New("name and content must be 1 to 63 bytes")
	}
	if len(c) >= 2 && c[0] == '"' {
		c = c[1:]
	}
	if len(c) >= 2 && c[len(c)-1] == '"' {
		c = c[:len(c)-1]
	}
	content, err = ruleparser.DecodeContentString(c)
	return name, content, err
}

func checkVarTest(s string) error {
	_, _, err := parseVarTest(s)
	return err
}

func varTestSetup(flow bool) func(*sigBuilder, *ruleparser.Text) error {
	return func(b *sigBuilder, t *ruleparser.Text) error {
		name, content, err := parseVarTest(t.Value)
		if err != nil {
			return errBadValue(err.Error())
		}
		b.sig.pkt = append(b.sig.pkt, &varTest{flow: flow, name: name, content: content})
		return nil
	}
}
