package detect

import (
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// fromBase64 is the from_base64 transform: the buffer, from offset and for
// at most nbytes bytes, decoded from base64. Docs:
// rules/transforms.html#from-base64
//
// Modes: rfc4648 (the default) stops at the first byte outside the
// alphabet; rfc2045 skips such bytes (whitespace, line breaks); strict
// rejects the input when one occurs. When nothing decodes (or offset is
// past the end) the buffer is left as it was, as Suricata does.
type fromBase64 struct {
	offset, nbytes int // nbytes 0: to the end
	mode           b64Mode
}

type b64Mode uint8

const (
	b64RFC4648 b64Mode = iota
	b64RFC2045
	b64Strict
)

func (f fromBase64) apply(dst, src []byte) []byte {
	in := src
	if f.offset > 0 {
		if f.offset >= len(in) {
			return append(dst, src...)
		}
		in = in[f.offset:]
	}
	if f.nbytes > 0 && f.nbytes < len(in) {
		in = in[:f.nbytes]
	}
	start := len(dst)
	var acc uint32
	bits := 0
	for _, c := range in {
		v, ok := b64Value(c)
		if !ok {
			if c == '=' {
				break
			}
			if f.mode == b64RFC2045 {
				continue
			}
			if f.mode == b64Strict {
				dst = dst[:start]
				break
			}
			break
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>uint(bits)))
		}
	}
	if len(dst) == start {
		return append(dst, src...)
	}
	return dst
}

func b64Value(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case c >= '0' && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// parseFromBase64 reads "[bytes N][, offset N][, mode rfc4648|rfc2045|strict]".
// Byte variables as values are not supported.
func parseFromBase64(arg string) (fromBase64, error) {
	var f fromBase64
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return f, nil
	}
	for _, part := range strings.Split(arg, ",") {
		kv := strings.Fields(part)
		if len(kv) != 2 {
			return f, errBadValue("from_base64: bad option " + strconv.Quote(strings.TrimSpace(part)))
		}
		switch kv[0] {
		case "bytes", "offset":
			n, err := strconv.ParseUint(kv[1], 10, 16)
			if err != nil {
				return f, errBadValue("from_base64: " + kv[0] + " must be a number up to 65535")
			}
			if kv[0] == "bytes" {
				f.nbytes = int(n)
			} else {
				f.offset = int(n)
			}
		case "mode":
			switch strings.ToLower(kv[1]) {
			case "rfc4648":
				f.mode = b64RFC4648
			case "rfc2045":
				f.mode = b64RFC2045
			case "strict":
				f.mode = b64Strict
			default:
				return f, errBadValue("from_base64: unknown mode " + kv[1])
			}
		default:
			return f, errBadValue("from_base64: unknown option " + kv[0])
		}
	}
	return f, nil
}

func setupFromBase64(b *sigBuilder, o *ruleparser.Buffer) error {
	arg := o.Arg
	if len(arg) >= 2 && arg[0] == '"' && arg[len(arg)-1] == '"' {
		arg = arg[1 : len(arg)-1]
	}
	f, err := parseFromBase64(arg)
	if err != nil {
		return err
	}
	return transformSetup(f)(b, o)
}
