// Package version names rulesets and compares them, for reloads and
// rule updates.
//
// A ruleset's generation is a hash of all its inputs (rule files' bytes,
// rule variables, classification, reference and threshold files), so two
// loads of the same inputs have the same generation and any change to
// what decides detection gives a new one. A diff compares two rulesets
// rule by rule (gid:sid): added, removed, and changed, where changed means
// a different canonical printed rule (ruleparser's printer), so edits of
// whitespace or of option spacing are not changes.
//
// Everything here is load-time work on immutable values; it is safe for
// concurrent use.
package version
