package score

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigil/detect"
	"vigil/ruleparser"
	"vigil/rules"
)

// RuleID names a rule in crossings.
type RuleID struct{ GID, SID, Rev uint32 }

// MaxPoints bounds a rule's points (vigil_score and overrides).
const MaxPoints = 10000

// severityPoints are the points of ET's signature_severity values.
var severityPoints = map[string]float64{"critical": 50, "major": 30, "minor": 10, "informational": 2}

// priorityPoints are the points by rule priority (classtype's or the
// priority keyword's) when the rule has no signature_severity.
var priorityPoints = [...]float64{1: 30, 2: 10, 3: 2, 4: 1}

// confidenceFactor weighs points by ET's confidence metadata.
var confidenceFactor = map[string]float64{"high": 1.0, "medium": 0.6, "low": 0.3}

// defaultConfidence is the factor of a rule without confidence metadata.
const defaultConfidence = 0.6

// Points holds what each compiled rule is worth, by Sig.Num. It is built
// once per detection engine and is immutable.
type Points struct {
	pts []uint32
	// victimIsSrc is set for rules whose target keyword names the source
	// (target:src_ip): the attacker is then the destination.
	victimIsSrc []bool
	ids         []RuleID
}

// NewPoints computes the points of every rule of sigs (indexed by
// Sig.Num). ov may be nil. Bad vigil_score values are returned as
// positioned errors; those rules keep their computed points.
func NewPoints(sigs []*detect.Sig, ov *Overrides) (*Points, []error) {
	p := &Points{pts: make([]uint32, len(sigs)), victimIsSrc: make([]bool, len(sigs)), ids: make([]RuleID, len(sigs))}
	var errs []error
	for _, s := range sigs {
		r := s.Rule
		p.ids[s.Num] = RuleID{r.Gid, r.Sid, r.Rev}
		pts, err := RulePoints(r)
		if err != nil {
			errs = append(errs, err)
		}
		if v, ok := ov.Lookup(r.Gid, r.Sid); ok {
			pts = v
		}
		p.pts[s.Num] = pts
		p.victimIsSrc[s.Num] = r.Target == "src_ip"
	}
	return p, errs
}

// Of returns the points of the rule numbered num and its identity.
func (p *Points) Of(num int) (uint32, RuleID) { return p.pts[num], p.ids[num] }

// VictimIsSrc reports whether rule num's target keyword names its source.
func (p *Points) VictimIsSrc(num int) bool { return p.victimIsSrc[num] }

// RulePoints returns the points of r from its own metadata: vigil_score
// when present and valid, else severity (or priority) times confidence.
// The error, if any, is about a bad vigil_score and carries the rule's
// position; the computed points are returned with it.
func RulePoints(r *rules.Rule) (uint32, error) {
	var sev, conf, own string
	for _, o := range r.Options {
		m, ok := o.(*ruleparser.Metadata)
		if !ok {
			continue
		}
		for _, kv := range m.Pairs {
			switch strings.ToLower(kv.Key) {
			case "signature_severity":
				sev = strings.ToLower(kv.Value)
			case "confidence":
				conf = strings.ToLower(kv.Value)
			case "vigil_score":
				own = kv.Value
			}
		}
	}
	base, ok := severityPoints[sev]
	if !ok {
		// No (or an unknown) signature_severity: the priority decides.
		prio := r.Priority
		if prio < 1 || prio >= len(priorityPoints) {
			prio = len(priorityPoints) - 1
		}
		base = priorityPoints[prio]
	}
	f, ok := confidenceFactor[conf]
	if !ok {
		f = defaultConfidence
	}
	pts := uint32(max(1, math.Round(base*f)))
	if own == "" {
		return pts, nil
	}
	n, err := strconv.ParseUint(own, 10, 32)
	if err != nil || n > MaxPoints {
		return pts, fmt.Errorf("%s: sid %d: metadata vigil_score: want 0 to %d, got %q",
			r.Pos, r.Sid, MaxPoints, own)
	}
	return uint32(n), nil
}
