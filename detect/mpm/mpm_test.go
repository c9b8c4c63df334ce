package mpm

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/flier/gohs/hyperscan"
	"github.com/google/go-cmp/cmp"
)

// matchers are the implementations every behavioural test runs against.
var matchers = []struct {
	name string
	m    Matcher
}{
	{"hyperscan", Hyperscan{}},
	{"reference", Reference{}},
}

func pat(id uint32, s string, nocase bool) Pattern {
	return Pattern{ID: id, Bytes: []byte(s), Nocase: nocase}
}

// scanSorted scans data and returns a sorted copy of the IDs.
func scanSorted(t testing.TB, s Scanner, db DB, data []byte) []uint32 {
	t.Helper()
	ids, err := s.Scan(db, data)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

func compile(t testing.TB, m Matcher, ps []Pattern) (DB, Scanner) {
	t.Helper()
	db, err := m.Compile(ps)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	s, err := m.NewScanner()
	if err != nil {
		t.Fatalf("NewScanner: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Scanner.Close: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("DB.Close: %v", err)
		}
	})
	return db, s
}

func TestScan(t *testing.T) {
	patterns := []Pattern{
		pat(1, "GET ", false),
		pat(2, "user-agent:", true),
		pat(3, "\x00\x01\xff", false),
		pat(4, "evil", true),
		pat(4, "EVIL.EXE", false), // same ID as above: reported once
		pat(5, "abcab", false),    // overlapping prefix of 6
		pat(6, "abcabcab", false),
		pat(7, "\xe9t\xe9", true), // bytes >= 0x80 are never folded
		pat(8, "[x]", true),       // regex metacharacters are literal
		pat(9, "a.c", false),
		pat(10, "GET ", false), // same bytes as ID 1, other ID
		pat(11, "\\d+", false),
	}
	tests := []struct {
		name string
		data string
		want []uint32
	}{
		{"empty data", "", nil},
		{"no match", "POST / HTTP/1.1\r\n", nil},
		{"exact", "GET / HTTP/1.1\r\n", []uint32{1, 10}},
		{"case sensitive miss", "get / HTTP/1.1\r\n", nil},
		{"nocase", "xx\r\nUSER-Agent: curl\r\n", []uint32{2}},
		{"binary with nul", "\xfe\x00\x01\xff\x00", []uint32{3}},
		{"shared id reported once", "evil EVIL.EXE evil", []uint32{4}},
		{"overlapping prefixes", "zzabcabcabzz", []uint32{5, 6}},
		{"prefix only", "abcab", []uint32{5}},
		{"high bytes exact", "\xe9T\xe9", []uint32{7}},
		{"high bytes not folded", "\xc9t\xc9", nil},
		{"metacharacters literal", "[X]", []uint32{8}},
		{"dot is literal", "abc", nil},
		{"dot matches dot", "a.c", []uint32{9}},
		{"backslash literal", `\d+`, []uint32{11}},
		{"backslash not regex", "123", nil},
		{"all at once", "GET user-agent: \x00\x01\xff evil abcabcab \xe9t\xe9 [x] a.c \\d+", []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	}
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			db, s := compile(t, m.m, patterns)
			if got, want := db.Len(), len(patterns); got != want {
				t.Errorf("Len() = %d, want %d", got, want)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := scanSorted(t, s, db, []byte(tt.data))
					if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
						t.Errorf("Scan(%q) IDs mismatch (-want +got):\n%s", tt.data, diff)
					}
				})
			}
		})
	}
}

// cmpEmpty treats nil and empty ID slices as equal.
var cmpEmpty = cmp.Comparer(func(a, b []uint32) bool { return slices.Equal(a, b) })

func TestCompileEmptyPattern(t *testing.T) {
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			_, err := m.m.Compile([]Pattern{pat(1, "a", false), pat(2, "", true)})
			if !errors.Is(err, ErrEmptyPattern) {
				t.Fatalf("Compile with empty pattern: err = %v, want ErrEmptyPattern", err)
			}
		})
	}
}

func TestEmptySet(t *testing.T) {
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			db, s := compile(t, m.m, nil)
			if got := scanSorted(t, s, db, []byte("anything")); len(got) != 0 {
				t.Fatalf("empty set matched %v", got)
			}
		})
	}
}

// TestScannerFollowsDB points one scanner at a small DB, a larger one and
// back: the scratch must grow and results must follow the DB passed in.
func TestScannerFollowsDB(t *testing.T) {
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			small, s := compile(t, m.m, []Pattern{pat(1, "abc", false)})
			var many []Pattern
			for i := range 2000 {
				many = append(many, Pattern{ID: uint32(i + 100), Bytes: []byte{'x', byte(i), byte(i >> 8), 'y'}})
			}
			many = append(many, pat(7, "abc", true))
			large, err := m.m.Compile(many)
			if err != nil {
				t.Fatalf("Compile large: %v", err)
			}
			data := []byte("ABC x\x05\x01y abc")
			if got, want := scanSorted(t, s, small, data), []uint32{1}; !slices.Equal(got, want) {
				t.Errorf("small DB: got %v, want %v", got, want)
			}
			if got, want := scanSorted(t, s, large, data), []uint32{7, 100 + 0x105}; !slices.Equal(got, want) {
				t.Errorf("large DB: got %v, want %v", got, want)
			}
			if got, want := scanSorted(t, s, small, data), []uint32{1}; !slices.Equal(got, want) {
				t.Errorf("small DB again: got %v, want %v", got, want)
			}
			if err := large.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if _, err := s.Scan(large, data); !errors.Is(err, ErrClosed) {
				t.Errorf("Scan of closed DB: err = %v, want ErrClosed", err)
			}
			if err := large.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}

func TestScanForeignDB(t *testing.T) {
	hdb, hs := compile(t, Hyperscan{}, []Pattern{pat(1, "a", false)})
	rdb, rs := compile(t, Reference{}, []Pattern{pat(1, "a", false)})
	if _, err := hs.Scan(rdb, []byte("a")); !errors.Is(err, ErrForeignDB) {
		t.Errorf("hyperscan scanner with reference DB: err = %v, want ErrForeignDB", err)
	}
	if _, err := rs.Scan(hdb, []byte("a")); !errors.Is(err, ErrForeignDB) {
		t.Errorf("reference scanner with hyperscan DB: err = %v, want ErrForeignDB", err)
	}
}

func TestScanClosedScanner(t *testing.T) {
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			db, s := compile(t, m.m, []Pattern{pat(1, "a", false)})
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if _, err := s.Scan(db, []byte("a")); !errors.Is(err, ErrClosed) {
				t.Errorf("Scan after Close: err = %v, want ErrClosed", err)
			}
		})
	}
}

func TestHyperscanStats(t *testing.T) {
	db, _ := compile(t, Hyperscan{}, []Pattern{pat(1, "abc", false), pat(2, "abc", false), pat(2, "abc", true)})
	got, ok := DBStats(db)
	if !ok {
		t.Fatal("DBStats: not a hyperscan DB")
	}
	if got.Patterns != 3 || got.Expressions != 2 || got.IDs != 2 || got.Bytes <= 0 {
		t.Errorf("DBStats = %+v, want 3 patterns, 2 expressions, 2 IDs, Bytes > 0", got)
	}
}

func TestScanAllocs(t *testing.T) {
	ps := []Pattern{pat(1, "GET ", false), pat(2, "host:", true), pat(3, "a", false), pat(3, "b", false)}
	data := []byte("GET /ab HTTP/1.1\r\nHost: example.com\r\n\r\n")
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			db, s := compile(t, m.m, ps)
			if got := scanSorted(t, s, db, data); !slices.Equal(got, []uint32{1, 2, 3}) {
				t.Fatalf("Scan = %v, want [1 2 3]", got)
			}
			if n := testing.AllocsPerRun(200, func() { _, _ = s.Scan(db, data) }); n != 0 {
				t.Fatalf("Scan allocates %v times per call; want 0", n)
			}
		})
	}
}

func TestHyperscanSupported(t *testing.T) {
	if err := HyperscanSupported(); err != nil {
		t.Fatalf("HyperscanSupported: %v", err)
	}
}

// TestConcurrentScanners shares one DB between goroutines, each with its
// own Scanner, as workers do.
func TestConcurrentScanners(t *testing.T) {
	var ps []Pattern
	for i := range 100 {
		ps = append(ps, Pattern{ID: uint32(i), Bytes: fmt.Appendf(nil, "key%03d=", i), Nocase: i%2 == 0})
	}
	for _, m := range matchers {
		t.Run(m.name, func(t *testing.T) {
			db, _ := compile(t, m.m, ps)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for g := range 4 {
				wg.Go(func() {
					s, err := m.m.NewScanner()
					if err != nil {
						errs <- err
						return
					}
					defer s.Close()
					data := fmt.Appendf(nil, "xx KEY%03d= key%03d=", 2*g, 2*g+1)
					for range 200 {
						got, err := s.Scan(db, data)
						if err != nil {
							errs <- err
							return
						}
						got = slices.Sorted(slices.Values(got))
						if want := []uint32{uint32(2 * g), uint32(2*g + 1)}; !slices.Equal(got, want) {
							errs <- fmt.Errorf("goroutine %d: got %v, want %v", g, got, want)
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// BenchmarkScanOverhead is the fixed cost of one scan: a small buffer and
// one pattern that matches, our C-callback path against gohs's Scan.
func BenchmarkScanOverhead(b *testing.B) {
	data := []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n")
	db, s := compile(b, Hyperscan{}, []Pattern{pat(1, "host:", true)})
	b.Run("matcher=hyperscan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ids, _ := s.Scan(db, data); len(ids) != 1 {
				b.Fatal("no match")
			}
		}
	})
	b.Run("matcher=gohs-callback", func(b *testing.B) {
		gdb, err := hyperscan.NewBlockDatabase(hyperscan.NewPattern("host\\x3a", hyperscan.SingleMatch|hyperscan.Caseless))
		if err != nil {
			b.Fatal(err)
		}
		defer gdb.Close()
		scratch, err := hyperscan.NewScratch(gdb)
		if err != nil {
			b.Fatal(err)
		}
		defer scratch.Free()
		n := 0
		h := func(id uint, from, to uint64, flags uint, ctx any) error { n++; return nil }
		b.ReportAllocs()
		for b.Loop() {
			n = 0
			if err := gdb.Scan(data, scratch, h, nil); err != nil || n != 1 {
				b.Fatal("no match", err)
			}
		}
	})
}
