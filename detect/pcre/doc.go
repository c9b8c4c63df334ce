// Package pcre is Vigil's binding to PCRE2 (libpcre2-8), used by the
// detection engine's inspection stage for the pcre rule keyword.
//
// It consumes a pattern and its regex flags once, at rule load time
// (Compile), and produces an immutable Regexp, JIT-compiled when the
// library supports it. Per packet, a worker's Matcher runs a Regexp over a
// buffer and reports the match and capture offsets. Suricata's
// non-regex pcre modifiers (R relative, the buffer selectors U, I, H, P, C,
// M, S, Y, B, O, ...) are not handled here: the rule loader maps them and
// the inspection engine applies them, typically by slicing the subject or
// choosing the start offset.
//
// Match limits follow Suricata's defaults (pcre.match-limit 3500,
// pcre.match-limit-recursion 1500, the latter as PCRE2's depth limit). A
// match that hits a limit is reported as no match and counted.
//
// Buffer ownership: Match reads the subject during the call only; offsets
// returned refer to the subject. Nothing keeps a reference to it.
//
// Concurrency: a Regexp is immutable and safe for concurrent use. A Matcher
// holds per-worker match data and JIT stack and must be used by one
// goroutine at a time. Match allocates nothing.
//
// Building needs libpcre2-dev (pkg-config name libpcre2-8) and cgo.
package pcre
