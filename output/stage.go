package output

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
)

// StageOptions configures a Stage.
type StageOptions struct {
	// Name identifies the stage in counter names ("eve", "fast").
	Name string
	// QueueLen is the number of batches the queue holds (default 64).
	QueueLen int
	// Deterministic collects every record and writes them sorted by Key
	// (then bytes) at Close, so that output does not depend on the number
	// of workers or their timing. Submit then waits for queue space instead
	// of dropping: replay must not lose records. Memory grows with the
	// output; meant for replay and tests.
	Deterministic bool
	// Block makes Submit wait for queue space instead of dropping, without
	// sorting: for replay, where losing records is wrong and waiting only
	// slows the reader.
	Block bool
}

// Stage is the non-blocking output stage: workers hand batches to a bounded
// queue, one goroutine writes them to the sink. When the sink is slow and
// the queue is full, Submit drops the batch and counts its records (unless
// Deterministic); it never blocks the caller. Batches are recycled through a
// free list, so the steady state allocates nothing.
//
// Batch, Submit, Counters and Stats are safe for concurrent use. Submit must
// not be called after, or concurrently with, Close.
type Stage struct {
	name  string
	sink  io.Writer
	det   bool
	block bool
	queue chan *Batch
	free  chan *Batch
	done  chan struct{}

	// deterministic mode: everything collected here by the writer goroutine
	all  []byte
	ents []entry

	closeOnce sync.Once
	err       error // first sink error, read after done

	submitted, written, dropped, droppedBatches, writeErrors, bytesOut atomic.Uint64
}

// NewStage starts a stage writing to sink. If sink has a Flush() error
// method it is called whenever the queue runs empty (so lines reach the
// file promptly when traffic is light) and at Close; if it is an io.Closer
// it is closed by Close.
func NewStage(sink io.Writer, opt StageOptions) *Stage {
	n := opt.QueueLen
	if n <= 0 {
		n = 64
	}
	s := &Stage{
		name:  opt.Name,
		sink:  sink,
		det:   opt.Deterministic,
		block: opt.Block,
		queue: make(chan *Batch, n),
		free:  make(chan *Batch, 2*n),
		done:  make(chan struct{}),
	}
	go s.run()
	return s
}

// Batch returns an empty batch from the free list, or a new one.
func (s *Stage) Batch() *Batch {
	select {
	case b := <-s.free:
		return b
	default:
		return &Batch{buf: make([]byte, 0, 64<<10), ents: make([]entry, 0, 256)}
	}
}

func (s *Stage) recycle(b *Batch) {
	b.Reset()
	select {
	case s.free <- b:
	default: // free list full: let the GC have it
	}
}

// Submit hands b to the stage; b belongs to the stage afterwards. It reports
// whether the batch was queued; false means the queue was full and the
// batch's records were dropped and counted.
func (s *Stage) Submit(b *Batch) bool {
	n := uint64(b.Len())
	if n == 0 {
		s.recycle(b)
		return true
	}
	s.submitted.Add(n)
	if s.det || s.block {
		s.queue <- b
		return true
	}
	select {
	case s.queue <- b:
		return true
	default:
		s.dropped.Add(n)
		s.droppedBatches.Add(1)
		s.recycle(b)
		return false
	}
}

func (s *Stage) run() {
	defer close(s.done)
	for b := range s.queue {
		if s.det {
			off := len(s.all)
			s.all = append(s.all, b.buf...)
			for _, e := range b.ents {
				s.ents = append(s.ents, entry{key: e.key, off: e.off + off, end: e.end + off})
			}
		} else {
			s.write(b.buf, uint64(b.Len()))
		}
		s.recycle(b)
		if len(s.queue) == 0 && !s.det {
			s.flush()
		}
	}
	if s.det {
		s.writeSorted()
	}
	s.flush()
}

// write hands whole lines to the sink and counts the outcome.
func (s *Stage) write(p []byte, records uint64) {
	n, err := s.sink.Write(p)
	if err != nil {
		s.fail(err)
		ok := uint64(bytes.Count(p[:max(n, 0)], []byte{'\n'}))
		s.written.Add(ok)
		s.dropped.Add(records - ok)
		s.bytesOut.Add(uint64(n))
		return
	}
	s.written.Add(records)
	s.bytesOut.Add(uint64(n))
}

func (s *Stage) fail(err error) {
	s.writeErrors.Add(1)
	if errors.Is(err, ErrSinkDown) {
		// A network sink's peer is away: its records were dropped and
		// counted, and the sink reconnects by itself. Not a run error.
		return
	}
	if s.err == nil {
		s.err = err
	}
}

func (s *Stage) flush() {
	if f, ok := s.sink.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			s.fail(err)
		}
	}
}

// writeSorted writes the collected records in Key order, in chunks.
func (s *Stage) writeSorted() {
	all := s.all
	slices.SortFunc(s.ents, func(a, b entry) int { return compareEntries(all, a, b) })
	chunk := make([]byte, 0, 1<<20)
	var recs uint64
	for _, e := range s.ents {
		chunk = append(chunk, all[e.off:e.end]...)
		recs++
		if len(chunk) >= 1<<20 {
			s.write(chunk, recs)
			chunk, recs = chunk[:0], 0
		}
	}
	if recs > 0 {
		s.write(chunk, recs)
	}
	s.all, s.ents = nil, nil
}

// Close stops accepting batches, writes what is queued (sorted, in
// deterministic mode), flushes and closes the sink. It returns the first
// sink error. Close is idempotent.
func (s *Stage) Close() error {
	s.closeOnce.Do(func() {
		close(s.queue)
		<-s.done
		if c, ok := s.sink.(io.Closer); ok {
			if err := c.Close(); err != nil {
				s.writeErrors.Add(1)
				s.err = errors.Join(s.err, err)
			}
		}
	})
	return s.err
}

// StageStats are a stage's counters.
type StageStats struct {
	Submitted      uint64 // records handed to Submit
	Written        uint64 // records accepted by the sink
	Dropped        uint64 // records dropped: queue full or write error
	DroppedBatches uint64 // batches dropped because the queue was full
	WriteErrors    uint64
	Bytes          uint64 // bytes accepted by the sink
	Queued         uint64 // batches waiting now
}

// Stats returns a snapshot of the counters.
func (s *Stage) Stats() StageStats {
	return StageStats{
		Submitted:      s.submitted.Load(),
		Written:        s.written.Load(),
		Dropped:        s.dropped.Load(),
		DroppedBatches: s.droppedBatches.Load(),
		WriteErrors:    s.writeErrors.Load(),
		Bytes:          s.bytesOut.Load(),
		Queued:         uint64(len(s.queue)),
	}
}

// Counters reports the stage's counters as output_<name>_<thing> (for
// summaries and tests; the engine exports them to Prometheus as
// vigil_output_<thing>_total{sink="<name>"} from Stats). Queued is a gauge
// and is not reported here.
func (s *Stage) Counters(emit func(name string, value uint64)) {
	p := "output_" + s.name + "_"
	if s.name == "" {
		p = "output_"
	}
	st := s.Stats()
	emit(p+"records_submitted", st.Submitted)
	emit(p+"records_written", st.Written)
	emit(p+"records_dropped", st.Dropped)
	emit(p+"batches_dropped", st.DroppedBatches)
	emit(p+"write_errors", st.WriteErrors)
	emit(p+"bytes_written", st.Bytes)
}
