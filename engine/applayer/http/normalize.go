package http

import "bytes"

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
	dst = append(dst[:start], removeDots(dst[start:])...)
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
// (which it may reuse as scratch) and returns the result.
func removeDots(path []byte) []byte {
	if len(path) == 0 {
		return path
	}
	abs := path[0] == '/'
	var segs [][]byte
	trailing := false
	for _, s := range bytes.Split(path, []byte("/")) {
		trailing = false
		switch string(s) {
		case "":
			trailing = true
			continue
		case ".":
			trailing = true
			continue
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			trailing = true
			continue
		}
		segs = append(segs, s)
	}
	out := make([]byte, 0, len(path))
	if abs {
		out = append(out, '/')
	}
	for i, s := range segs {
		if i > 0 {
			out = append(out, '/')
		}
		out = append(out, s...)
	}
	if trailing && len(segs) > 0 {
		out = append(out, '/')
	}
	return out
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

// NormalizeHost returns a new slice with the host of a Host value: port
// removed, lower-cased (as libhtp normalizes the hostname Suricata's
// http.host shows; a trailing dot is kept, as Suricata does). IPv6 literals keep their brackets.
func NormalizeHost(raw []byte) []byte {
	h := bytes.TrimSpace(raw)
	if len(h) > 0 && h[0] == '[' {
		if i := bytes.IndexByte(h, ']'); i >= 0 {
			h = h[:i+1]
		}
	} else if i := bytes.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	out := make([]byte, len(h))
	for i, c := range h {
		out[i] = lower(c)
	}
	return out
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
