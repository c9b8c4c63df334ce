package score

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Overrides are the points of a local overrides file, by gid:sid. The
// file has one "gid:sid points" entry per line; '#' starts a comment.
// Points 0 masks the rule from scoring (it still alerts).
type Overrides struct {
	m map[uint64]uint32
}

// LoadOverrides reads an overrides file.
func LoadOverrides(path string) (*Overrides, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scoring overrides: %w", err)
	}
	defer f.Close()
	return ParseOverrides(path, f)
}

// ParseOverrides parses overrides text; name is used in errors, which
// read "name:line:col: message". Every bad line is reported.
func ParseOverrides(name string, r io.Reader) (*Overrides, error) {
	ov := &Overrides{m: map[uint64]uint32{}}
	where := map[uint64]int{}
	var errs []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields, cols := fieldsAt(text)
		if len(fields) == 0 {
			continue
		}
		bad := func(c int, format string, a ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d:%d: %s", name, line, c, fmt.Sprintf(format, a...)))
		}
		if len(fields) != 2 {
			bad(cols[0], "want \"gid:sid points\", got %d fields", len(fields))
			continue
		}
		g, s, ok := strings.Cut(fields[0], ":")
		gid, err1 := strconv.ParseUint(g, 10, 32)
		sid, err2 := strconv.ParseUint(s, 10, 32)
		if !ok || err1 != nil || err2 != nil || gid == 0 || sid == 0 {
			bad(cols[0], "bad rule %q: want gid:sid", fields[0])
			continue
		}
		pts, err := strconv.ParseUint(fields[1], 10, 32)
		if err != nil || pts > MaxPoints {
			bad(cols[1], "bad points %q: want 0 to %d", fields[1], MaxPoints)
			continue
		}
		id := gid<<32 | sid
		if prev, dup := where[id]; dup {
			bad(cols[0], "%s given again (first on line %d)", fields[0], prev)
			continue
		}
		where[id] = line
		ov.m[id] = uint32(pts)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return ov, nil
}

// Lookup returns the override of gid:sid. A nil Overrides has none.
func (o *Overrides) Lookup(gid, sid uint32) (uint32, bool) {
	if o == nil {
		return 0, false
	}
	v, ok := o.m[uint64(gid)<<32|uint64(sid)]
	return v, ok
}

// Len returns the number of entries.
func (o *Overrides) Len() int {
	if o == nil {
		return 0
	}
	return len(o.m)
}

// fieldsAt splits s at spaces and tabs and returns the fields with their
// 1-based columns.
func fieldsAt(s string) (fields []string, cols []int) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' {
			if start >= 0 {
				fields, cols = append(fields, s[start:i]), append(cols, start+1)
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return fields, cols
}
