package detect

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// gunzip is the gunzip transform: the buffer decompressed as gzip data.
// Docs: https://docs.suricata.io/en/latest/rules/transforms.html#gunzip
//
//	gunzip;  gunzip: max-size <n>[kb|kib|mb|mib|gb|gib];
//
// As in Suricata 8 (rust/src/detect/transforms/decompress.rs): the output
// is at most max-size bytes (default 1024; 0 and more than 16 MiB are
// refused) and what decompressed before the limit is kept; data that is
// not gzip leaves an empty buffer. An empty buffer stays empty.
//
// Decompressing allocates (the decompressor's state): it runs only for
// candidate rules that use it, never for every packet.
type gunzip struct{ maxSize int }

const (
	gunzipDefaultMax = 1024
	gunzipAbsMax     = 16 << 20
)

func (g gunzip) apply(dst, src []byte) []byte {
	if len(src) == 0 {
		return dst
	}
	r, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return dst
	}
	r.Multistream(false)
	w := appendWriter{buf: dst}
	_, _ = io.Copy(&w, io.LimitReader(r, int64(g.maxSize))) // a truncated stream keeps what decompressed
	return w.buf
}

// parseDecompressArgs parses the key-value list of the decompressing
// transforms: "max-size N[unit]" pairs separated by ','.
func parseDecompressArgs(arg string) (int, error) {
	arg = strings.Trim(strings.TrimSpace(arg), `"`)
	if arg == "" {
		return gunzipDefaultMax, nil
	}
	max := -1
	for _, p := range strings.Split(arg, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), " ")
		if !ok {
			return 0, errors.New("bad key value " + strconv.Quote(p))
		}
		if k != "max-size" {
			return 0, errors.New("unknown key " + strconv.Quote(k))
		}
		if max >= 0 {
			return 0, errors.New("max-size given twice")
		}
		v = strings.TrimSpace(v)
		digits := strings.TrimRight(v, "kKmMgGiIbB")
		mult := uint64(1)
		switch strings.ToLower(v[len(digits):]) {
		case "":
		case "kb", "kib":
			mult = 1 << 10
		case "mb", "mib":
			mult = 1 << 20
		case "gb", "gib":
			mult = 1 << 30
		default:
			return 0, errors.New("bad max-size " + strconv.Quote(v))
		}
		n, err := strconv.ParseUint(digits, 10, 32)
		if err != nil {
			return 0, errors.New("bad max-size " + strconv.Quote(v))
		}
		n *= mult
		if n == 0 || n > gunzipAbsMax {
			return 0, errors.New("max-size must be 1 to 16 MiB")
		}
		max = int(n)
	}
	return max, nil
}

func setupGunzip(b *sigBuilder, o *ruleparser.Buffer) error {
	n, err := parseDecompressArgs(o.Arg)
	if err != nil {
		return errBadValue("gunzip: " + err.Error())
	}
	return transformSetup(gunzip{maxSize: n})(b, o)
}
