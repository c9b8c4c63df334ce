package detect

import (
	"bytes"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// Snort's SIP rule options. They read the SIP message of the packet being
// inspected, request or response, in whichever direction it travels
// (package engine/applayer/sip's Tx.BufferAt): sip_header is a sticky
// buffer (bufid.SIPHeader: the start line, header fields and the empty line
// ending them), sip_method and sip_stat_code read bufid.SIPSnortMethod (a
// request's method) and bufid.SIPSnortStatCode (a response's status code).

// sipMethodItem is sip_method: the request's method is one of the listed
// ones, compared case-insensitively; a single negated method matches any
// other method. Responses never match.
type sipMethodItem struct {
	methods [][]byte
	negated bool
}

func (s *sipMethodItem) relative() bool { return false }
func (s *sipMethodItem) retry() bool    { return false }
func (s *sipMethodItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) == 0 {
		return cursor, cursor, false
	}
	in := false
	for _, m := range s.methods {
		if bytes.EqualFold(buf, m) {
			in = true
			break
		}
	}
	return cursor, cursor, in != s.negated
}

// setupSIPMethod is Snort's sip_method:method[,method...] or
// sip_method:!method (one method only with '!').
// Docs: https://docs.snort.org/rules/options/non_payload/sip_method
func setupSIPMethod(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	it := &sipMethodItem{}
	parts := strings.Split(arg, ",")
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, "!") {
			if len(parts) > 1 {
				return errBadValue("only one method is allowed with '!'")
			}
			it.negated, p = true, strings.TrimSpace(p[1:])
		}
		if p == "" || strings.ContainsAny(p, " \t\"") {
			return errBadValue("bad method " + strconv.Quote(p))
		}
		it.methods = append(it.methods, []byte(p))
	}
	return b.addItemToBuffer(bufid.SIPSnortMethod, it)
}

// sipStatCodeItem is sip_stat_code: the response's status code is one of
// the listed codes, a one-digit code standing for its class (4: 4xx).
type sipStatCodeItem struct{ codes []uint16 }

func (s *sipStatCodeItem) relative() bool { return false }
func (s *sipStatCodeItem) retry() bool    { return false }
func (s *sipStatCodeItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 3 {
		return cursor, cursor, false
	}
	code := uint16(0)
	for _, c := range buf {
		if c < '0' || c > '9' {
			return cursor, cursor, false
		}
		code = code*10 + uint16(c-'0')
	}
	for _, c := range s.codes {
		if c == code || c == code/100 {
			return cursor, cursor, true
		}
	}
	return cursor, cursor, false
}

// sipMaxStatCodes is how many codes Snort accepts in one sip_stat_code.
const sipMaxStatCodes = 20

// setupSIPStatCode is Snort's sip_stat_code:code[,code...], each code 1
// to 9 (a class) or 100 to 999.
// Docs: https://docs.snort.org/rules/options/non_payload/sip_stat_code
func setupSIPStatCode(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	it := &sipStatCodeItem{}
	for _, p := range strings.Split(arg, ",") {
		p = strings.TrimSpace(p)
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 || n > 999 || n > 9 && n < 100 {
			return errBadValue("status code must be 1 to 9 or 100 to 999")
		}
		it.codes = append(it.codes, uint16(n))
	}
	if len(it.codes) > sipMaxStatCodes {
		return errBadValue("too many status codes")
	}
	return b.addItemToBuffer(bufid.SIPSnortStatCode, it)
}
