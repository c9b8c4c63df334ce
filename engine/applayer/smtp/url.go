package smtp

import "bytes"

// URL extraction from mail bodies (app-layer.protocols.smtp.mime
// extract-urls), as Suricata 8 does it: the decoded text of text/plain,
// text/html and message parts and of attachments is searched line by line
// for each configured scheme, case-insensitively; a URL runs from its
// scheme to the first space, tab, quote, apostrophe, angle bracket or
// closing square bracket (an end of line does not end it, so a URL
// closing a line keeps its CR LF, as in Suricata). Suricata logs the URLs
// last found first.

// Limits of URL extraction.
const (
	// MaxURLs caps the URLs kept per transaction.
	MaxURLs = 256
	// maxURLLine is the longest decoded text searched as one line
	// (Suricata's 8 KiB decoded-line limit); longer text is searched in
	// pieces.
	maxURLLine = 8192
)

var defaultSchemes = []string{"http://"}

// urlText adds decoded body text (b, then nl) to the line buffer and
// searches the complete lines it holds.
func (m *mimeState) urlText(b, nl []byte) {
	cfg := &m.t.p.cfg.MIME
	if cfg.NoURLs {
		return
	}
	m.urlLine = append(m.urlLine, b...)
	m.urlLine = append(m.urlLine, nl...)
	n := len(m.urlLine)
	switch i := bytes.LastIndexByte(m.urlLine, '\n'); {
	case n == 0:
	case m.urlLine[n-1] == '\n' || n > maxURLLine:
		m.extractURLs(m.urlLine)
		m.urlLine = m.urlLine[:0]
	case i > 0:
		// The line after the last end of line is kept, with that end of
		// line (it can no longer end a URL).
		m.extractURLs(m.urlLine[:i])
		m.urlLine = m.urlLine[:copy(m.urlLine, m.urlLine[i:])]
	}
}

// extractURLs adds the URLs of text to the transaction.
func (m *mimeState) extractURLs(text []byte) {
	cfg := &m.t.p.cfg.MIME
	schemes := cfg.URLSchemes
	if schemes == nil {
		schemes = defaultSchemes
	}
	t := m.t
	for _, s := range schemes {
		in := text
		for len(t.URLs) < MaxURLs {
			i := indexFold(in, s)
			if i < 0 {
				break
			}
			u := in[i:]
			if j := bytes.IndexAny(u, " \"'<>]\t"); j >= 0 {
				u = u[:j]
			}
			in = in[i+len(u):]
			if !cfg.LogURLScheme {
				u = u[len(s):]
			}
			t.URLs = append(t.URLs, append([]byte{}, u...))
		}
	}
}

// indexFold returns the index of the first instance of the ASCII string
// s in b, ignoring case, or -1.
func indexFold(b []byte, s string) int {
	if len(s) == 0 {
		return 0
	}
	for i := 0; i+len(s) <= len(b); i++ {
		if eqFoldAt(b[i:], s) {
			return i
		}
	}
	return -1
}

func eqFoldAt(b []byte, s string) bool {
	for k := 0; k < len(s); k++ {
		c, d := b[k], s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}
