package engine

import (
	"encoding/binary"

	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/output"
)

// PcapLogConfig is Suricata's pcap-log output: captured frames archived as
// pcap files by their own output stage (output.PcapLog), which drops and
// counts when it falls behind and never stalls a worker.
type PcapLogConfig struct {
	// Alerts is conditional: alerts: only the frames of flows that
	// alerted (and frames that alerted without a flow). Each flow keeps
	// its most recent frames, up to FlowBuffer bytes, until it alerts or
	// ends; when it alerts they are written, and its later frames are
	// written as they come. Without Alerts (conditional: all) every frame
	// is written.
	Alerts bool
	// FlowBuffer bounds the bytes of frames a flow keeps before it alerts
	// (default 64 KiB); the oldest go first. They count against the flow
	// memcap.
	FlowBuffer int
	// Filename, Limit and MaxFiles: see output.PcapLogOptions (files in
	// LogDir).
	Filename string
	Limit    int64
	MaxFiles int
}

// DefaultPcapFlowBuffer is PcapLogConfig.FlowBuffer's default.
const DefaultPcapFlowBuffer = 64 << 10

// pcapRing is a flow's first and recent frames (conditional: alerts): each
// is pcapFrameHdr bytes of header and the frame, copied. buf[:head] holds
// the flow's first frames (up to pcapHeadFrames, within a quarter of the
// limit), which are never dropped: a replay of the archive then sees the
// session start (TCP handshake) instead of picking the flow up midstream.
// buf[start:] holds the most recent ones, oldest first; buf[head:start] is
// free. alerted is set when the flow alerted: its frames are then written
// directly.
type pcapRing struct {
	buf         []byte
	head, start int
	headFrames  int
	alerted     bool
}

// pcapFrameHdr: pcap_cnt (8), time (8), link type (4), original length (4),
// captured length (4).
const pcapFrameHdr = 28

// pcapHeadFrames is the number of a flow's first frames always kept.
const pcapHeadFrames = 4

func (r *pcapRing) reset() {
	r.buf, r.head, r.start, r.headFrames, r.alerted = r.buf[:0], 0, 0, 0, false
}

// kept is the bytes the ring holds (charged to the flow memcap).
func (r *pcapRing) kept() int { return r.head + len(r.buf) - r.start }

// push keeps a copy of a frame, dropping the oldest recent ones to stay
// within limit.
func (r *pcapRing) push(limit int, cnt uint64, ts int64, link, origLen uint32, data []byte) {
	need := pcapFrameHdr + len(data)
	if r.headFrames < pcapHeadFrames && r.start == len(r.buf) && r.head+need <= limit/4 {
		// Still in the flow's head, and no recent frames kept yet.
		r.buf = appendFrame(r.buf[:r.head], cnt, ts, link, origLen, data)
		r.head, r.start = len(r.buf), len(r.buf)
		r.headFrames++
		return
	}
	r.headFrames = pcapHeadFrames
	if r.head+need > limit {
		r.buf, r.start = r.buf[:r.head], r.head
		return
	}
	for r.kept()+need > limit {
		n := int(binary.LittleEndian.Uint32(r.buf[r.start+24:]))
		r.start += pcapFrameHdr + n
	}
	if r.start > r.head && len(r.buf)+need > cap(r.buf) {
		// Slide the recent frames down to the head instead of growing.
		k := copy(r.buf[r.head:], r.buf[r.start:])
		r.buf, r.start = r.buf[:r.head+k], r.head
	}
	r.buf = appendFrame(r.buf, cnt, ts, link, origLen, data)
}

func appendFrame(b []byte, cnt uint64, ts int64, link, origLen uint32, data []byte) []byte {
	var h [pcapFrameHdr]byte
	binary.LittleEndian.PutUint64(h[0:], cnt)
	binary.LittleEndian.PutUint64(h[8:], uint64(ts))
	binary.LittleEndian.PutUint32(h[16:], link)
	binary.LittleEndian.PutUint32(h[20:], origLen)
	binary.LittleEndian.PutUint32(h[24:], uint32(len(data)))
	b = append(b, h[:]...)
	return append(b, data...)
}

// flush hands the kept frames to em, oldest first, and empties the ring.
func (r *pcapRing) flush(em *output.Emitter) {
	emitFrames(em, r.buf[:r.head])
	emitFrames(em, r.buf[r.start:])
	r.buf, r.head, r.start = r.buf[:0], 0, 0
}

func emitFrames(em *output.Emitter, b []byte) {
	for len(b) >= pcapFrameHdr {
		cnt := binary.LittleEndian.Uint64(b)
		ts := int64(binary.LittleEndian.Uint64(b[8:]))
		link := binary.LittleEndian.Uint32(b[16:])
		orig := binary.LittleEndian.Uint32(b[20:])
		n := int(binary.LittleEndian.Uint32(b[24:]))
		em.Packet(output.Key{Time: ts, PcapCnt: cnt}, link, ts, orig, b[pcapFrameHdr:pcapFrameHdr+n])
		b = b[pcapFrameHdr+n:]
	}
}

// linkRaw is LINKTYPE_RAW: a datagram the defragmenter reassembled is
// archived as the IP datagram it is.
const linkRaw = 101

// pcapLog archives the frame of packet p (flow e, nil without one) after
// it was handled; alerted says it raised an alert. Called only with a
// pcap-log stage in conditional: alerts mode.
func (w *Worker) pcapLog(p *packet.Packet, e *flow.Entry[flowData], alerted bool, link uint32) {
	key := output.Key{Time: p.Ts, PcapCnt: p.PcapCnt}
	if e == nil {
		if alerted {
			w.out.Packet(key, link, p.Ts, p.OrigLen, p.Data)
		}
		return
	}
	r := &e.Value.pcap
	before := r.kept()
	if r.alerted {
		r.flush(w.out)
		w.out.Packet(key, link, p.Ts, p.OrigLen, p.Data)
	} else {
		limit := w.cfg.PcapLog.FlowBuffer
		if limit <= 0 {
			limit = DefaultPcapFlowBuffer
		}
		r.push(limit, p.PcapCnt, p.Ts, link, p.OrigLen, p.Data)
	}
	if d := r.kept() - before; d != 0 {
		w.flows.Charge(e, int64(d))
	}
}

// pcapFlowEnd writes the kept frames of flow e if it alerted at its end
// (the last inspection), and empties its ring.
func (w *Worker) pcapFlowEnd(e *flow.Entry[flowData]) {
	r := &e.Value.pcap
	if r.alerted {
		r.flush(w.out)
	}
	w.flows.Charge(e, -int64(r.kept()))
	r.reset()
}

// openPcapLog starts the pcap-log stage (cfg.PcapLog set).
func (pl *pipeline) openPcapLog() error {
	c := pl.cfg.PcapLog
	sink, err := output.OpenPcapLog(output.PcapLogOptions{Dir: pl.cfg.LogDir, Filename: c.Filename,
		Limit: c.Limit, MaxFiles: c.MaxFiles})
	if err != nil {
		return err
	}
	pl.pcapSink = sink
	pl.pcap = output.NewStage(sink, output.StageOptions{Name: "pcap_log", Deterministic: pl.cfg.Deterministic,
		Block: !pl.cfg.Live, QueueLen: 256})
	return nil
}
