package engine

import (
	"io"
	"os"
	"time"

	"vigil/engine/pcapfile"
)

// Progress is called periodically during replay (from the reader
// goroutine) with the packets and bytes read so far and the bytes of input
// in all (0 when unknown).
type Progress func(packets, bytes, readBytes, totalBytes uint64)

// Replay reads files in order and runs their packets through the pipeline.
// Input errors (a truncated file) are collected in the Summary and the
// replay goes on with the next file; the returned error is for failures
// that stop the run (output).
func Replay(cfg Config, files []string, progress Progress) (*Summary, error) {
	pl, err := newPipeline(cfg)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Workers: len(pl.workers)}
	start := time.Now()
	var total uint64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			total += uint64(st.Size())
		}
	}
	rd := pcapfile.NewMultiReader(files...)
	defer rd.Close()

	var d *dispatcher
	if len(pl.workers) > 1 {
		d = newDispatcher(pl.workers, cfg.Decode)
		d.onMark = pl.statsMark
	}
	var n, bytes, readBytes uint64
	lastProgress := time.Now()
	interval := int64(cfg.EVE.StatsInterval)
	var nextStats int64
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			sum.Errors = append(sum.Errors, err)
			continue
		}
		n++
		bytes += uint64(len(rec.Data))
		readBytes = uint64(rec.Offset) + uint64(rec.CapLen)
		if sum.FirstNs == 0 {
			sum.FirstNs = rec.Ts
			nextStats = rec.Ts + interval
			pl.marks.first = rec.Ts
		}
		if pl.statsOn() && interval > 0 && rec.Ts >= nextStats {
			// Periodic stats in packet time: with one worker its counters
			// now, with several those each published at its last interval
			// (workers run behind the reader); the final record has every
			// counter at the end.
			if d == nil {
				w := pl.workers[0]
				w.Advance(rec.Ts)
				pl.statsMark(rec.Ts, w.counters())
			} else {
				d.mark(rec.Ts)
			}
			nextStats = rec.Ts + interval
		}
		sum.LastNs = max(sum.LastNs, rec.Ts)
		if n == cfg.Reload.AtPacket && cfg.Reload.Build != nil {
			// The replay hook: a reload applying from this packet on,
			// built while the workers go on with the packets before it.
			pl.reloadOnce(n, rec.Ts, n, false)
		}
		if d == nil {
			pl.workers[0].Process(rec.Data, rec.LinkType, rec.Ts, n, rec.OrigLen)
		} else {
			d.dispatch(&rec, n)
		}
		if progress != nil && n&0x3fff == 0 && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			progress(n, bytes, readBytes, total)
		}
	}
	if d != nil {
		d.close()
	}
	sum.Elapsed = time.Since(start)
	if err := pl.finish(sum, nil); err != nil {
		return sum, err
	}
	return sum, nil
}
