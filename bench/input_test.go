package bench

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/testutil"
)

// readAll reads every record of a capture, copying the data.
func readAll(t *testing.T, r io.Reader) []Record {
	t.Helper()
	cr, err := NewCaptureReader(r)
	if err != nil {
		t.Fatal(err)
	}
	var out []Record
	for {
		rec, err := cr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		c := *rec
		c.Data = append([]byte(nil), rec.Data...)
		out = append(out, c)
	}
}

func readFile(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAll(t, f)
}

// TestConcatShiftsTime concatenates a small real pcap and a small real pcapng
// three times over and checks packets, bytes and timestamps.
func TestConcatShiftsTime(t *testing.T) {
	a := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	b := testutil.SharedPath(t, "pcaps", "malicious", "dvwa-sqlinjection.pcapng")
	ra, rb := readFile(t, a), readFile(t, b)
	if len(ra) != 52 || len(rb) != 35 {
		t.Fatalf("sources have %d and %d packets, want 52 and 35", len(ra), len(rb))
	}
	var srcBytes int64
	for _, r := range append(append([]Record(nil), ra...), rb...) {
		srcBytes += PcapRecordHeaderLen + int64(len(r.Data))
	}
	gap := time.Hour
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	limit := PcapHeaderLen + 2*srcBytes + 100 // two rounds and a bit of a third
	var out bytes.Buffer
	in, err := Concat(&out, InputOptions{Sources: []string{a, b}, SizeBytes: limit, Gap: gap, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if in.FileBytes != int64(out.Len()) || in.FileBytes > limit {
		t.Errorf("FileBytes = %d, buffer %d, limit %d", in.FileBytes, out.Len(), limit)
	}
	got := readAll(t, bytes.NewReader(out.Bytes()))
	if int64(len(got)) != in.Packets {
		t.Fatalf("read back %d packets, Input says %d", len(got), in.Packets)
	}
	if len(got) <= 2*(52+35) || len(got) >= 3*(52+35) {
		t.Fatalf("got %d packets, want two full rounds and part of a third", len(got))
	}
	if in.Captures != 5 {
		t.Errorf("Captures = %d, want 5 (a b a b a-partial)", in.Captures)
	}
	// Same bytes, in source order.
	var sumBytes int64
	for i, r := range got {
		src := ra
		j := i % (52 + 35)
		if j >= 52 {
			src, j = rb, j-52
		}
		if !bytes.Equal(r.Data, src[j].Data) || r.OrigLen != src[j].OrigLen {
			t.Fatalf("packet %d differs from its source packet", i)
		}
		if r.LinkType != LinkEthernet {
			t.Fatalf("packet %d link type %d", i, r.LinkType)
		}
		sumBytes += int64(len(r.Data))
	}
	if sumBytes != in.Bytes {
		t.Errorf("Bytes = %d, want %d", in.Bytes, sumBytes)
	}
	// Timestamps: the first packet at start; each capture copy keeps its
	// internal offsets (to the microsecond) and begins one gap after the
	// latest packet before it.
	if got[0].TS != start.UnixNano() {
		t.Errorf("first timestamp %v, want %v", time.Unix(0, got[0].TS).UTC(), start)
	}
	latest := int64(0)
	for i, r := range got {
		j := i % (52 + 35)
		src, k := ra, j
		if j >= 52 {
			src, k = rb, j-52
		}
		if k == 0 && i > 0 {
			if d := r.TS - latest; d != int64(gap) {
				t.Fatalf("packet %d: capture starts %v after the previous latest packet, want %v", i, time.Duration(d), gap)
			}
		} else if k > 0 {
			wantOff := (src[k].TS - src[0].TS) / 1000
			if gotOff := (r.TS - got[i-k].TS) / 1000; gotOff-wantOff > 1 || wantOff-gotOff > 1 {
				t.Fatalf("packet %d: offset in capture %dus, want %dus", i, gotOff, wantOff)
			}
		}
		latest = max(latest, r.TS)
	}
	if in.LastTS != latest {
		t.Errorf("LastTS = %d, want %d", in.LastTS, latest)
	}
}

func TestConcatTruncatedSource(t *testing.T) {
	src := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, b[:len(b)-10], 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	in, err := Concat(&out, InputOptions{Sources: []string{cut}, SizeBytes: int64(len(b))})
	if err != nil {
		t.Fatal(err)
	}
	if in.Packets != 51 {
		t.Errorf("Packets = %d, want 51 (the cut one dropped)", in.Packets)
	}
	if len(in.Truncated) != 1 || in.Truncated[0] != "cut.pcap" {
		t.Errorf("Truncated = %v, want [cut.pcap]", in.Truncated)
	}
}

// ngBlock builds a little-endian pcapng block.
func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, n)
}

// TestPcapngResolutionAndLinkTypes reads a hand-built pcapng: a nanosecond
// Ethernet interface and a microsecond SLL one; Concat keeps only Ethernet.
func TestPcapngResolutionAndLinkTypes(t *testing.T) {
	shb := binary.LittleEndian.AppendUint32(nil, pcapngBOM)
	shb = append(shb, 1, 0, 0, 0)                                   // version 1.0
	shb = binary.LittleEndian.AppendUint64(shb, 0xffffffffffffffff) // section length unknown
	idbEth := binary.LittleEndian.AppendUint16(nil, LinkEthernet)
	idbEth = append(idbEth, 0, 0, 0, 0, 0, 0)       // reserved, snaplen 0
	idbEth = append(idbEth, 9, 0, 1, 0, 9, 0, 0, 0) // if_tsresol = 10^-9, padded
	idbEth = append(idbEth, 0, 0, 0, 0)             // opt_endofopt
	idbSLL := binary.LittleEndian.AppendUint16(nil, 113)
	idbSLL = append(idbSLL, 0, 0, 0, 0, 0, 0)
	epb := func(iface uint32, ticks uint64, data []byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, iface)
		b = binary.LittleEndian.AppendUint32(b, uint32(ticks>>32))
		b = binary.LittleEndian.AppendUint32(b, uint32(ticks))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		return append(b, data...)
	}
	var file []byte
	file = append(file, ngBlock(pcapngSHB, shb)...)
	file = append(file, ngBlock(blockIDB, idbEth)...)
	file = append(file, ngBlock(blockIDB, idbSLL)...)
	file = append(file, ngBlock(blockEPB, epb(0, 1_700_000_000_123_456_789, []byte{1, 2, 3}))...)
	file = append(file, ngBlock(blockEPB, epb(1, 1_700_000_001_000_000, []byte{4, 5, 6, 7}))...)
	file = append(file, ngBlock(blockEPB, epb(0, 1_700_000_002_000_000_000, []byte{8}))...)

	recs := readAll(t, bytes.NewReader(file))
	if len(recs) != 3 {
		t.Fatalf("read %d packets, want 3", len(recs))
	}
	wantTS := []int64{1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 1_700_000_002_000_000_000}
	wantLink := []uint16{LinkEthernet, 113, LinkEthernet}
	for i, r := range recs {
		if r.TS != wantTS[i] || r.LinkType != wantLink[i] {
			t.Errorf("packet %d: ts %d link %d, want ts %d link %d", i, r.TS, r.LinkType, wantTS[i], wantLink[i])
		}
	}

	path := filepath.Join(t.TempDir(), "mixed.pcapng")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	in, err := Concat(&out, InputOptions{Sources: []string{path}, SizeBytes: PcapHeaderLen + 2*PcapRecordHeaderLen + 4})
	if err != nil {
		t.Fatal(err)
	}
	if in.Packets != 2 || in.Skipped != 1 || in.Bytes != 4 {
		t.Errorf("Packets %d Skipped %d Bytes %d, want 2, 1, 4", in.Packets, in.Skipped, in.Bytes)
	}
	got := readAll(t, bytes.NewReader(out.Bytes()))
	// The second packet keeps its 1.876543211 s offset, truncated to µs.
	if d := got[1].TS - got[0].TS; d != 1_876_543_000 {
		t.Errorf("offset %d ns, want 1876543000", d)
	}
}

func TestBuildInputCache(t *testing.T) {
	src := testutil.SharedPath(t, "pcaps", "malicious", "apache-cve-2021-41773-path-traversal-rce.pcap")
	dir := t.TempDir()
	o := InputOptions{Sources: []string{src}, SizeBytes: 20000, Dir: dir}
	first, err := BuildInput(o)
	if err != nil {
		t.Fatal(err)
	}
	// Corrupt the cached file without changing its size: a cache hit keeps it.
	b, err := os.ReadFile(first.Path)
	if err != nil {
		t.Fatal(err)
	}
	b[PcapHeaderLen+PcapRecordHeaderLen] ^= 0xff
	if err := os.WriteFile(first.Path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := BuildInput(o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("second build differs from the cached one (-first +again):\n%s", diff)
	}
	b2, _ := os.ReadFile(again.Path)
	if !bytes.Equal(b, b2) {
		t.Error("cached input was rebuilt")
	}
	// Another size is another key and another file.
	o.SizeBytes = 10000
	other, err := BuildInput(o)
	if err != nil {
		t.Fatal(err)
	}
	if other.Key == first.Key || other.Path == first.Path || other.FileBytes > 10000 {
		t.Errorf("size 10000 gave %+v; first was %+v", other, first)
	}
}

func TestCaptureReaderErrors(t *testing.T) {
	if _, err := NewCaptureReader(bytes.NewReader([]byte("not a capture"))); err == nil {
		t.Error("garbage accepted as a capture")
	}
	var buf bytes.Buffer
	pw, err := NewPcapWriter(&buf, LinkEthernet, 65535)
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Write(1e9, 10, []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	cr, err := NewCaptureReader(bytes.NewReader(buf.Bytes()[:buf.Len()-1]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cr.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut record: err = %v, want ErrUnexpectedEOF", err)
	}
}

// TestPcapngSections reads a little-endian section followed by a big-endian
// one: each section has its own byte order and interfaces.
func TestPcapngSections(t *testing.T) {
	block := func(bo binary.AppendByteOrder, typ uint32, body []byte) []byte {
		n := uint32(12 + len(body))
		b := bo.AppendUint32(nil, typ)
		b = bo.AppendUint32(b, n)
		b = append(b, body...)
		return bo.AppendUint32(b, n)
	}
	section := func(bo binary.AppendByteOrder, usec uint64, data byte) []byte {
		shb := bo.AppendUint32(nil, pcapngBOM)
		shb = bo.AppendUint16(shb, 1)
		shb = bo.AppendUint16(shb, 0)
		shb = bo.AppendUint64(shb, 0xffffffffffffffff)
		idb := bo.AppendUint16(nil, LinkEthernet)
		idb = append(idb, 0, 0, 0, 0, 0, 0)
		epb := bo.AppendUint32(nil, 0)
		epb = bo.AppendUint32(epb, uint32(usec>>32))
		epb = bo.AppendUint32(epb, uint32(usec))
		epb = bo.AppendUint32(epb, 1)
		epb = bo.AppendUint32(epb, 1)
		epb = append(epb, data, 0, 0, 0)
		out := block(bo, pcapngSHB, shb)
		out = append(out, block(bo, blockIDB, idb)...)
		return append(out, block(bo, blockEPB, epb)...)
	}
	file := append(section(binary.LittleEndian, 1_000_000, 0xaa), section(binary.BigEndian, 2_000_000, 0xbb)...)
	recs := readAll(t, bytes.NewReader(file))
	if len(recs) != 2 {
		t.Fatalf("read %d packets, want 2", len(recs))
	}
	for i, want := range []struct {
		ts   int64
		data byte
	}{{1e9, 0xaa}, {2e9, 0xbb}} {
		if recs[i].TS != want.ts || len(recs[i].Data) != 1 || recs[i].Data[0] != want.data {
			t.Errorf("packet %d: ts %d data %x, want ts %d data %x", i, recs[i].TS, recs[i].Data, want.ts, want.data)
		}
	}
}
