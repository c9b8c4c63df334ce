package eve

import "strconv"

// Object is the EVE object of a protocol that has no struct of its own
// here (mqtt, smtp, sip, ...): an ordered list of typed values that the
// protocol's FillEVE appends in Suricata's key order, and that the encoder
// writes. Values stay typed (bytes, numbers, booleans) until encoded, so
// escaping and number formatting stay in this package.
//
// Byte values are not copied: like every Record field, they must stay
// valid until the record is encoded.
type Object struct {
	// Name is the object's key in the record ("mqtt", "smtp", ...).
	Name string
	// Array makes the value an array (its elements added with key "", as
	// in OpenArray): the "files" array of an alert.
	Array bool
	toks  []token
}

type tokKind uint8

const (
	tokBytes tokKind = iota
	tokString
	tokUint
	tokInt
	tokBool
	tokOpen      // nested object (key "" inside an array)
	tokOpenArray // array
	tokClose     // closes the innermost open object or array
	tokPair      // a key from traffic (escaped) and its string value
)

type token struct {
	kind tokKind
	key  string
	b    []byte
	s    string
	u    uint64
	i    int64
}

// Reset empties o for reuse under a new name.
func (o *Object) Reset(name string) {
	o.Name, o.Array = name, false
	o.toks = o.toks[:0]
}

// Embed adds the members of src as the nested object key (key "" for an
// element of an array): a fileinfo object as an element of an alert's
// "files" array. Byte values are shared, not copied.
func (o *Object) Embed(key string, src *Object) {
	o.Open(key)
	o.toks = append(o.toks, src.toks...)
	o.Close()
}

// Empty reports whether o holds no value.
func (o *Object) Empty() bool { return len(o.toks) == 0 }

// Bytes adds key with the string v from traffic (escaped as AppendBytes
// does). Inside an array key is ignored.
func (o *Object) Bytes(key string, v []byte) {
	o.toks = append(o.toks, token{kind: tokBytes, key: key, b: v})
}

// OptBytes adds key unless v is empty.
func (o *Object) OptBytes(key string, v []byte) {
	if len(v) > 0 {
		o.Bytes(key, v)
	}
}

// Pair adds a member whose key comes from traffic (escaped like a value)
// with the string v, as Suricata logs MQTT user properties.
func (o *Object) Pair(key, v []byte) {
	o.toks = append(o.toks, token{kind: tokPair, b: v, key: string(key)})
}

// String adds key with a constant or generated string.
func (o *Object) String(key, v string) {
	o.toks = append(o.toks, token{kind: tokString, key: key, s: v})
}

// OptString adds key unless v is "".
func (o *Object) OptString(key, v string) {
	if v != "" {
		o.String(key, v)
	}
}

// Uint adds key with an unsigned number.
func (o *Object) Uint(key string, v uint64) {
	o.toks = append(o.toks, token{kind: tokUint, key: key, u: v})
}

// Int adds key with a signed number.
func (o *Object) Int(key string, v int64) {
	o.toks = append(o.toks, token{kind: tokInt, key: key, i: v})
}

// Bool adds key with a boolean.
func (o *Object) Bool(key string, v bool) {
	o.toks = append(o.toks, token{kind: tokBool, key: key, u: b2u(v)})
}

// Open starts the nested object key (key "" for an element of an array);
// Close ends it.
func (o *Object) Open(key string) { o.toks = append(o.toks, token{kind: tokOpen, key: key}) }

// OpenArray starts the array key; Close ends it. Elements are added with
// key "" (any key given is ignored).
func (o *Object) OpenArray(key string) {
	o.toks = append(o.toks, token{kind: tokOpenArray, key: key})
}

// Close ends the innermost open object or array.
func (o *Object) Close() { o.toks = append(o.toks, token{kind: tokClose}) }

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// appendObject writes `"name":{...}`. Unclosed objects and arrays are
// closed at the end.
func appendObject(dst []byte, o *Object) []byte {
	open, end := byte('{'), byte('}')
	if o.Array {
		open, end = '[', ']'
	}
	dst = append(appendKey(dst, o.Name), open)
	stack := make([]byte, 1, 8)
	stack[0] = end
	for i := range o.toks {
		t := &o.toks[i]
		if t.kind == tokClose {
			if len(stack) > 1 {
				dst = append(dst, stack[len(stack)-1])
				stack = stack[:len(stack)-1]
			}
			continue
		}
		switch {
		case stack[len(stack)-1] == ']': // array element: no key
			if n := len(dst); dst[n-1] != '[' {
				dst = append(dst, ',')
			}
		case t.kind == tokPair:
			if n := len(dst); dst[n-1] != '{' {
				dst = append(dst, ',')
			}
			dst = append(AppendString(dst, t.key), ':')
		default:
			dst = appendKey(dst, t.key)
		}
		switch t.kind {
		case tokBytes, tokPair:
			dst = AppendBytes(dst, t.b)
		case tokString:
			dst = AppendString(dst, t.s)
		case tokUint:
			dst = strconv.AppendUint(dst, t.u, 10)
		case tokInt:
			dst = strconv.AppendInt(dst, t.i, 10)
		case tokBool:
			if t.u != 0 {
				dst = append(dst, "true"...)
			} else {
				dst = append(dst, "false"...)
			}
		case tokOpen:
			dst = append(dst, '{')
			stack = append(stack, '}')
		case tokOpenArray:
			dst = append(dst, '[')
			stack = append(stack, ']')
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		dst = append(dst, stack[i])
	}
	return dst
}
