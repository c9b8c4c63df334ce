package engine

import (
	"sync"

	"vigil/engine/decode"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/pcapfile"
)

// dispatcher hands packets to workers by flow.PairHash of the outermost
// address pair, so that both directions of a flow, and every fragment of
// it, reach the same worker: the property AF_PACKET's fanout hash (with
// defragmentation) gives live. It decodes each frame only as far as those
// addresses (decode.DecodeAddrs; the worker does the full decode) and
// copies frames into per-worker batches.
type dispatcher struct {
	dec     *decode.Decoder
	pkt     packet.Packet
	clock   int64
	workers []*Worker
	queues  []chan *batch
	free    chan *batch
	cur     []*batch
	wg      sync.WaitGroup
	// onMark receives each worker's counters at a stats boundary.
	onMark func(ts int64, c workerCounters)
}

// batch is a run of frames for one worker, copied out of the reader's
// buffer (which is valid only until its next read).
type batch struct {
	buf  []byte
	meta []frame
}

type frame struct {
	off, n  int
	link    uint32
	ts      int64
	clock   int64 // the input's clock: the latest packet time read so far
	cnt     uint64
	origLen uint32
	// statsMark, when set, is no frame: a stats boundary at clock, which
	// every worker reports with its counters (pipeline.statsMark).
	statsMark bool
}

const batchFrames = 128

func newDispatcher(ws []*Worker, dopts decode.Options) *dispatcher {
	dopts.Checksum = decode.ChecksumNone
	d := &dispatcher{dec: decode.New(dopts), workers: ws, free: make(chan *batch, 8*len(ws)+len(ws))}
	for range 8*len(ws) + len(ws) {
		d.free <- &batch{buf: make([]byte, 0, 64<<10), meta: make([]frame, 0, batchFrames)}
	}
	d.cur = make([]*batch, len(ws))
	for _, w := range ws {
		q := make(chan *batch, 8)
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go func(w *Worker, q chan *batch) {
			defer d.wg.Done()
			for b := range q {
				for _, f := range b.meta {
					// A reload applies from a packet of the input on
					// (reload.go), before the clock moves with it.
					w.refresh(f.cnt)
					w.Advance(f.clock)
					if f.statsMark {
						d.onMark(f.clock, w.counters())
						continue
					}
					w.Process(b.buf[f.off:f.off+f.n], f.link, f.ts, f.cnt, f.origLen)
				}
				// Records go to the output stage in full batches (the
				// emitter's BatchRecords); finish flushes what is left.
				b.buf, b.meta = b.buf[:0], b.meta[:0]
				d.free <- b
			}
		}(w, q)
	}
	return d
}

func (d *dispatcher) dispatch(rec *pcapfile.Record, cnt uint64) {
	p := &d.pkt
	p.Reset()
	d.dec.DecodeAddrs(p, rec.LinkType, rec.Data)
	d.clock = max(d.clock, rec.Ts)
	i := 0 // frames without IP go to the first worker
	if p.IPVersion != 0 {
		i = int(flow.PairHash(p.Src, p.Dst) % uint64(len(d.workers)))
	}
	b := d.cur[i]
	if b == nil {
		b = <-d.free
		d.cur[i] = b
	}
	off := len(b.buf)
	b.buf = append(b.buf, rec.Data...)
	b.meta = append(b.meta, frame{off: off, n: len(rec.Data), link: rec.LinkType, ts: rec.Ts, clock: d.clock, cnt: cnt, origLen: rec.OrigLen})
	if len(b.meta) == batchFrames || len(b.buf) > 48<<10 {
		d.queues[i] <- b
		d.cur[i] = nil
	}
}

// mark queues a stats boundary at packet time ts to every worker, behind
// the frames dispatched so far.
func (d *dispatcher) mark(ts int64) {
	for i := range d.workers {
		b := d.cur[i]
		if b == nil {
			b = <-d.free
			d.cur[i] = b
		}
		b.meta = append(b.meta, frame{clock: ts, statsMark: true})
		d.queues[i] <- b
		d.cur[i] = nil
	}
}

func (d *dispatcher) close() {
	for i, b := range d.cur {
		if b != nil {
			d.queues[i] <- b
		}
		close(d.queues[i])
	}
	d.wg.Wait()
}
