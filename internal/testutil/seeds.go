package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// Seeds returns the contents of the files matching pattern (a fuzz
// target's seed corpus, e.g. "testdata/*.tcp"). It fails tb when none
// match or one cannot be read: a fuzz target without its seeds would
// start from nothing without saying so.
func Seeds(tb testing.TB, pattern string) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no seeds match %s", pattern)
	}
	out := make([][]byte, 0, len(files))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
