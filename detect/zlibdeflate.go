package detect

import (
	"bytes"
	"compress/zlib"
	"io"

	"vigil/ruleparser"
)

// zlibDeflate is the zlib_deflate transform: the buffer inflated as a
// zlib stream. Docs: rules/transforms.html#zlib-deflate
//
// As in Suricata 8 (rust/src/detect/transforms/decompress.rs, shared with
// gunzip): the output is at most max-size bytes (default 1024, 0 and more
// than 16 MiB refused, units kb/mb/gb allowed) and what inflated before
// the limit or a truncation is kept; data that is not zlib leaves an empty
// buffer.
//
// Inflating allocates (the decompressor's state): it runs only for
// candidate rules that use it, never for every packet.
type zlibDeflate struct{ maxSize int }

func (z zlibDeflate) apply(dst, src []byte) []byte {
	if len(src) == 0 {
		return dst
	}
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return dst
	}
	w := appendWriter{buf: dst}
	_, _ = io.Copy(&w, io.LimitReader(r, int64(z.maxSize))) // a truncated stream keeps what inflated
	return w.buf
}

type appendWriter struct{ buf []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func setupZlibDeflate(b *sigBuilder, o *ruleparser.Buffer) error {
	n, err := parseDecompressArgs(o.Arg)
	if err != nil {
		return errBadValue("zlib_deflate: " + err.Error())
	}
	return transformSetup(zlibDeflate{maxSize: n})(b, o)
}
