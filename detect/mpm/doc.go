// Package mpm is the detection engine's multi-pattern prefilter: one scan
// of a buffer reports which of many literal patterns (the rules' fast
// patterns) occur in it, so that only those rules are inspected further.
// A prefilter result only narrows the candidate set; it never decides an
// alert by itself.
//
// It consumes []Pattern at rule-set compile time and produces an immutable
// DB; per packet it consumes a buffer and produces the set of matching
// pattern IDs. Two implementations sit behind the Matcher interface:
//
//   - Hyperscan: compiled with github.com/flier/gohs (the only importer of
//     gohs in Vigil), scanned through a small cgo call whose match callback
//     is C code, so a scan costs one cgo call and no Go callback per match.
//   - Reference: a naive pure-Go matcher, obviously correct and slow, used
//     by differential tests and fuzzing.
//
// Buffer ownership: Compile copies what it needs from the patterns. Scan
// does not keep data after it returns; the returned ID slice belongs to
// the Scanner and is valid until its next Scan or Close.
//
// Concurrency: a DB is immutable and safe for concurrent use by any number
// of Scanners. A Scanner holds per-worker scratch and must be used by one
// goroutine at a time; it can be pointed at a new DB (after a rule reload)
// by passing that DB to Scan, which grows its scratch as needed. Close on a
// DB must wait until no Scanner uses it.
//
// Building needs libhyperscan-dev (pkg-config name libhs) and cgo.
package mpm
