// Package detect compiles a rules.RuleSet into an immutable Engine and
// matches packets and app-layer buffers against it.
//
// Stage: detection, after app-layer parsing and before scoring and output.
// Compile builds signature groups, one multi-pattern prefilter database per
// group and buffer (detect/mpm) and a per-rule inspection program. Workers
// share one *Engine read-only and each own a Matcher (scratch, candidate
// lists, per-worker state), which is not safe for concurrent use. The
// prefilter only narrows the candidates; every candidate is inspected in full.
//
// Keywords. table.go is the one list of rule keywords. Each entry gives
// the parser what it needs (name, aliases, documentation URL, dialects,
// value parser; ruleparser reaches it through the ruleparser.Keywords
// interface passed in its Options, so ruleparser imports nothing from
// here) and the step that compiles the parsed option into a signature.
// Entries are built with the generic spec[T](keyword, parse, compile): the
// parser returns T and the compile step takes T, so the Go compiler checks
// that they agree, and the only conversion from the ruleparser.Option the
// AST holds back to T is inside spec. We chose this over option types
// defined in detect (each implementing ruleparser.Option and a compile
// method) because ruleparser.Option is sealed by its printer, the typed
// options are shared with rules (sid, msg, metadata, ...) and with the
// golden AST dumps, and the value parsers need ruleparser's positioned
// errors; keeping them in ruleparser and pairing them here changes none
// of that. A keyword's compile step and match live in the file of its
// family (bytes.go for byte_*, mqtt.go, http2.go, ...); TestEveryKeyword
// parses, prints, re-parses and compiles a sample of every entry and
// fails for an entry without one.
package detect
