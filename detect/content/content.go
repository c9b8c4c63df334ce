package content

import "bytes"

// lower maps ASCII upper-case letters to lower case and every other byte to
// itself. It is the only case-folding table of the package.
var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c) + ('a' - 'A')
	}
	return t
}()

// Needle is a content pattern prepared for repeated searches. For a
// case-insensitive pattern it holds the folded pattern and a
// Boyer-Moore-Horspool skip table over folded bytes; a case-sensitive
// pattern, or one without ASCII letters, is searched with bytes.Index.
type Needle struct {
	pat    []byte      // pattern as given (copy), folded to lower case when fold is set
	fold   bool        // compare case-insensitively
	nocase bool        // as requested by the rule, reported by Nocase
	skip   *[256]uint8 // only for fold: most needles are case-sensitive
}

// NewNeedle prepares b for searching. The pattern is copied, so the caller
// may reuse b. With nocase, ASCII letters match either case.
func NewNeedle(b []byte, nocase bool) *Needle {
	n := &Needle{pat: bytes.Clone(b), nocase: nocase}
	if n.pat == nil {
		n.pat = []byte{}
	}
	if !nocase || !hasLetter(b) {
		return n
	}
	n.fold = true
	for i, c := range n.pat {
		n.pat[i] = lower[c]
	}
	m := len(n.pat)
	// Shifts are capped at 255 so the table stays 256 bytes; a smaller
	// shift than the true one is always safe, only slower.
	def := uint8(min(m, 255))
	n.skip = new([256]uint8)
	for i := range n.skip {
		n.skip[i] = def
	}
	for i := 0; i < m-1; i++ {
		s := uint8(min(m-1-i, 255))
		c := n.pat[i]
		n.skip[c] = s
		if u := c - ('a' - 'A'); c >= 'a' && c <= 'z' {
			n.skip[u] = s
		}
	}
	return n
}

func hasLetter(b []byte) bool {
	for _, c := range b {
		if lower[c] != c || (c >= 'a' && c <= 'z') {
			return true
		}
	}
	return false
}

// Len returns the pattern length in bytes.
func (n *Needle) Len() int { return len(n.pat) }

// Nocase reports whether the needle was built case-insensitive.
func (n *Needle) Nocase() bool { return n.nocase }

// Bytes returns the pattern, folded to lower case for a case-insensitive
// needle with letters. The caller must not modify it.
func (n *Needle) Bytes() []byte { return n.pat }

// Index returns the offset of the first occurrence of the needle in h, or
// -1. An empty needle matches at 0.
func (n *Needle) Index(h []byte) int {
	if !n.fold {
		return bytes.Index(h, n.pat)
	}
	p := n.pat
	m := len(p)
	last := p[m-1]
	for i := 0; i+m <= len(h); {
		c := lower[h[i+m-1]]
		if c == last && equalFold(h[i:i+m-1], p[:m-1]) {
			return i
		}
		i += int(n.skip[h[i+m-1]])
	}
	return -1
}

// Match reports whether the needle occurs in h.
func (n *Needle) Match(h []byte) bool { return n.Index(h) >= 0 }

// equalFold reports whether h folded equals p, which is already folded.
func equalFold(h, p []byte) bool {
	for i, c := range p {
		if lower[h[i]] != c {
			return false
		}
	}
	return true
}

// Find returns the offset of the first occurrence of needle in haystack, or
// -1, comparing ASCII letters case-insensitively when nocase is set. It
// builds no table: use a Needle for a pattern searched more than once.
func Find(haystack, needle []byte, nocase bool) int {
	if !nocase {
		return bytes.Index(haystack, needle)
	}
	m := len(needle)
	if m == 0 {
		return 0
	}
	first := lower[needle[0]]
	for i := 0; i+m <= len(haystack); i++ {
		if lower[haystack[i]] != first {
			continue
		}
		j := 1
		for j < m && lower[haystack[i+j]] == lower[needle[j]] {
			j++
		}
		if j == m {
			return i
		}
	}
	return -1
}
