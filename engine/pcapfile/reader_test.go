package pcapfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"vigil/internal/testutil"
)

// allCaptures lists every capture under ../shared/pcaps and
// ../shared/verify/*/.
func allCaptures(tb testing.TB) []string {
	tb.Helper()
	shared := testutil.SharedDir(tb)
	var files []string
	err := filepath.WalkDir(filepath.Join(shared, "pcaps"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".pcap") || strings.HasSuffix(p, ".pcapng")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	v, _ := filepath.Glob(filepath.Join(shared, "verify", "*", "*.pcap"))
	files = append(files, v...)
	sort.Strings(files)
	if len(files) == 0 {
		tb.Skip("no captures in " + shared)
	}
	return files
}

// capinfosCounts runs capinfos once over files and returns the packet count
// per file.
func capinfosCounts(t *testing.T, files []string) map[string]int {
	t.Helper()
	if _, err := exec.LookPath("capinfos"); err != nil {
		t.Skip("capinfos (wireshark/tshark) not installed")
	}
	// capinfos exits 1 when a file is cut short but still prints its count
	// (the packets before the cut), which is what Reader must match too.
	out, err := exec.Command("capinfos", append([]string{"-T", "-r", "-c", "-M"}, files...)...).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("capinfos: %v", err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 {
			t.Fatalf("capinfos line %q", line)
		}
		n, err := strconv.Atoi(strings.TrimSpace(f[1]))
		if err != nil {
			t.Fatalf("capinfos line %q: %v", line, err)
		}
		counts[f[0]] = n
	}
	return counts
}

func readAll(t testing.TB, r interface{ Next() (Record, error) }) ([]Record, error) {
	t.Helper()
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		rec.Data = append([]byte(nil), rec.Data...)
		recs = append(recs, rec)
	}
}

func TestCountsMatchCapinfos(t *testing.T) {
	files := allCaptures(t)
	want := capinfosCounts(t, files)
	links := map[uint32]int{}
	for _, f := range files {
		r, err := Open(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		n := 0
		var prevOff int64 = -1
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, ErrTruncated) {
					t.Errorf("%s: %v", f, err)
				}
				t.Logf("cut short: %v", err)
				break
			}
			if int(rec.CapLen) != len(rec.Data) || rec.OrigLen < rec.CapLen || rec.Offset <= prevOff {
				t.Errorf("%s record %d: caplen %d len %d origlen %d offset %d", f, n+1, rec.CapLen, len(rec.Data), rec.OrigLen, rec.Offset)
			}
			prevOff = rec.Offset
			links[rec.LinkType]++
			n++
		}
		r.Close()
		if w, ok := want[f]; !ok || n != w {
			t.Errorf("%s: read %d records; capinfos says %d", f, n, w)
		}
	}
	t.Logf("%d files, records per link type: %v", len(files), links)
}

// TestFirstRecordMatchesTshark checks the timestamp and length of the first
// record of a pcap and a pcapng file against tshark.
func TestFirstRecordMatchesTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	for _, name := range []string{"malicious/dvwa-sqlinjection.pcapng", "malicious/apache-cve-2021-41773-path-traversal-rce.pcap"} {
		t.Run(name, func(t *testing.T) {
			path := testutil.SharedPath(t, "pcaps", name)
			out, err := exec.Command("tshark", "-r", path, "-c", "1", "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rec, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			sec, frac := rec.Ts/1e9, rec.Ts%1e9
			got := fmt.Sprintf("%d.%09d\t%d\t%d", sec, frac, rec.CapLen, rec.OrigLen)
			if want := strings.TrimSpace(string(out)); got != want {
				t.Errorf("first record = %q; tshark says %q", got, want)
			}
		})
	}
}

// writePcap encodes recs as classic pcap.
func writePcap(bo binary.ByteOrder, nano bool, link uint32, recs []Record) []byte {
	var b bytes.Buffer
	magic := uint32(magicMicro)
	if nano {
		magic = magicNano
	}
	hdr := make([]byte, 24)
	bo.PutUint32(hdr[0:], magic)
	bo.PutUint16(hdr[4:], 2)
	bo.PutUint16(hdr[6:], 4)
	bo.PutUint32(hdr[16:], 262144)
	bo.PutUint32(hdr[20:], link)
	b.Write(hdr)
	for _, r := range recs {
		h := make([]byte, 16)
		bo.PutUint32(h[0:], uint32(r.Ts/1e9))
		if nano {
			bo.PutUint32(h[4:], uint32(r.Ts%1e9))
		} else {
			bo.PutUint32(h[4:], uint32(r.Ts%1e9/1e3))
		}
		bo.PutUint32(h[8:], uint32(len(r.Data)))
		bo.PutUint32(h[12:], r.OrigLen)
		b.Write(h)
		b.Write(r.Data)
	}
	return b.Bytes()
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func ngBlock(bo byteOrder, typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(len(body) + 12)
	out := make([]byte, 8, n)
	bo.PutUint32(out[0:], typ)
	bo.PutUint32(out[4:], n)
	out = append(out, body...)
	return bo.AppendUint32(out, n)
}

// writePcapng encodes recs as pcapng with one interface of resolution
// 10^-exp seconds; kind selects EPB, SPB or the obsolete PB. Each record's
// Iface is ignored. A custom block is put between packets to be skipped.
func writePcapng(bo byteOrder, exp int, link uint16, kind uint32, recs []Record) []byte {
	var b bytes.Buffer
	shb := bo.AppendUint32(nil, ngByteOrder)
	shb = bo.AppendUint16(shb, 1)
	shb = bo.AppendUint16(shb, 0)
	shb = bo.AppendUint64(shb, ^uint64(0))
	b.Write(ngBlock(bo, magicNG, shb))
	idb := bo.AppendUint16(nil, link)
	idb = bo.AppendUint16(idb, 0)
	idb = bo.AppendUint32(idb, 0)
	idb = bo.AppendUint16(idb, optIfTsresol)
	idb = bo.AppendUint16(idb, 1)
	idb = append(idb, byte(exp), 0, 0, 0)
	idb = bo.AppendUint32(idb, 0) // opt_endofopt
	b.Write(ngBlock(bo, blockIDB, idb))
	units := uint64(1)
	for range exp {
		units *= 10
	}
	for i, r := range recs {
		if i == 1 {
			b.Write(ngBlock(bo, 0x00000bad, []byte("custom block, skipped")))
		}
		ts := uint64(r.Ts/1e9)*units + uint64(r.Ts%1e9)*units/1e9
		if units > 1e9 {
			ts = uint64(r.Ts/1e9)*units + uint64(r.Ts%1e9)*(units/1e9)
		}
		var body []byte
		switch kind {
		case blockEPB:
			body = bo.AppendUint32(nil, 0)
		case blockPB:
			body = bo.AppendUint16(nil, 0)
			body = bo.AppendUint16(body, 0)
		case blockSPB:
			body = bo.AppendUint32(nil, r.OrigLen)
			b.Write(ngBlock(bo, blockSPB, append(body, r.Data...)))
			continue
		}
		body = bo.AppendUint32(body, uint32(ts>>32))
		body = bo.AppendUint32(body, uint32(ts))
		body = bo.AppendUint32(body, uint32(len(r.Data)))
		body = bo.AppendUint32(body, r.OrigLen)
		body = append(body, r.Data...)
		b.Write(ngBlock(bo, kind, body))
	}
	return b.Bytes()
}

func TestFormats(t *testing.T) {
	path := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := readAll(t, r)
	r.Close()
	if err != nil || len(orig) == 0 {
		t.Fatalf("read %s: %d records, %v", path, len(orig), err)
	}
	// Truncate one record's capture to check SPB caplen/origlen handling.
	orig[2].Data = orig[2].Data[:20]
	for i := range orig {
		orig[i].CapLen = uint32(len(orig[i].Data))
	}
	type variant struct {
		name   string
		data   []byte
		noTime bool
	}
	var vs []variant
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		vs = append(vs,
			variant{name: "pcap-micro-" + bo.String(), data: writePcap(bo, false, 1, orig)},
			variant{name: "pcap-nano-" + bo.String(), data: writePcap(bo, true, 1, orig)},
			variant{name: "pcapng-epb-us-" + bo.String(), data: writePcapng(bo, 6, 1, blockEPB, orig)},
			variant{name: "pcapng-epb-ns-" + bo.String(), data: writePcapng(bo, 9, 1, blockEPB, orig)},
			variant{name: "pcapng-epb-10ps-" + bo.String(), data: writePcapng(bo, 10, 1, blockEPB, orig)},
			variant{name: "pcapng-pb-" + bo.String(), data: writePcapng(bo, 6, 1, blockPB, orig)},
			variant{name: "pcapng-spb-" + bo.String(), data: writePcapng(bo, 6, 1, blockSPB, orig), noTime: true},
		)
	}
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(v.data), v.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(orig) {
				t.Fatalf("read %d records; want %d", len(got), len(orig))
			}
			if r.LinkType() != 1 {
				t.Errorf("LinkType = %d; want 1", r.LinkType())
			}
			for i := range got {
				g, w := got[i], orig[i]
				if !bytes.Equal(g.Data, w.Data) || g.CapLen != w.CapLen || g.OrigLen != w.OrigLen || g.LinkType != 1 {
					t.Fatalf("record %d: caplen %d/%d origlen %d/%d link %d", i, g.CapLen, w.CapLen, g.OrigLen, w.OrigLen, g.LinkType)
				}
				if !v.noTime && g.Ts != w.Ts {
					t.Fatalf("record %d: ts %d; want %d", i, g.Ts, w.Ts)
				}
			}
		})
	}
}

func TestEditcapFormats(t *testing.T) {
	if _, err := exec.LookPath("editcap"); err != nil {
		t.Skip("editcap not installed")
	}
	path := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := readAll(t, r)
	r.Close()
	for _, format := range []string{"nsecpcap", "pcapng", "modpcap"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x."+format)
			if b, err := exec.Command("editcap", "-F", format, path, out).CombinedOutput(); err != nil {
				t.Skipf("editcap -F %s: %v: %s", format, err, b)
			}
			r, err := Open(out)
			if err != nil {
				if format == "modpcap" && errors.Is(err, ErrFormat) {
					t.Skip("modified pcap magic not supported")
				}
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(orig) {
				t.Fatalf("read %d records; want %d", len(got), len(orig))
			}
			for i := range got {
				if !bytes.Equal(got[i].Data, orig[i].Data) || got[i].Ts != orig[i].Ts {
					t.Fatalf("record %d differs (ts %d vs %d)", i, got[i].Ts, orig[i].Ts)
				}
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	for _, name := range []string{"malicious/apache-cve-2021-41773-path-traversal-rce.pcap", "malicious/dvwa-sqlinjection.pcapng"} {
		path := testutil.SharedPath(t, "pcaps", name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(bytes.NewReader(data), "full")
		if err != nil {
			t.Fatal(err)
		}
		full, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		ends := make([]int64, len(full)) // byte offset just past each record
		for i, rec := range full {
			if strings.HasSuffix(name, ".pcapng") {
				ends[i] = rec.Offset + int64(binary.LittleEndian.Uint32(data[rec.Offset+4:]))
			} else {
				ends[i] = rec.Offset + 16 + int64(rec.CapLen)
			}
		}
		re := regexp.MustCompile(`^cut\.pcap(ng)?: offset (\d+): truncated .*\(.*want \d+ bytes, have \d+\)$`)
		for _, cut := range []int64{full[3].Offset + 5, full[3].Offset + 17, full[7].Offset + 30, int64(len(data)) - 1, ends[10] - 1} {
			t.Run(fmt.Sprintf("%s@%d", filepath.Base(name), cut), func(t *testing.T) {
				fname := "cut" + filepath.Ext(name)
				r, err := NewReader(bytes.NewReader(data[:cut]), fname)
				if err != nil {
					t.Fatal(err)
				}
				got, err := readAll(t, r)
				if err == nil {
					t.Fatalf("no error reading a file cut at %d", cut)
				}
				if !errors.Is(err, ErrTruncated) || !re.MatchString(err.Error()) {
					t.Fatalf("error %q does not match %v / ErrTruncated", err, re)
				}
				wantN := 0
				for _, e := range ends {
					if e <= cut {
						wantN++
					}
				}
				if len(got) != wantN {
					t.Errorf("read %d records before the error; want %d", len(got), wantN)
				}
				var fe *Error
				lastEnd := int64(0)
				if wantN > 0 {
					lastEnd = ends[wantN-1]
				}
				if !errors.As(err, &fe) || fe.Offset < lastEnd || fe.Offset >= cut {
					t.Errorf("error offset %v; want in [%d, %d)", fe, lastEnd, cut)
				}
				if wantN < len(full) && !strings.HasSuffix(name, ".pcapng") && fe.Offset != full[wantN].Offset {
					t.Errorf("error offset %d; want %d (start of record %d)", fe.Offset, full[wantN].Offset, wantN+1)
				}
			})
		}
	}
}

func TestCorrupt(t *testing.T) {
	path := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(bad[24+8:], 0x7fffffff) // first record caplen
	r, err := NewReader(bytes.NewReader(bad), "bad.pcap")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "bad.pcap: offset 24: ") {
		t.Fatalf("err = %v; want ErrCorrupt at offset 24", err)
	}
	if _, err := NewReader(bytes.NewReader([]byte("not a capture file")), "x"); !errors.Is(err, ErrFormat) {
		t.Fatalf("garbage: err = %v; want ErrFormat", err)
	}
	if _, err := NewReader(bytes.NewReader(data[:10]), "short.pcap"); !errors.Is(err, ErrTruncated) {
		t.Fatalf("short header: err = %v; want ErrTruncated", err)
	}
}

func TestMultiReader(t *testing.T) {
	a := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	b := testutil.SharedPath(t, "pcaps", "malicious", "dvwa-sqlinjection.pcapng")
	m := NewMultiReader(a, b)
	defer m.Close()
	recs, err := readAll(t, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 52+35 {
		t.Fatalf("read %d records; want 87", len(recs))
	}
	if m.File() != "" || m.FileIndex() != 2 {
		t.Errorf("after EOF File=%q FileIndex=%d", m.File(), m.FileIndex())
	}
	m2 := NewMultiReader(a, "/nonexistent.pcap", b)
	n, errs := 0, 0
	for {
		_, err := m2.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs++
			continue
		}
		n++
	}
	if n != 87 || errs != 1 {
		t.Fatalf("with a missing file: %d records, %d errors; want 87, 1", n, errs)
	}
}

func TestNextAllocs(t *testing.T) {
	for _, name := range []string{"malicious/emotet-infection_2021-01-06.pcap", "malicious/ek-to-cryptowall4.pcapng"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(testutil.SharedPath(t, "pcaps", name))
			if err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(bytes.NewReader(data), name)
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			}
			n := testing.AllocsPerRun(400, func() {
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			})
			if n != 0 {
				t.Fatalf("Next allocates %v times per record; want 0", n)
			}
		})
	}
}

func BenchmarkPcapRead(b *testing.B) {
	for _, name := range []string{"malicious/emotet-infection_2021-01-06.pcap", "malicious/ek-to-cryptowall4.pcapng"} {
		b.Run(filepath.Base(name), func(b *testing.B) {
			data, err := os.ReadFile(testutil.SharedPath(b, "pcaps", name))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			pkts := 0
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), name)
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := r.Next(); err != nil {
						break
					}
					pkts++
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(data))*float64(b.N)*8/1e6/sec, "Mbit/s")
			b.ReportMetric(float64(pkts)/sec, "pkt/s")
		})
	}
}
