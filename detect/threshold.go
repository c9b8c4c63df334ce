package detect

import (
	"fmt"
	"net/netip"

	"vigil/ruleparser"
)

// Thresholding decides whether a match becomes an alert: the threshold and
// detection_filter keywords, and the suppress / threshold / event_filter
// lines of a threshold.config. It runs after matching, in one place (the
// output stage calls Thresholder.Allow in packet-time order), so that its
// counts are the same for any number of workers.
// Docs: https://docs.suricata.io/en/latest/rules/thresholding.html

// thrType is the kind of a threshold.
type thrType uint8

const (
	thrLimit     thrType = iota + 1 // alert on the first count matches per window
	thrThreshold                    // alert on every count-th match in a window
	thrBoth                         // alert once per window, at the count-th match
	thrDetection                    // detection_filter: alert on every match after count
	thrBackoff                      // alert on match count, count*multiplier, count*multiplier^2, ...
)

// track says what a threshold counts by.
type track uint8

const (
	trackSrc track = iota + 1
	trackDst
	trackRule
	trackBoth
	trackFlow
	trackEither // suppress only: source or destination
)

// thresholdSpec is one parsed threshold.
type thresholdSpec struct {
	typ     thrType
	track   track
	count   uint32
	seconds uint32
	mult    uint32 // backoff multiplier
}

func parseTrack(s string) (track, error) {
	switch s {
	case "by_src":
		return trackSrc, nil
	case "by_dst":
		return trackDst, nil
	case "by_rule":
		return trackRule, nil
	case "by_both":
		return trackBoth, nil
	case "by_flow":
		return trackFlow, nil
	case "by_either":
		return trackEither, nil
	}
	return 0, errBadValue("unknown track " + s)
}

func thresholdFrom(t *ruleparser.Threshold, detection bool) (*thresholdSpec, error) {
	ts := &thresholdSpec{count: t.Count, seconds: t.Seconds}
	var err error
	if ts.track, err = parseTrack(t.Track); err != nil {
		return nil, err
	}
	if ts.track == trackEither {
		return nil, errBadValue("by_either is only valid for suppress")
	}
	if detection {
		ts.typ = thrDetection
		return ts, nil
	}
	switch t.Type {
	case "limit":
		ts.typ = thrLimit
	case "threshold":
		ts.typ = thrThreshold
	case "both":
		ts.typ = thrBoth
	case "backoff":
		// Docs: rules/thresholding.html#backoff (tracked by flow only).
		if ts.track != trackFlow || t.Count == 0 || t.Multiplier < 2 {
			return nil, errBadValue("backoff needs track by_flow, count >= 1 and multiplier >= 2")
		}
		ts.typ, ts.mult = thrBackoff, t.Multiplier
	default:
		return nil, fmt.Errorf("threshold type %s: %w", t.Type, ErrUnsupported)
	}
	return ts, nil
}

func setupThreshold(b *sigBuilder, t *ruleparser.Threshold) error {
	ts, err := thresholdFrom(t, t.Keyword() == "detection_filter")
	if err != nil {
		return err
	}
	if ts.typ == thrDetection {
		if b.sig.detFilter != nil {
			return errBadValue("only one detection_filter per rule")
		}
		b.sig.detFilter = ts
		return nil
	}
	if b.sig.threshold != nil {
		return errBadValue("only one threshold per rule")
	}
	b.sig.threshold = ts
	return nil
}

// thrKey identifies one counter. A rule is named by gid:sid:rev, not by
// its number in an engine, so that counters survive a reload (rule
// numbers differ between engines) and restart when the rule's rev does.
type thrKey struct {
	gid, sid, rev uint32
	kind          uint8 // 0 rule threshold, 1 detection_filter, 2 config threshold
	a, b          netip.Addr
	flow          int64
	haveAddr      bool
}

type thrEntry struct {
	start int64 // window start, ns
	count uint32
	next  uint64 // backoff: the match number that alerts next
}

// AlertContext is what thresholding needs to know about one match.
type AlertContext struct {
	Src, Dst netip.Addr
	FlowID   int64
	TsNs     int64
}

// Thresholder holds the counters of every threshold, keyed by rule
// gid:sid:rev: one Thresholder serves the engines of successive reloads.
// It is not safe for concurrent use: the output stage owns it.
type Thresholder struct {
	m   map[thrKey]*thrEntry
	cfg *ThresholdConfig
	// Suppressed counts alerts dropped by thresholds and suppressions.
	Suppressed uint64
}

// NewThresholder returns a thresholder applying rule thresholds and, when
// cfg is non-nil, a threshold.config.
func NewThresholder(cfg *ThresholdConfig) *Thresholder {
	return &Thresholder{m: map[thrKey]*thrEntry{}, cfg: cfg}
}

// Decision is what thresholding made of a match.
type Decision uint8

const (
	// Logged: the match is an alert.
	Logged Decision = iota
	// Thinned: a threshold, limit or event_filter kept the match out of
	// the log; the match still happened (and still counts for scoring).
	Thinned
	// Suppressed: a suppress entry or the rule's detection_filter
	// withheld the match; it is as if the rule had not matched.
	Suppressed
)

// SetConfig replaces the threshold.config (a reload); counters stay.
func (t *Thresholder) SetConfig(cfg *ThresholdConfig) { t.cfg = cfg }

// Allow reports whether a match of s becomes an alert.
func (t *Thresholder) Allow(s *Sig, ac AlertContext) bool { return t.Check(s, ac) == Logged }

// Check decides whether a match of s becomes an alert, and if not, whether
// it was thinned (thresholds) or suppressed (suppress, detection_filter).
func (t *Thresholder) Check(s *Sig, ac AlertContext) Decision {
	if s.detFilter != nil && !t.apply(s, 1, s.detFilter, ac) {
		t.Suppressed++
		return Suppressed
	}
	if t.cfg != nil {
		id := uint64(s.Rule.Gid)<<32 | uint64(s.Rule.Sid)
		for _, sp := range t.cfg.suppress[id] {
			if sp.matches(ac) {
				t.Suppressed++
				return Suppressed
			}
		}
		// A threshold.config entry replaces the rule's own threshold, as
		// in Suricata.
		if ts, ok := t.cfg.thresholds[id]; ok {
			return t.thin(s, ts, ac)
		}
		if ts, ok := t.cfg.thresholds[uint64(s.Rule.Gid)<<32]; ok {
			return t.thin(s, ts, ac)
		}
	}
	if s.threshold != nil && !t.apply(s, 0, s.threshold, ac) {
		t.Suppressed++
		return Thinned
	}
	return Logged
}

// thin applies a threshold.config threshold.
func (t *Thresholder) thin(s *Sig, ts *thresholdSpec, ac AlertContext) Decision {
	if !t.apply(s, 2, ts, ac) {
		t.Suppressed++
		return Thinned
	}
	return Logged
}

func (t *Thresholder) apply(s *Sig, kind uint8, ts *thresholdSpec, ac AlertContext) bool {
	k := thrKey{gid: s.Rule.Gid, sid: s.Rule.Sid, rev: s.Rule.Rev, kind: kind}
	switch ts.track {
	case trackSrc:
		k.a, k.haveAddr = ac.Src, true
	case trackDst:
		k.a, k.haveAddr = ac.Dst, true
	case trackBoth:
		k.a, k.b, k.haveAddr = ac.Src, ac.Dst, true
		if k.b.Less(k.a) {
			k.a, k.b = k.b, k.a
		}
	case trackFlow:
		k.flow = ac.FlowID
	}
	e := t.m[k]
	if ts.typ == thrBackoff {
		// No time window: the n-th match of the flow alerts when n is
		// count, count*multiplier, count*multiplier^2, ...
		if e == nil {
			e = &thrEntry{next: uint64(ts.count)}
			t.m[k] = e
		}
		e.count++
		if uint64(e.count) != e.next {
			return false
		}
		e.next *= uint64(ts.mult)
		return true
	}
	window := int64(ts.seconds) * 1e9
	if e == nil || ac.TsNs-e.start >= window {
		// A new window starts with this match.
		if e == nil {
			e = &thrEntry{}
			t.m[k] = e
		}
		e.start, e.count = ac.TsNs, 1
		switch ts.typ {
		case thrDetection:
			return ts.count == 0
		case thrLimit:
			return true
		default:
			return ts.count <= 1
		}
	}
	e.count++
	switch ts.typ {
	case thrLimit:
		return e.count <= ts.count
	case thrThreshold:
		if e.count >= ts.count {
			e.count = 0
			return true
		}
		return false
	case thrBoth:
		return e.count == ts.count
	case thrDetection:
		return e.count > ts.count
	}
	return true
}
