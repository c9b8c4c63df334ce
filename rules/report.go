package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"vigil/ruleparser"
)

// Report describes a load: per-file counts, every error, warnings and a
// keyword histogram. Its JSON form (MarshalJSON) is a stable interface that
// tools rely on.
type Report struct {
	// Total is the number of rule lines (enabled + commented-out rules).
	Total     int
	Enabled   int
	Commented int
	// Parsed is the number of rules (enabled or commented-out) the parser
	// accepted.
	Parsed int
	// Errors holds every error, sorted; CommentedErr tells, for each, whether
	// it belongs to a commented-out rule (those never fail a check).
	Errors       ErrorList
	CommentedErr []bool
	// Failed is the number of enabled rules rejected with an error (plus
	// unreadable paths). A check fails when it is non-zero.
	Failed int
	// Warnings are problems that do not reject a rule (duplicates, unknown
	// reference types).
	Warnings   []Warning
	Duplicates int
	// Keywords counts, per keyword, the enabled parsed rules that use it.
	Keywords map[string]int
	Files    []FileStats
	// Loaded is the number of rules in the RuleSet. Skipped counts, per
	// keyword, the valid enabled rules left out because LoadOptions.Checker
	// rejected that keyword (nil when no Checker was given);
	// SkippedRules is the number of such rules.
	Loaded       int
	Skipped      map[string]int
	SkippedRules int
	// Unsupported lists the rules detection left out for a keyword (or a
	// use of one) it cannot evaluate, one entry per rule: the option's
	// place, sid and keyword. Filled by AddCompileResult.
	Unsupported ErrorList
	Duration    time.Duration
}

// AddCompileResult records what compiling the loaded rules found: failed
// rules (class ErrCompile) become errors of enabled rules, unsupported ones
// are listed and counted by keyword in Skipped, and Loaded is set.
func (r *Report) AddCompileResult(loaded int, failed, unsupported []*Error) {
	r.Loaded = loaded
	r.Skipped = map[string]int{}
	for _, e := range unsupported {
		r.Skipped[e.Keyword]++
	}
	r.SkippedRules = len(unsupported)
	r.Unsupported = append(ErrorList(nil), unsupported...)
	sort.SliceStable(r.Unsupported, func(a, b int) bool { return posLess(r.Unsupported[a].Pos, r.Unsupported[b].Pos) })
	for _, e := range failed {
		r.addError(e, false)
		r.Failed++
	}
	r.sortErrors()
}

func posLess(x, y Pos) bool {
	if x.File != y.File {
		return x.File < y.File
	}
	if x.Line != y.Line {
		return x.Line < y.Line
	}
	return x.Col < y.Col
}

// FileStats are the counts of one rule file.
type FileStats struct {
	File      string `json:"file"`
	Dialect   string `json:"dialect"`
	Lines     int    `json:"lines"`
	Total     int    `json:"total"`
	Enabled   int    `json:"enabled"`
	Commented int    `json:"commented"`
	Parsed    int    `json:"parsed"`
	// Valid is the number of enabled rules that parsed and validated.
	Valid int `json:"valid"`
	// Errors is the number of rules with an error; CommentedErrors of them
	// are commented out.
	Errors          int `json:"errors"`
	CommentedErrors int `json:"commented_errors"`
}

// WarningKind classifies a Warning.
type WarningKind uint8

// Warning kinds.
const (
	WarnDuplicate WarningKind = iota + 1
	WarnUnknownReference
)

func (k WarningKind) String() string {
	switch k {
	case WarnDuplicate:
		return "duplicate"
	case WarnUnknownReference:
		return "unknown-reference"
	}
	return "?"
}

// Warning is a problem that does not reject a rule. For a duplicate, Pos is
// the skipped rule and Other the first one, which stays loaded.
type Warning struct {
	Pos      Pos
	Gid, Sid uint32
	Kind     WarningKind
	Msg      string
	Other    Pos
}

func (w Warning) String() string {
	return fmt.Sprintf("%s: sid %d: %s", w.Pos, w.Sid, w.Msg)
}

func newReport() *Report { return &Report{Keywords: map[string]int{}} }

func (r *Report) addError(e *Error, commented bool) {
	r.Errors = append(r.Errors, e)
	r.CommentedErr = append(r.CommentedErr, commented)
}

func (r *Report) countKeywords(ar *ruleparser.Rule) {
	for _, k := range keywordsOf(ar) {
		r.Keywords[k]++
	}
}

// finish computes the totals and sorts errors (keeping CommentedErr aligned).
func (r *Report) finish(d time.Duration) {
	r.Duration = d
	for _, f := range r.Files {
		r.Total += f.Total
		r.Enabled += f.Enabled
		r.Commented += f.Commented
		r.Parsed += f.Parsed
	}
	r.sortErrors()
	sort.SliceStable(r.Warnings, func(a, b int) bool {
		x, y := r.Warnings[a].Pos, r.Warnings[b].Pos
		if x.File != y.File {
			return x.File < y.File
		}
		return x.Line < y.Line
	})
}

// sortErrors sorts Errors by position, keeping CommentedErr aligned.
func (r *Report) sortErrors() {
	idx := make([]int, len(r.Errors))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return posLess(r.Errors[idx[a]].Pos, r.Errors[idx[b]].Pos) })
	errs := make(ErrorList, len(idx))
	com := make([]bool, len(idx))
	for i, j := range idx {
		errs[i], com[i] = r.Errors[j], r.CommentedErr[j]
	}
	r.Errors, r.CommentedErr = errs, com
}

// OK reports whether no enabled rule was rejected.
func (r *Report) OK() bool { return r.Failed == 0 }

// jsonError is the JSON form of one error.
type jsonError struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Col       int    `json:"col"`
	Sid       uint32 `json:"sid"`
	Keyword   string `json:"keyword"`
	Message   string `json:"message"`
	Class     string `json:"class"`
	Commented bool   `json:"commented"`
}

type jsonWarning struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	Gid        uint32 `json:"gid"`
	Sid        uint32 `json:"sid"`
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	OtherFile  string `json:"other_file,omitempty"`
	OtherLine  int    `json:"other_line,omitempty"`
	OtherCol   int    `json:"other_col,omitempty"`
	OtherWhere string `json:"other,omitempty"`
}

// MarshalJSON writes the report as one object with the fields total,
// enabled, commented, parsed, failed, ok, errors (objects with file, line,
// col, sid, keyword, message, class, commented), warnings, duplicates,
// keywords (keyword -> rules), files, loaded, skipped, skipped_rules,
// unsupported (objects with file, line, col, sid, keyword, message: every
// rule skipped for an unsupported keyword) and duration_ms.
func (r *Report) MarshalJSON() ([]byte, error) {
	errs := make([]jsonError, 0, len(r.Errors))
	for i, e := range r.Errors {
		class := ""
		for _, k := range []error{ErrSyntax, ErrUnknownKeyword, ErrBadValue, ErrRead, ErrUndefinedVar,
			ErrVarCycle, ErrBadAddress, ErrBadPort, ErrUnknownClasstype, ErrNoSid, ErrConfigFile, ErrCompile} {
			if errors.Is(e, k) {
				class = k.Error()
				break
			}
		}
		errs = append(errs, jsonError{
			File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Sid: e.Sid,
			Keyword: e.Keyword, Message: e.Msg, Class: class,
			Commented: i < len(r.CommentedErr) && r.CommentedErr[i],
		})
	}
	warns := make([]jsonWarning, 0, len(r.Warnings))
	for _, w := range r.Warnings {
		jw := jsonWarning{File: w.Pos.File, Line: w.Pos.Line, Col: w.Pos.Col, Gid: w.Gid, Sid: w.Sid,
			Kind: w.Kind.String(), Message: w.Msg}
		if w.Other.Line != 0 {
			jw.OtherFile, jw.OtherLine, jw.OtherCol, jw.OtherWhere = w.Other.File, w.Other.Line, w.Other.Col, w.Other.String()
		}
		warns = append(warns, jw)
	}
	unsup := make([]jsonError, 0, len(r.Unsupported))
	for _, e := range r.Unsupported {
		unsup = append(unsup, jsonError{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Sid: e.Sid,
			Keyword: e.Keyword, Message: e.Msg, Class: "unsupported"})
	}
	files := r.Files
	if files == nil {
		files = []FileStats{}
	}
	return json.Marshal(struct {
		Total        int            `json:"total"`
		Enabled      int            `json:"enabled"`
		Commented    int            `json:"commented"`
		Parsed       int            `json:"parsed"`
		Failed       int            `json:"failed"`
		OK           bool           `json:"ok"`
		Errors       []jsonError    `json:"errors"`
		Warnings     []jsonWarning  `json:"warnings"`
		Duplicates   int            `json:"duplicates"`
		Keywords     map[string]int `json:"keywords"`
		Files        []FileStats    `json:"files"`
		Loaded       int            `json:"loaded"`
		Skipped      map[string]int `json:"skipped"`
		SkippedRules int            `json:"skipped_rules"`
		Unsupported  []jsonError    `json:"unsupported"`
		DurationMS   float64        `json:"duration_ms"`
	}{
		r.Total, r.Enabled, r.Commented, r.Parsed, r.Failed, r.OK(), errs, warns, r.Duplicates,
		r.Keywords, files, r.Loaded, nonNil(r.Skipped), r.SkippedRules, unsup,
		float64(r.Duration.Microseconds()) / 1000,
	})
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// WriteText prints the report for people: errors and warnings one per
// line, then per-file counts, the keyword histogram (most used first) and
// the totals.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	for i, e := range r.Errors {
		suffix := ""
		if r.CommentedErr[i] {
			suffix = " (commented-out rule)"
		}
		ew.printf("error: %s%s\n", e, suffix)
	}
	for _, wn := range r.Warnings {
		ew.printf("warning: %s\n", wn)
	}
	for _, e := range r.Unsupported {
		ew.printf("unsupported: %s\n", e)
	}
	ew.printf("\n%-60s %8s %8s %9s %8s %8s %7s\n", "file", "total", "enabled", "commented", "parsed", "errors", "dialect")
	for _, f := range r.Files {
		ew.printf("%-60s %8d %8d %9d %8d %8d %7s\n", f.File, f.Total, f.Enabled, f.Commented, f.Parsed, f.Errors, f.Dialect)
	}
	if len(r.Keywords) > 0 {
		ew.printf("\nkeywords (enabled rules using each):\n")
		names := make([]string, 0, len(r.Keywords))
		for k := range r.Keywords {
			names = append(names, k)
		}
		slices.SortFunc(names, func(a, b string) int {
			if r.Keywords[a] != r.Keywords[b] {
				return r.Keywords[b] - r.Keywords[a]
			}
			if a < b {
				return -1
			}
			return 1
		})
		for _, k := range names {
			ew.printf("  %-32s %8d\n", k, r.Keywords[k])
		}
	}
	if r.Skipped != nil {
		ew.printf("\nunsupported rules (skipped): %d\n", r.SkippedRules)
		names := make([]string, 0, len(r.Skipped))
		for k := range r.Skipped {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			ew.printf("  %-32s %8d\n", k, r.Skipped[k])
		}
	}
	commentedErrs := 0
	for _, c := range r.CommentedErr {
		if c {
			commentedErrs++
		}
	}
	ew.printf("\nrules: %d total, %d enabled, %d commented-out, %d parsed; %d enabled rules failed, %d errors (%d in commented-out rules), %d warnings (%d duplicates); %d unsupported; %d loaded in %s\n",
		r.Total, r.Enabled, r.Commented, r.Parsed, r.Failed, len(r.Errors), commentedErrs,
		len(r.Warnings), r.Duplicates, r.SkippedRules, r.Loaded, r.Duration.Round(time.Millisecond))
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
