// Package detect compiles a rules.RuleSet into an immutable Engine and
// matches packets and app-layer buffers against it.
//
// Stage: detection, after app-layer parsing and before scoring and output.
// Compile builds signature groups, one multi-pattern prefilter database per
// group and buffer (detect/mpm) and a per-rule inspection program. Workers
// share one *Engine read-only and each own a Matcher (scratch, candidate
// lists, per-worker state), which is not safe for concurrent use. The
// prefilter only narrows the candidates; every candidate is inspected in full.
package detect
