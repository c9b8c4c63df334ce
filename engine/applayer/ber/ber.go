package ber

import "errors"

// Class is the class of a tag (X.690 section 8.1.2.2).
type Class uint8

// Tag classes.
const (
	Universal Class = iota
	Application
	Context
	Private
)

// Universal tag numbers used by SNMP and Kerberos.
const (
	TagInteger       = 2
	TagOctetString   = 4
	TagNull          = 5
	TagOID           = 6
	TagSequence      = 16
	TagGeneralString = 27
)

// MaxLen bounds the content length Vigil accepts for one element. Longer
// lengths are malformed: no SNMP or Kerberos message comes near it.
const MaxLen = 1 << 24

// Errors. ErrShort means the input ends inside the element: more bytes
// may complete it. ErrMalformed means no continuation can make it valid.
var (
	ErrShort     = errors.New("ber: truncated element")
	ErrMalformed = errors.New("ber: malformed element")
)

// Header holds the identifier and length octets of an element.
type Header struct {
	Class       Class
	Constructed bool
	Tag         uint32
	HeaderLen   int // identifier and length octets
	Len         int // content octets
}

// Is reports whether h has class c, tag number tag and the given
// constructed bit.
func (h Header) Is(c Class, constructed bool, tag uint32) bool {
	return h.Class == c && h.Constructed == constructed && h.Tag == tag
}

// ReadHeader decodes the identifier and length octets at the start of b.
// It returns ErrShort when b ends inside them and ErrMalformed for an
// indefinite length, a length over MaxLen or a tag number over 2^28.
func ReadHeader(b []byte) (Header, error) {
	var h Header
	if len(b) == 0 {
		return h, ErrShort
	}
	id := b[0]
	h.Class = Class(id >> 6)
	h.Constructed = id&0x20 != 0
	h.Tag = uint32(id & 0x1f)
	off := 1
	if h.Tag == 0x1f {
		// High tag number form: base-128 digits, high bit set on all
		// but the last.
		h.Tag = 0
		for {
			if off >= len(b) {
				return h, ErrShort
			}
			c := b[off]
			off++
			if h.Tag > 1<<21 {
				return h, ErrMalformed
			}
			h.Tag = h.Tag<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if off >= len(b) {
		return h, ErrShort
	}
	l := b[off]
	off++
	switch {
	case l < 0x80:
		h.Len = int(l)
	case l == 0x80, l == 0xff:
		// Indefinite length (and the reserved 0xff) is not used by
		// the protocols this package serves.
		return h, ErrMalformed
	default:
		n := int(l & 0x7f)
		if n > 4 {
			return h, ErrMalformed
		}
		if off+n > len(b) {
			return h, ErrShort
		}
		v := 0
		for _, c := range b[off : off+n] {
			v = v<<8 | int(c)
		}
		off += n
		if v > MaxLen {
			return h, ErrMalformed
		}
		h.Len = v
	}
	h.HeaderLen = off
	return h, nil
}

// Element is one decoded tag-length-value. Content aliases the input.
type Element struct {
	Header
	Content []byte
}

// Read decodes the element at the start of b and returns it with the
// bytes that follow it. It returns ErrShort when b ends before the
// element's content does.
func Read(b []byte) (Element, []byte, error) {
	h, err := ReadHeader(b)
	if err != nil {
		return Element{}, nil, err
	}
	end := h.HeaderLen + h.Len
	if end > len(b) {
		return Element{Header: h}, nil, ErrShort
	}
	return Element{Header: h, Content: b[h.HeaderLen:end:end]}, b[end:], nil
}

// Int decodes the content of an INTEGER (two's complement, big endian).
// ok is false for an empty content or one longer than 8 bytes.
func (e Element) Int() (v int64, ok bool) { return Int(e.Content) }

// Int decodes a two's complement big-endian integer of 1 to 8 bytes.
func Int(b []byte) (v int64, ok bool) {
	if len(b) == 0 || len(b) > 8 {
		return 0, false
	}
	if b[0]&0x80 != 0 {
		v = -1
	}
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	return v, true
}

// Explicit returns the one element an EXPLICIT tag wraps: e must be
// constructed and its content must be exactly one element.
func (e Element) Explicit() (Element, bool) {
	if !e.Constructed {
		return Element{}, false
	}
	in, rest, err := Read(e.Content)
	if err != nil || len(rest) != 0 {
		return Element{}, false
	}
	return in, true
}

// Reader walks a sequence of elements, typically the content of a
// constructed element. The zero value is an empty reader.
type Reader struct {
	rest []byte
	err  error
}

// NewReader returns a reader over the elements encoded in b.
func NewReader(b []byte) Reader { return Reader{rest: b} }

// More reports whether bytes remain and no error was met.
func (r *Reader) More() bool { return r.err == nil && len(r.rest) > 0 }

// Next returns the next element. ok is false at the end or on an error
// (see Err); a reader stops at its first error.
func (r *Reader) Next() (e Element, ok bool) {
	if !r.More() {
		return Element{}, false
	}
	e, rest, err := Read(r.rest)
	if err != nil {
		// Inside a complete outer element a short child cannot be
		// completed by more data: it is malformed.
		r.err = ErrMalformed
		return Element{}, false
	}
	r.rest = rest
	return e, true
}

// Err returns the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Fields walks a SEQUENCE of context-tagged EXPLICIT fields ([0], [1],
// ...), the shape of every Kerberos structure. Next returns each field's
// tag number and the element it wraps, in order.
type Fields struct {
	r       Reader
	last    uint32
	started bool
	bad     bool
}

// NewFields returns a field walker over the content of a SEQUENCE.
func NewFields(content []byte) Fields { return Fields{r: NewReader(content)} }

// Next returns the next field. ok is false at the end or when the
// content is not such a sequence (see Err): a child that is not a
// constructed context-specific element wrapping exactly one element, or
// tags out of ascending order.
func (f *Fields) Next() (tag uint32, e Element, ok bool) {
	if f.bad {
		return 0, Element{}, false
	}
	c, ok := f.r.Next()
	if !ok {
		f.bad = f.r.Err() != nil
		return 0, Element{}, false
	}
	if c.Class != Context || !c.Constructed || (f.started && c.Tag <= f.last) {
		f.bad = true
		return 0, Element{}, false
	}
	in, ok := c.Explicit()
	if !ok {
		f.bad = true
		return 0, Element{}, false
	}
	f.started, f.last = true, c.Tag
	return c.Tag, in, true
}

// Err reports whether the walk stopped on bad structure.
func (f *Fields) Err() bool { return f.bad }
