package mpm

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flier/gohs/hyperscan"

	"vigil/internal/testutil"
)

// contentRE finds content:"..." options; the value may hold \" escapes.
var contentRE = regexp.MustCompile(`content:\s*(!?)"((?:[^"\\]|\\.)*)"`)

// decodeContent turns a rule content value (with |hex| runs and \ escapes)
// into bytes; ok is false for values this quick decoder cannot read.
func decodeContent(v string) (b []byte, ok bool) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			if i+1 >= len(v) {
				return nil, false
			}
			i++
			b = append(b, v[i])
		case '|':
			j := strings.IndexByte(v[i+1:], '|')
			if j < 0 {
				return nil, false
			}
			h, err := hex.DecodeString(strings.ReplaceAll(v[i+1:i+1+j], " ", ""))
			if err != nil {
				return nil, false
			}
			b = append(b, h...)
			i += j + 1
		default:
			b = append(b, c)
		}
	}
	return b, len(b) > 0
}

// etOpenPatterns extracts distinct positive content values of the ET Open
// rules, at most limit of them (0: all). A content is nocase when the
// options after it, up to the next content, say so. With fast set, each
// rule gives one pattern as Suricata's fast pattern would be: the content
// marked fast_pattern, else the longest.
func etOpenPatterns(tb testing.TB, limit int, fast bool) []Pattern {
	tb.Helper()
	dir := testutil.SharedPath(tb, "rules", "et-open")
	files, err := filepath.Glob(filepath.Join(dir, "*.rules"))
	if err != nil || len(files) == 0 {
		tb.Skipf("no ET Open rules in %s", dir)
	}
	type key struct {
		s      string
		nocase bool
	}
	seen := map[key]bool{}
	var ps []Pattern
	add := func(k key) bool {
		if !seen[k] {
			seen[k] = true
			ps = append(ps, Pattern{ID: uint32(len(ps)), Bytes: []byte(k.s), Nocase: k.nocase})
		}
		return limit > 0 && len(ps) == limit
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatalf("read rules: %v", err)
		}
		for line := range strings.Lines(string(data)) {
			if !strings.HasPrefix(line, "alert") {
				continue
			}
			locs := contentRE.FindAllStringSubmatchIndex(line, -1)
			var best key
			bestFast := false
			for i, l := range locs {
				if line[l[2]:l[3]] == "!" {
					continue
				}
				b, ok := decodeContent(line[l[4]:l[5]])
				if !ok {
					continue
				}
				end := len(line)
				if i+1 < len(locs) {
					end = locs[i+1][0]
				}
				opts := line[l[1]:end]
				k := key{string(b), strings.Contains(opts, "nocase;")}
				if !fast {
					if add(k) {
						return ps
					}
					continue
				}
				isFast := strings.Contains(opts, "fast_pattern")
				if !bestFast && (isFast || len(k.s) > len(best.s)) {
					best, bestFast = k, isFast
				}
			}
			if fast && best.s != "" && add(best) {
				return ps
			}
		}
	}
	return ps
}

// pcapPackets returns the frames of a classic little- or big-endian pcap
// file.
func pcapPackets(tb testing.TB, elem ...string) (pkts [][]byte, size int64) {
	tb.Helper()
	data, err := os.ReadFile(testutil.SharedPath(tb, elem...))
	if err != nil {
		tb.Fatalf("read pcap: %v", err)
	}
	if len(data) < 24 {
		tb.Fatalf("pcap too short")
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch binary.LittleEndian.Uint32(data) {
	case 0xa1b2c3d4, 0xa1b23c4d:
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		tb.Fatalf("not a classic pcap file")
	}
	for off := 24; off+16 <= len(data); {
		n := int(bo.Uint32(data[off+8:]))
		off += 16
		if off+n > len(data) {
			break
		}
		pkts = append(pkts, data[off:off+n])
		size += int64(n)
		off += n
	}
	return pkts, size
}

// TestCompileETOpen compiles ET Open contents as one database (one fast
// pattern per rule, then every distinct content) and reports compile time
// and memory; it also checks the database against the reference on real
// traffic.
func TestCompileETOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles ~20k patterns")
	}
	pkts, _ := pcapPackets(t, "pcaps", "bench", "zeek__http_bro.org.pcap")
	for _, set := range []struct {
		name string
		fast bool
	}{{"fast-patterns", true}, {"all-contents", false}} {
		t.Run(set.name, func(t *testing.T) {
			ps := etOpenPatterns(t, 0, set.fast)
			if len(ps) < 1000 {
				t.Fatalf("extracted only %d patterns from ET Open", len(ps))
			}
			var before, after runtime.MemStats
			var ru syscall.Rusage
			runtime.GC()
			runtime.ReadMemStats(&before)
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			rssBefore, cpuBefore := ru.Maxrss, time.Duration(ru.Utime.Nano()+ru.Stime.Nano())
			start := time.Now()
			db, err := Hyperscan{}.Compile(ps)
			if err != nil {
				t.Fatalf("Compile %d patterns: %v", len(ps), err)
			}
			elapsed := time.Since(start)
			defer db.Close()
			runtime.ReadMemStats(&after)
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			st, _ := DBStats(db)
			cpu := time.Duration(ru.Utime.Nano()+ru.Stime.Nano()) - cpuBefore
			t.Logf("hyperscan: compiled %d patterns (%d expressions) in %v wall, %v cpu; database %d KiB; Go heap allocated during compile %d KiB; peak RSS +%d KiB",
				len(ps), st.Expressions, elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), st.Bytes/1024, (after.TotalAlloc-before.TotalAlloc)/1024, ru.Maxrss-rssBefore)

			// Differential check on the first packets of real traffic.
			rdb, err := Reference{}.Compile(ps)
			if err != nil {
				t.Fatalf("reference Compile: %v", err)
			}
			hs, _ := Hyperscan{}.NewScanner()
			defer hs.Close()
			rs, _ := Reference{}.NewScanner()
			matched := 0
			for _, p := range pkts[:min(len(pkts), 30)] {
				got := scanSorted(t, hs, db, p)
				want := scanSorted(t, rs, rdb, p)
				if !slices.Equal(got, want) {
					t.Fatalf("hyperscan %v != reference %v on packet %q", got, want, p)
				}
				matched += len(got)
			}
			if matched == 0 {
				t.Errorf("no ET Open content matched the first packets of an HTTP capture")
			}
		})
	}
}

// BenchmarkCompile measures compiling ET Open contents.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{1000, 10000, 0} {
		ps := etOpenPatterns(b, n, true)
		b.Run("patterns="+strconv.Itoa(len(ps)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				db, err := Hyperscan{}.Compile(ps)
				if err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}

// BenchmarkScan scans every frame of an HTTP capture against ET Open
// contents: our C-callback scan path, and gohs's own Scan (one Go callback
// per match through cgo) for comparison.
func BenchmarkScan(b *testing.B) {
	pkts, size := pcapPackets(b, "pcaps", "bench", "zeek__http_bro.org.pcap")
	for _, n := range []int{1000, 10000} {
		ps := etOpenPatterns(b, n, true)
		db, err := Hyperscan{}.Compile(ps)
		if err != nil {
			b.Fatal(err)
		}
		s, _ := Hyperscan{}.NewScanner()
		b.Run("patterns="+strconv.Itoa(len(ps))+"/matcher=hyperscan", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var matches int
			for b.Loop() {
				matches = 0
				for _, p := range pkts {
					ids, err := s.Scan(db, p)
					if err != nil {
						b.Fatal(err)
					}
					matches += len(ids)
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(pkts))*float64(b.N)/sec, "pkt/s")
			b.ReportMetric(float64(matches), "ids/op")
		})
		b.Run("patterns="+strconv.Itoa(len(ps))+"/matcher=gohs-callback", func(b *testing.B) {
			hp := make([]*hyperscan.Pattern, len(ps))
			for i, p := range ps {
				var q bytes.Buffer
				quote(&q, string(p.Bytes))
				f := hyperscan.SingleMatch
				if p.Nocase {
					f |= hyperscan.Caseless
				}
				hp[i] = hyperscan.NewPattern(q.String(), f)
				hp[i].Id = i
			}
			gdb, err := hyperscan.NewBlockDatabase(hp...)
			if err != nil {
				b.Fatal(err)
			}
			defer gdb.Close()
			scratch, err := hyperscan.NewScratch(gdb)
			if err != nil {
				b.Fatal(err)
			}
			defer scratch.Free()
			var matches int
			handler := func(id uint, from, to uint64, flags uint, ctx interface{}) error {
				matches++
				return nil
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				matches = 0
				for _, p := range pkts {
					if err := gdb.Scan(p, scratch, handler, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(pkts))*float64(b.N)/sec, "pkt/s")
			b.ReportMetric(float64(matches), "matches/op")
		})
		s.Close()
		db.Close()
	}
}
