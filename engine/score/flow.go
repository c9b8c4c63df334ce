package score

// FlowScoreVar is the flowint that holds a flow's score.
const FlowScoreVar = "vigil.score"

// Contributor is one rule's part in a score.
type Contributor struct {
	Rule   RuleID
	Points float64
}

// Flow is a flow's scoring state, kept by the flow's worker beside the
// flow (the score itself is the flowint FlowScoreVar). The zero value is
// ready; Reset readies it for a new flow.
type Flow struct {
	rules []flowRule
	// crossed is set while the flow is above its threshold (it re-arms
	// below half of it).
	crossed bool
}

// flowRule is what one rule added to the flow.
type flowRule struct {
	num    int
	id     RuleID
	start  int64  // start of the current half-life window, ns
	window uint32 // points added in the window
	total  uint32
}

// Reset clears f for a new flow, keeping its memory.
func (f *Flow) Reset() { f.rules, f.crossed = f.rules[:0], false }

// Add records a scored match of rule num (worth pts) at packet time ts
// and returns the points it adds: at most 2*pts per rule per halfLife
// window, which starts at the rule's first match in the flow.
func (f *Flow) Add(num int, id RuleID, pts uint32, ts, halfLife int64) uint32 {
	var r *flowRule
	for i := range f.rules {
		// By gid:sid:rev, not by rule number: numbers change with a
		// reload, and a flow's share per rule must carry over.
		if f.rules[i].id == id {
			r = &f.rules[i]
			break
		}
	}
	if r == nil {
		f.rules = append(f.rules, flowRule{num: num, id: id, start: ts})
		r = &f.rules[len(f.rules)-1]
	}
	if ts-r.start >= halfLife {
		r.start, r.window = ts, 0
	}
	add := min(pts, 2*pts-r.window)
	r.window += add
	r.total += add
	return add
}

// Check reports whether a flow score of score crosses threshold now: it
// was below (or fell below half of it since the last crossing) and is at
// or above it. A threshold of 0 never crosses.
func (f *Flow) Check(score, threshold uint32) bool {
	if threshold == 0 {
		return false
	}
	if f.crossed {
		if score < threshold/2 {
			f.crossed = false
		}
		return false
	}
	if score >= threshold {
		f.crossed = true
		return true
	}
	return false
}

// Contributors returns a copy of the rules that added to the flow, with
// their points, in the order they first did.
func (f *Flow) Contributors() []Contributor {
	out := make([]Contributor, 0, len(f.rules))
	for _, r := range f.rules {
		if r.total > 0 {
			out = append(out, Contributor{Rule: r.id, Points: float64(r.total)})
		}
	}
	return out
}
