// Package content holds the single-pattern search primitives of the
// detection engine's inspection stage: finding one rule content (a literal
// byte string, optionally ASCII case-insensitive) inside one buffer.
//
// It consumes a pattern once, at rule load time (NewNeedle), and afterwards
// byte slices handed in by the inspection engine (packet payload, stream
// data, app-layer buffers). It produces offsets only: no result refers to
// or keeps the haystack. Offset, depth, distance and within are the
// caller's business: it slices the buffer before calling Index.
//
// Case folding follows Suricata's nocase: ASCII letters only; bytes >= 0x80
// always compare exactly.
//
// Concurrency: a Needle is immutable after NewNeedle and safe for concurrent
// use by any number of workers. Nothing in this package allocates per call.
package content
