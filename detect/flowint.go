package detect

import (
	"fmt"

	"vigil/ruleparser"
)

// flowint: named unsigned 32-bit counters kept with the flow.
// Docs: https://docs.suricata.io/en/latest/rules/flow-keywords.html#flowint
//
// As in Suricata, the comparisons, isset and notset (isnotset) are tests
// run with the other packet tests, and =, + and - run only when the whole
// rule matched (post-match), in rule order. A test on a variable that is
// not set does not match (notset aside); a comparison with a target
// variable that is not set compares with 0; + on an unset variable sets
// it to the value, - on an unset variable does nothing; arithmetic wraps
// modulo 2^32. Without a flow nothing matches and nothing is stored.

type flowintKind uint8

const (
	fiSet flowintKind = iota
	fiAdd
	fiSub
	fiEq
	fiNe
	fiLt
	fiLe
	fiGt
	fiGe
	fiIsset
	fiNotset
)

var flowintKinds = map[string]flowintKind{
	"=": fiSet, "+": fiAdd, "-": fiSub, "==": fiEq, "!=": fiNe, "<": fiLt, "<=": fiLe,
	">": fiGt, ">=": fiGe, "isset": fiIsset, "notset": fiNotset, "isnotset": fiNotset,
}

// flowintOp is one flowint option: name op value, where the value is a
// literal (tvar "") or another flowint.
type flowintOp struct {
	name string
	kind flowintKind
	val  uint32
	tvar string
}

func setupFlowint(b *sigBuilder, f *ruleparser.Flowint) error {
	kind, ok := flowintKinds[f.Op]
	if !ok {
		return fmt.Errorf("flowint operator %q: %w", f.Op, ErrUnsupported)
	}
	op := flowintOp{name: f.Var, kind: kind}
	if f.Value != nil {
		if f.Value.IsVar() {
			op.tvar = f.Value.Var
		} else {
			if f.Value.Num < 0 || f.Value.Num > 1<<32-1 {
				return errBadValue("flowint value out of range 0-4294967295")
			}
			op.val = uint32(f.Value.Num)
		}
	}
	switch kind {
	case fiSet, fiAdd, fiSub:
		b.sig.ipost = append(b.sig.ipost, op)
	default:
		b.sig.itest = append(b.sig.itest, op)
	}
	return nil
}

// target is the value op compares with or applies.
func (op *flowintOp) target(f *FlowState) uint32 {
	if op.tvar == "" {
		return op.val
	}
	v, _ := f.flowint(op.tvar)
	return v
}

// flowintTests reports whether every flowint test of ops holds on p's flow.
func flowintTests(ops []flowintOp, p *Packet) bool {
	f := p.Flow
	if f == nil {
		return false
	}
	for i := range ops {
		op := &ops[i]
		v, set := f.flowint(op.name)
		var ok bool
		switch op.kind {
		case fiIsset:
			ok = set
		case fiNotset:
			ok = !set
		default:
			if !set {
				return false
			}
			t := op.target(f)
			switch op.kind {
			case fiEq:
				ok = v == t
			case fiNe:
				ok = v != t
			case fiLt:
				ok = v < t
			case fiLe:
				ok = v <= t
			case fiGt:
				ok = v > t
			case fiGe:
				ok = v >= t
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// flowintApply runs the =, + and - ops of a matched rule on p's flow.
func flowintApply(ops []flowintOp, p *Packet) {
	f := p.Flow
	if f == nil {
		return
	}
	for i := range ops {
		op := &ops[i]
		t := op.target(f)
		v, set := f.flowint(op.name)
		switch op.kind {
		case fiSet:
			f.setFlowint(op.name, t)
		case fiAdd:
			f.setFlowint(op.name, v+t) // v is 0 when unset
		case fiSub:
			if set {
				f.setFlowint(op.name, v-t)
			}
		}
	}
}

// flowIntVar is one flowint of a flow.
type flowIntVar struct {
	name string
	v    uint32
}

func (f *FlowState) flowint(name string) (uint32, bool) {
	for i := range f.ints {
		if f.ints[i].name == name {
			return f.ints[i].v, true
		}
	}
	return 0, false
}

func (f *FlowState) setFlowint(name string, v uint32) {
	for i := range f.ints {
		if f.ints[i].name == name {
			f.ints[i].v = v
			return
		}
	}
	f.ints = append(f.ints, flowIntVar{name: name, v: v})
}

// Flowint returns the flowint name of the flow and whether it is set. The
// engine reads and adds to Vigil's flow score (vigil.score) through it, so
// that rules and automatic scoring share one counter.
func (f *FlowState) Flowint(name string) (uint32, bool) { return f.flowint(name) }

// AddFlowint adds v to the flowint name (setting it when unset), as
// flowint:name,+,v does.
func (f *FlowState) AddFlowint(name string, v uint32) {
	old, _ := f.flowint(name)
	f.setFlowint(name, old+v)
}

// NumFlowints returns the number of flowints set on the flow.
func (f *FlowState) NumFlowints() int { return len(f.ints) }

// FlowintAt returns the i-th flowint set on the flow, in the order they
// were first set (for EVE metadata.flowints).
func (f *FlowState) FlowintAt(i int) (name string, v uint32) { return f.ints[i].name, f.ints[i].v }
