package ruleparser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar of a rule header: action, protocol, and the
// optional address/port expressions and direction (absent in Snort 3
// header-less rules). The option list after the header is framed by
// frameOptions (lexer.go) and each value is parsed by its keyword's parser
// from the table, which keeps the participle part small and fast (the
// parsed headers are also memoised per file: ET repeats a few hundred
// distinct headers over 30k rules). testdata/grammar.ebnf is this grammar's
// EBNF (checked by TestGrammarEBNF).

type header struct {
	Action *word  `parser:"@@"`
	Proto  *word  `parser:"@@"`
	Src    *expr  `parser:"( @@"`
	SrcP   *expr  `parser:"@@"`
	Dir    *arrow `parser:"@@"`
	Dst    *expr  `parser:"@@"`
	DstP   *expr  `parser:"@@ )?"`
}

type word struct {
	Pos  lexer.Position
	Text string `parser:"@Word"`
}

type arrow struct {
	Pos  lexer.Position
	Text string `parser:"@Dir"`
}

type expr struct {
	Pos   lexer.Position
	Neg   *expr    `parser:"\"!\" @@"`
	Group *bracket `parser:"| @@"`
	Atom  string   `parser:"| @Word"`
}

type bracket struct {
	Items []*expr `parser:"\"[\" ( @@ ( \",\" @@ )* )? \"]\""`
}

var grammar = participle.MustBuild[header](
	participle.Lexer(headerLexer{}),
	participle.UseLookahead(1),
)
