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

type gRule struct {
	Action *gWord `parser:"@@"`
	Proto  *gWord `parser:"@@"`
	Src    *gExpr `parser:"( @@"`
	SrcP   *gExpr `parser:"@@"`
	Dir    *gDir  `parser:"@@"`
	Dst    *gExpr `parser:"@@"`
	DstP   *gExpr `parser:"@@ )?"`
}

type gWord struct {
	Pos  lexer.Position
	Text string `parser:"@Word"`
}

type gDir struct {
	Pos  lexer.Position
	Text string `parser:"@Dir"`
}

type gExpr struct {
	Pos   lexer.Position
	Neg   *gExpr  `parser:"\"!\" @@"`
	Group *gGroup `parser:"| @@"`
	Atom  string  `parser:"| @Word"`
}

type gGroup struct {
	Items []*gExpr `parser:"\"[\" ( @@ ( \",\" @@ )* )? \"]\""`
}

var grammar = participle.MustBuild[gRule](
	participle.Lexer(headerLexer{}),
	participle.UseLookahead(1),
)
