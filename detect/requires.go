package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// Vigil answers Suricata 8's requires keyword as a Suricata 8.0.0
// engine with the features in compatFeatures: a rule that needs a later
// version, an earlier one, a feature Vigil lacks or a keyword Vigil does
// not evaluate is skipped (counted as unsupported under "requires"), not
// failed. Docs: rules/meta.html#requires
var compatVersion = [3]int{8, 0, 0}

// compatFeatures are the Suricata feature names Vigil provides.
var compatFeatures = map[string]bool{
	"hyperscan": true, // multi-pattern matching is Hyperscan
}

// keywordEvaluated reports whether Vigil evaluates keyword name; set in
// init because the table refers to requires.
var keywordEvaluated func(name string) bool

func init() {
	keywordEvaluated = func(name string) bool {
		e, ok := Keywords().byName[name]
		return ok && e.compile != nil
	}
}

// setupRequires compiles requires: a no-op when every requirement is met,
// ErrUnsupported when one is not, a plain error when the value is
// malformed.
func setupRequires(_ *sigBuilder, t *ruleparser.Text) error {
	return checkRequires(t.Value)
}

func supportedRequires(o ruleparser.Option) error {
	if t, ok := o.(*ruleparser.Text); ok {
		return checkRequires(t.Value)
	}
	return nil
}

// checkRequires evaluates a requires value: comma-separated
// requirements, all of which must hold. "feature NAME" needs a feature,
// "keyword NAME" a keyword Vigil evaluates, "version" one or more
// alternatives separated by "|", each one or more "OP VERSION" pairs
// that must all hold (version >= 7.0.3 < 8 | >= 8.0.3). Any other
// requirement is unknown and so unmet.
func checkRequires(v string) error {
	for _, req := range strings.Split(v, ",") {
		req = strings.TrimSpace(req)
		name, arg, _ := strings.Cut(req, " ")
		arg = strings.TrimSpace(arg)
		if name == "" || arg == "" {
			return fmt.Errorf("requires: bad requirement %q", req)
		}
		met := false
		switch name {
		case "feature":
			met = compatFeatures[arg]
		case "keyword":
			met = keywordEvaluated(arg)
		case "version":
			ok, err := versionMet(arg)
			if err != nil {
				return fmt.Errorf("requires: %w", err)
			}
			met = ok
		}
		if !met {
			return fmt.Errorf("requirement %q not met by Vigil (Suricata %d.%d.%d compatible): %w",
				req, compatVersion[0], compatVersion[1], compatVersion[2], ErrUnsupported)
		}
	}
	return nil
}

// versionMet reports whether compatVersion satisfies one of the
// "|"-separated alternatives of a version requirement.
func versionMet(v string) (bool, error) {
	anyMet := false
	for _, alt := range strings.Split(v, "|") {
		all, n := true, 0
		rest := strings.TrimSpace(alt)
		for rest != "" {
			op := strings.TrimLeft(rest, "<>=!")
			op = rest[:len(rest)-len(op)]
			rest = strings.TrimSpace(rest[len(op):])
			ver, tail, _ := strings.Cut(rest, " ")
			rest = strings.TrimSpace(tail)
			want, err := parseVersion(ver)
			if err != nil {
				return false, err
			}
			c := cmpVersion(compatVersion, want)
			switch op {
			case "<":
				all = all && c < 0
			case "<=":
				all = all && c <= 0
			case ">":
				all = all && c > 0
			case ">=":
				all = all && c >= 0
			case "=":
				all = all && c == 0
			default:
				return false, fmt.Errorf("bad version operator %q in %q", op, alt)
			}
			n++
		}
		if n == 0 {
			return false, fmt.Errorf("empty version requirement in %q", v)
		}
		anyMet = anyMet || all
	}
	return anyMet, nil
}

// parseVersion reads MAJOR[.MINOR[.PATCH]]; missing parts are 0.
func parseVersion(s string) ([3]int, error) {
	var out [3]int
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return out, fmt.Errorf("bad version %q", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, fmt.Errorf("bad version %q", s)
		}
		out[i] = n
	}
	return out, nil
}

func cmpVersion(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
