//go:build linux

package engine

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"vigil/afpacket"
	"vigil/engine/packet"
)

// liveWorker is one ring and the Worker that reads it.
type liveWorker struct {
	id    int
	iface string
	ring  int
	r     *afpacket.Ring
	w     *Worker
	cnt   uint64 // pcap_cnt: per worker, counts the frames this worker read
	first int64
	last  int64
	bp    *bypasser

	// Published copies of the worker's counters (read by scrapes).
	pPackets, pBytes, pAlerts, pFlows, pBypassed, pBypassErr atomic.Uint64
}

// run reads the ring until stop is set, then drains it: it goes on
// reading until the ring is idle for a poll timeout or drainMax passed, so
// that packets the kernel queued before the stop are inspected. It
// allocates nothing per packet (Ring.Read and Worker.Process do not).
func (lw *liveWorker) run(stop *atomic.Bool, tap func(int, []byte, int64, uint32)) error {
	w := lw.w
	var drainEnd time.Time
	for {
		if drainEnd.IsZero() {
			if stop.Load() {
				drainEnd = time.Now().Add(drainMax)
			}
		} else if time.Now().After(drainEnd) {
			return nil
		}
		data, info, err := lw.r.Read()
		if err != nil {
			if err == afpacket.ErrTimeout {
				if !drainEnd.IsZero() {
					return nil // drained
				}
				// Idle: hand over pending records and let flows time out
				// by wall-clock time, which live packet time follows.
				w.out.Flush()
				w.refresh(lw.cnt) // an idle worker moves to a reloaded ruleset too
				w.tick(time.Now().UnixNano())
				lw.publish()
				continue
			}
			if errors.Is(err, afpacket.ErrClosed) {
				return nil
			}
			return fmt.Errorf("worker %d (%s ring %d): %w", lw.id, lw.iface, lw.ring, err)
		}
		lw.cnt++
		ts := info.Timestamp.UnixNano()
		if lw.first == 0 {
			lw.first = ts
		}
		lw.last = max(lw.last, ts)
		if tap != nil {
			tap(lw.id, data, ts, uint32(info.Length))
		}
		w.Process(data, packet.LinkEthernet, ts, lw.cnt, uint32(info.Length))
		if lw.cnt&255 == 0 {
			w.out.Flush()
			lw.publish()
		}
	}
}

// drainMax bounds the drain at shutdown under continuous traffic.
const drainMax = 2 * time.Second
