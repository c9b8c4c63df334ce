package score

import (
	"math"
	"net/netip"
	"slices"
)

// maxHostContributors bounds the rules remembered per host score; when
// full, a new rule replaces the smallest contributor if it brings more.
const maxHostContributors = 8

type hostKey struct {
	scope Scope
	addr  netip.Addr
}

// hostEntry is one host score. Entries are linked in scoring order
// (prev/next) for least-recently-scored eviction.
type hostEntry struct {
	key        hostKey
	score      float64
	last       int64 // packet time of the last update, ns
	crossed    bool  // above threshold; re-arms below half of it
	evidence   Evidence
	contrib    []Contributor
	prev, next *hostEntry
}

// Hosts is the capped table of decaying host scores. It is not safe for
// concurrent use: the Stage owns it.
type Hosts struct {
	m        map[hostKey]*hostEntry
	max      int
	halfLife float64 // ns
	// head is the most recently scored entry, tail the least.
	head, tail *hostEntry
	// Evictions counts entries dropped to make room.
	Evictions uint64
}

// NewHosts returns a table of at most size entries (at least 1) whose
// scores halve every halfLife nanoseconds of packet time.
func NewHosts(size int, halfLife int64) *Hosts {
	return &Hosts{m: map[hostKey]*hostEntry{}, max: max(size, 1), halfLife: float64(halfLife)}
}

// Len returns the number of entries.
func (h *Hosts) Len() int { return len(h.m) }

// decay brings e's score (and its contributors) to time ts.
func (h *Hosts) decay(e *hostEntry, ts int64) {
	if ts <= e.last {
		return // live input may be slightly out of order: no decay
	}
	f := math.Exp2(-float64(ts-e.last) / h.halfLife)
	e.score *= f
	for i := range e.contrib {
		e.contrib[i].Points *= f
	}
	e.last = ts
}

// Score returns the score of addr in scope at time ts (0 when unknown),
// without changing the table.
func (h *Hosts) Score(scope Scope, addr netip.Addr, ts int64) float64 {
	e := h.m[hostKey{scope, addr}]
	if e == nil {
		return 0
	}
	if ts <= e.last {
		return e.score
	}
	return e.score * math.Exp2(-float64(ts-e.last)/h.halfLife)
}

// Add adds pts of rule id to addr's score in scope at time ts and reports
// whether the score crossed threshold (a threshold of 0 never crosses).
// On a crossing the entry is returned for the caller to read.
func (h *Hosts) Add(scope Scope, addr netip.Addr, ts int64, id RuleID, pts float64, ev Evidence, threshold float64) (*hostEntry, bool) {
	k := hostKey{scope, addr}
	e := h.m[k]
	if e == nil {
		e = h.insert(k, ts)
	} else {
		h.decay(e, ts)
		h.touch(e)
	}
	if e.crossed && e.score < threshold/2 {
		e.crossed = false
		e.evidence = Evidence{}
	}
	e.score += pts
	e.evidence.TCPHandshake = e.evidence.TCPHandshake || ev.TCPHandshake
	e.evidence.UDPBothWays = e.evidence.UDPBothWays || ev.UDPBothWays
	e.addContributor(id, pts)
	// A hair of slack: points that add up to the threshold a few
	// microseconds apart cross it despite their nanoseconds of decay.
	if threshold > 0 && !e.crossed && e.score >= threshold-1e-6 {
		e.crossed = true
		return e, true
	}
	return e, false
}

func (e *hostEntry) addContributor(id RuleID, pts float64) {
	for i := range e.contrib {
		if e.contrib[i].Rule == id {
			e.contrib[i].Points += pts
			return
		}
	}
	if len(e.contrib) < maxHostContributors {
		e.contrib = append(e.contrib, Contributor{Rule: id, Points: pts})
		return
	}
	low := 0
	for i := range e.contrib {
		if e.contrib[i].Points < e.contrib[low].Points {
			low = i
		}
	}
	if pts > e.contrib[low].Points {
		e.contrib[low] = Contributor{Rule: id, Points: pts}
	}
}

// contributors returns the entry's contributors, largest first (ties by
// rule), as a new slice.
func (e *hostEntry) contributors() []Contributor {
	out := slices.Clone(e.contrib)
	slices.SortFunc(out, func(a, b Contributor) int {
		switch {
		case a.Points > b.Points:
			return -1
		case a.Points < b.Points:
			return 1
		case a.Rule.GID != b.Rule.GID:
			return int(a.Rule.GID) - int(b.Rule.GID)
		}
		return int(a.Rule.SID) - int(b.Rule.SID)
	})
	return out
}

// insert adds a new entry at the head, evicting the tail when full. An
// evicted entry's memory is reused.
func (h *Hosts) insert(k hostKey, ts int64) *hostEntry {
	var e *hostEntry
	if len(h.m) >= h.max {
		e = h.tail
		h.unlink(e)
		delete(h.m, e.key)
		h.Evictions++
		*e = hostEntry{contrib: e.contrib[:0]}
	} else {
		e = &hostEntry{}
	}
	e.key, e.last = k, ts
	h.m[k] = e
	h.pushFront(e)
	return e
}

func (h *Hosts) touch(e *hostEntry) {
	if h.head == e {
		return
	}
	h.unlink(e)
	h.pushFront(e)
}

func (h *Hosts) unlink(e *hostEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		h.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		h.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (h *Hosts) pushFront(e *hostEntry) {
	e.next = h.head
	if h.head != nil {
		h.head.prev = e
	}
	h.head = e
	if h.tail == nil {
		h.tail = e
	}
}
