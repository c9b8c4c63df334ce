package engine

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"vigil/detect"
	"vigil/engine/applayer/ftpdata"
	"vigil/engine/decode"
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
	// Written counts the records the EVE outputs wrote, the final stats
	// record included (set once the outputs are closed).
	Written uint64
	Decoder decode.Stats
	Stats   []Counter
	// Detect sums the workers' detection counters.
	Detect detect.ThreadStats
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

// Counter returns the value of the named counter in s.Stats.
func (s *Summary) Counter(name string) (uint64, bool) {
	for _, c := range s.Stats {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}

// pipeline is one run: output stages, thresholds, workers.
type pipeline struct {
	cfg Config
	// eve is the first EVE output's stage (verdict engine records go
	// there); outs are every EVE output with the types it takes.
	eve      *output.Stage
	outs     []eveOut
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
	// rules is the published ruleset the workers move to between packets;
	// xbits the xbits store of every engine's matchers; reload the reload
	// state (reload.go).
	rules  atomic.Pointer[published]
	xbits  *detect.XbitStore
	reload reloads
	// pcap is the pcap-log stage and pcapSink its files (nil: off).
	pcap     *output.Stage
	pcapSink *output.PcapLog
	// statsLog is the stats.log stage and statsSink its file (nil: off).
	statsLog  *output.Stage
	statsSink *output.FileSink
	// marks collects replay stats boundaries (stats.go).
	marks statsMarks
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
	if err := pl.openOutputs(); err != nil {
		return nil, err
	}
	pl.attachVerdicts()
	if cfg.EVE.FastLog {
		fs, err := output.OpenFastLog(cfg.LogDir)
		if err != nil {
			pl.closeOutputs()
			return nil, err
		}
		pl.fastSink = fs
		pl.fast = output.NewStage(fs, output.StageOptions{Name: "fast", Deterministic: cfg.Deterministic, Block: !cfg.Live})
	}
	if cfg.StatsLog != nil {
		if err := pl.openStatsLog(); err != nil {
			pl.close()
			return nil, err
		}
	}
	if cfg.PcapLog != nil {
		if err := pl.openPcapLog(); err != nil {
			pl.close()
			return nil, err
		}
	}
	pl.thr = &thresholds{t: detect.NewThresholder(cfg.Thresholds)}
	pl.cfg.expect = ftpdata.NewExpectations()
	if err := pl.initRules(); err != nil {
		pl.close()
		return nil, err
	}
	for i := 0; i < cfg.Workers; i++ {
		em := pl.newEmitter()
		if pl.pcap != nil {
			em.SetPcapLog(pl.pcap)
		}
		w, err := newWorker(i, &pl.cfg, pl.thr, &pl.rules, em)
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

// finish ends every flow, writes the final stats and closes the outputs:
// the one end of a run, replay or live. capture, when not nil (live),
// returns the capture's own counters: stats go into the EVE stats record
// with the engine's, vigil (Vigil-only ones) are appended to sum.Stats
// after the record is written.
func (pl *pipeline) finish(sum *Summary, capture func() (stats, vigil []Counter)) error {
	// The workers have stopped: every one moves to the last published
	// ruleset (replay: one that no packet after its start reached), so
	// that flows end under the same rules for any worker count, and the
	// rulesets they left are freed.
	pl.stopReloads()
	for _, w := range pl.workers {
		w.refresh(math.MaxUint64)
	}
	pl.waitReloads()
	for i, w := range pl.workers {
		// Flows ending at shutdown are logged at the time of the last
		// packet of the whole input, whichever worker holds them.
		w.shutdown(sum.LastNs)
		pl.emitters[i].Flush()
	}
	pl.drainScoring()
	pl.summarize(sum)
	var vigil []Counter
	if capture != nil {
		var stats []Counter
		stats, vigil = capture()
		sum.Stats = append(sum.Stats, stats...)
	}
	if pl.statsOn() {
		pl.writeStats(sum)
	}
	sum.Stats = append(sum.Stats, vigil...)
	sum.Stats = append(sum.Stats, pl.scoreCounters()...)
	sum.Stats = append(sum.Stats, pl.reloadCounters()...)
	err := pl.close()
	for _, o := range pl.outs {
		sum.Written += o.st.Stats().Written
	}
	return err
}

func (pl *pipeline) close() error {
	if pl.score != nil {
		pl.score.Drain() // stops a live stage's goroutine (idempotent)
	}
	pl.stopReloads()
	pl.waitReloads()
	if p := pl.rules.Load(); p != nil {
		// The matchers are the pipeline's; the engine is the caller's
		// (Config.Rules) unless a reload built it.
		for _, m := range p.matchers {
			m.Close()
		}
		if p.seq != 0 && p.rs.Engine != nil {
			p.rs.Engine.Close()
		}
		p.matchers = nil
	}
	var errs []error
	pl.detachVerdicts()
	for _, o := range pl.outs {
		errs = append(errs, o.st.Close())
	}
	if pl.fast != nil {
		errs = append(errs, pl.fast.Close())
	}
	if pl.pcap != nil {
		errs = append(errs, pl.pcap.Close())
	}
	if pl.statsLog != nil {
		errs = append(errs, pl.statsLog.Close())
	}
	return errors.Join(errs...)
}

// summarize sums the workers' counters.
func (pl *pipeline) summarize(sum *Summary) {
	for _, w := range pl.workers {
		sum.Packets += w.Stats.Packets
		sum.Bytes += w.Stats.Bytes
		sum.Alerts += w.Stats.Alerts
		sum.Flows += w.flows.Counters().Created
		addDecodeStats(&sum.Decoder, &w.dec.Stats)
		if w.matcher != nil {
			sum.Detect.Add(w.matcher.Stats())
		}
	}
	for _, o := range pl.outs {
		sum.Dropped += o.st.Stats().Dropped
	}
	sum.Stats = pl.counters(pl.current(), true)
	if cur := pl.rules.Load(); pl.cfg.RuleProfile && cur.rs.Engine != nil {
		// Profiles count from the last reload.
		sigs := cur.rs.Engine.Sigs()
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
	dst.MaxPktSize = max(dst.MaxPktSize, src.MaxPktSize)
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
