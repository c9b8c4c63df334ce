package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"vigil/detect"
	"vigil/engine/decode"
	"vigil/engine/packet"
	"vigil/engine/pcapfile"
	"vigil/engine/score"
	"vigil/output"
	"vigil/output/eve"
)

// Summary is what a run did, for the final report and stats.
type Summary struct {
	Packets, Bytes uint64
	Alerts         uint64
	Flows          uint64
	Workers        int
	// Errors are input errors (a truncated or corrupt file): the packets
	// before each still counted.
	Errors []error
	// FirstNs and LastNs are the first and last packet times.
	FirstNs, LastNs int64
	Elapsed         time.Duration
	// Dropped counts EVE records the output stage had to drop.
	Dropped uint64
	Decoder decode.Stats
	Stats   []Counter
	// Rules holds per-rule profiles, summed over workers, when
	// Config.RuleProfile is set (ordered by estimated time, descending).
	Rules []RuleStat
}

// RuleStat is one rule's profile.
type RuleStat struct {
	Sig *detect.Sig
	detect.RuleProfile
}

// Counter is one named counter of the final stats.
type Counter struct {
	Name  string
	Value uint64
}

// Progress is called periodically during replay (from the reader
// goroutine) with the packets and bytes read so far and the bytes of input
// in all (0 when unknown).
type Progress func(packets, bytes, readBytes, totalBytes uint64)

// pipeline is one run: output stages, thresholds, workers.
type pipeline struct {
	cfg      Config
	eve      *output.Stage
	fast     *output.Stage
	eveSink  *output.FileSink
	fastSink *output.FileSink
	thr      *thresholds
	workers  []*Worker
	emitters []*output.Emitter
	// score is the single-threaded scoring stage (nil: scoring off);
	// scoreEm, scoreRec and scoreSeq write its crossings (scoring.go).
	score    *score.Stage
	scoreEm  *output.Emitter
	scoreRec eve.Record
	scoreSeq uint32
}

func newPipeline(cfg Config) (*pipeline, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.LogDir == "" {
		cfg.LogDir = "."
	}
	if err := os.MkdirAll(cfg.LogDir, 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	pl := &pipeline{cfg: cfg}
	sink, err := output.OpenEVE(cfg.LogDir)
	if err != nil {
		return nil, err
	}
	pl.eveSink = sink
	pl.eve = output.NewStage(sink, output.StageOptions{Name: "eve", Deterministic: cfg.Deterministic, Block: !cfg.Live})
	if cfg.EVE.FastLog {
		fs, err := output.OpenFastLog(cfg.LogDir)
		if err != nil {
			pl.eve.Close()
			return nil, err
		}
		pl.fastSink = fs
		pl.fast = output.NewStage(fs, output.StageOptions{Name: "fast", Deterministic: cfg.Deterministic, Block: !cfg.Live})
	}
	pl.thr = &thresholds{t: detect.NewThresholder(cfg.Thresholds)}
	for i := 0; i < cfg.Workers; i++ {
		em := output.NewEmitter(pl.eve, pl.fast)
		em.Encoder.Payload = cfg.EVE.Payload
		em.Encoder.PayloadPrintable = cfg.EVE.PayloadPrintable
		em.Encoder.Packet = cfg.EVE.Packet
		em.Fast.IPS = cfg.SimulateIPS
		w, err := newWorker(i, &pl.cfg, pl.thr, em)
		if err != nil {
			pl.close()
			return nil, err
		}
		pl.workers = append(pl.workers, w)
		pl.emitters = append(pl.emitters, em)
	}
	pl.startScoring()
	return pl, nil
}

// finish ends every flow, writes the final stats and closes the outputs.
func (pl *pipeline) finish(sum *Summary) error {
	for i, w := range pl.workers {
		// Flows ending at shutdown are logged at the time of the last
		// packet of the whole input, whichever worker holds them.
		w.tick(sum.LastNs)
		w.flows.Flush()
		pl.emitters[i].Flush()
	}
	pl.drainScoring()
	pl.summarize(sum)
	if pl.cfg.EVE.Stats {
		pl.writeStats(sum)
	}
	sum.Stats = append(sum.Stats, pl.scoreCounters()...)
	return pl.close()
}

func (pl *pipeline) close() error {
	if pl.score != nil {
		pl.score.Drain() // stops a live stage's goroutine (idempotent)
	}
	for _, w := range pl.workers {
		w.close()
	}
	var errs []error
	if pl.eve != nil {
		errs = append(errs, pl.eve.Close())
	}
	if pl.fast != nil {
		errs = append(errs, pl.fast.Close())
	}
	return errors.Join(errs...)
}

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
		}
		if cfg.EVE.Stats && interval > 0 && rec.Ts >= nextStats {
			// Periodic stats in packet time carry what the reader knows
			// for certain at that moment; the final record has every
			// counter (workers run ahead or behind the reader).
			pl.writePeriodicStats(rec.Ts, sum.FirstNs, n, bytes)
			nextStats = rec.Ts + interval
		}
		sum.LastNs = max(sum.LastNs, rec.Ts)
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
	if err := pl.finish(sum); err != nil {
		return sum, err
	}
	return sum, nil
}

// summarize sums the workers' counters.
func (pl *pipeline) summarize(sum *Summary) {
	for _, w := range pl.workers {
		sum.Packets += w.Stats.Packets
		sum.Bytes += w.Stats.Bytes
		sum.Alerts += w.Stats.Alerts
		sum.Flows += w.flows.Counters().Created
		addDecodeStats(&sum.Decoder, &w.dec.Stats)
	}
	sum.Dropped = pl.eve.Stats().Dropped
	sum.Stats = pl.counters()
	if pl.cfg.RuleProfile && pl.cfg.Rules != nil {
		sigs := pl.cfg.Rules.Sigs()
		tot := make([]detect.RuleProfile, len(sigs))
		for _, w := range pl.workers {
			for i, r := range w.matcher.Profile() {
				tot[i].Checks += r.Checks
				tot[i].Matches += r.Matches
				tot[i].Ticks += r.Ticks
			}
		}
		for i, r := range tot {
			if r.Checks > 0 {
				sum.Rules = append(sum.Rules, RuleStat{Sig: sigs[i], RuleProfile: r})
			}
		}
		sort.Slice(sum.Rules, func(i, j int) bool { return sum.Rules[i].Ticks > sum.Rules[j].Ticks })
	}
}

func addDecodeStats(dst, src *decode.Stats) {
	dst.Packets += src.Packets
	dst.Bytes += src.Bytes
	dst.Invalid += src.Invalid
	dst.Ethernet += src.Ethernet
	dst.VLAN += src.VLAN
	dst.MPLS += src.MPLS
	dst.PPPoE += src.PPPoE
	dst.SLL += src.SLL
	dst.Null += src.Null
	dst.Raw += src.Raw
	dst.IPv4 += src.IPv4
	dst.IPv6 += src.IPv6
	dst.TCP += src.TCP
	dst.UDP += src.UDP
	dst.SCTP += src.SCTP
	dst.ICMPv4 += src.ICMPv4
	dst.ICMPv6 += src.ICMPv6
	dst.GRE += src.GRE
	dst.ERSPAN += src.ERSPAN
	dst.VXLAN += src.VXLAN
	dst.Geneve += src.Geneve
	dst.IPIP += src.IPIP
	dst.Teredo += src.Teredo
	dst.ESP += src.ESP
	dst.Fragments += src.Fragments
	dst.Reassembled += src.Reassembled
	for i := range src.Events {
		dst.Events[i] += src.Events[i]
	}
}

// dispatcher hands packets to workers by a symmetric hash of the address
// pair, so that both directions of a flow, and every fragment of it, reach
// the same worker: the property AF_PACKET's fanout gives live. It decodes
// each frame once for the hash (the worker decodes again) and copies frames
// into per-worker batches.
type dispatcher struct {
	dec     *decode.Decoder
	pkt     packet.Packet
	clock   int64
	workers []*Worker
	queues  []chan *batch
	free    chan *batch
	cur     []*batch
	wg      sync.WaitGroup
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
					w.Advance(f.clock)
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
	d.dec.Decode(p, rec.LinkType, rec.Data)
	d.clock = max(d.clock, rec.Ts)
	i := int(addrHash(p) % uint32(len(d.workers)))
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

func (d *dispatcher) close() {
	for i, b := range d.cur {
		if b != nil {
			d.queues[i] <- b
		}
		close(d.queues[i])
	}
	d.wg.Wait()
}

// addrHash is a symmetric hash of the packet's address pair (0 for
// packets without IP).
func addrHash(p *packet.Packet) uint32 {
	if p.IPVersion == 0 {
		return 0
	}
	a, b := p.Src.As16(), p.Dst.As16()
	return uint32(fnv(a[:]) ^ fnv(b[:]))
}

func fnv(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h ^ h>>29
}
