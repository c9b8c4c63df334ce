package pcapfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader feeds arbitrary bytes as a capture file: the reader must not
// panic, must return only ErrFormat/ErrTruncated/ErrCorrupt-class errors,
// and every record must be self-consistent.
func FuzzReader(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.pcap*")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	rec := []Record{{Data: []byte{1, 2, 3, 4, 5}, OrigLen: 60, Ts: 1e9 + 5}}
	f.Add(writePcap(binary.BigEndian, true, 101, rec))
	f.Add(writePcapng(binary.LittleEndian, 9, 1, blockEPB, rec))
	f.Add(writePcapng(binary.BigEndian, 6, 113, blockSPB, rec))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("NewReader: unexpected error class: %v", err)
			}
			return
		}
		for i := 0; i < 10000; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Next: unexpected error class: %v", err)
				}
				return
			}
			if int(rec.CapLen) != len(rec.Data) || rec.Offset < 0 || rec.Offset >= int64(len(data)) {
				t.Fatalf("inconsistent record: caplen %d len %d offset %d", rec.CapLen, len(rec.Data), rec.Offset)
			}
		}
	})
}
