package rules

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

//go:embed defaults/classification.config
var defaultClassification string

//go:embed defaults/reference.config
var defaultReference string

// Classification is one classtype of classification.config.
type Classification struct {
	Name        string
	Description string // EVE's alert.category
	Priority    int
	Pos         Pos
}

// Classifications maps classtype names to classifications. It is immutable
// once built and safe for concurrent use.
type Classifications struct {
	m     map[string]*Classification
	order []*Classification
}

// Lookup returns the classification named name (case-insensitive, as in Suricata).
func (c *Classifications) Lookup(name string) (*Classification, bool) {
	x, ok := c.m[strings.ToLower(name)]
	return x, ok
}

// All returns the classifications in file order.
func (c *Classifications) All() []*Classification { return c.order }

// DefaultClassifications returns the built-in table (Emerging Threats'
// classification.config, a superset of Suricata's default one).
func DefaultClassifications() *Classifications {
	c, err := ParseClassifications("<builtin classification.config>", strings.NewReader(defaultClassification))
	if err != nil {
		panic("rules: bad built-in classification table: " + err.Error())
	}
	return c
}

// LoadClassifications reads a classification.config file.
func LoadClassifications(path string) (*Classifications, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read classification file: %w", err)
	}
	defer f.Close()
	return ParseClassifications(path, f)
}

// ParseClassifications parses "config classification: name,description,priority"
// lines; '#' starts a comment line. Bad lines are collected into an
// ErrorList (wrapping ErrConfigFile) and skipped; the table of good lines is
// returned alongside. A later definition of a name replaces an earlier one.
func ParseClassifications(name string, r io.Reader) (*Classifications, error) {
	c := &Classifications{m: map[string]*Classification{}}
	var errs ErrorList
	err := configLines(name, r, "classification", func(pos Pos, val string) {
		parts := strings.Split(val, ",")
		if len(parts) != 3 {
			errs = append(errs, newError(pos, 0, "", ErrConfigFile,
				fmt.Sprintf("classification: want name,description,priority, got %q", val)))
			return
		}
		n, desc := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		prio, err := strconv.Atoi(strings.TrimSpace(parts[2]))
		if n == "" || err != nil || prio < 0 {
			errs = append(errs, newError(pos, 0, "", ErrConfigFile,
				fmt.Sprintf("classification: bad name or priority in %q", val)))
			return
		}
		x := &Classification{Name: n, Description: desc, Priority: prio, Pos: pos}
		key := strings.ToLower(n)
		if old, ok := c.m[key]; ok {
			for i, o := range c.order {
				if o == old {
					c.order = append(c.order[:i], c.order[i+1:]...)
					break
				}
			}
		}
		c.m[key] = x
		c.order = append(c.order, x)
	}, &errs)
	if err != nil {
		return nil, err
	}
	return c, errs.Err()
}

// References maps reference system names (cve, url, ...) to URL prefixes.
// It is immutable once built and safe for concurrent use.
type References struct{ m map[string]string }

// Lookup returns the URL prefix of reference type typ (case-insensitive).
func (r *References) Lookup(typ string) (string, bool) {
	u, ok := r.m[strings.ToLower(typ)]
	return u, ok
}

// Len returns the number of reference systems.
func (r *References) Len() int { return len(r.m) }

// DefaultReferences returns the built-in reference systems.
func DefaultReferences() *References {
	r, err := ParseReferences("<builtin reference.config>", strings.NewReader(defaultReference))
	if err != nil {
		panic("rules: bad built-in reference table: " + err.Error())
	}
	return r
}

// LoadReferences reads a reference.config file.
func LoadReferences(path string) (*References, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read reference file: %w", err)
	}
	defer f.Close()
	return ParseReferences(path, f)
}

// ParseReferences parses "config reference: type url" lines, with the same
// error handling as ParseClassifications.
func ParseReferences(name string, r io.Reader) (*References, error) {
	refs := &References{m: map[string]string{}}
	var errs ErrorList
	err := configLines(name, r, "reference", func(pos Pos, val string) {
		typ, url, ok := strings.Cut(strings.TrimSpace(val), " ")
		if !ok {
			typ, url, ok = strings.Cut(strings.TrimSpace(val), "\t")
		}
		typ, url = strings.TrimSpace(typ), strings.TrimSpace(url)
		if !ok || typ == "" || url == "" {
			errs = append(errs, newError(pos, 0, "", ErrConfigFile,
				fmt.Sprintf("reference: want type and url, got %q", val)))
			return
		}
		refs.m[strings.ToLower(typ)] = url
	}, &errs)
	if err != nil {
		return nil, err
	}
	return refs, errs.Err()
}

// configLines calls fn for every "config <what>: value" line.
func configLines(name string, r io.Reader, what string, fn func(Pos, string), errs *ErrorList) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	prefix := "config " + what + ":"
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		col := len(text) - len(strings.TrimLeft(text, " \t")) + 1
		pos := Pos{File: name, Line: line, Col: col}
		rest, ok := strings.CutPrefix(trimmed, prefix)
		if !ok {
			*errs = append(*errs, newError(pos, 0, "", ErrConfigFile,
				fmt.Sprintf("want %q, got %q", prefix+" ...", trimmed)))
			continue
		}
		fn(pos, strings.TrimSpace(rest))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}
