package mpm

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// patternsFromSpec derives a pattern set from fuzz bytes. Each pattern is
// a header byte then a length byte: header bit 0 sets Nocase, bit 1 takes
// the bytes from the payload (at an offset from the next byte, with the
// case of letters flipped by bit 2) so that matches are common, bits 3-4
// pick the ID among four so that IDs are shared; otherwise the bytes
// follow in the spec.
func patternsFromSpec(spec, payload []byte) []Pattern {
	var ps []Pattern
	for len(spec) >= 2 && len(ps) < 64 {
		h, n := spec[0], int(spec[1]%16)+1
		spec = spec[2:]
		var b []byte
		if h&2 != 0 && len(payload) > 0 && len(spec) > 0 {
			off := int(spec[0]) % len(payload)
			spec = spec[1:]
			b = slices.Clone(payload[off:min(off+n, len(payload))])
			if h&4 != 0 {
				for i, c := range b {
					switch {
					case c >= 'a' && c <= 'z':
						b[i] = c - 32
					case c >= 'A' && c <= 'Z':
						b[i] = c + 32
					}
				}
			}
		} else {
			n = min(n, len(spec))
			b = slices.Clone(spec[:n])
			spec = spec[n:]
		}
		if len(b) == 0 {
			continue
		}
		ps = append(ps, Pattern{ID: uint32(h>>3) & 3, Bytes: b, Nocase: h&1 != 0})
	}
	return ps
}

// FuzzDifferential checks that Hyperscan and the reference report the same
// IDs for random pattern sets and payloads.
func FuzzDifferential(f *testing.F) {
	f.Add([]byte("\x00\x03abc\x01\x03ABC\x0a\x02\x00"), []byte("xxabcABCaBc"))
	f.Add([]byte("\x06\x05\x02\x08\x01\x00\x01\x12\x04\xff\x00\x7f"), []byte("GET /Index.HTML HTTP/1.1\r\n\x00\xff"))
	f.Add([]byte("\x01\x02\xe9t\x00\x02\xe9T"), []byte("\xc9t\xe9T"))
	f.Add([]byte("\x00\x03aab\x08\x04aaab\x10\x01a"), []byte("aaaab"))
	f.Add([]byte("\x01\x02[x\x00\x02.*\x01\x01\\"), []byte("[X].*\\"))
	hs, err := Hyperscan{}.NewScanner()
	if err != nil {
		f.Fatal(err)
	}
	rs, _ := Reference{}.NewScanner()
	f.Fuzz(func(t *testing.T, spec, payload []byte) {
		ps := patternsFromSpec(spec, payload)
		hdb, err := Hyperscan{}.Compile(ps)
		if err != nil {
			t.Fatalf("hyperscan Compile(%s): %v", fmtPatterns(ps), err)
		}
		defer hdb.Close()
		rdb, err := Reference{}.Compile(ps)
		if err != nil {
			t.Fatalf("reference Compile: %v", err)
		}
		got := scanSorted(t, hs, hdb, payload)
		want := scanSorted(t, rs, rdb, payload)
		if !slices.Equal(got, want) {
			t.Fatalf("patterns %s payload %q: hyperscan %v, reference %v", fmtPatterns(ps), payload, got, want)
		}
	})
}

func fmtPatterns(ps []Pattern) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "{%d %q nocase=%v} ", p.ID, p.Bytes, p.Nocase)
	}
	return b.String()
}
