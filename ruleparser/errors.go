package ruleparser

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error classes; an *Error unwraps to one of them.
var (
	// ErrSyntax is a rule whose framing (header, parentheses, quotes,
	// semicolons) is wrong.
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownKeyword is an option keyword that is not in the table.
	ErrUnknownKeyword = errors.New("unknown keyword")
	// ErrBadValue is a known keyword with a value its parser rejects.
	ErrBadValue = errors.New("bad value")
	// ErrRead is a file that could not be read.
	ErrRead = errors.New("read error")
)

// Error is one problem in a rule. For a rule continued over several lines
// with '\', Pos.Line is the rule's first physical line (Col is kept only
// when the problem is on that line, else 1) and Msg names the real line.
type Error struct {
	Pos     Pos
	Sid     uint32
	Keyword string
	Msg     string
	Kind    error // ErrSyntax, ErrUnknownKeyword, ErrBadValue or ErrRead
}

// Error formats "file:line:col: sid N: keyword: message"; the sid and
// keyword parts are left out when unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Sid != 0 {
		fmt.Fprintf(&b, "sid %d: ", e.Sid)
	}
	if e.Keyword != "" {
		b.WriteString(e.Keyword)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error class sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// ErrorList is a list of *Error, sorted by position by Sort.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil for an empty list, else the list itself.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Sort orders the list by file, line and column.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Unwrap lets errors.Is/As look at every element.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
