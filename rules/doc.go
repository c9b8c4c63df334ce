// Package rules turns parsed rules into a validated, immutable RuleSet.
//
// It is the load-time stage between ruleparser (text -> AST with positions)
// and detect (RuleSet -> compiled engine). It consumes rule files or
// directories, rule variables (from engine/config, wired by cmd), a
// classification table and reference systems, and produces:
//
//   - a RuleSet of the active rules: enabled, valid, not duplicated, and
//     supported by the engine's keyword table when a Checker is
//     given. Each Rule carries gid/sid/rev, msg, classtype, priority, the
//     resolved header (address and port sets materialized as sorted ranges
//     that Contains tests without allocating), and the typed options;
//   - a Report, the `vigil rules check` output: per-file counts, every error
//     as "file:line:col: sid N: keyword: message" (classes are sentinels
//     checked with errors.Is), duplicate gid:sid warnings naming both places
//     (the first rule loaded wins), and a keyword histogram.
//
// Variables are resolved recursively with cycle detection; an undefined
// variable is an error at its position in the rule. Commented-out rules are
// parsed and checked for the report but are never active, and their errors
// never fail a check.
//
// Loading is single-threaded. A RuleSet, its Rules, sets and tables are
// immutable once Load returns and safe for concurrent use; a Report is a
// plain value owned by the caller.
package rules
