package http

import (
	"bytes"
	"slices"
)

// NormalizeURI appends to dst the normalized form of a request URI the way
// Suricata's http.uri shows it (libhtp's normalized URI): for an absolute
// URI the scheme and authority are dropped; the path is percent-decoded
// (invalid escapes stay as they are), repeated slashes are compressed and
// "." and ".." segments are removed (RFC 3986 section 5.2.4); the query is
// appended after "?", percent-decoded but otherwise as sent. The fragment
// is dropped.
func NormalizeURI(dst, uri []byte) []byte {
	path := uri
	if a := uriAuthority(uri); a != nil {
		// Skip "scheme://authority".
		i := bytes.Index(uri, []byte("://"))
		rest := uri[i+3:]
		j := bytes.IndexAny(rest, "/?#")
		if j < 0 {
			rest = []byte("/")
		} else {
			rest = rest[j:]
		}
		path = rest
	}
	var query []byte
	hasQuery := false
	if i := bytes.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		query = path[i+1:]
		path = path[:i]
		hasQuery = true
	}
	start := len(dst)
	dst = appendPercentDecoded(dst, path)
	dst = dst[:start+len(removeDots(dst[start:]))]
	if hasQuery {
		// The query is percent-decoded too ("+" stays), as libhtp's
		// normalized URI shows it (checked against Suricata 7: "%20" and
		// "%2b" decode, "+" does not).
		dst = appendPercentDecoded(append(dst, '?'), query)
	}
	if dst == nil {
		dst = []byte{}
	}
	return dst
}

// appendPercentDecoded appends src to dst with valid %XX escapes decoded
// (invalid ones stay as they are).
func appendPercentDecoded(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '%' && i+2 < len(src) {
			h, ok1 := unhex(src[i+1])
			l, ok2 := unhex(src[i+2])
			if ok1 && ok2 {
				dst = append(dst, h<<4|l)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

func unhex(c byte) (byte, bool) {
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

// removeDots compresses "//" and resolves "." and ".." segments of path
// in place and returns the result, a prefix of path: the output never
// overtakes the input, so no scratch is needed (the per-packet path must
// not allocate).
func removeDots(path []byte) []byte {
	if len(path) == 0 {
		return path
	}
	base := 0 // output path[:w]: "/" when absolute, then segments joined by "/"
	if path[0] == '/' {
		base = 1
	}
	w, nseg, trailing := base, 0, false
	for r := 0; ; {
		e := bytes.IndexByte(path[r:], '/')
		if e < 0 {
			e = len(path)
		} else {
			e += r
		}
		switch seg := path[r:e]; string(seg) {
		case "", ".":
			trailing = true
		case "..":
			if nseg > 0 {
				nseg--
				if j := bytes.LastIndexByte(path[base:w], '/'); j >= 0 {
					w = base + j
				} else {
					w = base
				}
			}
			trailing = true
		default:
			trailing = false
			if nseg > 0 {
				path[w] = '/'
				w++
			}
			w += copy(path[w:], seg)
			nseg++
		}
		if e == len(path) {
			break
		}
		r = e + 1
	}
	if trailing && nseg > 0 {
		return append(path[:w], '/')
	}
	return path[:w]
}

// uriAuthority returns the authority (host[:port], userinfo removed) of an
// absolute URI "scheme://authority/...", or nil.
func uriAuthority(uri []byte) []byte {
	i := bytes.Index(uri, []byte("://"))
	if i <= 0 {
		return nil
	}
	for _, c := range uri[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return nil
		}
	}
	rest := uri[i+3:]
	if j := bytes.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if j := bytes.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:]
	}
	if len(rest) == 0 {
		return nil
	}
	return rest
}

// NormalizeHost returns a new slice with the host of a Host value (see
// appendHost).
func NormalizeHost(raw []byte) []byte { return appendHost([]byte{}, raw) }

// appendHost appends to dst the host of a Host value: port
// removed, lower-cased (as libhtp normalizes the hostname Suricata's
// http.host shows; a trailing dot is kept, as Suricata does). IPv6 literals keep their brackets.
func appendHost(dst, raw []byte) []byte {
	h := bytes.TrimSpace(raw)
	if len(h) > 0 && h[0] == '[' {
		if i := bytes.IndexByte(h, ']'); i >= 0 {
			h = h[:i+1]
		}
	} else if i := bytes.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	dst = slices.Grow(dst, len(h))
	for _, c := range h {
		dst = append(dst, lower(c))
	}
	return dst
}

// Port returns the port number of a Host value, or 0.
func hostPort(raw []byte) int {
	h := bytes.TrimSpace(raw)
	if len(h) > 0 && h[0] == '[' {
		i := bytes.IndexByte(h, ']')
		if i < 0 {
			return 0
		}
		h = h[i+1:]
		if len(h) == 0 || h[0] != ':' {
			return 0
		}
	}
	i := bytes.LastIndexByte(h, ':')
	if i < 0 {
		return 0
	}
	n, ok := parseUint(h[i+1:])
	if !ok || n > 65535 {
		return 0
	}
	return int(n)
}
