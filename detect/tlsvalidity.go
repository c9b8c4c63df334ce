package detect

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// tls_cert_notbefore, tls_cert_notafter, tls_cert_expired and
// tls_cert_valid: tests on the validity dates of the server's leaf
// certificate. Docs: https://docs.suricata.io/en/latest/rules/tls-keywords.html#tls-cert-notbefore
// (and #tls-cert-notafter, #tls-cert-expired, #tls-cert-valid).
//
//	tls_cert_notbefore:[<|>]<date>;   tls_cert_notbefore:<date><><date>;
//	tls_cert_notafter: the same on notAfter;
//	tls_cert_expired;  tls_cert_valid;
//
// As in Suricata 8's detect-tls-cert-validity.c: a date is Unix seconds
// (digits, but not four of them) or one of YYYY, YYYY-MM, YYYY-MM-DD,
// then " HH", " HH:MM", " HH:MM:SS" or the same after 'T', in UTC; the
// comparison is = (no operator), <= ('<'), >= ('>') or the inclusive range
// a<>b (b after a); expired is packet time (the flow's last) after
// notAfter, valid the opposite, and notBefore is not looked at. A
// certificate whose date is unknown never matches. Omitted month and day
// are the first, as the documentation says (Suricata's code turns a bare
// year into February 1st).

type validityItem struct {
	notBefore bool
	op        byte // '=', '<' (<=), '>' (>=), 'r' range, 'x' expired, 'v' valid
	a, b      int64
}

func (v *validityItem) relative() bool { return false }
func (v *validityItem) retry() bool    { return false }

func (v *validityItem) find(t *Thread, buf []byte, cursor, resume int) (int, int, bool) {
	if resume >= 0 || len(buf) != 16 {
		return 0, 0, false
	}
	e := int64(binary.BigEndian.Uint64(buf[8:]))
	if v.notBefore {
		e = int64(binary.BigEndian.Uint64(buf[:8]))
	}
	if e == 0 {
		return 0, 0, false
	}
	now := t.now / 1e9
	var ok bool
	switch v.op {
	case '=':
		ok = e == v.a
	case '<':
		ok = e <= v.a
	case '>':
		ok = e >= v.a
	case 'r':
		ok = e >= v.a && e <= v.b
	case 'x':
		ok = now > e
	case 'v':
		ok = now <= e
	}
	return cursor, cursor, ok
}

// validityLayouts are the date forms Suricata accepts (strptime's
// %Y-%m-%d %H:%M:%S family; one-digit fields allowed).
var validityLayouts = []string{
	"2006", "2006-1", "2006-1-2",
	"2006-1-2 15", "2006-1-2 15:4", "2006-1-2 15:4:5",
	"2006-1-2T15", "2006-1-2T15:4", "2006-1-2T15:4:5",
}

func parseValidityDate(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) >= 20 {
		return 0, errors.New("bad date " + strconv.Quote(s))
	}
	if len(s) != 4 && strings.Trim(s, "0123456789") == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, errors.New("bad date " + strconv.Quote(s))
		}
		return n, nil
	}
	for _, l := range validityLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Unix(), nil
		}
	}
	return 0, errors.New("bad date " + strconv.Quote(s))
}

// parseValidity parses [<|>]date or date<>date.
func parseValidity(s string) (*validityItem, error) {
	s = strings.TrimSpace(s)
	v := &validityItem{op: '='}
	if s != "" && (s[0] == '<' || s[0] == '>') && !strings.HasPrefix(s, "<>") {
		v.op, s = s[0], strings.TrimSpace(s[1:])
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= ' ' && c <= ':' || c == 'T' || c == 'W' || c == '<' || c == '>') {
			return nil, errors.New("bad character in date " + strconv.Quote(s))
		}
	}
	first, second, isRange := strings.Cut(s, "<>")
	var err error
	if v.a, err = parseValidityDate(first); err != nil {
		return nil, err
	}
	if isRange {
		if v.op != '=' {
			return nil, errors.New("a range takes no < or >")
		}
		v.op = 'r'
		if v.b, err = parseValidityDate(second); err != nil {
			return nil, err
		}
		if v.b <= v.a {
			return nil, errors.New("the second date of a range must come after the first")
		}
	}
	return v, nil
}

func checkValidity(s string) error {
	_, err := parseValidity(s)
	return err
}

func validitySetup(notBefore bool) func(*sigBuilder, *ruleparser.Text) error {
	return func(b *sigBuilder, t *ruleparser.Text) error {
		v, err := parseValidity(t.Value)
		if err != nil {
			return errBadValue(err.Error())
		}
		v.notBefore = notBefore
		return b.addItemToBuffer(bufid.TLSCertValidity, v)
	}
}

func validityFlagSetup(op byte) func(*sigBuilder, *ruleparser.Flag) error {
	return func(b *sigBuilder, _ *ruleparser.Flag) error {
		return b.addItemToBuffer(bufid.TLSCertValidity, &validityItem{op: op})
	}
}
