package output

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestFileSinkReopen is logrotate's sequence: rename the file, signal,
// write on. Lines buffered before the signal go to the renamed file, later
// ones to a new file at the path; none is lost or split.
func TestFileSinkReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "eve.json")
	fs, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fs.Write([]byte("1\n"))
	fs.Flush()
	fs.Write([]byte("2\n")) // buffered when the file is renamed
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	fs.Reopen()
	fs.Write([]byte("3\n")) // written after the signal: the new file
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	fs.Write([]byte("4\n"))
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{path + ".1": "1\n2\n", path: "3\n4\n"} {
		got, err := os.ReadFile(name)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", filepath.Base(name), got, err, want)
		}
	}
	if fs.Reopens() != 1 {
		t.Errorf("Reopens = %d, want 1", fs.Reopens())
	}
}

// TestStageReopenUnderLoad rotates the file of a running Stage ten times
// while batches flow and counts the lines across all the files.
func TestStageReopenUnderLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "eve.json")
	fs, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st := NewStage(fs, StageOptions{Block: true})
	const batches, per = 200, 50
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range batches {
			b := st.Batch()
			for j := range per {
				b.Add(Key{}, []byte(fmt.Sprintf("{\"n\":%d}\n", i*per+j)))
			}
			st.Submit(b)
		}
	}()
	for i := range 10 {
		os.Rename(path, fmt.Sprintf("%s.%d", path, i))
		fs.Reopen()
	}
	wg.Wait()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	lines := 0
	files, _ := filepath.Glob(path + "*")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if l == "" {
				continue
			}
			if !strings.HasPrefix(l, "{\"n\":") || !strings.HasSuffix(l, "}") {
				t.Fatalf("%s: split line %q", f, l)
			}
			lines++
		}
	}
	if lines != batches*per {
		t.Errorf("%d lines in %d files, want %d", lines, len(files), batches*per)
	}
}
