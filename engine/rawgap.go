package engine

import (
	"strconv"

	"vigil/engine/stream"
)

// This file keeps the holes of the raw stream bytes a flow holds for
// stream inspection, and builds the payload an alert on stream data logs
// from those bytes, as Suricata's alert logger does (eve-json-format
// "payload"; stream alerts log the stream data, "stream": 1).

// rawGap is a hole in a direction's pending raw stream bytes: n bytes
// the stream never saw, missing just before byte off of flowData.raw.
type rawGap struct {
	off int
	n   uint32
}

// maxRawGaps bounds the holes a direction records between two
// inspections; later holes are not marked in alert payloads.
const maxRawGaps = 64

// rawGap records a hole of n bytes at the current end of direction dir's
// pending raw bytes, when raw bytes are being kept for the flow.
func (w *Worker) rawGap(fd *flowData, dir stream.Dir, n uint32) {
	d := dir & 1
	if w.matcher == nil || fd.noPayload || len(fd.raw[d]) >= maxRaw || n == 0 {
		return
	}
	off := len(fd.raw[d])
	if k := len(fd.rawGaps[d]); k > 0 && fd.rawGaps[d][k-1].off == off {
		fd.rawGaps[d][k-1].n += n // adjacent holes are one
		return
	}
	if len(fd.rawGaps[d]) < maxRawGaps {
		fd.rawGaps[d] = append(fd.rawGaps[d], rawGap{off: off, n: n})
	}
}

// streamView is the stream data of one direction that a packet's
// inspection saw: the raw bytes and the holes in them. Both are the
// flow's buffers, valid until the direction's next delivery.
type streamView struct {
	data []byte
	gaps []rawGap
}

// appendStreamPayload appends v's bytes to dst as Suricata logs the
// payload of an alert on stream data: each hole as "[N bytes missing]"
// where it was, the whole cut at max bytes (payload-buffer-size).
func appendStreamPayload(dst []byte, v *streamView, max int) []byte {
	start := len(dst)
	pos := 0
	for _, g := range v.gaps {
		off := min(g.off, len(v.data))
		dst = append(dst, v.data[pos:off]...)
		pos = off
		dst = append(dst, '[')
		dst = strconv.AppendUint(dst, uint64(g.n), 10)
		dst = append(dst, " bytes missing]"...)
	}
	dst = append(dst, v.data[pos:]...)
	if len(dst)-start > max {
		dst = dst[:start+max]
	}
	return dst
}
