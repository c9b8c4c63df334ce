// Package ruleparser turns Suricata 7/8, Snort 2.9 and Snort 3 rule text
// into a typed abstract syntax tree with positions.
//
// It is the first stage of rule loading (ruleparser → rules → detect): it
// consumes rule files as bytes and produces *File / *Rule values whose
// options are typed per keyword (Content, PCRE, Flow, ByteTest, Compare,
// ...). It does not resolve variables, check classtypes or decide what a
// keyword means at match time; the rules package does that on top of this
// AST, using each node's Pos to report problems as
// "file:line:col: sid N: keyword: message".
//
// Grammar. The rule header (action, protocol, address and port
// expressions, direction) and the framing of the option list are parsed by
// a participle grammar (grammar.go) over a small modal lexer (lexer.go); each
// option value is then parsed by the parser of its keyword, looked up in
// the keyword table given in Options.Keywords (the detection engine owns
// the one table, detect.Keywords(); this package declares the Keywords
// interface and the value parsers of each option type). Suricata/Snort 2 content modifiers
// written as separate options (nocase, depth, http_uri, ...) are folded into
// the preceding *Content; Snort 3's comma form ("content:"x",nocase") gives
// the same AST.
//
// Errors. ParseFile reports at most one *Error per bad rule, in a sorted
// ErrorList, and keeps loading the other rules. Errors unwrap to ErrSyntax,
// ErrUnknownKeyword, ErrBadValue or ErrRead. For a rule continued over
// several lines with '\', an error is reported on the rule's first physical
// line (the message names the real line); option positions stay exact.
//
// Printing. Rule.String prints canonical rule text in the rule's dialect;
// parsing it again gives an equal AST (positions aside).
//
// Ownership and concurrency. The returned AST does not alias the input
// byte slice (the file is copied into one string, which the AST's strings
// share) and must be treated as immutable. All
// functions are safe for concurrent use; there is no global mutable state
// (the keyword table is supplied by the caller and only read).
package ruleparser
