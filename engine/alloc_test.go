package engine

import (
	"io"
	"path/filepath"
	"testing"

	"vigil/engine/pcapfile"
	"vigil/internal/testutil"
)

// demoFrames reads the demo capture into memory.
func demoFrames(tb testing.TB) (frames [][]byte, ts []int64, link uint32) {
	tb.Helper()
	r, err := pcapfile.Open(filepath.Join(testutil.ModuleRoot(tb), "rules", "demo", "demo.pcap"))
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
			tb.Fatal(err)
		}
		frames = append(frames, append([]byte(nil), rec.Data...))
		ts = append(ts, rec.Ts)
		link = rec.LinkType
	}
	return frames, ts, link
}

// TestWorkerProcessAllocs checks that a packet of an established flow
// costs no allocation once the worker is warm: decode, flow lookup,
// stream, detection with rules loaded.
func TestWorkerProcessAllocs(t *testing.T) {
	frames, ts, link := demoFrames(t)
	eng := compileRules(t, []string{filepath.Join(testutil.ModuleRoot(t), "rules", "demo", "demo.rules")}, false)
	cfg := Config{Workers: 1, Rules: eng, LogDir: t.TempDir(), EVE: DefaultEVE()}
	pl, err := newPipeline(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pl.close()
	w := pl.workers[0]
	// Frames 3-6 (1-based) are the HTTP handshake and request; 7 is the
	// server's ACK. Replaying the ACK again is a steady-state packet of an
	// established flow.
	for i := 2; i < 7; i++ {
		w.Process(frames[i], link, ts[i], uint64(i+1), uint32(len(frames[i])))
	}
	ack := frames[6]
	clock := ts[6]
	n := testing.AllocsPerRun(200, func() {
		clock += 1000
		w.Process(ack, link, clock, 7, uint32(len(ack)))
	})
	if n != 0 {
		t.Fatalf("Process allocates %v times per packet; want 0", n)
	}
}

// BenchmarkWorkerDemo replays the demo capture's frames through one worker
// with the demo rules.
func BenchmarkWorkerDemo(b *testing.B) {
	frames, ts, link := demoFrames(b)
	eng := compileRules(b, []string{filepath.Join(testutil.ModuleRoot(b), "rules", "demo", "demo.rules")}, false)
	cfg := Config{Workers: 1, Rules: eng, LogDir: b.TempDir(), EVE: DefaultEVE()}
	pl, err := newPipeline(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pl.close()
	w := pl.workers[0]
	var size int64
	for _, f := range frames {
		size += int64(len(f))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	base := int64(0)
	for b.Loop() {
		for i, f := range frames {
			w.Process(f, link, base+ts[i], uint64(i+1), uint32(len(f)))
		}
		base += 3600e9 // an hour later: the previous flows time out
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(size)*float64(b.N)*8/1e6/sec, "Mbit/s")
	b.ReportMetric(float64(len(frames))*float64(b.N)/sec, "pkt/s")
}
