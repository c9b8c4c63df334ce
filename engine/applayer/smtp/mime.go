package smtp

import (
	"bytes"
	"crypto/md5"
	"hash"
)

// MIME limits.
const (
	// MaxHeaders caps the headers kept per header block (the message's,
	// or one part's); MaxHeaderBytes caps their names and values
	// together, MaxHeaderValue one value with its folded lines.
	MaxHeaders     = 256
	MaxHeaderBytes = 64 << 10
	MaxHeaderValue = 16 << 10
	// MaxDepth caps nested multipart boundaries; the parts of a deeper
	// multipart are not split (its content is ignored).
	MaxDepth = 8
	// MaxBoundary is the longest boundary followed (RFC 2046 allows 70).
	MaxBoundary = 1024
	// MaxFiles caps the files per transaction; later parts are not files.
	MaxFiles = 64
	// MaxFileName is the longest file name kept (Suricata's MIME token
	// limit); longer names are cut.
	MaxFileName = 255
)

// Content transfer encodings decoded.
const (
	encPlain uint8 = iota
	encBase64
	encQP
)

// part is the body part being read.
type part struct {
	enc  uint8
	file *File // nil when the part is not a file
	// text marks a part whose text is searched for URLs although it is
	// not a file: text/plain, text/html or a message (the default).
	text bool
	// held is the end of line of the last plain line, written only when
	// another line follows (the one before a boundary belongs to it).
	held []byte
	// b64 holds the sextets of an incomplete base64 quantum.
	b64  [4]byte
	b64n int
	// qp holds the start of a quoted-printable escape cut by a long-line
	// split ("=" or "=X").
	qp  [2]byte
	qpn int
}

// mimeState decodes the mail data of one transaction.
type mimeState struct {
	t        *Tx
	inHeader bool     // reading a header block
	main     bool     // the header block is the message's own
	skip     bool     // ignoring the rest of an over-long line
	hdrs     []Header // current header block
	hdrBytes int
	// stack holds "--"+boundary of the open multiparts, innermost last.
	stack [][]byte
	part  part
	out   []byte // decode scratch
	ended bool
	// urlLine holds decoded text not yet searched for URLs (url.go).
	urlLine []byte
	// md5 hashes the message body when Config.MIME.BodyMD5 is set, from
	// the first line after the message headers to the end of the mail.
	md5 hash.Hash
}

func newMIME(t *Tx) *mimeState {
	return &mimeState{t: t, inHeader: true, main: true}
}

// segment handles one line of mail data without its end of line (eol;
// crlf when that was CRLF), or a piece of a longer line; start says it
// begins the line.
func (m *mimeState) segment(seg []byte, start, eol, crlf bool) {
	if m.ended {
		return
	}
	if m.md5 != nil {
		m.md5.Write(seg)
		if eol {
			m.md5.Write(eolBytes(crlf))
		}
	}
	if start {
		m.skip = false
	} else if m.skip {
		return
	}
	if m.inHeader {
		if !eol {
			m.skip = true // a header line is cut at MaxLine
		}
		m.headerLine(seg)
		return
	}
	if start && len(m.stack) > 0 && len(seg) >= 2 && seg[0] == '-' && seg[1] == '-' {
		// Boundary lines, innermost multipart first; like Suricata a
		// line only has to start with the delimiter.
		for i := len(m.stack) - 1; i >= 0; i-- {
			b := m.stack[i]
			if !bytes.HasPrefix(seg, b) {
				continue
			}
			m.closePart()
			if rest := seg[len(b):]; len(rest) >= 2 && rest[0] == '-' && rest[1] == '-' {
				// Close delimiter: what follows, up to a boundary of an
				// enclosing multipart, is ignored.
				m.stack = m.stack[:i]
			} else {
				m.stack = m.stack[:i+1]
				m.inHeader, m.hdrs, m.hdrBytes = true, m.hdrs[:0], 0
			}
			m.skip = !eol
			return
		}
	}
	m.body(seg, eol, crlf)
}

// headerLine adds one line of a header block.
func (m *mimeState) headerLine(line []byte) {
	if len(line) == 0 {
		m.headersDone()
		return
	}
	if line[0] == ' ' || line[0] == '\t' {
		if n := len(m.hdrs); n > 0 {
			h := &m.hdrs[n-1]
			add := line[1:]
			add = add[:min(len(add), MaxHeaderValue-len(h.Value), MaxHeaderBytes-m.hdrBytes)]
			h.Value = append(h.Value, add...)
			m.hdrBytes += len(add)
		}
		return
	}
	// "Name: value"; other lines are ignored, as Suricata does.
	c := bytes.IndexByte(line, ':')
	if c < 0 || len(m.hdrs) >= MaxHeaders || m.hdrBytes+len(line) > MaxHeaderBytes {
		return
	}
	v := line[c+1:]
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t' || v[0] == '\r' || v[0] == '\n') {
		v = v[1:]
	}
	m.hdrs = append(m.hdrs, Header{Name: append([]byte{}, line[:c]...), Value: append([]byte{}, v...)})
	m.hdrBytes += c + len(v)
}

// get returns the value of the first header of the block named name.
func (m *mimeState) get(name string) ([]byte, bool) {
	for i := range m.hdrs {
		if len(m.hdrs[i].Name) == len(name) && hasPrefixFold(m.hdrs[i].Name, name) {
			return m.hdrs[i].Value, true
		}
	}
	return nil, false
}

// headersDone ends a header block and starts its body.
func (m *mimeState) headersDone() {
	m.inHeader = false
	hdrs := m.hdrs
	if m.main {
		// The message headers stay with the transaction (email.*).
		m.main = false
		m.t.Headers, m.t.headersDone = hdrs, true
		m.hdrs = nil
		if m.t.p.cfg.MIME.BodyMD5 {
			m.md5 = md5.New()
		}
	}
	m.part = part{text: true}
	for i := range hdrs {
		if len(hdrs[i].Name) == 25 && hasPrefixFold(hdrs[i].Name, "content-transfer-encoding") {
			v := bytes.TrimSpace(hdrs[i].Value)
			switch {
			case len(v) == 6 && hasPrefixFold(v, "base64"):
				m.part.enc = encBase64
			case len(v) == 16 && hasPrefixFold(v, "quoted-printable"):
				m.part.enc = encQP
			}
		}
	}
	var name []byte
	for i := range hdrs {
		if len(hdrs[i].Name) == 19 && hasPrefixFold(hdrs[i].Name, "content-disposition") {
			if name = headerParam(hdrs[i].Value, "filename"); len(name) > 0 {
				break
			}
		}
	}
	var ctype []byte
	for i := range hdrs {
		if len(hdrs[i].Name) == 12 && hasPrefixFold(hdrs[i].Name, "content-type") {
			ctype = hdrs[i].Value
			break
		}
	}
	if len(name) == 0 {
		name = headerParam(ctype, "name")
	}
	encap := false
	if len(ctype) > 0 {
		// Suricata compares the type before any parameter as sent.
		ct, _, _ := bytes.Cut(ctype, []byte{';'})
		encap = bytes.HasPrefix(ct, []byte("message/"))
		m.part.text = encap || string(ct) == "text/plain" || string(ct) == "text/html"
	}
	if b := headerParam(ctype, "boundary"); len(b) > 0 && len(b) <= MaxBoundary {
		// A multipart: its parts follow its boundaries.
		if len(m.stack) < MaxDepth {
			m.stack = append(m.stack, append([]byte("--"), b...))
		}
		return
	}
	t := m.t
	if len(name) > MaxFileName {
		name = name[:MaxFileName]
	}
	if len(name) > 0 && len(t.Attachments) < MaxFiles {
		t.Attachments = append(t.Attachments, append([]byte{}, name...))
	}
	if encap {
		// An encapsulated message (message/rfc822): as in Suricata, its
		// own header block follows and the encoding, file name and
		// content type of this block are dropped (the name stays an
		// attachment name), so the inner message is parsed as sent.
		m.inHeader, m.hdrs, m.hdrBytes = true, m.hdrs[:0], 0
		m.part = part{text: true}
		return
	}
	if len(name) == 0 || len(t.Files) >= MaxFiles {
		return
	}
	f := &File{Name: append([]byte{}, name...)}
	t.Files = append(t.Files, f)
	m.part.file = f
}

// closePart ends the current part: its file is complete.
func (m *mimeState) closePart() {
	m.urlLine = m.urlLine[:0] // a part's unfinished line is not searched
	f := m.part.file
	if f == nil {
		m.part = part{}
		return
	}
	switch m.part.enc {
	case encQP:
		// A cut escape at the very end stays literal.
		m.write(m.part.qp[:m.part.qpn])
	case encBase64:
		// An incomplete quantum decodes what it holds.
		m.out = flushB64(m.out[:0], &m.part)
		m.write(m.out)
	}
	f.Done = true
	m.part = part{}
}

// finish ends the mail: complete is false when it was abandoned (another
// DATA, a rejected DATA), which leaves the open file incomplete.
func (m *mimeState) finish(complete bool) {
	if m.ended {
		return
	}
	m.ended = true
	if complete {
		// The unfinished last line is searched for URLs too.
		m.urlText(nil, lf)
		m.closePart()
	}
	if m.md5 != nil {
		m.t.bodyMD5 = m.md5.Sum(m.t.bodyMD5[:0])
		m.md5 = nil
	}
	if m.main {
		// The mail had no blank line after its headers.
		m.main = false
		m.t.Headers, m.t.headersDone = m.hdrs, true
	}
	m.hdrs, m.stack, m.out, m.urlLine = nil, nil, nil, nil
}

// write appends decoded bytes to the current file.
func (m *mimeState) write(b []byte) {
	f := m.part.file
	if f == nil || len(b) == 0 {
		return
	}
	f.Size += uint64(len(b))
	t := m.t
	room := t.p.cfg.FileLimit - t.fileBytes
	if room < len(b) {
		b = b[:max(room, 0)]
		f.Truncated = true
	}
	f.Data = append(f.Data, b...)
	t.fileBytes += len(b)
}

// body handles a line (or piece) of part content.
// Like Suricata, a part that is not a file but text has its URLs
// extracted from the raw text (plain and quoted-printable) or the decoded
// text (base64); a file has them extracted from its decoded content.
// decode-base64 and decode-quoted-printable off leave such parts
// undecoded: no file data, no URLs.
func (m *mimeState) body(seg []byte, eol, crlf bool) {
	p := &m.part
	if p.file == nil && !p.text {
		return
	}
	cfg := &m.t.p.cfg.MIME
	var nl []byte
	if eol {
		nl = eolBytes(crlf)
	}
	switch p.enc {
	case encPlain:
		m.write(p.held)
		m.write(seg)
		p.held = nl
		m.urlText(seg, nl)
	case encBase64:
		if cfg.NoBase64 {
			return
		}
		m.out = decodeB64(m.out[:0], p, seg)
		m.write(m.out)
		m.urlText(m.out, nil)
	case encQP:
		if p.file == nil {
			m.urlText(seg, nl)
			return
		}
		if cfg.NoQuotedPrintable {
			return
		}
		m.out = decodeQP(m.out[:0], p, seg, eol)
		if eol && !softBreak(seg) {
			m.out = append(m.out, nl...)
		}
		m.write(m.out)
		m.urlText(m.out, nil)
	}
}

func eolBytes(crlf bool) []byte {
	if crlf {
		return crlfBytes
	}
	return lf
}

var (
	lf        = []byte("\n")
	crlfBytes = []byte("\r\n")
)

// b64Val maps base64 characters to their sextet; 0xff for others.
var b64Val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// decodeB64 decodes base64 text into out, carrying an incomplete quantum
// in p. Characters outside the alphabet are ignored (RFC 2045 section
// 6.8); "=" ends the quantum.
func decodeB64(out []byte, p *part, in []byte) []byte {
	for _, c := range in {
		if c == '=' {
			out = flushB64(out, p)
			continue
		}
		v := b64Val[c]
		if v == 0xff {
			continue
		}
		p.b64[p.b64n] = v
		if p.b64n++; p.b64n == 4 {
			out = append(out, p.b64[0]<<2|p.b64[1]>>4, p.b64[1]<<4|p.b64[2]>>2, p.b64[2]<<6|p.b64[3])
			p.b64n = 0
		}
	}
	return out
}

// flushB64 decodes an incomplete quantum (2 or 3 sextets) and resets it.
func flushB64(out []byte, p *part) []byte {
	switch p.b64n {
	case 2:
		out = append(out, p.b64[0]<<2|p.b64[1]>>4)
	case 3:
		out = append(out, p.b64[0]<<2|p.b64[1]>>4, p.b64[1]<<4|p.b64[2]>>2)
	}
	p.b64n = 0
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// softBreak reports a quoted-printable line ending in "=" (white space
// after it ignored): its end of line is not part of the content.
func softBreak(line []byte) bool {
	line = bytes.TrimRight(line, " \t")
	return len(line) > 0 && line[len(line)-1] == '='
}

// decodeQP decodes quoted-printable text into out (RFC 2045 section 6.7).
// An escape cut at the end of a piece of a long line (!eol) is carried in
// p; a soft line break is dropped; an invalid escape stays literal.
func decodeQP(out []byte, p *part, in []byte, eol bool) []byte {
	if p.qpn > 0 {
		// Complete the carried escape with the first bytes of in.
		var buf [3]byte
		n := copy(buf[:], p.qp[:p.qpn])
		k := copy(buf[n:], in)
		p.qpn = 0
		if n+k < 3 && !eol {
			copy(p.qp[:], buf[:n+k])
			p.qpn = n + k
			return out
		}
		out, _ = qpEscape(out, buf[:n+k])
		in = in[k:]
	}
	if eol && softBreak(in) {
		in = bytes.TrimRight(in, " \t")
		in = in[:len(in)-1]
	}
	for i := 0; i < len(in); {
		c := in[i]
		if c != '=' {
			out = append(out, c)
			i++
			continue
		}
		if len(in)-i < 3 && !eol {
			p.qpn = copy(p.qp[:], in[i:])
			return out
		}
		var n int
		out, n = qpEscape(out, in[i:])
		i += n
	}
	return out
}

// qpEscape decodes the escape at the start of s ("=XX") and returns the
// bytes consumed; an invalid one yields "=" alone.
func qpEscape(out, s []byte) ([]byte, int) {
	if len(s) >= 3 {
		hi, ok1 := unhex(s[1])
		lo, ok2 := unhex(s[2])
		if ok1 && ok2 {
			return append(out, hi<<4|lo), 3
		}
	}
	return append(out, '='), 1
}

// headerParam returns the value of parameter name of a structured header
// value (`attachment; filename="a.txt"`): parameters follow the first ';',
// quoted values lose their quotes (backslash escapes kept), the last
// occurrence wins, and RFC 2231 continuations (name*0, name*1, ...) are
// joined when the plain name is missing. Names compare case-insensitively.
// The result aliases v or is a new slice; nil when absent.
func headerParam(v []byte, name string) []byte {
	semi := bytes.IndexByte(v, ';')
	if semi < 0 {
		return nil
	}
	var found []byte
	var sections [][]byte // indexed by continuation number
	s := v[semi+1:]
	for {
		s = trimSpaceLeft(s)
		eq := bytes.IndexByte(s, '=')
		if len(s) == 0 || eq < 0 {
			break
		}
		pn := bytes.TrimSpace(s[:eq])
		s = s[eq+1:]
		var val []byte
		if len(s) > 0 && s[0] == '"' {
			end, esc := -1, false
			for i := 1; i < len(s); i++ {
				if s[i] == '\\' {
					esc = !esc
					continue
				}
				if s[i] == '"' && !esc {
					end = i
					break
				}
				esc = false
			}
			if end < 0 {
				break // unterminated: keep what came before
			}
			val, s = s[1:end], s[end+1:]
		} else {
			k := bytes.IndexByte(s, ';')
			if k < 0 {
				k = len(s)
			}
			val, s = bytes.TrimRight(s[:k], " \t\r\n"), s[k:]
		}
		s = trimSpaceLeft(s)
		if len(s) > 0 && s[0] == ';' {
			s = s[1:]
		}
		switch {
		case len(pn) == len(name) && hasPrefixFold(pn, name):
			found = val
		case len(pn) > len(name)+1 && hasPrefixFold(pn, name) && pn[len(name)] == '*':
			if n, ok := sectionNum(pn[len(name)+1:]); ok && n < 64 {
				for len(sections) <= n {
					sections = append(sections, nil)
				}
				sections[n] = val
			}
		}
	}
	if found != nil || len(sections) == 0 || sections[0] == nil {
		return found
	}
	var joined []byte
	for _, sec := range sections {
		if sec == nil {
			break
		}
		joined = append(joined, sec...)
	}
	return joined
}

func trimSpaceLeft(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	return s
}

// sectionNum parses the decimal section number of an RFC 2231
// continuation name ("0", "12").
func sectionNum(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
