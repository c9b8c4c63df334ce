package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// LDAP integer keywords (rules/ldap-keywords.html). The sticky buffers
// (ldap.request.dn, ldap.responses.dn, ldap.responses.message and the
// attribute types) need no code here. ldap.request.operation reads a
// one-byte buffer; ldap.responses.operation and
// ldap.responses.result_code are Suricata's multi-integers: a value and
// an optional index (any, all, N from the front, -N from the back) over
// the list of a transaction's responses.

// ldapOps are the operation names by code (RFC 4511 protocolOp tags).
var ldapOps = map[string]uint64{
	"bind_request": 0, "bind_response": 1, "unbind_request": 2, "search_request": 3,
	"search_result_entry": 4, "search_result_done": 5, "modify_request": 6, "modify_response": 7,
	"add_request": 8, "add_response": 9, "del_request": 10, "del_response": 11,
	"mod_dn_request": 12, "mod_dn_response": 13, "compare_request": 14, "compare_response": 15,
	"abandon_request": 16, "search_result_reference": 19, "extended_request": 23,
	"extended_response": 24, "intermediate_response": 25,
}

// parseUintEnum parses Suricata's integer-or-name value: a comparison
// (N, !N, <N, A-B, ...) or a name, optionally negated with '!'. max is
// the largest value the integer type holds.
func parseUintEnum(s string, max uint64, byName func(string) (uint64, bool)) (ruleparser.UintCmp, error) {
	s = strings.TrimSpace(s)
	if c, err := ruleparser.ParseUintCmp(s); err == nil {
		if c.Op == 0 {
			return c, errBadValue("unsupported comparison")
		}
		if c.A > max || c.B > max {
			return c, errBadValue(fmt.Sprintf("value out of range (maximum %d)", max))
		}
		return c, nil
	}
	op := ruleparser.CmpEq
	if rest, ok := strings.CutPrefix(s, "!"); ok {
		op, s = ruleparser.CmpNe, rest
	}
	v, ok := byName(s)
	if !ok {
		return ruleparser.UintCmp{}, errBadValue(fmt.Sprintf("unknown value %q", s))
	}
	return ruleparser.UintCmp{Op: op, A: v}, nil
}

// ldapOpByName and ldapCodeByName look names up case-insensitively, as
// Suricata's enumeration parsing does.
func ldapOpByName(s string) (uint64, bool) {
	v, ok := ldapOps[strings.ToLower(s)]
	return v, ok
}

func ldapCodeByName(s string) (uint64, bool) {
	s = strings.ToLower(s)
	for c, n := range bufid.LDAPResultCodes {
		if n == s {
			return uint64(c), true
		}
	}
	return 0, false
}

// Index modes of a multi-integer.
const (
	indexAny = iota
	indexAll
	indexAt
)

// indexItem matches Suricata's multi-integer over a list buffer of
// elements of 1+size bytes: a presence byte (0: the element has no
// value) and a big-endian value. any: some present value matches; all:
// no present value fails (an empty list matches); at: element idx
// (negative from the back) is present and matches.
type indexItem struct {
	cmp  ruleparser.UintCmp
	size int
	mode int
	idx  int
}

func (x *indexItem) relative() bool { return false }
func (x *indexItem) retry() bool    { return false }
func (x *indexItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	w := 1 + x.size
	n := len(buf) / w
	at := func(i int) (uint64, bool) {
		e := buf[i*w : (i+1)*w]
		var v uint64
		for _, c := range e[1:] {
			v = v<<8 | uint64(c)
		}
		return v, e[0] != 0
	}
	switch x.mode {
	case indexAny:
		for i := 0; i < n; i++ {
			if v, ok := at(i); ok && x.cmp.Match(v) {
				return cursor, cursor, true
			}
		}
		return cursor, cursor, false
	case indexAll:
		for i := 0; i < n; i++ {
			if v, ok := at(i); ok && !x.cmp.Match(v) {
				return cursor, cursor, false
			}
		}
		return cursor, cursor, true
	}
	i := x.idx
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return cursor, cursor, false
	}
	v, ok := at(i)
	return cursor, cursor, ok && x.cmp.Match(v)
}

// parseMultiInt parses "value[,index]" of a multi-integer.
func parseMultiInt(s string, size int, max uint64, byName func(string) (uint64, bool)) (*indexItem, error) {
	val, idx, hasIdx := strings.Cut(s, ",")
	c, err := parseUintEnum(val, max, byName)
	if err != nil {
		return nil, err
	}
	x := &indexItem{cmp: c, size: size}
	if hasIdx {
		switch idx = strings.TrimSpace(idx); idx {
		case "any":
		case "all":
			x.mode = indexAll
		default:
			n, err := strconv.ParseInt(idx, 10, 32)
			if err != nil {
				return nil, errBadValue(fmt.Sprintf("index %q: want any, all or an integer", idx))
			}
			x.mode, x.idx = indexAt, int(n)
		}
	}
	return x, nil
}

// setupLDAPRequestOperation is ldap.request.operation: an 8-bit integer
// or an operation name. Docs: rules/ldap-keywords.html#ldap-request-operation
func setupLDAPRequestOperation(b *sigBuilder, t *ruleparser.Text) error {
	c, err := parseUintEnum(t.Value, 255, ldapOpByName)
	if err != nil {
		return err
	}
	return b.addValueList(bufid.LDAPRequestOperation, &valueItem{size: 1, cmp: c})
}

// setupLDAPResponsesOperation is ldap.responses.operation:op[,index].
// Docs: rules/ldap-keywords.html#ldap-responses-operation
func setupLDAPResponsesOperation(b *sigBuilder, t *ruleparser.Text) error {
	x, err := parseMultiInt(t.Value, 1, 255, ldapOpByName)
	if err != nil {
		return err
	}
	return b.addValueList(bufid.LDAPResponsesOperation, x)
}

// setupLDAPResponsesResultCode is ldap.responses.result_code:code[,index].
// Docs: rules/ldap-keywords.html#ldap-responses-result-code
func setupLDAPResponsesResultCode(b *sigBuilder, t *ruleparser.Text) error {
	x, err := parseMultiInt(t.Value, 4, 1<<32-1, ldapCodeByName)
	if err != nil {
		return err
	}
	return b.addValueList(bufid.LDAPResponsesResultCode, x)
}

// setupLDAPResponsesCount is ldap.responses.count: a u32 comparison.
// Docs: rules/ldap-keywords.html#ldap-responses-count
func setupLDAPResponsesCount(b *sigBuilder, c *ruleparser.Compare) error {
	if err := checkU32(c.Cmp); err != nil {
		return err
	}
	return b.addValueList(bufid.LDAPResponsesCount, &valueItem{size: 4, cmp: c.Cmp})
}
