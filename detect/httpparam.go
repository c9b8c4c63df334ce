package detect

import (
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// httpParam is Snort 3's http_param:"name"[,nocase]: the buffer becomes
// the value of the named parameter of the request's query string,
// percent-decoded ('+' is a space), the first one when it repeats; the
// name matches exactly, or case-insensitively with nocase. Vigil builds it
// as a transform of http.uri (the query there is as sent), so the
// keywords after http_param inspect the value and the ones before it the
// URI. Parameters of a form-encoded request body, which Snort also
// searches, are not looked at.
// Docs: https://docs.snort.org/rules/options/payload/http_param
type httpParam struct {
	name   string
	nocase bool
}

func (h httpParam) apply(dst, src []byte) []byte {
	q := src
	if i := indexByte(q, '?'); i >= 0 {
		q = q[i+1:]
	} else {
		return dst
	}
	if i := indexByte(q, '#'); i >= 0 {
		q = q[:i]
	}
	for len(q) > 0 {
		pair := q
		if i := indexByte(q, '&'); i >= 0 {
			pair, q = q[:i], q[i+1:]
		} else {
			q = nil
		}
		name, val := pair, pair[:0]
		if i := indexByte(pair, '='); i >= 0 {
			name, val = pair[:i], pair[i+1:]
		}
		if h.nameMatch(name) {
			return urlDecode{}.apply(dst, val)
		}
	}
	return dst
}

// nameMatch compares a parameter name as sent (percent-decoded, in a
// stack buffer for the usual short names) with the rule's.
func (h httpParam) nameMatch(raw []byte) bool {
	var buf [64]byte
	dec := urlDecode{}.apply(buf[:0], raw)
	if len(dec) != len(h.name) {
		return false
	}
	if h.nocase {
		return strings.EqualFold(string(dec), h.name)
	}
	return string(dec) == h.name
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// parseHTTPParam parses http_param's value: a quoted name, then nocase.
func parseHTTPParam(arg string) (httpParam, error) {
	var h httpParam
	name, rest, _ := strings.Cut(arg, ",")
	name = strings.TrimSpace(name)
	if uq, err := strconv.Unquote(name); err == nil {
		name = uq
	}
	if name == "" {
		return h, errBadValue("http_param needs a parameter name")
	}
	h.name = name
	for _, m := range strings.Split(rest, ",") {
		switch m = strings.TrimSpace(m); m {
		case "":
		case "nocase":
			h.nocase = true
		default:
			return h, errBadValue("unknown http_param modifier " + strconv.Quote(m))
		}
	}
	return h, nil
}

// setupHTTPParam opens the parameter's buffer and requires the parameter
// to have a value, so that a rule with nothing after http_param tests for
// the parameter (Snort fails an option whose buffer is missing).
func setupHTTPParam(b *sigBuilder, v *ruleparser.Buffer) error {
	h, err := parseHTTPParam(v.Arg)
	if err != nil {
		return err
	}
	if err := b.openList(bufid.HTTPURI); err != nil {
		return err
	}
	if err := transformSetup(h)(b, v); err != nil {
		return err
	}
	return b.add(&bufferlenItem{cmp: ruleparser.UintCmp{Op: ruleparser.CmpGt, A: 0}})
}
