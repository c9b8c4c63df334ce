package detect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// Snort 3's ber_data and ber_skip walk ASN.1 BER elements from the cursor.
// The element header is read as Snort's BER reader does: a short-form
// identifier is its whole first byte (class and constructed bits
// included); a long-form one (low five bits all set) is the tag number of
// the following bytes, 7 bits each, leading 0x80 bytes skipped, at most
// four; a long-form length has 1 to 127 size bytes, leading zero bytes
// skipped, at most four significant ones; the indefinite length fails.

// berHeader reads the BER element header at pos: its type, the header
// length and the length of its contents.
func berHeader(buf []byte, pos int) (typ uint32, hdr int, length uint32, ok bool) {
	start := pos
	if pos >= len(buf) {
		return 0, 0, 0, false
	}
	b := buf[pos]
	pos++
	if b&0x1f != 0x1f {
		typ = uint32(b)
	} else {
		n := 0
		for {
			if pos >= len(buf) {
				return 0, 0, 0, false
			}
			b = buf[pos]
			pos++
			if n == 0 && b == 0x80 {
				continue
			}
			typ = typ<<7 | uint32(b&0x7f)
			n++
			if n > 4 {
				return 0, 0, 0, false
			}
			if b&0x80 == 0 {
				break
			}
		}
	}
	if pos >= len(buf) {
		return 0, 0, 0, false
	}
	b = buf[pos]
	pos++
	if b&0x80 == 0 {
		length = uint32(b)
	} else {
		size := int(b & 0x7f)
		if size == 0 || size > len(buf)-pos {
			return 0, 0, 0, false
		}
		n := 0
		for _, c := range buf[pos : pos+size] {
			if n == 0 && c == 0 {
				continue
			}
			length = length<<8 | uint32(c)
			n++
			if n > 4 {
				return 0, 0, 0, false
			}
		}
		pos += size
	}
	hdr = pos - start
	if uint64(hdr)+uint64(length) > math.MaxUint32 {
		return 0, 0, 0, false
	}
	return typ, hdr, length, true
}

// berItem is ber_data (moves the cursor to the contents of the element of
// type typ at the cursor) or ber_skip (moves it past that element; with
// optional, an element of another type is left in place and matches).
type berItem struct {
	typ      uint32
	skip     bool
	optional bool
}

func (b *berItem) relative() bool { return true }
func (b *berItem) retry() bool    { return false }
func (b *berItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	typ, hdr, length, ok := berHeader(buf, cursor)
	if !ok {
		return 0, 0, false
	}
	if typ != b.typ {
		if b.skip && b.optional {
			return cursor, cursor, true
		}
		return 0, 0, false
	}
	next := uint64(cursor) + uint64(hdr)
	if b.skip {
		next += uint64(length)
	}
	if next > uint64(len(buf)) {
		return 0, 0, false
	}
	return int(next), int(next), true
}

// setupBER is Snort 3's ber_data:type and ber_skip:type[,optional], type
// 0 to 255. Docs: https://docs.snort.org/rules/options/payload/ber_data,
// https://docs.snort.org/rules/options/payload/ber_skip
// checkBerSkip validates ber_skip:type[,optional].
func checkBerSkip(a []string) error {
	if len(a) > 2 || len(a) == 2 && a[1] != "optional" {
		return fmt.Errorf("bad ber_skip %q", strings.Join(a, ","))
	}
	return nil
}

func setupBER(skip bool) func(*sigBuilder, *ruleparser.Args) error {
	return func(b *sigBuilder, a *ruleparser.Args) error {
		if len(a.Args) == 0 || len(a.Args) > 2 {
			return errBadValue("unexpected value")
		}
		s := strings.TrimSpace(a.Args[0])
		v, err := strconv.ParseUint(s, 0, 8)
		if err != nil || strings.Contains(s, "_") {
			return errBadValue(fmt.Sprintf("type %q must be 0 to 255", s))
		}
		it := &berItem{typ: uint32(v), skip: skip}
		if len(a.Args) == 2 {
			if !skip || strings.TrimSpace(a.Args[1]) != "optional" {
				return errBadValue("unexpected " + strconv.Quote(a.Args[1]))
			}
			it.optional = true
		}
		return b.add(it)
	}
}
