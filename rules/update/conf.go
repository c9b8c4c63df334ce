package update

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Conf is the four conf files, parsed. Apply order is suricata-update's:
// disable, enable, modify, drop.
type Conf struct {
	Disable, Enable, Drop []Matcher
	Modify                []Modify
}

// Matcher selects rules. One conf line is one matcher:
//
//	2019401            a sid (gid 1)
//	1:2019401          gid:sid; several ids may be separated by commas
//	re:REGEX           the rule text matches REGEX, case-insensitively
//	group:GLOB         the rule's file name (with or without .rules)
//	metadata: KEY VAL  the rule has metadata KEY VAL (case-insensitively)
type Matcher struct {
	// Where is "file:line", for messages.
	Where string
	ids   map[[2]uint32]bool
	re    *regexp.Regexp
	group string
	meta  [2]string
}

// Modify is a modify.conf line: MATCHER "FROM" "TO", a regular expression
// replacement on the text of the rules MATCHER selects. TO refers to
// groups as \1, suricata-update's (Python's) spelling; '$' is literal.
type Modify struct {
	Matcher
	from *regexp.Regexp
	to   string
}

// Match reports whether m selects r.
func (m *Matcher) Match(r *Rule) bool {
	switch {
	case m.ids != nil:
		return m.ids[[2]uint32{r.Gid, r.Sid}]
	case m.re != nil:
		return m.re.MatchString(r.Text)
	case m.group != "":
		for _, g := range []string{r.Group, strings.TrimSuffix(r.Group, ".rules")} {
			if ok, _ := path.Match(m.group, g); ok {
				return true
			}
		}
		return false
	default:
		for _, kv := range r.Metadata {
			if kv[0] == m.meta[0] && strings.EqualFold(kv[1], m.meta[1]) {
				return true
			}
		}
		return false
	}
}

// ParseMatchers parses enable.conf, disable.conf or drop.conf: one matcher
// a line, '#' comments and blank lines skipped. Errors name name:line.
func ParseMatchers(name string, src []byte) ([]Matcher, error) {
	var out []Matcher
	for i, line := range confLines(src) {
		if line == "" {
			continue
		}
		m, err := parseMatcher(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		m.Where = fmt.Sprintf("%s:%d", name, i+1)
		out = append(out, m)
	}
	return out, nil
}

// ParseModify parses modify.conf: MATCHER "FROM" "TO" a line.
func ParseModify(name string, src []byte) ([]Modify, error) {
	var out []Modify
	for i, line := range confLines(src) {
		if line == "" {
			continue
		}
		mod, err := parseModify(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		mod.Where = fmt.Sprintf("%s:%d", name, i+1)
		out = append(out, mod)
	}
	return out, nil
}

// confLines returns the lines of a conf file with comments and surrounding
// white space removed ("" for a line with nothing left), one per physical
// line so that indexes are line numbers - 1.
func confLines(src []byte) []string {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			l = ""
		}
		lines[i] = l
	}
	return lines
}

func parseMatcher(s string) (Matcher, error) {
	kind, arg, ok := strings.Cut(s, ":")
	if ok {
		arg = strings.TrimSpace(arg)
		switch strings.ToLower(kind) {
		case "re":
			re, err := regexp.Compile("(?i)" + arg)
			if err != nil {
				return Matcher{}, fmt.Errorf("re: %v", err)
			}
			return Matcher{re: re}, nil
		case "group":
			if arg == "" {
				return Matcher{}, fmt.Errorf("group: empty pattern")
			}
			if _, err := path.Match(arg, ""); err != nil {
				return Matcher{}, fmt.Errorf("group: bad pattern %q", arg)
			}
			return Matcher{group: arg}, nil
		case "metadata":
			k, v, ok := strings.Cut(arg, " ")
			if !ok || strings.TrimSpace(v) == "" {
				return Matcher{}, fmt.Errorf("metadata: want \"metadata: KEY VALUE\", got %q", s)
			}
			return Matcher{meta: [2]string{strings.ToLower(k), strings.TrimSpace(v)}}, nil
		}
	}
	ids := map[[2]uint32]bool{}
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		g, sid, hasGid := strings.Cut(id, ":")
		if !hasGid {
			g, sid = "1", id
		}
		gn, err1 := strconv.ParseUint(g, 10, 32)
		sn, err2 := strconv.ParseUint(sid, 10, 32)
		if err1 != nil || err2 != nil || sn == 0 {
			return Matcher{}, fmt.Errorf("unknown matcher %q (want SID, GID:SID, re:, group: or metadata:)", s)
		}
		ids[[2]uint32{uint32(gn), uint32(sn)}] = true
	}
	return Matcher{ids: ids}, nil
}

func parseModify(s string) (Modify, error) {
	q := strings.Index(s, "\"")
	if q <= 0 {
		return Modify{}, fmt.Errorf("want MATCHER \"FROM\" \"TO\", got %q", s)
	}
	m, err := parseMatcher(strings.TrimSpace(s[:q]))
	if err != nil {
		return Modify{}, err
	}
	from, rest, err := quoted(s[q:])
	if err != nil {
		return Modify{}, err
	}
	rest = strings.TrimSpace(rest)
	to, rest, err := quoted(rest)
	if err != nil {
		return Modify{}, err
	}
	if strings.TrimSpace(rest) != "" {
		return Modify{}, fmt.Errorf("unexpected %q after \"TO\"", strings.TrimSpace(rest))
	}
	re, err := regexp.Compile(from)
	if err != nil {
		return Modify{}, fmt.Errorf("\"FROM\": %v", err)
	}
	return Modify{Matcher: m, from: re, to: goReplacement(to)}, nil
}

// quoted reads a double-quoted string at the start of s; '\' escapes the
// next byte and stays in the result (the string is a regular expression).
func quoted(s string) (string, string, error) {
	if !strings.HasPrefix(s, "\"") {
		return "", "", fmt.Errorf("want a quoted string at %q", s)
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return unescapeQuote(s[1:i]), s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("unterminated quoted string %s", s)
}

// unescapeQuote turns \" into " (the only escape the quoting needs); other
// backslashes belong to the regular expression.
func unescapeQuote(s string) string { return strings.ReplaceAll(s, `\"`, `"`) }

// goReplacement rewrites a replacement in Python's spelling (\1) into
// regexp's (${1}); a literal '$' is doubled.
func goReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
