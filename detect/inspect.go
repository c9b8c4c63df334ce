package detect

import (
	"vigil/detect/content"

	"vigil/ruleparser"
)

// This file is the buffer inspection engine: it runs one list of payload
// keywords (content, pcre, byte_*, isdataat, bsize, ...) over one buffer,
// with relative matching and backtracking as Suricata's content inspection
// does it.
//
// Backtracking: when a content (or pcre) matches and a later keyword of the
// list that is relative to it fails, the content is searched again from one
// byte after its previous match, and the rest of the list is retried. This
// happens only while the keywords that follow are relative; an absolute
// keyword that fails cannot be helped by moving an earlier match. Negated
// keywords never move the cursor and are never retried.

// maxVars is the number of byte_extract/byte_math variables a rule may use.
const maxVars = 16

// maxSteps bounds the work one list may do on one buffer, so that a rule
// written to backtrack quadratically cannot stall a worker. Suricata bounds
// recursion the same way (its inspection_recursion_limit).
const maxSteps = 3000

// item is one payload keyword of an inspection list. It is sealed: the
// implementations live in this package, one small type per keyword family.
type item interface {
	// find tries to match at or after the cursor. resume is -1 on the
	// first attempt, else the position after which to look for the next
	// match (backtracking). It returns the match bounds; for keywords that
	// do not consume bytes start == end == the new cursor.
	find(t *Thread, buf []byte, cursor, resume int) (start, end int, ok bool)
	// relative reports whether the item is anchored to the previous match.
	relative() bool
	// retry reports whether find can produce another match on resume.
	retry() bool
}

// inspectState is per-call scratch kept in the Thread.
type inspectState struct {
	steps int
}

// inspectList runs items over buf. It reports whether the whole list
// matches.
func (t *Thread) inspectList(items []item, buf []byte) bool {
	t.st.steps = 0
	return t.inspectFrom(items, 0, buf, 0)
}

func (t *Thread) inspectFrom(items []item, i int, buf []byte, cursor int) bool {
	if i == len(items) {
		return true
	}
	it := items[i]
	resume := -1
	for {
		t.st.steps++
		if t.st.steps > maxSteps {
			t.Stats.InspectLimit++
			return false
		}
		start, end, ok := it.find(t, buf, cursor, resume)
		if !ok {
			return false
		}
		if t.inspectFrom(items, i+1, buf, end) {
			return true
		}
		// The rest failed. Moving this match can only help when the next
		// item depends on where this one ended.
		if !it.retry() || i+1 >= len(items) || !items[i+1].relative() {
			return false
		}
		resume = start
	}
}

// numOrVar is a number or a byte variable slot resolved at inspection time.
type numOrVar struct {
	n   int64
	v   int8 // variable slot, -1 for a literal number
	set bool // false when the keyword was not given
}

func (x numOrVar) get(t *Thread) int64 {
	if x.v >= 0 {
		return int64(t.vars[x.v])
	}
	return x.n
}

// contentItem is content with its modifiers.
type contentItem struct {
	needle   *content.Needle
	n        int // pattern length
	negated  bool
	rel      bool // distance or within given (or Snort 3 relative)
	offset   numOrVar
	depth    numOrVar
	distance numOrVar
	within   numOrVar
	starts   bool // startswith
	ends     bool // endswith

	// Fast pattern selection (prefilter only; inspection uses the whole
	// content).
	fastExplicit       bool
	fpChop             bool
	fpOffset, fpLength int
}

func (c *contentItem) relative() bool { return c.rel }
func (c *contentItem) retry() bool    { return !c.negated }

// window computes the search window [lo, hi) in buf for a match starting
// at or after lo and ending at or before hi.
func (c *contentItem) window(t *Thread, buflen, cursor int) (lo, hi int) {
	hi = buflen
	if c.rel {
		lo = cursor
		if c.distance.set {
			lo = cursor + int(c.distance.get(t))
		}
		if c.within.set {
			w := cursor + int(c.within.get(t))
			if c.distance.set {
				w += int(c.distance.get(t))
			}
			if w < hi {
				hi = w
			}
		}
	} else {
		if c.offset.set {
			lo = int(c.offset.get(t))
		}
		if c.depth.set {
			d := int(c.depth.get(t))
			if c.offset.set {
				d += lo
			}
			if d < hi {
				hi = d
			}
		}
	}
	if c.starts {
		hi = min(hi, lo+c.n)
	}
	if lo < 0 {
		lo = 0
	}
	return lo, hi
}

func (c *contentItem) find(t *Thread, buf []byte, cursor, resume int) (int, int, bool) {
	lo, hi := c.window(t, len(buf), cursor)
	if resume >= 0 && resume+1 > lo {
		lo = resume + 1
	}
	found := -1
	if hi-lo >= c.n && lo <= len(buf) {
		if c.ends {
			// The match must end exactly at the end of the buffer.
			s := len(buf) - c.n
			if s >= lo && hi == len(buf) && c.needle.Index(buf[s:]) == 0 {
				found = s
			}
		} else if i := c.needle.Index(buf[lo:hi]); i >= 0 {
			found = lo + i
		}
	}
	if c.negated {
		if found >= 0 {
			return 0, 0, false
		}
		return cursor, cursor, true
	}
	if found < 0 {
		return 0, 0, false
	}
	return found, found + c.n, true
}

// isdataatItem is isdataat:[!]N[,relative].
type isdataatItem struct {
	size    numOrVar
	rel     bool
	negated bool
}

func (d *isdataatItem) relative() bool { return d.rel }
func (d *isdataatItem) retry() bool    { return false }

func (d *isdataatItem) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	n := int(d.size.get(t))
	// Absolute: a byte exists at index n. Relative: at least n bytes
	// follow the cursor (cursor+n <= len), so isdataat:N,relative can hold
	// where isdataat:N cannot. Docs: rules/payload-keywords.html#isdataat;
	// suricata-verify issue-8031-01-isdataat.
	ok := n < len(buf)
	if d.rel {
		ok = cursor+n <= len(buf)
	}
	if d.negated {
		ok = !ok
	}
	return cursor, cursor, ok
}

// bsizeItem is bsize: a comparison on the buffer length.
type bsizeItem struct{ cmp ruleparser.UintCmp }

func (b *bsizeItem) relative() bool { return false }
func (b *bsizeItem) retry() bool    { return false }
func (b *bsizeItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	return cursor, cursor, b.cmp.Match(uint64(len(buf)))
}
