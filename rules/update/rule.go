package update

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// Rule is one rule of a source as text, with the options the conf-file
// matchers and the merge need pulled out of it.
type Rule struct {
	// Text is the rule on one line ('\' continuations joined), without the
	// comment prefix of a disabled rule.
	Text string
	// Enabled is false for a commented-out rule.
	Enabled bool
	// Group is the base name of the file the rule came from
	// ("emerging-dns.rules"), what group: matchers test.
	Group    string
	Gid, Sid uint32
	Rev      uint32
	// Metadata holds the "key value" pairs of the metadata options, keys
	// lower-cased.
	Metadata [][2]string
}

// ID is the rule's gid:sid.
func (r *Rule) ID() string { return fmt.Sprintf("%d:%d", r.Gid, r.Sid) }

// Line is the rule as written to the merged file.
func (r *Rule) Line() string {
	if r.Enabled {
		return r.Text
	}
	return "# " + r.Text
}

// parseRules splits a rule file into rules. Lines that are neither rules
// nor commented-out rules (comments, blank lines) are dropped, and so are
// rules without a sid: nothing could address them.
func parseRules(group string, src []byte) []*Rule {
	var out []*Rule
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(line, "#") {
				next = strings.TrimLeft(next, "# \t")
			}
			line = strings.TrimSuffix(line, "\\") + next
		}
		r := &Rule{Group: group, Enabled: true}
		if strings.HasPrefix(line, "#") {
			r.Enabled = false
			line = strings.TrimLeft(line, "# \t")
		}
		if !looksLikeRule(line) {
			continue
		}
		r.Text = line
		r.extract()
		if r.Sid == 0 {
			continue
		}
		out = append(out, r)
	}
	return out
}

// looksLikeRule: an action word, a space, an option list in parentheses.
func looksLikeRule(s string) bool {
	sp := strings.IndexAny(s, " \t")
	if sp <= 0 {
		return false
	}
	if _, ok := ruleparser.ParseAction(s[:sp]); !ok {
		return false
	}
	return strings.HasSuffix(s, ")") && strings.Contains(s, "(")
}

// extract fills sid, gid, rev and metadata from r.Text.
func (r *Rule) extract() {
	r.Gid, r.Sid, r.Rev, r.Metadata = 1, 0, 0, nil
	for _, opt := range splitOptions(r.Text) {
		k, v, _ := strings.Cut(opt, ":")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "sid", "gid", "rev":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				continue
			}
			switch k {
			case "sid":
				r.Sid = uint32(n)
			case "gid":
				r.Gid = uint32(n)
			case "rev":
				r.Rev = uint32(n)
			}
		case "metadata":
			for _, kv := range strings.Split(v, ",") {
				key, val, _ := strings.Cut(strings.TrimSpace(kv), " ")
				if key != "" {
					r.Metadata = append(r.Metadata, [2]string{strings.ToLower(key), strings.TrimSpace(val)})
				}
			}
		}
	}
}

// splitOptions returns the options between the rule's outer parentheses,
// split at ';' outside quotes ('\' escapes the next byte).
func splitOptions(text string) []string {
	open, end := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
	if open < 0 || end <= open {
		return nil
	}
	body := text[open+1 : end]
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				if o := strings.TrimSpace(body[start:i]); o != "" {
					out = append(out, o)
				}
				start = i + 1
			}
		}
	}
	if o := strings.TrimSpace(body[start:]); o != "" {
		out = append(out, o)
	}
	return out
}

// canonical is the rule as ruleparser prints it, so that whitespace-only
// edits compare equal. A rule ruleparser refuses compares by its text with
// runs of white space folded.
func canonical(text string, kw ruleparser.Keywords) string {
	if kw != nil {
		if r, err := ruleparser.ParseRule(text, ruleparser.Options{Keywords: kw}); err == nil {
			return r.String()
		}
	}
	return strings.Join(strings.Fields(text), " ")
}
