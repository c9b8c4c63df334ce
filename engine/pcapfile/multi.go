package pcapfile

import "io"

// MultiReader reads several capture files one after the other, as one
// stream of records. Files are opened lazily, one at a time. Like Reader,
// its records are valid until the next call to Next, and it is not safe for
// concurrent use.
type MultiReader struct {
	paths []string
	idx   int // index of the current file in paths, len(paths) when done
	cur   *Reader
}

// NewMultiReader returns a MultiReader over paths, in order. No file is
// opened before the first Next.
func NewMultiReader(paths ...string) *MultiReader {
	return &MultiReader{paths: append([]string(nil), paths...), idx: -1}
}

// Next returns the next record across all files, io.EOF after the last
// one. An error opening or reading a file is returned once; the next call
// continues with the following file, so the records read before an error
// still count and a caller may choose to go on.
func (m *MultiReader) Next() (Record, error) {
	for {
		if m.cur == nil {
			m.idx++
			if m.idx >= len(m.paths) {
				m.idx = len(m.paths)
				return Record{}, io.EOF
			}
			r, err := Open(m.paths[m.idx])
			if err != nil {
				return Record{}, err
			}
			m.cur = r
		}
		rec, err := m.cur.Next()
		if err == nil {
			return rec, nil
		}
		m.cur.Close()
		m.cur = nil
		if err != io.EOF {
			return Record{}, err
		}
	}
}

// File returns the path of the file the last record came from ("" before
// the first record).
func (m *MultiReader) File() string {
	if m.idx < 0 || m.idx >= len(m.paths) {
		return ""
	}
	return m.paths[m.idx]
}

// FileIndex returns the index in paths of the current file.
func (m *MultiReader) FileIndex() int { return m.idx }

// Close closes the current file, if any.
func (m *MultiReader) Close() error {
	if m.cur != nil {
		err := m.cur.Close()
		m.cur = nil
		return err
	}
	return nil
}
