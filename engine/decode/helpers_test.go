package decode

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vigil/engine/pcapfile"
	"vigil/internal/testutil"
)

// frame is one record of a capture, copied out of the reader.
type frame struct {
	link uint32
	data []byte
}

// loadPcap reads every record of a capture into memory.
func loadPcap(tb testing.TB, path string) (frames []frame, size int64) {
	tb.Helper()
	r, err := pcapfile.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Logf("%v (keeping %d records)", err, len(frames))
			break
		}
		frames = append(frames, frame{rec.LinkType, append([]byte(nil), rec.Data...)})
		size += int64(len(rec.Data))
	}
	return frames, size
}

// captureDirs returns the shared captures grouped by directory:
// pcaps/malicious, pcaps/bench and verify.
func captureDirs(tb testing.TB) map[string][]string {
	tb.Helper()
	shared := testutil.SharedDir(tb)
	dirs := map[string][]string{}
	for _, d := range []string{"malicious", "bench"} {
		m, _ := filepath.Glob(filepath.Join(shared, "pcaps", d, "*.pcap*"))
		dirs["pcaps/"+d] = m
	}
	v, _ := filepath.Glob(filepath.Join(shared, "verify", "*", "*.pcap"))
	dirs["verify"] = v
	for k, v := range dirs {
		sort.Strings(v)
		if len(v) == 0 {
			delete(dirs, k)
		}
	}
	if len(dirs) == 0 {
		tb.Skip("no captures under " + shared)
	}
	return dirs
}

func sharedPcap(tb testing.TB, rel string) string {
	tb.Helper()
	p := testutil.SharedPath(tb, strings.Split(rel, "/")...)
	if _, err := os.Stat(p); err != nil {
		tb.Skip(err)
	}
	return p
}
