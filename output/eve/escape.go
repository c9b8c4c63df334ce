package eve

import (
	"encoding/base64"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// escapeTable maps a byte to its JSON escape: 0 means copy the byte, 'u'
// means \u00XX, anything else is the letter after the backslash. Only control
// characters, '"' and '\\' are escaped, as Suricata's JSON builder does: '/'
// and DEL (0x7f) are written as they are.
var escapeTable = func() [256]byte {
	var t [256]byte
	for c := 0; c < 0x20; c++ {
		t[c] = 'u'
	}
	t['\b'] = 'b'
	t['\t'] = 't'
	t['\n'] = 'n'
	t['\f'] = 'f'
	t['\r'] = 'r'
	t['"'] = '"'
	t['\\'] = '\\'
	return t
}()

// AppendString appends s to dst as a quoted JSON string the way Suricata
// writes strings that come from traffic: valid UTF-8 is kept as it is
// (escaping only '"', '\\' and control characters, the latter as \b \t \n \f
// \r or lower-case \u00xx); if s is not valid UTF-8, every byte >= 0x80 of the
// whole string is written as the four characters \xNN (lower-case hex), whose
// backslash is then escaped, so the JSON text holds `\\xNN`.
func AppendString(dst []byte, s string) []byte {
	return appendEscaped(dst, s, utf8.ValidString(s))
}

// AppendBytes is AppendString for a byte slice (no conversion, no allocation).
func AppendBytes(dst []byte, b []byte) []byte {
	return appendEscaped(dst, b, utf8.Valid(b))
}

func appendEscaped[T ~string | ~[]byte](dst []byte, s T, valid bool) []byte {
	dst = append(dst, '"')
	start := 0 // s[start:i] is pending verbatim output
	for i := 0; i < len(s); i++ {
		c := s[i]
		esc := escapeTable[c]
		if esc == 0 && (valid || c < utf8.RuneSelf) {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch {
		case c >= utf8.RuneSelf: // invalid UTF-8 string: byte as \xNN, backslash escaped
			dst = append(dst, '\\', '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		case esc == 'u':
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, '\\', esc)
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendPrintable appends b as a quoted JSON string in the form of Suricata's
// payload_printable: printable ASCII, '\n' and '\r' are kept (and JSON
// escaped), every other byte becomes '.'.
func AppendPrintable(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c >= 0x20 && c < 0x7f:
			dst = append(dst, c)
		default:
			dst = append(dst, '.')
		}
	}
	return append(dst, '"')
}

// AppendBase64 appends b as a quoted JSON string holding its standard,
// padded base64 encoding (Suricata's payload and packet fields).
func AppendBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// AppendHex2 appends v as two lower-case hex digits (tcp_flags).
func appendHex2(dst []byte, v uint8) []byte {
	return append(dst, hexDigits[v>>4], hexDigits[v&0xf])
}
