package detect

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// zlibDeflate is the zlib_deflate transform: the buffer inflated as a
// zlib stream, up to maxSize output bytes. A buffer that is not zlib data
// (nothing inflates) is left as it was. Docs:
// rules/transforms.html#zlib-deflate
//
// Inflating allocates (the decompressor's state): it runs only for
// candidate rules that use it, never for every packet.
type zlibDeflate struct{ maxSize int }

// defaultZlibMax bounds the output when no max-size is given.
const defaultZlibMax = 64 << 10

func (z zlibDeflate) apply(dst, src []byte) []byte {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return append(dst, src...)
	}
	start := len(dst)
	w := appendWriter{buf: dst}
	_, _ = io.Copy(&w, io.LimitReader(r, int64(z.maxSize))) // a truncated stream keeps what inflated
	if len(w.buf) == start {
		return append(dst, src...)
	}
	return w.buf
}

type appendWriter struct{ buf []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func setupZlibDeflate(b *sigBuilder, o *ruleparser.Buffer) error {
	z := zlibDeflate{maxSize: defaultZlibMax}
	if v := o; strings.TrimSpace(v.Arg) != "" {
		f := strings.Fields(strings.Trim(strings.TrimSpace(v.Arg), `"`))
		if len(f) != 2 || f[0] != "max-size" {
			return errBadValue("zlib_deflate: expected max-size N")
		}
		n, err := strconv.ParseUint(f[1], 10, 32)
		if err != nil || n == 0 {
			return errBadValue("zlib_deflate: bad max-size " + strconv.Quote(f[1]))
		}
		z.maxSize = int(n)
	}
	return transformSetup(z)(b, o)
}
