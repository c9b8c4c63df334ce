package dnp3

import "encoding/binary"

// Object is one object header of an application fragment (IEEE 1815
// section 4.2.2.7) with the points decoded from it.
type Object struct {
	Group, Variation, Qualifier uint8
	PrefixCode, RangeCode       uint8
	Start, Stop, Count          uint32
	Points                      []Point
}

// Point is one point of an object: its index (from the range or the
// prefix) and, for size prefixes, its size.
type Point struct {
	Prefix, Index, Size uint32
}

// packedBits are the objects whose points are single bits (or, for
// group 3 variation 1, bit pairs) packed into octets.
func packedBits(g, v uint8) (bits uint32, ok bool) {
	switch {
	case g == 1 && v == 1, g == 10 && v == 1, g == 12 && v == 3, g == 80 && v == 1:
		return 1, true
	case g == 3 && v == 1:
		return 2, true
	}
	return 0, false
}

// pointSizes are the sizes in octets of the fixed-size points Vigil
// decodes, by group and variation (IEEE 1815 annex A). A group and
// variation missing here is an unknown object: decoding stops there, as
// Suricata's does at an object it has no decoder for.
var pointSizes = map[[2]uint8]uint32{
	{1, 2}: 1, {2, 1}: 1, {2, 2}: 7, {2, 3}: 3, {3, 2}: 1, {4, 1}: 1, {4, 2}: 7, {4, 3}: 3,
	{10, 2}: 1, {11, 1}: 1, {11, 2}: 7, {12, 1}: 11, {12, 2}: 11, {13, 1}: 1, {13, 2}: 7,
	{20, 1}: 5, {20, 2}: 3, {20, 3}: 5, {20, 4}: 3, {20, 5}: 4, {20, 6}: 2, {20, 7}: 4, {20, 8}: 2,
	{21, 1}: 5, {21, 2}: 3, {21, 3}: 5, {21, 4}: 3, {21, 5}: 11, {21, 6}: 9, {21, 7}: 11, {21, 8}: 9,
	{21, 9}: 4, {21, 10}: 2, {21, 11}: 4, {21, 12}: 2,
	{22, 1}: 5, {22, 2}: 3, {22, 3}: 5, {22, 4}: 3, {22, 5}: 11, {22, 6}: 9, {22, 7}: 11, {22, 8}: 9,
	{23, 1}: 5, {23, 2}: 3, {23, 3}: 5, {23, 4}: 3, {23, 5}: 11, {23, 6}: 9, {23, 7}: 11, {23, 8}: 9,
	{30, 1}: 5, {30, 2}: 3, {30, 3}: 4, {30, 4}: 2, {30, 5}: 5, {30, 6}: 9,
	{31, 1}: 5, {31, 2}: 3, {31, 3}: 11, {31, 4}: 9, {31, 5}: 4, {31, 6}: 2, {31, 7}: 5, {31, 8}: 9,
	{32, 1}: 5, {32, 2}: 3, {32, 3}: 11, {32, 4}: 9, {32, 5}: 5, {32, 6}: 9, {32, 7}: 11, {32, 8}: 15,
	{33, 1}: 5, {33, 2}: 3, {33, 3}: 11, {33, 4}: 9, {33, 5}: 5, {33, 6}: 9, {33, 7}: 11, {33, 8}: 15,
	{34, 1}: 2, {34, 2}: 4, {34, 3}: 4,
	{40, 1}: 5, {40, 2}: 3, {40, 3}: 5, {40, 4}: 9,
	{41, 1}: 5, {41, 2}: 3, {41, 3}: 5, {41, 4}: 9,
	{42, 1}: 5, {42, 2}: 3, {42, 3}: 11, {42, 4}: 9, {42, 5}: 5, {42, 6}: 9, {42, 7}: 11, {42, 8}: 15,
	{43, 1}: 5, {43, 2}: 3, {43, 3}: 11, {43, 4}: 9, {43, 5}: 5, {43, 6}: 9, {43, 7}: 11, {43, 8}: 15,
	{50, 1}: 6, {50, 2}: 10, {50, 3}: 6, {50, 4}: 11, {51, 1}: 6, {51, 2}: 6, {52, 1}: 2, {52, 2}: 2,
}

// Decoding limits (Suricata's defaults).
const (
	MaxObjects = 2048
	MaxPoints  = 16384
)

// prefixLen is the octets of a point prefix (index or size).
func prefixLen(code uint8) int {
	switch code {
	case 1, 4:
		return 1
	case 2, 5:
		return 2
	case 3, 6:
		return 4
	}
	return 0
}

// PrefixIsSize reports whether a prefix code carries object sizes.
func PrefixIsSize(code uint8) bool { return code >= 4 && code <= 6 }

func readUint(b []byte, n int) uint32 {
	switch n {
	case 1:
		return uint32(b[0])
	case 2:
		return uint32(binary.LittleEndian.Uint16(b))
	case 4:
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// Object decoding outcomes.
const (
	decodeOK = iota
	decodeShort
	decodeUnknown
	decodeTooMany
)

// decodeObjects reads the object headers and points of an application
// fragment body (after the application header and, for responses, the
// internal indications). It keeps the objects read before any failure.
func decodeObjects(b []byte) ([]Object, int) {
	var objs []Object
	points := uint64(0)
	for len(b) > 0 {
		if len(b) < 3 {
			return objs, decodeShort
		}
		if len(objs) >= MaxObjects {
			return objs, decodeTooMany
		}
		o := Object{Group: b[0], Variation: b[1], Qualifier: b[2], PrefixCode: (b[2] >> 4) & 7, RangeCode: b[2] & 0xf}
		b = b[3:]
		var n int
		switch o.RangeCode {
		case 0, 3:
			n = 1
		case 1, 4:
			n = 2
		case 2, 5:
			n = 4
		}
		switch o.RangeCode {
		case 0, 1, 2, 3, 4, 5:
			if len(b) < 2*n {
				objs = append(objs, o)
				return objs, decodeShort
			}
			o.Start, o.Stop = readUint(b, n), readUint(b[n:], n)
			o.Count = o.Stop - o.Start + 1
			b = b[2*n:]
		case 6:
		case 7, 8, 9, 11:
			n = map[uint8]int{7: 1, 8: 2, 9: 4, 11: 1}[o.RangeCode]
			if len(b) < n {
				objs = append(objs, o)
				return objs, decodeShort
			}
			o.Count = readUint(b, n)
			b = b[n:]
		default:
			objs = append(objs, o)
			return objs, decodeUnknown
		}
		if o.Variation == 0 || o.Count == 0 {
			objs = append(objs, o)
			continue
		}
		points += uint64(o.Count)
		if points > MaxPoints {
			objs = append(objs, o)
			return objs, decodeTooMany
		}
		var res int
		b, res = o.points(b)
		objs = append(objs, o)
		if res != decodeOK {
			return objs, res
		}
	}
	return objs, decodeOK
}

// points decodes the points of o from b and returns the rest.
func (o *Object) points(b []byte) ([]byte, int) {
	pl := prefixLen(o.PrefixCode)
	if bits, ok := packedBits(o.Group, o.Variation); ok {
		// One prefix, then the packed octets; like Suricata, count/8+1
		// octets for bits (count/4+1 for bit pairs).
		if len(b) < pl {
			return b, decodeShort
		}
		prefix := readUint(b, pl)
		b = b[pl:]
		perOctet := 8 / bits
		octets := int(o.Count/perOctet) + 1
		if len(b) < octets {
			return b, decodeShort
		}
		for i := uint32(0); i < o.Count; i++ {
			o.Points = append(o.Points, Point{Prefix: prefix, Index: o.Start + i})
		}
		return b[octets:], decodeOK
	}
	size, ok := pointSizes[[2]uint8{o.Group, o.Variation}]
	variable := o.Group == 110 || o.Group == 111 || o.Group == 70 && PrefixIsSize(o.PrefixCode)
	switch {
	case o.Group == 110 || o.Group == 111:
		size, ok = uint32(o.Variation), true
	case variable:
		ok = true
	}
	if !ok {
		return b, decodeUnknown
	}
	for i := uint32(0); i < o.Count; i++ {
		if len(b) < pl {
			return b, decodeShort
		}
		prefix := readUint(b, pl)
		b = b[pl:]
		p := Point{Prefix: prefix, Index: o.Start + i}
		if o.PrefixCode >= 1 && o.PrefixCode <= 3 {
			p.Index = prefix
		}
		sz := size
		if PrefixIsSize(o.PrefixCode) {
			p.Size = prefix
			if o.Group == 70 {
				sz = prefix
			}
		}
		if uint32(len(b)) < sz {
			return b, decodeShort
		}
		b = b[sz:]
		o.Points = append(o.Points, p)
	}
	return b, decodeOK
}
