package http

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// removeDotsRef is the segment-list form of removeDots: split on "/",
// drop empty and "." segments, let ".." drop the previous one, join.
func removeDotsRef(path []byte) []byte {
	if len(path) == 0 {
		return path
	}
	var segs [][]byte
	trailing := false
	for _, s := range bytes.Split(path, []byte("/")) {
		trailing = true
		switch string(s) {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			trailing = false
			segs = append(segs, s)
		}
	}
	var out []byte
	if path[0] == '/' {
		out = append(out, '/')
	}
	out = append(out, bytes.Join(segs, []byte("/"))...)
	if trailing && len(segs) > 0 {
		out = append(out, '/')
	}
	return out
}

// TestRemoveDotsInPlace: the in-place removeDots agrees with the
// segment-list reference on random paths of "/", ".", ".." and names.
func TestRemoveDotsInPlace(t *testing.T) {
	parts := []string{"/", "/", ".", "..", "a", "bc", "d.e", "..."}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b []byte
		for range r.IntN(10) {
			b = append(b, parts[r.IntN(len(parts))]...)
		}
		want := string(removeDotsRef(bytes.Clone(b)))
		if got := string(removeDots(bytes.Clone(b))); got != want {
			t.Fatalf("removeDots(%q) = %q; want %q", b, got, want)
		}
	}
}
