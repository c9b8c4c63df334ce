package detect

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// transform rewrites a buffer before inspection (Suricata's transforms).
// apply appends the result to dst and returns it; dst never aliases src.
// Docs: https://docs.suricata.io/en/latest/rules/transforms.html
type transform interface {
	apply(dst, src []byte) []byte
}

type toLower struct{}

func (toLower) apply(dst, src []byte) []byte {
	for _, c := range src {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

type toUpper struct{}

func (toUpper) apply(dst, src []byte) []byte {
	for _, c := range src {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// dotPrefix prepends a '.' so that ".example.com" matches the domain and
// its subdomains but not "badexample.com".
type dotPrefix struct{}

func (dotPrefix) apply(dst, src []byte) []byte {
	dst = append(dst, '.')
	return append(dst, src...)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

type stripWhitespace struct{}

func (stripWhitespace) apply(dst, src []byte) []byte {
	for _, c := range src {
		if !isSpace(c) {
			dst = append(dst, c)
		}
	}
	return dst
}

// compressWhitespace turns each run of whitespace into one space.
type compressWhitespace struct{}

func (compressWhitespace) apply(dst, src []byte) []byte {
	prev := false
	for _, c := range src {
		if isSpace(c) {
			if !prev {
				dst = append(dst, ' ')
			}
			prev = true
			continue
		}
		prev = false
		dst = append(dst, c)
	}
	return dst
}

// urlDecode decodes %XX escapes and '+' as space; a malformed escape is
// kept as written.
type urlDecode struct{}

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

func (urlDecode) apply(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '+' {
			dst = append(dst, ' ')
			continue
		}
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

// Hash transforms replace the buffer with its digest in raw bytes, as
// Suricata does (rules then match with |hex| content).
type toMD5 struct{}

func (toMD5) apply(dst, src []byte) []byte { s := md5.Sum(src); return append(dst, s[:]...) }

type toSHA1 struct{}

func (toSHA1) apply(dst, src []byte) []byte { s := sha1.Sum(src); return append(dst, s[:]...) }

type toSHA256 struct{}

func (toSHA256) apply(dst, src []byte) []byte { s := sha256.Sum256(src); return append(dst, s[:]...) }

// xorTransform xors the buffer with a repeating key.
type xorTransform struct{ key []byte }

func (x xorTransform) apply(dst, src []byte) []byte {
	for i, c := range src {
		dst = append(dst, c^x.key[i%len(x.key)])
	}
	return dst
}

func parseXorKey(s string) ([]byte, error) {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	k, err := hex.DecodeString(s)
	if err != nil || len(k) == 0 {
		return nil, errBadValue("xor key must be hex bytes")
	}
	return k, nil
}

// headerLowercase lower-cases header names (up to each ':') in a header
// block of "Name: value\r\n" lines.
type headerLowercase struct{}

func (headerLowercase) apply(dst, src []byte) []byte {
	inName := true
	for _, c := range src {
		switch {
		case c == '\n':
			inName = true
		case c == ':':
			inName = false
		case inName && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// applyTransforms runs ts over b using the thread's two scratch buffers.
// threadTransform is a transform that needs the thread's state (the
// PCRE matcher of pcrexform).
type threadTransform interface {
	applyThread(t *Thread, dst, src []byte) []byte
}

func (t *Thread) applyTransforms(ts []transform, b []byte) []byte {
	for _, tr := range ts {
		out := t.scratch[t.flip][:0]
		if tt, ok := tr.(threadTransform); ok {
			out = tt.applyThread(t, out, b)
		} else {
			out = tr.apply(out, b)
		}
		t.scratch[t.flip] = out
		t.flip ^= 1
		b = out
	}
	return b
}

// registrableDomain is Suricata 8's domain transform: the registrable
// domain (public suffix plus one label, "www.bbc.co.uk" -> "bbc.co.uk")
// after the Public Suffix List. A name that is itself a public suffix,
// or is not a domain name, becomes empty and matches nothing.
type registrableDomain struct{}

func (registrableDomain) apply(dst, src []byte) []byte {
	d, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(strings.TrimSuffix(string(src), ".")))
	if err != nil {
		return dst
	}
	return append(dst, d...)
}

// publicSuffix is Suricata 8's tld transform: the public suffix of the
// name after the Public Suffix List ("www.bbc.co.uk" -> "co.uk").
type publicSuffix struct{}

func (publicSuffix) apply(dst, src []byte) []byte {
	name := strings.ToLower(strings.TrimSuffix(string(src), "."))
	if name == "" || strings.HasPrefix(name, ".") || strings.Contains(name, "..") {
		return dst
	}
	s, _ := publicsuffix.PublicSuffix(name)
	return append(dst, s...)
}
