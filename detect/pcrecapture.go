package detect

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"vigil/ruleparser"
)

// pcre capture variables: the groups of a matching pcre stored as flow,
// packet or alert variables.
// Docs: https://docs.suricata.io/en/latest/rules/payload-keywords.html#pcre-extraction
//
// Two spellings, as in Suricata 8's detect-pcre.c:
//   - a list after the flags, "/re/flags, flow:a,pkt:b,alert:c", whose
//     names map to the capturing groups in order; "pkt:key,pkt:value"
//     stores a packet variable named by the first of two groups with the
//     second as its value;
//   - named groups "(?P<flow_a>...)", "(?P<pkt_b>...)", "(?P<alert_c>...)",
//     appended after the list's names (other named groups are ordinary
//     groups).
//
// The i-th variable takes group i+1. Values are stored only when the whole
// rule matched (the last match of the pcre wins): flow variables in the
// flow (FlowState.Vars, replacing a value of the same name), packet
// variables with the packet (Packet.PktVars) and alert variables with the
// alert (Alert.Context). A group that did not participate stores nothing.

// capKind is where a captured group goes.
type capKind uint8

const (
	capFlow capKind = iota
	capPkt
	capAlert
	capPktKey // pkt:key: this group names a packet variable, the next is its value
)

// pcreCap is one capture variable of a pcre: group n of the match.
type pcreCap struct {
	kind  capKind
	name  string
	group int
}

// maxPCRECaptures is Suricata's cap on the variables of one pcre.
const maxPCRECaptures = 8

// namedCapture finds the (?P<type_name> groups Suricata turns into
// variables: the type is the shortest letter prefix before '_'.
var namedCapture = regexp.MustCompile(`\(\?P<([A-z]+?)_([A-z0-9_]+)>`)

// pcreCaptures returns the capture variables of pc, whose regex has
// groups capturing groups.
func pcreCaptures(pc *ruleparser.PCRE, groups int) ([]pcreCap, error) {
	var caps []pcreCap
	key := false
	for i, n := range pc.Captures {
		if i > groups-1 {
			return nil, errors.New("more pcre capture names than capturing groups")
		}
		switch {
		case n == "pkt:key":
			key = true
			caps = append(caps, pcreCap{kind: capPktKey})
			continue
		case key && n == "pkt:value":
			key = false
			continue
		case key || n == "pkt:value":
			return nil, errors.New("pkt:key must be followed by pkt:value")
		}
		typ, name, _ := strings.Cut(n, ":")
		c := pcreCap{name: name}
		switch typ {
		case "flow":
			c.kind = capFlow
		case "pkt":
			c.kind = capPkt
		case "alert":
			c.kind = capAlert
		default:
			return nil, fmt.Errorf("pcre capture name %q must start with flow:, pkt: or alert:", n)
		}
		if name == "" {
			return nil, fmt.Errorf("pcre capture name %q has no name", n)
		}
		caps = append(caps, c)
		if len(caps) >= maxPCRECaptures {
			break
		}
	}
	if key {
		return nil, errors.New("pkt:key must be followed by pkt:value")
	}
	for _, m := range namedCapture.FindAllStringSubmatch(pc.Pattern, -1) {
		c := pcreCap{name: m[2]}
		switch m[1] {
		case "flow":
			c.kind = capFlow
		case "pkt":
			c.kind = capPkt
		case "alert":
			c.kind = capAlert
		default:
			continue
		}
		if len(caps) >= maxPCRECaptures {
			return nil, fmt.Errorf("a pcre can store at most %d capture variables", maxPCRECaptures)
		}
		caps = append(caps, c)
	}
	for i := range caps {
		caps[i].group = i + 1
	}
	return caps, nil
}

// capture is one pending stored group: where it goes, its name (for
// pkt:key the captured key) and its value, views into the inspected
// buffer valid until the rule's evaluation ends.
type capture struct {
	kind  capKind
	name  string
	key   []byte
	value []byte
}

// capture records the groups of p's last successful match on subject for
// the rule being evaluated, replacing earlier captures of the same
// variable (a later match of the pcre wins).
func (t *Thread) capture(caps []pcreCap, subject []byte) {
	for _, c := range caps {
		from, to := t.re.Group(c.group)
		if from < 0 {
			continue
		}
		v := capture{kind: c.kind, name: c.name, value: subject[from:to]}
		if c.kind == capPktKey {
			vf, vt := t.re.Group(c.group + 1)
			if vf < 0 {
				break
			}
			v.key, v.value = v.value, subject[vf:vt]
			if len(v.key) > 0xff {
				v.key = v.key[:0xff]
			}
		}
		if len(v.value) > 0xffff {
			v.value = v.value[:0xffff]
		}
		replaced := false
		if c.kind != capPktKey && c.kind != capAlert {
			for i := range t.caps {
				if t.caps[i].kind == c.kind && t.caps[i].name == c.name {
					t.caps[i], replaced = v, true
					break
				}
			}
		}
		if !replaced {
			t.caps = append(t.caps, v)
		}
	}
}

// storeCaptures stores the pending captures of a rule that matched on p
// and returns the alert variables; it empties the pending list.
func (t *Thread) storeCaptures(p *Packet) []Var {
	var ctx []Var
	for i := range t.caps {
		c := &t.caps[i]
		switch c.kind {
		case capFlow:
			if p.Flow != nil {
				p.Flow.setVar(c.name, c.value)
			}
		case capPkt:
			p.PktVars = append(p.PktVars, Var{Name: c.name, Value: clone(c.value)})
		case capPktKey:
			p.PktVars = append(p.PktVars, Var{Name: string(c.key), Value: clone(c.value)})
		case capAlert:
			ctx = append(ctx, Var{Name: c.name, Value: clone(c.value)})
		}
	}
	t.caps = t.caps[:0]
	return ctx
}

func clone(b []byte) []byte { return append([]byte{}, b...) }
