package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Response tolerance. Browsers accept malformed responses, so an IDS that
// is stricter than the browser can be walked past (noxxi's HTTP evader
// corpus is built on that). The rules below follow libhtp, Suricata's HTTP
// parser, so that Vigil sees the body the browser renders:
//
//   - a response starts with a line whose first non-space characters are
//     "HTTP" in any case (any version); a junk line is skipped when the
//     next line begins with 'H' or the junk is at most two bytes, and
//     otherwise starts an HTTP/0.9 body (respStart);
//   - a bare CR ends a header line, as does LF CR; a line " \n" or "\t\n"
//     ends the header block when no LF follows (headTerminator);
//   - folded lines (leading SP, HT or NUL) are appended as received; a
//     folded line that holds a colon after a header that holds one starts a
//     new header on HTTP/1.1; a header name loses trailing white space
//     (parseResponseHead);
//   - header names are matched ignoring case and NUL bytes, repeated
//     headers are joined with ", " except Content-Length, where the first
//     wins (field);
//   - "chunked" anywhere in Transfer-Encoding (case and NULs ignored)
//     selects chunked coding, before Content-Length and on any protocol
//     version; Content-Length skips leading junk and ignores trailing junk;
//     204/304/1xx responses carry a body when they announce one;
//   - chunk sizes skip leading white space and blank lines and ignore
//     whatever follows the hex digits; an invalid size turns the rest of
//     the response into a body read until the connection closes, starting
//     with the bad line (parseChunkSize, notChunked);
//   - bytes after a complete response that do not start like a status
//     line, in the same segment, belong to that response's body (tail).

// looksLikeStatus reports whether line (without its line end) starts like a
// status line: "HTTP" in any case after optional white space and NULs.
// more is set when line is too short to tell and may continue.
func looksLikeStatus(line []byte, complete bool) (ok, more bool) {
	i := 0
	for i < len(line) && (isHTSpace(line[i]) || line[i] == 0) {
		i++
	}
	if len(line)-i < 4 {
		return false, !complete
	}
	return equalFold(line[i:i+4], "http"), false
}

// isHTSpace is libhtp's white space: SP, HT, CR, LF, VT and FF.
func isHTSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// chomp removes trailing CR and LF bytes.
func chomp(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// respStart handles the first bytes of a response line (after blank lines).
// It returns the bytes consumed and whether a status line begins at b.
func (p *Parser) respStart(s *side, b []byte) (int, bool) {
	lf := bytes.IndexByte(b, '\n')
	line := b
	if lf >= 0 {
		line = b[:lf+1]
	}
	if ok, more := looksLikeStatus(chomp(line), lf >= 0); ok || more {
		return 0, true
	}
	if s.tail != nil {
		// Junk right after a complete response: more of its body
		// (libhtp's RESPONSE_BODY_UNEXPECTED).
		p.body(applayer.ToClient, s.tail, line)
		s.tail.raise(applayer.ToClient, bufid.HTTPResponseBodyUnexpected)
		return len(line), false
	}
	if lf >= 0 && len(b) > lf+2 && (b[lf+1] == 'H' || len(chomp(line)) <= 2) {
		return len(line), false // a junk line before the status line
	}
	return 0, false
}

// headTerminator reports whether line, the last LF-terminated line of a
// response head (not its first line), ends the head. prevBareLF tells that
// the line before ended in LF without CR (a CR starting line then belongs
// to that line end); next is the byte after line, or -1 if unknown. lfcr
// is set when the head ended in LF CR CR LF: libhtp then also takes a
// CR LF that follows as part of the head's end.
func headTerminator(line []byte, prevBareLF bool, next int) (end, lfcr bool) {
	if prevBareLF && len(line) > 0 && line[0] == '\r' {
		line = line[1:]
		lfcr = true
	}
	switch {
	case len(line) == 1:
		return true, false // "\n"
	case len(line) == 2 && line[0] == '\r':
		return true, lfcr // "\r\n"
	case len(line) == 2 && (line[0] == ' ' || line[0] == '\t'):
		return next != '\n', false // " \n" unless an LF follows
	}
	return false, false
}

// nextHeadLine splits the first logical line off a response head: lines
// end at LF (taking a CR that follows a bare LF), at CRLF, and at a CR
// that is followed by anything but CR or LF.
func nextHeadLine(b []byte) (line, rest []byte) {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\n':
			end := i + 1
			if (i == 0 || b[i-1] != '\r') && end < len(b) && b[end] == '\r' {
				end++
			}
			return chomp(b[:i]), b[end:]
		case '\r':
			if i+1 < len(b) && (b[i+1] == '\n' || b[i+1] == '\r') {
				continue
			}
			return chomp(b[:i]), b[i+1:]
		}
	}
	return chomp(b), nil
}

// parseResponseHead splits a response head into status line and headers
// with libhtp's line ending, folding and field rules.
func (m *Message) parseResponseHead() {
	line, rest := nextHeadLine(m.head)
	m.Line = line
	m.HeaderRaw = rest
	m.splitStatusLine()
	http11 := bytes.Equal(m.Protocol, []byte("HTTP/1.1"))
	m.Headers = m.Headers[:0]
	var pending []byte
	have := false
	for len(rest) > 0 {
		line, rest = nextHeadLine(rest)
		if len(line) == 0 {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' && line[0] != 0 {
			if have {
				m.addResponseHeader(pending)
			}
			pending, have = line, true
			continue
		}
		switch {
		case !have:
			// Folding without a header to fold into.
			pending, have = bytes.TrimLeft(line, " \t\x00"), true
		case http11 && bytes.IndexByte(line, ':') >= 0 && bytes.IndexByte(pending, ':') >= 0:
			m.addResponseHeader(pending)
			pending = line[1:]
		default:
			pending = append(append(make([]byte, 0, len(pending)+len(line)), pending...), line...)
		}
	}
	if have {
		m.addResponseHeader(pending)
	}
}

// addResponseHeader parses one unfolded response header line. A line
// without a colon becomes a header with an empty name whose value is the
// line, so its content is still inspected.
func (m *Message) addResponseHeader(line []byte) {
	c := bytes.IndexByte(line, ':')
	if c < 0 {
		m.Headers = append(m.Headers, Header{Name: line[:0], Value: bytes.Trim(line, " \t")})
		return
	}
	name := line[:c]
	for len(name) > 0 && isHTSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	m.Headers = append(m.Headers, Header{Name: name, Value: bytes.Trim(line[c+1:], " \t")})
}

// equalFoldNoZero compares b with s ignoring case and NUL bytes in b.
func equalFoldNoZero(b []byte, s string) bool {
	j := 0
	for _, c := range b {
		if c == 0 {
			continue
		}
		if j >= len(s) || lower(c) != lower(s[j]) {
			return false
		}
		j++
	}
	return j == len(s)
}

// containsFoldNoZero reports whether s occurs in b, ignoring case and NUL
// bytes in b.
func containsFoldNoZero(b []byte, s string) bool {
	for i := range b {
		j, k := 0, i
		for k < len(b) && j < len(s) {
			if b[k] == 0 {
				k++
				continue
			}
			if lower(b[k]) != lower(s[j]) {
				break
			}
			j++
			k++
		}
		if j == len(s) {
			return true
		}
	}
	return false
}

// field returns the value of header name (case and NULs ignored in the
// received names) for framing decisions: repeated headers joined with
// ", ", or the first one when first is set. nil when absent.
func (m *Message) field(name string, first bool) []byte {
	var v []byte
	n := 0
	for i := range m.Headers {
		if !equalFoldNoZero(m.Headers[i].Name, name) {
			continue
		}
		n++
		switch {
		case n == 1:
			v = m.Headers[i].Value
			if v == nil {
				v = []byte{}
			}
			if first {
				return v
			}
		case n == 2:
			v = append(append(append(make([]byte, 0, 2*len(v)+8), v...), ", "...), m.Headers[i].Value...)
		default:
			v = append(append(v, ", "...), m.Headers[i].Value...)
		}
	}
	return v
}

// parseContentLength reads a Content-Length value as libhtp does: junk
// before the digits is skipped and junk after them ignored.
func parseContentLength(b []byte) (int64, bool) {
	i := 0
	for i < len(b) && (b[i] < '0' || b[i] > '9') {
		i++
	}
	if i == len(b) {
		return 0, false
	}
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(b[i]-'0')
	}
	return n, true
}

// chunk size results
const (
	chunkOK      = iota
	chunkBlank   // a blank line: skip it and read the next
	chunkInvalid // not a chunk size
)

// parseChunkSize reads a chunk-size line: leading white space (SP, HT,
// VT, FF, CR, LF) skipped, then hex digits; whatever follows them
// (extensions, junk) is ignored. Sizes above 2^31-1 are invalid.
func parseChunkSize(line []byte) (int64, int) {
	i := 0
	for i < len(line) && isChunkSpace(line[i]) {
		i++
	}
	if i == len(line) {
		return 0, chunkBlank
	}
	var n int64
	j := i
	for ; j < len(line); j++ {
		v, ok := hexVal(line[j])
		if !ok {
			break
		}
		n = n<<4 | int64(v)
		if n > 0x7fffffff {
			return 0, chunkInvalid
		}
	}
	if j == i {
		return 0, chunkInvalid
	}
	return n, chunkOK
}

func isChunkSpace(c byte) bool {
	return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\v' || c == '\f'
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// notChunked reports that a chunk-size line in progress (no line end yet)
// cannot be one: at least 8 bytes and the first that is not white space is
// not a hex digit (libhtp's probe for bodies sent raw under chunked).
func notChunked(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	for _, c := range b {
		if isChunkSpace(c) {
			continue
		}
		_, ok := hexVal(c)
		return !ok
	}
	return false
}
