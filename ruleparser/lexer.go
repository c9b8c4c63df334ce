package ruleparser

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the header lexer: Word (action, protocol, address and
// port atoms), Dir (->, <>, =>) and Punct ("[", "]", ",", "!").
const (
	tokWord lexer.TokenType = iota + 1
	tokDir
	tokPunct
)

// headerLexer implements lexer.Definition and lexer.StringDefinition for
// the rule header (the text before the option list's '(').
type headerLexer struct{}

// Symbols implements lexer.Definition. (A literal, not a package variable:
// the grammar is built during package initialisation.)
func (headerLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":   lexer.EOF,
		"Word":  tokWord,
		"Dir":   tokDir,
		"Punct": tokPunct,
	}
}

// Lex implements lexer.Definition.
func (d headerLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

// LexString implements lexer.StringDefinition.
func (headerLexer) LexString(filename, s string) (lexer.Lexer, error) {
	return &headerScanner{src: s, file: filename}, nil
}

type headerScanner struct {
	src  string
	file string
	i    int
}

func (s *headerScanner) pos(off int) lexer.Position {
	return lexer.Position{Filename: s.file, Offset: off, Line: 1, Column: off + 1}
}

func (s *headerScanner) tok(t lexer.TokenType, start, end int) lexer.Token {
	return lexer.Token{Type: t, Value: s.src[start:end], Pos: s.pos(start)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// Next implements lexer.Lexer.
func (s *headerScanner) Next() (lexer.Token, error) {
	for s.i < len(s.src) && isSpace(s.src[s.i]) {
		s.i++
	}
	if s.i >= len(s.src) {
		return lexer.EOFToken(s.pos(s.i)), nil
	}
	start := s.i
	switch c := s.src[s.i]; c {
	case '[', ']', ',', '!':
		s.i++
		return s.tok(tokPunct, start, s.i), nil
	case ')':
		return lexer.Token{}, participle.Errorf(s.pos(start), "unexpected ')' in rule header")
	}
	for s.i < len(s.src) {
		c := s.src[s.i]
		if isSpace(c) || c == '[' || c == ']' || c == ',' || c == ')' || (c == '!' && s.i == start) {
			break
		}
		s.i++
	}
	w := s.src[start:s.i]
	if w == "->" || w == "<>" || w == "=>" || w == "<-" {
		return s.tok(tokDir, start, s.i), nil
	}
	return s.tok(tokWord, start, s.i), nil
}

// rawOpt is one framed option: its keyword and raw value with offsets in
// the logical rule text.
type rawOpt struct {
	key      string
	keyOff   int
	val      string
	valOff   int
	hasValue bool
}

// frameOptions splits the option list src[open+1:close] into options:
// "key;" or "key:value;" where the value runs to the next unescaped ';'.
// The last option may omit its ';'. Offsets are into src.
func frameOptions(src string, open, close int, out []rawOpt) ([]rawOpt, *valueErr) {
	i := open + 1
	for {
		for i < close && isSpace(src[i]) {
			i++
		}
		if i >= close {
			return out, nil
		}
		start := i
		for i < close && isKeyChar(src[i]) {
			i++
		}
		if i == start {
			if src[start] == ';' {
				return out, &valueErr{start, "empty option (stray ';')"}
			}
			return out, &valueErr{start, fmt.Sprintf("expected an option keyword, found %q", snippet(src[start:close]))}
		}
		o := rawOpt{key: src[start:i], keyOff: start}
		for i < close && isSpace(src[i]) {
			i++
		}
		switch {
		case i >= close:
			// Last option without ';' before ')': tolerated (Snort accepts it).
		case src[i] == ';':
			i++
		case src[i] == ':':
			i++
			for i < close && isSpace(src[i]) {
				i++
			}
			vs := i
			for i < close {
				c := src[i]
				if c == '\\' && i+1 < close {
					i += 2
					continue
				}
				if c == ';' {
					break
				}
				i++
			}
			if i >= close {
				n := 0
				for k := i - 1; k >= vs && src[k] == '\\'; k-- {
					n++
				}
				if n%2 == 1 {
					return out, &valueErr{i - 1, fmt.Sprintf("dangling '\\' at the end of option %q", o.key)}
				}
			}
			ve := i
			for ve > vs && isSpace(src[ve-1]) {
				ve--
			}
			if i < close {
				i++ // the ';'
			}
			o.val, o.valOff, o.hasValue = src[vs:ve], vs, true
		default:
			return out, &valueErr{i, fmt.Sprintf("missing ';' after option %q", o.key)}
		}
		out = append(out, o)
	}
}

// snippet shortens s for an error message.
func snippet(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
