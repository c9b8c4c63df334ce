package detect

import "vigil/ruleparser"

// base64_decode and base64_data.
// Docs: https://docs.suricata.io/en/latest/rules/base64-keywords.html

// base64Item is base64_decode: it decodes bytes of the buffer into the
// thread's base64 buffer, which a following base64_data list inspects.
// Docs: https://docs.suricata.io/en/latest/rules/base64-keywords.html
type base64Item struct {
	nbytes uint32 // 0: to the end of the buffer
	offset uint32
	rel    bool
}

func (d *base64Item) relative() bool { return d.rel }
func (d *base64Item) retry() bool    { return false }

func (d *base64Item) find(t *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	start := int(d.offset)
	if d.rel {
		start += cursor
	}
	t.b64 = t.b64[:0]
	if start >= len(buf) {
		return cursor, cursor, false
	}
	src := buf[start:]
	if d.nbytes > 0 && int(d.nbytes) < len(src) {
		src = src[:d.nbytes]
	}
	t.b64 = decodeBase64(t.b64, src)
	return cursor, cursor, len(t.b64) > 0
}

// decodeBase64 appends the decoding of src to dst: as much of src as
// forms base64 (RFC 4648 alphabet, padding optional), stopping at the
// first byte outside the alphabet, as Suricata's lenient decoder does.
func decodeBase64(dst, src []byte) []byte {
	var acc uint32
	bits := 0
	for _, c := range src {
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '+':
			v = 62
		case c == '/':
			v = 63
		default:
			return dst
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>uint(bits)))
		}
	}
	return dst
}

func setupBase64Decode(b *sigBuilder, d *ruleparser.Base64Decode) error {
	it := &base64Item{rel: d.Relative}
	if d.Bytes != nil {
		it.nbytes = *d.Bytes
	}
	if d.Offset != nil {
		it.offset = *d.Offset
	}
	return b.add(it)
}

func setupBase64Data(b *sigBuilder, _ *ruleparser.Buffer) error {
	// The base64 buffer belongs to the list that decoded it; inspecting it
	// is a new list evaluated right after.
	b.sig.lists = append(b.sig.lists, list{buf: bufBase64})
	b.cur = len(b.sig.lists) - 1
	return nil
}
