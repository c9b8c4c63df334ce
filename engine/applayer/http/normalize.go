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
// (which it may reuse as scratch) and returns the result.
func removeDots(path []byte) []byte {
	if len(path) == 0 {
		return path
	}
	// The result is built in place: every '/' and segment written was
	// read before (a kept segment is preceded by a '/' of its own in
	// path), so the write position never passes the read position.
	out := path[:0]
	base := 0 // where the first segment starts in out
	if path[0] == '/' {
		out = append(out, '/')
		base = 1
	}
	segs := 0
	trailing := false
	rest := path
	for more := true; more; {
		var s []byte
		s, rest, more = bytes.Cut(rest, []byte("/"))
		trailing = false
		switch string(s) {
		case "", ".":
			trailing = true
			continue
		case "..":
			if segs > 0 {
				segs--
				if segs == 0 {
					out = out[:base]
				} else {
					out = out[:bytes.LastIndexByte(out, '/')]
				}
			}
			trailing = true
			continue
		}
		if segs > 0 {
			out = append(out, '/')
		}
		out = append(out, s...)
		segs++
	}
	if trailing && segs > 0 {
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
	return appendHost(nil, raw)
}

// appendHost appends the normalized host of raw (NormalizeHost) to dst.
func appendHost(dst, raw []byte) []byte {
	h := bytes.TrimSpace(raw)
	if len(h) > 0 && h[0] == '[' {
		if i := bytes.IndexByte(h, ']'); i >= 0 {
			h = h[:i+1]
		}
	} else if i := bytes.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	for _, c := range h {
		dst = append(dst, lower(c))
	}
	if dst == nil {
		dst = []byte{}
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
