package content

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"vigil/internal/testutil"
)

// naiveIndex is the obviously-correct reference: compare at every offset.
func naiveIndex(h, p []byte, nocase bool) int {
	eq := func(a, b byte) bool {
		if nocase {
			return lower[a] == lower[b]
		}
		return a == b
	}
outer:
	for i := 0; i+len(p) <= len(h); i++ {
		for j := range p {
			if !eq(h[i+j], p[j]) {
				continue outer
			}
		}
		return i
	}
	return -1
}

func TestNeedleIndex(t *testing.T) {
	tests := []struct {
		name     string
		hay, pat string
		nocase   bool
		want     int
	}{
		{"exact", "GET /index.html HTTP/1.1", "index", false, 5},
		{"exact case differs", "GET /INDEX.html", "index", false, -1},
		{"nocase", "GET /INDEX.html", "index", true, 5},
		{"nocase mixed pattern", "xxUser-Agent: x", "user-AGENT", true, 2},
		{"nocase at end", "abcDEF", "def", true, 3},
		{"nocase at start", "DEFabc", "def", true, 0},
		{"nocase absent", "abcdef", "xyz", true, -1},
		{"nocase no letters", "12\x00\x0134", "\x00\x01", true, 2},
		{"high bytes not folded", "\xc0\xe0", "\xe0", true, 1},
		{"high bytes exact only", "\xc0", "\xe0", true, -1},
		{"at-sign vs backtick not folded", "@", "`", true, -1},
		{"bracket not folded to brace", "[", "{", true, -1},
		{"empty needle", "abc", "", true, 0},
		{"empty haystack", "", "a", true, -1},
		{"needle longer", "ab", "abc", true, -1},
		{"nul bytes", "a\x00b\x00c", "\x00C", true, 3},
		{"overlapping prefix", "aaaaab", "AAAB", true, 2},
		{"first of many", "xAbAbAb", "ab", true, 1},
		{"long needle", string(bytes.Repeat([]byte("a"), 300)) + "B", string(bytes.Repeat([]byte("A"), 299)) + "b", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewNeedle([]byte(tt.pat), tt.nocase)
			if got := n.Index([]byte(tt.hay)); got != tt.want {
				t.Errorf("Needle.Index(%q, %q, nocase=%v) = %d, want %d", tt.hay, tt.pat, tt.nocase, got, tt.want)
			}
			if got := Find([]byte(tt.hay), []byte(tt.pat), tt.nocase); got != tt.want {
				t.Errorf("Find(%q, %q, nocase=%v) = %d, want %d", tt.hay, tt.pat, tt.nocase, got, tt.want)
			}
			if got, want := n.Match([]byte(tt.hay)), tt.want >= 0; got != want {
				t.Errorf("Match = %v, want %v", got, want)
			}
		})
	}
}

func TestNewNeedleCopies(t *testing.T) {
	b := []byte("abc")
	n := NewNeedle(b, false)
	b[0] = 'x'
	if got := n.Index([]byte("abc")); got != 0 {
		t.Fatalf("Index after caller modified its slice = %d, want 0", got)
	}
	if n.Len() != 3 || n.Nocase() {
		t.Fatalf("Len, Nocase = %d, %v; want 3, false", n.Len(), n.Nocase())
	}
	if got := string(NewNeedle([]byte("AbC"), true).Bytes()); got != "abc" {
		t.Fatalf("Bytes of nocase needle = %q, want %q", got, "abc")
	}
}

func TestIndexAllocs(t *testing.T) {
	h := []byte("GET /a/b/c HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl\r\n\r\n")
	for _, nocase := range []bool{false, true} {
		n := NewNeedle([]byte("user-agent"), nocase)
		if a := testing.AllocsPerRun(100, func() { n.Index(h) }); a != 0 {
			t.Errorf("Index(nocase=%v) allocates %v times per call; want 0", nocase, a)
		}
		if a := testing.AllocsPerRun(100, func() { Find(h, []byte("USER"), nocase) }); a != 0 {
			t.Errorf("Find(nocase=%v) allocates %v times per call; want 0", nocase, a)
		}
	}
}

func FuzzNeedle(f *testing.F) {
	f.Add([]byte("GET /INDEX.html"), []byte("index"), true)
	f.Add([]byte("aaaaab"), []byte("AAAB"), true)
	f.Add([]byte("a\x00b\x00c"), []byte("\x00C"), false)
	f.Add([]byte("\xc0\xe0Zz"), []byte("zZ"), true)
	f.Fuzz(func(t *testing.T, h, p []byte, nocase bool) {
		want := naiveIndex(h, p, nocase)
		if got := NewNeedle(p, nocase).Index(h); got != want {
			t.Fatalf("Needle(%q, nocase=%v).Index(%q) = %d, want %d", p, nocase, h, got, want)
		}
		if got := Find(h, p, nocase); got != want {
			t.Fatalf("Find(%q, %q, nocase=%v) = %d, want %d", h, p, nocase, got, want)
		}
	})
}

// benchPayload returns real traffic bytes (a pcap file read whole) or skips.
func benchPayload(b *testing.B) []byte {
	b.Helper()
	path := testutil.SharedPath(b, "pcaps", "bench", "zeek__http_bro.org.pcap")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("bench pcap: %v", err)
	}
	return data
}

func BenchmarkNeedleIndex(b *testing.B) {
	h := benchPayload(b)
	pats := []string{"x-vigil-absent-header", "User-Agent: Mozilla/4.0 (compatible; MSIE", "zz"}
	for _, p := range pats {
		for _, nocase := range []bool{false, true} {
			n := NewNeedle([]byte(p), nocase)
			b.Run(fmt.Sprintf("len=%d/nocase=%v", len(p), nocase), func(b *testing.B) {
				b.SetBytes(int64(len(h)))
				b.ReportAllocs()
				for b.Loop() {
					n.Index(h)
				}
			})
		}
	}
}

func BenchmarkFind(b *testing.B) {
	h := benchPayload(b)
	p := []byte("x-vigil-absent-header")
	b.SetBytes(int64(len(h)))
	b.ReportAllocs()
	for b.Loop() {
		Find(h, p, true)
	}
}
