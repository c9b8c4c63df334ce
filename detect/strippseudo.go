package detect

import "bytes"

// stripPseudoHeaders is the strip_pseudo_headers transform: every line
// (up to and including its '\n') that begins with ':' is dropped, which
// removes HTTP/2 pseudo-headers, names and values, from header buffers so
// that one rule fits HTTP/1 and HTTP/2.
// Docs: https://docs.suricata.io/en/latest/rules/transforms.html#strip-pseudo-headers
// (Suricata 8: rust/src/detect/transforms/http_headers.rs).
type stripPseudoHeaders struct{}

func (stripPseudoHeaders) apply(dst, src []byte) []byte {
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line = src[:i+1]
		}
		if line[0] != ':' {
			dst = append(dst, line...)
		}
		src = src[len(line):]
	}
	return dst
}
