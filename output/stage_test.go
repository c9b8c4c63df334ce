package output

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// blockingSink blocks every Write until release is closed.
type blockingSink struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (s *blockingSink) Write(p []byte) (int, error) {
	s.once.Do(func() { close(s.entered) })
	<-s.release
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func lineBatch(s *Stage, n int, tag string) *Batch {
	b := s.Batch()
	for i := range n {
		b.Add(Key{Seq: uint32(i)}, []byte(fmt.Sprintf(`{"n":"%s-%d"}`, tag, i)))
	}
	return b
}

func TestStageDropsWhenSinkBlocked(t *testing.T) {
	sink := &blockingSink{entered: make(chan struct{}), release: make(chan struct{})}
	const queueLen, per = 4, 3
	s := NewStage(sink, StageOptions{Name: "eve", QueueLen: queueLen})

	// The first batch is taken by the writer, which then blocks in Write.
	if !s.Submit(lineBatch(s, per, "first")) {
		t.Fatal("first Submit dropped")
	}
	<-sink.entered
	// The queue takes queueLen more; everything after that is dropped,
	// and Submit returns at once.
	accepted, dropped := 0, 0
	for i := range queueLen + 5 {
		if s.Submit(lineBatch(s, per, fmt.Sprint(i))) {
			accepted++
		} else {
			dropped++
		}
	}
	if accepted != queueLen || dropped != 5 {
		t.Fatalf("accepted %d, dropped %d batches; want %d, 5", accepted, dropped, queueLen)
	}
	st := s.Stats()
	if st.Dropped != 5*per || st.DroppedBatches != 5 || st.Submitted != uint64(1+queueLen+5)*per {
		t.Fatalf("stats while blocked = %+v", st)
	}
	close(sink.release)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st = s.Stats()
	wantWritten := uint64(1+queueLen) * per
	if st.Written != wantWritten || st.Written+st.Dropped != st.Submitted {
		t.Fatalf("final stats = %+v; want %d written and written+dropped == submitted", st, wantWritten)
	}
	if got := strings.Count(sink.buf.String(), "\n"); got != int(wantWritten) {
		t.Fatalf("sink got %d lines; want %d", got, wantWritten)
	}
	names := map[string]uint64{}
	s.Counters(func(n string, v uint64) { names[n] = v })
	if names["output_eve_records_dropped"] != 5*per || names["output_eve_records_written"] != wantWritten {
		t.Fatalf("Counters = %v", names)
	}
}

// failingSink accepts limit bytes, then fails.
type failingSink struct {
	buf   bytes.Buffer
	limit int
}

func (s *failingSink) Write(p []byte) (int, error) {
	if s.buf.Len()+len(p) <= s.limit {
		return s.buf.Write(p)
	}
	n := s.limit - s.buf.Len()
	s.buf.Write(p[:n])
	return n, errors.New("disk full")
}

func TestStageCountsWriteErrors(t *testing.T) {
	sink := &failingSink{limit: 25}
	s := NewStage(sink, StageOptions{QueueLen: 1, Deterministic: true})
	b := s.Batch()
	for i := range 4 {
		b.Add(Key{Seq: uint32(i)}, []byte(`{"n":1234}`)) // 11 bytes with newline
	}
	s.Submit(b)
	err := s.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v; want the sink error", err)
	}
	st := s.Stats()
	if st.Written != 2 || st.Dropped != 2 || st.WriteErrors != 1 {
		t.Fatalf("stats = %+v; want 2 written, 2 dropped, 1 error", st)
	}
}

// produce simulates a replay with the given number of workers: packets are
// dispatched by flow, each packet yields 0..2 records, and every flow ends
// with a flow record keyed without pcap_cnt. Workers run concurrently and
// submit small batches in whatever order the scheduler picks.
func produce(t *testing.T, workers int, dir string) []byte {
	t.Helper()
	sink, err := OpenEVE(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStage(sink, StageOptions{Name: "eve", QueueLen: 2, Deterministic: true})
	const packets, flows = 500, 17
	base := evetest.T0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			em := NewEmitter(s, nil)
			em.BatchRecords = 3
			rng := rand.New(rand.NewPCG(1, 2)) // same per-packet decisions for any worker count
			r := evetest.AlertHTTP()
			for p := 1; p <= packets; p++ {
				n := rng.IntN(3)
				flow := p % flows
				if flow%workers != w {
					continue
				}
				ts := base.Add(timeDur(p / 3)) // several packets share a timestamp
				for i := range n {
					r.Time, r.PcapCnt, r.FlowID = ts, uint64(p), uint64(flow+1)
					r.Alert.SignatureID = uint32(1000 + i)
					em.Emit(r) // Key{ts, p, i}
				}
			}
			fr := evetest.Samples()[3].Record
			for f := range flows {
				if f%workers != w {
					continue
				}
				fr.FlowID = uint64(f + 1)
				fr.Time = base.Add(timeDur(packets))
				em.Emit(fr) // same time, no pcap_cnt: Seq 0, 1, ... per worker
			}
			em.Flush()
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDeterministicOrderAnyWorkerCount(t *testing.T) {
	want := produce(t, 1, t.TempDir())
	if n := bytes.Count(want, []byte("\n")); n < 400 {
		t.Fatalf("only %d records produced", n)
	}
	for _, workers := range []int{2, 3, 8} {
		got := produce(t, workers, t.TempDir())
		if !bytes.Equal(got, want) {
			t.Fatalf("output with %d workers differs from 1 worker (%d vs %d bytes)", workers, len(got), len(want))
		}
	}
	evetest.ValidateLines(t, "eve.json", want)
	// Records are in packet order.
	var last uint64
	for _, line := range bytes.Split(bytes.TrimSpace(want), []byte("\n")) {
		if i := bytes.Index(line, []byte(`"pcap_cnt":`)); i >= 0 {
			var n uint64
			fmt.Sscanf(string(line[i+len(`"pcap_cnt":`):]), "%d", &n)
			if n < last {
				t.Fatalf("pcap_cnt %d after %d", n, last)
			}
			last = n
		}
	}
}

func TestFileSinkRemovesPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eve.json")
	fs, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fs.Write([]byte("{\"a\":1}\n{\"b\":2}\n"))
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	// Simulate a failed write: closing the file underneath makes the next
	// write fail; the buffered lines are lost and counted.
	fs.f.Close()
	fs.Write([]byte("{\"c\":3}\n"))
	if err := fs.Flush(); err == nil {
		t.Fatal("Flush on a closed file succeeded")
	}
	if fs.Lost() != 1 {
		t.Fatalf("Lost = %d; want 1", fs.Lost())
	}
	data, _ := os.ReadFile(path)
	if string(data) != "{\"a\":1}\n{\"b\":2}\n" {
		t.Fatalf("file = %q", data)
	}
}

func TestFileSinkAppends(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		fs, err := OpenFastLog(dir)
		if err != nil {
			t.Fatal(err)
		}
		fs.Write([]byte("line\n"))
		if err := fs.Close(); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "fast.log"))
	if string(data) != "line\nline\n" {
		t.Fatalf("fast.log = %q", data)
	}
}

func TestEmitterAllocs(t *testing.T) {
	s := NewStage(&bytes.Buffer{}, StageOptions{QueueLen: 1024})
	defer s.Close()
	em := NewEmitter(s, s)
	em.Encoder = eve.Encoder{Payload: true, PayloadPrintable: true}
	r := evetest.AlertHTTP()
	for range 1000 { // warm the batch free list and buffers
		em.EmitKey(Key{}, r)
	}
	em.Flush()
	if n := testing.AllocsPerRun(1000, func() { em.EmitKey(Key{}, r) }); n != 0 {
		t.Fatalf("Emit allocates %v times per record; want 0", n)
	}
}

func BenchmarkEmitterAlert(b *testing.B) {
	sink, err := OpenEVE(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s := NewStage(sink, StageOptions{Name: "eve", QueueLen: 256})
	em := NewEmitter(s, nil)
	em.Encoder = eve.Encoder{Payload: true, PayloadPrintable: true}
	r := evetest.AlertHTTP()
	b.ReportAllocs()
	for b.Loop() {
		em.EmitKey(Key{}, r)
	}
	em.Flush()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	st := s.Stats()
	b.ReportMetric(float64(st.Dropped)/float64(st.Submitted)*100, "%dropped")
}

func timeDur(i int) time.Duration { return time.Duration(i) * time.Millisecond }

func TestKeyCompare(t *testing.T) {
	tests := []struct {
		a, b Key
		want int
	}{
		{Key{Time: 1}, Key{Time: 2}, -1},
		{Key{Time: 2, PcapCnt: 1}, Key{Time: 1, PcapCnt: 9}, 1},
		{Key{Time: 1, PcapCnt: 3}, Key{Time: 1, PcapCnt: 4}, -1},
		{Key{Time: 1, PcapCnt: 3, Seq: 2}, Key{Time: 1, PcapCnt: 3, Seq: 1}, 1},
		{Key{Time: 1, Seq: 2}, Key{Time: 1, Seq: 1}, 0}, // no packet: Seq ignored
	}
	for _, tt := range tests {
		if got := tt.a.Compare(tt.b); got != tt.want {
			t.Errorf("%+v.Compare(%+v) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDeterministicKeepsPacketOrder checks that records of one packet keep
// their emission order even where their bytes sort the other way, and that
// records at the same time without pcap_cnt are ordered by bytes.
func TestDeterministicKeepsPacketOrder(t *testing.T) {
	var out bytes.Buffer
	s := NewStage(&out, StageOptions{Deterministic: true})
	b := s.Batch()
	b.Add(Key{Time: 5}, []byte(`{"z":"flow"}`))
	b.Add(Key{Time: 5}, []byte(`{"a":"flow"}`))
	b.Add(Key{Time: 1, PcapCnt: 7, Seq: 0}, []byte(`{"z":"first"}`))
	b.Add(Key{Time: 1, PcapCnt: 7, Seq: 1}, []byte(`{"a":"second"}`))
	b.Add(Key{Time: 1, PcapCnt: 6}, []byte(`{"m":"earlier packet"}`))
	s.Submit(b)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"m":"earlier packet"}
{"z":"first"}
{"a":"second"}
{"a":"flow"}
{"z":"flow"}
`
	if out.String() != want {
		t.Fatalf("output =\n%s\nwant\n%s", out.String(), want)
	}
}
