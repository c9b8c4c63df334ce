package update

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces path with data so that a reader (or a rule
// directory watcher) sees the old file or the new one, never a part: data
// goes to a temporary file in the same directory (named ".NAME.tmp-*", so
// that a *.rules glob does not pick it up), is fsynced, is handed to test
// when test is not nil (test may load it; an error leaves path untouched),
// and is renamed over path; then the directory is fsynced so the rename
// survives a crash.
func WriteFileAtomic(path string, data []byte, test func(tmp string) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if test != nil {
		if err = test(tmp); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: some file systems refuse fsync on a directory
		d.Close()
	}
	return nil
}
