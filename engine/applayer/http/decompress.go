package http

import (
	"bytes"
	"compress/flate"
	"io"
	"slices"
	"sync"

	"github.com/andybalholm/brotli"
)

// Content decoding, as tolerant as libhtp (and the browsers it models):
//
//   - the codings come from every Content-Encoding header, joined; a value
//     that is exactly gzip, x-gzip, deflate or x-deflate (case and NUL
//     bytes ignored) is one layer; otherwise the value is split at commas
//     and spaces and each token that contains "gzip" or "deflate" is a
//     layer, other tokens (identity, junk) count against the layer limit
//     without decoding anything;
//   - layers are undone in the order listed (libhtp's order; the RFC order
//     is the reverse, which works too because each layer detects its
//     format);
//   - each layer accepts gzip (header parsed leniently: a wrong header CRC,
//     the trailer's CRC and length are ignored), zlib (checksum ignored)
//     and raw deflate, whatever was announced;
//   - a layer that decodes nothing passes its input through unchanged and
//     ends decoding; a stream damaged midway keeps what decoded before.
//
//   - "br" is brotli (RFC 7932), one layer, decoded as libhtp decodes it
//     (with the brotli crate; Vigil with github.com/andybalholm/brotli).
//
// Not done: lzma (libhtp decodes it with a memory limit; announced lzma is
// passed through raw).

const (
	codingNone = iota
	codingGzip
	codingDeflate
	codingBrotli
)

// contentCodings lists the decoding layers of a Content-Encoding value, in
// order, at most max tokens counted (0 = no limit).
func contentCodings(v []byte, max int) []int {
	switch {
	case equalFoldNoZero(v, "gzip") || equalFoldNoZero(v, "x-gzip"):
		return []int{codingGzip}
	case equalFoldNoZero(v, "deflate") || equalFoldNoZero(v, "x-deflate"):
		return []int{codingDeflate}
	case equalFoldNoZero(v, "br"):
		return []int{codingBrotli}
	}
	var out []int
	n := 0
	for _, tok := range bytes.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		n++
		if max > 0 && n > max {
			break
		}
		lt := bytes.ToLower(tok)
		switch {
		case bytes.Contains(lt, []byte("gzip")):
			out = append(out, codingGzip)
		case bytes.Contains(lt, []byte("deflate")):
			out = append(out, codingDeflate)
		case bytes.Equal(lt, []byte("br")):
			out = append(out, codingBrotli)
		default:
			out = append(out, codingNone)
		}
	}
	return out
}

// decodeBody undoes the content codings enc of body, producing at most
// limit bytes.
func decodeBody(body, enc []byte, limit, layers int) []byte {
	out := body
	for _, c := range contentCodings(enc, layers) {
		if c == codingNone {
			continue
		}
		var dec []byte
		if c == codingBrotli {
			dec = unbrotli(out, limit)
		} else {
			dec = inflateAny(out, limit)
		}
		if dec == nil {
			break // passed through as is
		}
		out = dec
	}
	return out
}

// inflateAny decodes src as gzip, zlib or raw deflate, whichever its first
// bytes announce; nil when nothing decodes.
func inflateAny(src []byte, limit int) []byte {
	if off, ok := gzipHeaderLen(src); ok {
		if out := inflateRaw(src[off:], limit); out != nil {
			return out
		}
	}
	if len(src) >= 2 && src[0]&0x0f == 8 && src[0]>>4 <= 7 && (int(src[0])<<8|int(src[1]))%31 == 0 && src[1]&0x20 == 0 {
		if out := inflateRaw(src[2:], limit); out != nil {
			return out
		}
	}
	return inflateRaw(src, limit)
}

// gzipHeaderLen returns the length of the gzip member header at the start
// of b. The optional header CRC is skipped, not checked.
func gzipHeaderLen(b []byte) (int, bool) {
	if len(b) < 10 || b[0] != 0x1f || b[1] != 0x8b {
		return 0, false
	}
	flg := b[3]
	n := 10
	if flg&0x04 != 0 { // FEXTRA
		if len(b) < n+2 {
			return 0, false
		}
		n += 2 + (int(b[n]) | int(b[n+1])<<8)
	}
	for _, f := range []byte{0x08, 0x10} { // FNAME, FCOMMENT
		if flg&f == 0 {
			continue
		}
		if n >= len(b) {
			return 0, false
		}
		i := bytes.IndexByte(b[n:], 0)
		if i < 0 {
			return 0, false
		}
		n += i + 1
	}
	if flg&0x02 != 0 { // FHCRC
		n += 2
	}
	if n > len(b) {
		return 0, false
	}
	return n, true
}

// inflateRaw inflates raw deflate data up to limit output bytes. It returns
// nil when no byte could be decoded; a damaged stream keeps what decoded.
func inflateRaw(src []byte, limit int) []byte {
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	d.src.Reset(src)
	if d.fl == nil {
		d.fl = flate.NewReader(&d.src)
	} else if err := d.fl.(flate.Resetter).Reset(&d.src, nil); err != nil {
		return nil
	}
	// Read straight into one slice, grown by doubling only when full:
	// bytes.Buffer's ReadFrom regrows whenever less than 512 bytes are
	// free, which allocated about as much again as the output.
	out := make([]byte, 0, min(limit, 4*len(src)+512))
	for len(out) < limit {
		if len(out) == cap(out) {
			out = slices.Grow(out, min(limit, 2*cap(out))-len(out))
		}
		n, err := d.fl.Read(out[len(out):min(cap(out), limit)])
		out = out[:len(out)+n]
		if err != nil {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// unbrotli decodes brotli data up to limit output bytes; nil when no byte
// could be decoded, and a damaged stream keeps what decoded.
func unbrotli(src []byte, limit int) []byte {
	r := brotli.NewReader(bytes.NewReader(src))
	out := make([]byte, 0, min(limit, 4*len(src)+512))
	for len(out) < limit {
		if len(out) == cap(out) {
			out = slices.Grow(out, min(limit, 2*cap(out))-len(out))
		}
		n, err := r.Read(out[len(out):min(cap(out), limit)])
		out = out[:len(out)+n]
		if err != nil || n == 0 {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decoder keeps a raw deflate reader for reuse: its window is most of what
// decompression allocates.
type decoder struct {
	src bytes.Reader
	fl  io.ReadCloser
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}
