package detect

import (
	"fmt"
	"strings"

	"vigil/detect/bufid"
	"vigil/detect/pcre"
	"vigil/ruleparser"
)

// pcreItem is pcre:"/re/flags". PCRE2 gives the answer; a relative pcre
// runs on the buffer from the cursor on, so that ^ anchors there, as in
// Suricata. Docs: https://docs.suricata.io/en/latest/rules/pcre.html
type pcreItem struct {
	re      *pcre.Regexp
	rel     bool
	negated bool
	// caps are the groups stored as variables when the rule matches.
	caps []pcreCap
}

func (p *pcreItem) relative() bool { return p.rel }
func (p *pcreItem) retry() bool    { return !p.negated }

func (p *pcreItem) find(t *Thread, buf []byte, cursor, resume int) (int, int, bool) {
	base := 0
	if p.rel {
		base = min(cursor, len(buf))
	}
	start := 0
	if resume >= 0 {
		start = resume + 1 - base
		if start > len(buf)-base {
			return 0, 0, false
		}
	}
	ok, from, to := t.re.Match(p.re, buf[base:], start)
	if p.negated {
		if ok {
			return 0, 0, false
		}
		return cursor, cursor, true
	}
	if !ok {
		return 0, 0, false
	}
	if len(p.caps) > 0 {
		t.capture(p.caps, buf[base:])
	}
	return base + from, base + to, true
}

// pcreBuffers maps Suricata's buffer modifiers of pcre to buffers.
var pcreBuffers = map[byte]Buf{
	'U': bufid.HTTPURI, 'I': bufid.HTTPURIRaw, 'P': bufid.HTTPRequestBody, 'Q': bufid.HTTPResponseBody,
	'H': bufid.HTTPHeader, 'D': bufid.HTTPHeaderRaw, 'M': bufid.HTTPMethod, 'C': bufid.HTTPCookie,
	'S': bufid.HTTPStatCode, 'Y': bufid.HTTPStatMsg, 'V': bufid.HTTPUserAgent, 'W': bufid.HTTPHost,
	'Z': bufid.HTTPHostRaw,
}

func setupPCRE(b *sigBuilder, pc *ruleparser.PCRE) error {
	var flags pcre.Flags
	it := &pcreItem{negated: pc.Negated, rel: pc.Relative}
	buf, hasBuf := Buf(0), false
	for i := 0; i < len(pc.Flags); i++ {
		c := pc.Flags[i]
		if f, ok := pcre.ModifierFlag(c); ok {
			flags |= f
			continue
		}
		switch c {
		case 'R':
			it.rel = true
		case 'B', 'O':
			// B: Snort's "raw bytes" (no effect in Suricata); O: override
			// the match limit, which Vigil applies uniformly.
		default:
			bb, ok := pcreBuffers[c]
			if !ok {
				return fmt.Errorf("pcre modifier %q: %w", c, ErrUnsupported)
			}
			buf, hasBuf = bb, true
		}
	}
	re, err := pcre.Compile(pc.Pattern, flags)
	if err != nil {
		return errBadValue(err.Error())
	}
	it.re = re
	if len(pc.Captures) > 0 || strings.Contains(pc.Pattern, "(?P<") {
		if it.caps, err = pcreCaptures(pc, re.NumGroups()); err != nil {
			return errBadValue(err.Error())
		}
		if pc.Negated {
			it.caps = nil // a negated pcre has no match to capture from
		}
	}
	if hasBuf {
		return b.addItemToBuffer(buf, it)
	}
	return b.add(it)
}
