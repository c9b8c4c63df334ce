package ruleparser

// Dump is dump for the external tests (package ruleparser_test), which
// parse with the detection engine's keyword table.
var Dump = dump

// LooksLikeRule is looksLikeRule for the external tests.
var LooksLikeRule = looksLikeRule

// Grammar returns the participle grammar as EBNF.
func Grammar() string { return grammar.String() }
