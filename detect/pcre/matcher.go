package pcre

/*
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// vigil_pcre_empty is a valid subject pointer for empty subjects.
static const unsigned char vigil_pcre_empty[1];

static int vigil_pcre_match(const pcre2_code *re, const unsigned char *subj,
		size_t len, size_t start, pcre2_match_data *md, pcre2_match_context *mc) {
	if (subj == NULL) {
		subj = vigil_pcre_empty;
	}
	return pcre2_match(re, subj, len, start, 0, md, mc);
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// Limits bound the work of one match. Zero fields keep PCRE2's built-in
// limits.
type Limits struct {
	// Match is PCRE2's match limit (Suricata pcre.match-limit).
	Match uint32
	// Depth is PCRE2's depth limit (Suricata pcre.match-limit-recursion).
	// The JIT ignores it; Match still applies there.
	Depth uint32
}

// DefaultLimits are Suricata's defaults.
var DefaultLimits = Limits{Match: 3500, Depth: 1500}

// JIT stack size per Matcher: start small, grow up to the maximum on
// demand. A match that needs more counts as a limit hit.
const (
	jitStackStart = 32 << 10
	jitStackMax   = 512 << 10
)

// minPairs is the ovector size a Matcher starts with; it grows (once) when
// a Regexp with more groups is matched.
const minPairs = 16

// Counters count matches that ended without a definite answer. Each is a
// plain field: a Matcher belongs to one worker.
type Counters struct {
	LimitHits uint64 // match or depth limit, JIT stack or heap limit reached
	Errors    uint64 // any other PCRE2 error (bad UTF in (*UTF) mode, bad offset)
}

// Matcher is one worker's PCRE2 match state: match data (the ovector),
// match context with limits, and JIT stack. It must be used by one
// goroutine at a time and can be used with any Regexp.
type Matcher struct {
	mc       *C.pcre2_match_context
	jitStack *C.pcre2_jit_stack
	md       *C.pcre2_match_data
	res      *cres // C memory freed by cleanup if Close is never called
	cleanup  runtime.Cleanup
	ovector  []C.size_t // view of md's ovector
	pairs    int        // pairs set by the last match, 0 when it failed
	Counters Counters
}

// cres holds a Matcher's C resources for its cleanup.
type cres struct {
	mc       *C.pcre2_match_context
	jitStack *C.pcre2_jit_stack
	md       *C.pcre2_match_data
}

func (r *cres) free() {
	if r.md != nil {
		C.pcre2_match_data_free(r.md)
	}
	if r.jitStack != nil {
		C.pcre2_jit_stack_free(r.jitStack)
	}
	if r.mc != nil {
		C.pcre2_match_context_free(r.mc)
	}
}

// NewMatcher returns a Matcher enforcing limits.
func NewMatcher(limits Limits) (*Matcher, error) {
	res := &cres{mc: C.pcre2_match_context_create(nil)}
	if res.mc == nil {
		return nil, errors.New("pcre matcher: out of memory")
	}
	if limits.Match != 0 {
		C.pcre2_set_match_limit(res.mc, C.uint32_t(limits.Match))
	}
	if limits.Depth != 0 {
		C.pcre2_set_depth_limit(res.mc, C.uint32_t(limits.Depth))
	}
	// Without a JIT the stack is simply not created.
	res.jitStack = C.pcre2_jit_stack_create(jitStackStart, jitStackMax, nil)
	if res.jitStack != nil {
		C.pcre2_jit_stack_assign(res.mc, nil, unsafe.Pointer(res.jitStack))
	}
	m := &Matcher{res: res}
	if err := m.grow(minPairs); err != nil {
		res.free()
		return nil, err
	}
	m.cleanup = runtime.AddCleanup(m, func(r *cres) { r.free() }, res)
	return m, nil
}

// grow replaces the match data with one of at least pairs offset pairs.
func (m *Matcher) grow(pairs int) error {
	md := C.pcre2_match_data_create(C.uint32_t(pairs), nil)
	if md == nil {
		return errors.New("pcre matcher: out of memory")
	}
	if m.res.md != nil {
		C.pcre2_match_data_free(m.res.md)
	}
	m.res.md = md
	n := int(C.pcre2_get_ovector_count(md))
	m.ovector = unsafe.Slice((*C.size_t)(unsafe.Pointer(C.pcre2_get_ovector_pointer(md))), 2*n)
	return nil
}

// Match runs re over subject from byte offset start (lookbehind may see
// bytes before start; ^ without multiline matches only at 0). It reports
// whether re matched and the offsets of the whole match. Hitting a limit,
// a PCRE2 error or a start beyond the subject is no match, counted in
// Counters. Match allocates nothing once the Matcher has seen a Regexp
// with as many groups.
func (m *Matcher) Match(re *Regexp, subject []byte, start int) (matched bool, from, to int) {
	m.pairs = 0
	if re.code == nil || m.res == nil || start < 0 || start > len(subject) {
		m.Counters.Errors++
		return false, -1, -1
	}
	if re.captures+1 > len(m.ovector)/2 {
		if m.grow(re.captures+1) != nil {
			m.Counters.Errors++
			return false, -1, -1
		}
	}
	rc := C.vigil_pcre_match(re.code, (*C.uchar)(unsafe.Pointer(unsafe.SliceData(subject))),
		C.size_t(len(subject)), C.size_t(start), m.res.md, m.res.mc)
	switch {
	case rc > 0:
		m.pairs = int(rc)
		return true, int(m.ovector[0]), int(m.ovector[1])
	case rc == C.PCRE2_ERROR_NOMATCH:
	case rc == C.PCRE2_ERROR_MATCHLIMIT, rc == C.PCRE2_ERROR_DEPTHLIMIT,
		rc == C.PCRE2_ERROR_HEAPLIMIT, rc == C.PCRE2_ERROR_JIT_STACKLIMIT:
		m.Counters.LimitHits++
	default: // rc == 0 cannot happen: the ovector was sized for re
		m.Counters.Errors++
	}
	return false, -1, -1
}

// Group returns the offsets of capture group i (0 is the whole match) of
// the last successful Match, or -1, -1 when that group did not
// participate, i is out of range or the last Match failed.
func (m *Matcher) Group(i int) (from, to int) {
	if i < 0 || i >= m.pairs {
		return -1, -1
	}
	s, e := m.ovector[2*i], m.ovector[2*i+1]
	if s == C.PCRE2_UNSET {
		return -1, -1
	}
	return int(s), int(e)
}

// Groups returns the number of offset pairs the last Match set (1 + the
// highest group that participated), 0 when it failed.
func (m *Matcher) Groups() int { return m.pairs }

// Close frees the Matcher's C memory; later calls do nothing and later
// matches fail (counted as errors).
func (m *Matcher) Close() {
	if m.res == nil {
		return
	}
	m.cleanup.Stop()
	m.res.free()
	m.res = nil
	m.ovector = nil
	m.pairs = 0
}
