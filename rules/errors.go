package rules

import (
	"errors"

	"vigil/ruleparser"
)

// Pos, Error and ErrorList are the parser's: load errors and parse errors
// print and sort the same way ("file:line:col: sid N: keyword: message")
// and unwrap to one of the sentinels below.
type (
	Pos       = ruleparser.Pos
	Error     = ruleparser.Error
	ErrorList = ruleparser.ErrorList
)

// Error classes, checked with errors.Is. The first four come from the
// parser and are the same values as ruleparser's.
var (
	ErrSyntax         = ruleparser.ErrSyntax
	ErrUnknownKeyword = ruleparser.ErrUnknownKeyword
	ErrBadValue       = ruleparser.ErrBadValue
	ErrRead           = ruleparser.ErrRead

	// ErrUndefinedVar is a $VARIABLE with no definition of its kind.
	ErrUndefinedVar = errors.New("undefined variable")
	// ErrVarCycle is a variable whose definition refers back to itself.
	ErrVarCycle = errors.New("variable cycle")
	// ErrBadAddress is an address expression that is malformed or empty.
	ErrBadAddress = errors.New("bad address")
	// ErrBadPort is a port expression that is malformed or empty.
	ErrBadPort = errors.New("bad port")
	// ErrUnknownClasstype is a classtype missing from classification.config.
	ErrUnknownClasstype = errors.New("unknown classtype")
	// ErrNoSid is a rule without a sid.
	ErrNoSid = errors.New("missing sid")
	// ErrCompile is a valid rule the detection engine cannot build: a
	// regular expression that does not compile, a value out of range for
	// the keyword. It is an error, unlike a keyword detection does not
	// support (Report.Unsupported).
	ErrCompile = errors.New("does not compile")
	// ErrConfigFile is a malformed line in classification.config or
	// reference.config.
	ErrConfigFile = errors.New("bad config line")
)

func newError(pos Pos, sid uint32, keyword string, kind error, msg string) *Error {
	return &Error{Pos: pos, Sid: sid, Keyword: keyword, Msg: msg, Kind: kind}
}
