package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
)

// DefaultFileBuffer is the size at which a FileSink writes its buffer out.
const DefaultFileBuffer = 256 << 10

// FileSink appends whole lines to a file (eve.json, fast.log) through a
// buffer. A line is in the file whole or not at all: if a write fails part
// way, the file is truncated back to the end of the last complete line and
// the rest of the buffer is counted as lost. A FileSink is used by one Stage
// goroutine; Lost may be read concurrently.
type FileSink struct {
	f    *os.File
	path string
	buf  []byte
	max  int
	off  int64 // file size after the last complete line written
	lost atomic.Uint64
	// reopen is set by Reopen (any goroutine) and acted on by the next
	// Flush (the Stage goroutine).
	reopen  atomic.Bool
	reopens atomic.Uint64
}

// OpenFile opens (creating, appending) the file at path.
func OpenFile(path string) (*FileSink, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open output file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat output file %s: %w", path, err)
	}
	return &FileSink{f: f, path: path, max: DefaultFileBuffer, off: fi.Size()}, nil
}

// OpenEVE opens DIR/eve.json.
func OpenEVE(dir string) (*FileSink, error) { return OpenFile(filepath.Join(dir, "eve.json")) }

// OpenFastLog opens DIR/fast.log.
func OpenFastLog(dir string) (*FileSink, error) { return OpenFile(filepath.Join(dir, "fast.log")) }

// Write buffers p, which must hold whole lines, and writes the buffer out
// when it is full. It returns len(p) unless writing the buffer failed.
func (s *FileSink) Write(p []byte) (int, error) {
	if s.reopen.Load() {
		// Lines written after Reopen go to the new file.
		if err := s.Flush(); err != nil {
			return 0, err
		}
	}
	s.buf = append(s.buf, p...)
	if len(s.buf) >= s.max {
		if err := s.Flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Reopen asks the sink to close its file and open its path again, for
// logrotate: once the file has been renamed, later lines go to a new file
// at the path. It is safe to call from any goroutine. The sink reopens at
// its next Write or Flush (the Stage flushes whenever its queue runs empty,
// and at Close), after writing the lines it buffered to the old file, so
// no line is lost or split between the two.
func (s *FileSink) Reopen() { s.reopen.Store(true) }

// Reopens returns how many times the file was reopened.
func (s *FileSink) Reopens() uint64 { return s.reopens.Load() }

// Flush writes the buffered lines to the file, then reopens it if Reopen
// asked for that.
func (s *FileSink) Flush() error {
	err := s.flush()
	if s.reopen.Swap(false) {
		if rerr := s.reopenFile(); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	return err
}

// reopenFile replaces the file by a new open of the path. On failure the
// old file stays in use.
func (s *FileSink) reopenFile() error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("reopen output file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("reopen output file: stat %s: %w", s.path, err)
	}
	old := s.f
	s.f, s.off = f, fi.Size()
	s.reopens.Add(1)
	if err := old.Close(); err != nil {
		return fmt.Errorf("close rotated %s: %w", s.path, err)
	}
	return nil
}

func (s *FileSink) flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	n, err := s.f.Write(s.buf)
	if err == nil && n == len(s.buf) {
		s.off += int64(n)
		s.buf = s.buf[:0]
		return nil
	}
	if err == nil {
		err = errors.New("short write")
	}
	keep := bytes.LastIndexByte(s.buf[:n], '\n') + 1
	if keep < n {
		// Remove the partial line so that readers never see half a record.
		if terr := s.f.Truncate(s.off + int64(keep)); terr != nil {
			err = errors.Join(err, fmt.Errorf("truncate partial line: %w", terr))
		}
	}
	s.off += int64(keep)
	s.lost.Add(uint64(bytes.Count(s.buf[keep:], []byte{'\n'})))
	s.buf = s.buf[:0]
	return fmt.Errorf("write %s: %w", s.path, err)
}

// Lost returns the number of lines lost to write errors.
func (s *FileSink) Lost() uint64 { return s.lost.Load() }

// Close flushes and closes the file.
func (s *FileSink) Close() error {
	err := s.Flush()
	if cerr := s.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close %s: %w", s.path, cerr)
	}
	return err
}
