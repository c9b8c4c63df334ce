package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"vigil/detect"
	"vigil/engine/score"
	"vigil/output"
	"vigil/rules"
	"vigil/rules/version"
)

// Rule reloads: a new ruleset is built on the side while the workers go
// on, each worker's matcher scratch is allocated, and then one atomic
// pointer (pipeline.rules) is swapped. Each worker reads the pointer
// between packets (Worker.refresh) and moves to the new engine there; the
// old engine and its matchers are freed once every worker has moved past
// it (each worker publishes the sequence number of the ruleset it uses).
// Replay and live use the same mechanism; in replay a ruleset carries the
// first packet (pcap_cnt) it applies to, so that every worker switches at
// the same packet of the input whatever the number of workers.
//
// State that rules create lives outside the engine and survives: flowbits
// and flowints in the flow, xbits in the pipeline's store (shared by the
// matchers of every engine), thresholds keyed by gid:sid:rev, flow scores
// keyed by gid:sid:rev. A flow's per-transaction detection progress is
// indexed by rule number, which differs between engines: a flow inspected
// first after a swap restarts it (its live transactions are inspected
// again from their start by the new rules).

// Ruleset is a built ruleset, ready to be published: what a ReloadConfig's
// Build returns.
type Ruleset struct {
	Engine     *detect.Engine
	References *rules.References
	// Thresholds is the threshold.config (nil: none).
	Thresholds *detect.ThresholdConfig
	// Generation names the ruleset's inputs (rules/version.Generation).
	Generation string
	// Prints are the active rules' canonical prints, for the diff.
	Prints version.Prints
	// Errors are the rules reported and left out while loading.
	Errors []string
	// Failed and Skipped count the rules left out: with an error, and
	// for a keyword detection does not support (stats.detect.engines).
	// Failed is len(Errors) when 0.
	Failed, Skipped int
}

// failed is the count of rules left out with an error.
func (rs *Ruleset) failed() int { return max(rs.Failed, len(rs.Errors)) }

// ReloadConfig configures rule reloads.
type ReloadConfig struct {
	// Build loads and compiles the rules again, with the loader used at
	// startup; nil disables reloads. It runs on the reload goroutine
	// while the workers go on. An error means nothing could be built.
	Build func() (*Ruleset, error)
	// Generation and Prints identify the startup ruleset (Config.Rules);
	// Failed and Skipped are its counts of rules left out (Ruleset).
	Generation      string
	Prints          version.Prints
	Failed, Skipped int
	// MinRatio refuses a ruleset with fewer enabled rules than this
	// fraction of the running one's (0 means DefaultMinRatio; negative
	// turns the gate off).
	MinRatio float64
	// MaxMemory, when not 0, caps the process's resident memory in bytes:
	// a reload is refused before building when the resident memory plus
	// the growth of the last build (the resident memory itself for the
	// first one: one more engine) would exceed it, and after building
	// when the resident memory does.
	MaxMemory uint64
	// AtPacket and Rules are the replay hook: at packet AtPacket (pcap_cnt,
	// from 1) the replay reloads once, synchronously, with Build.
	AtPacket uint64
}

// reloadGCPercent is the GC target (GOGC) while a reload builds.
const reloadGCPercent = 50

// DefaultMinRatio is the default ReloadConfig.MinRatio.
const DefaultMinRatio = 0.9

// Reload results.
const (
	ReloadPublished = "published"
	ReloadRefused   = "refused"
	ReloadFailed    = "failed"
	ReloadUnchanged = "unchanged"
)

// ReloadResult says what one reload did. It is also one line of
// LOGDIR/rules-reload.json.
type ReloadResult struct {
	Timestamp  string  `json:"timestamp"`
	Generation string  `json:"generation,omitempty"`
	Previous   string  `json:"previous,omitempty"`
	Result     string  `json:"result"`
	Reason     string  `json:"reason,omitempty"`
	DurationMs float64 `json:"duration_ms"`
	Rules      int     `json:"rules"`
	// PreviousRules is the rule count of the engine running before.
	PreviousRules int `json:"previous_rules"`
	// RulesFailed and RulesSkipped count the rules left out of the new
	// set: with an error, for an unsupported keyword.
	RulesFailed  int `json:"rules_failed"`
	RulesSkipped int `json:"rules_skipped"`
	version.Changes
	Errors []string `json:"errors,omitempty"`
	// SwapMs is the time from publishing to the last worker moving to
	// the new engine and the old one being freed (live; 0 in replay).
	SwapMs float64 `json:"swap_ms,omitempty"`
}

// published is a ruleset the workers run or ran.
type published struct {
	seq  uint32
	from uint64 // first pcap_cnt it applies to (replay); 0 live
	// at is when it was loaded (ns; packet time in replay, 0 for the
	// startup ruleset of a replay: its first packet's time).
	at       int64
	rs       Ruleset
	matchers []*detect.Matcher // one per worker, made before publishing
	points   *score.Points
}

func (p *published) rules() int {
	if p.rs.Engine == nil {
		return 0
	}
	return len(p.rs.Engine.Sigs())
}

// close frees the matchers and the engine. No worker may use them.
func (p *published) close() {
	for _, m := range p.matchers {
		if m != nil {
			m.Close()
		}
	}
	if p.rs.Engine != nil {
		p.rs.Engine.Close()
	}
}

// reloads is the pipeline's reload state.
type reloads struct {
	mu      sync.Mutex
	running bool
	pending bool
	waiters []chan ReloadResult
	closed  bool
	done    sync.WaitGroup
	// pubMu orders publishing against close: nothing is published once
	// the pipeline finishes.
	pubMu sync.Mutex
	// retiring counts retirements in flight (replay's are asynchronous).
	retiring sync.WaitGroup
	// growth is the resident memory growth of the last build (MaxMemory).
	growth uint64
	// counters by result.
	published, refused, failed, unchanged atomic.Uint64
	last                                  atomic.Pointer[ReloadResult]
}

// initRules publishes the startup ruleset (sequence 0) with a matcher per
// worker; newWorker takes its matcher from it.
func (pl *pipeline) initRules() error {
	pl.xbits = detect.NewXbitStore(0)
	rc := &pl.cfg.Reload
	rs := Ruleset{Engine: pl.cfg.Rules, References: pl.cfg.References, Thresholds: pl.cfg.Thresholds,
		Generation: rc.Generation, Prints: rc.Prints, Failed: rc.Failed, Skipped: rc.Skipped}
	p, err := pl.prepare(rs, 0, 0, pl.cfg.ScorePoints)
	if err != nil {
		return err
	}
	if pl.cfg.Live {
		p.at = time.Now().UnixNano()
	}
	pl.rules.Store(p)
	return nil
}

// prepare makes the matchers of every worker for rs.
func (pl *pipeline) prepare(rs Ruleset, seq uint32, from uint64, pts *score.Points) (*published, error) {
	p := &published{seq: seq, from: from, rs: rs, points: pts}
	if rs.Engine == nil {
		return p, nil
	}
	if pts == nil && pl.cfg.Scoring.Enabled {
		p.points, _ = score.NewPoints(rs.Engine.Sigs(), pl.cfg.ScoreOverrides)
	}
	p.matchers = make([]*detect.Matcher, pl.cfg.Workers)
	for i := range p.matchers {
		m, err := rs.Engine.NewMatcherWith(detect.MatcherOptions{Xbits: pl.xbits})
		if err != nil {
			for _, m := range p.matchers[:i] {
				m.Close()
			}
			return nil, fmt.Errorf("matcher for worker %d: %w", i, err)
		}
		if pl.cfg.RuleProfile {
			m.EnableProfile()
		}
		p.matchers[i] = m
	}
	return p, nil
}

// refresh moves w to the newest published ruleset if it applies from
// packet cnt on. It is called between packets (and on idle rings); it
// allocates nothing when nothing changed.
func (w *Worker) refresh(cnt uint64) {
	p := w.published.Load()
	if p == w.cur || p.from > cnt {
		return
	}
	w.cur = p
	w.matcher = nil
	if p.matchers != nil {
		w.matcher = p.matchers[w.id]
	}
	w.references = p.rs.References
	if w.sc.feed != nil && p.points != nil {
		w.sc.points = p.points
	}
	// Caches indexed by rule number belong to the old engine.
	clear(w.meta)
	clear(w.refs)
	w.epoch.Store(p.seq)
}

// restartDetection resets the per-transaction detection progress of flow
// fd when it was last inspected by another engine: its rule numbers mean
// nothing to the current one.
func (w *Worker) restartDetection(fd *flowData) {
	if fd.rulesSeq == w.cur.seq {
		return
	}
	fd.rulesSeq = w.cur.seq
	for i := range fd.txs {
		fd.txs[i].det = detect.TxState{}
	}
}

// RequestReload asks for a reload and returns where its result will be
// sent (buffered: a caller that does not wait may drop it). At most one
// reload runs and one waits: a request made while one runs joins the
// waiting one.
func (pl *pipeline) RequestReload() <-chan ReloadResult {
	ch := make(chan ReloadResult, 1)
	r := &pl.reload
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || pl.cfg.Reload.Build == nil {
		res := ReloadResult{Timestamp: time.Now().UTC().Format(time.RFC3339Nano), Result: ReloadFailed,
			Reason: "reload not available: the pipeline is stopping or has no rule loader"}
		ch <- res
		return ch
	}
	r.waiters = append(r.waiters, ch)
	r.pending = true
	if !r.running {
		r.running = true
		r.done.Add(1)
		go pl.reloadLoop()
	}
	return ch
}

func (pl *pipeline) reloadLoop() {
	r := &pl.reload
	defer r.done.Done()
	for {
		r.mu.Lock()
		if !r.pending {
			r.running = false
			r.mu.Unlock()
			return
		}
		chs := r.waiters
		r.waiters, r.pending = nil, false
		r.mu.Unlock()
		res := pl.reloadOnce(0, time.Now().UnixNano(), 0, true)
		for _, ch := range chs {
			ch <- res
		}
	}
}

// stopReloads ends reloading: nothing is published any more, a reload in
// flight ends (its retirement completes once the workers are refreshed:
// the caller does it before waitReloads).
func (pl *pipeline) stopReloads() {
	r := &pl.reload
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.pubMu.Lock()
	r.pubMu.Unlock()
}

// waitReloads waits for the reload goroutine and retirements to end.
func (pl *pipeline) waitReloads() {
	pl.reload.done.Wait()
	pl.reload.retiring.Wait()
}

// reloadOnce builds, gates and publishes a ruleset. from is the first
// packet it applies to (replay), ts the time of the EVE engine record
// (packet time in replay) and cnt that record's pcap_cnt (0 live). sync
// makes it wait for every worker to move to the new engine and free the
// old one; otherwise that happens on another goroutine.
func (pl *pipeline) reloadOnce(from uint64, ts int64, cnt uint64, sync bool) ReloadResult {
	r := &pl.reload
	t0 := time.Now()
	prev := pl.rules.Load()
	res := ReloadResult{Timestamp: time.Unix(0, ts).UTC().Format(time.RFC3339Nano), Previous: prev.rs.Generation,
		PreviousRules: prev.rules()}
	finish := func(result, reason string) ReloadResult {
		res.Result, res.Reason = result, reason
		res.DurationMs = float64(time.Since(t0).Microseconds()) / 1000
		pl.recordReload(&res, ts, cnt)
		return res
	}
	cfg := &pl.cfg.Reload
	rss0 := residentMemory()
	if cfg.MaxMemory > 0 {
		need := r.growth
		if need == 0 {
			need = rss0
		}
		if rss0+need > cfg.MaxMemory {
			return finish(ReloadRefused, fmt.Sprintf("memory: resident %d MB + estimated engine %d MB exceeds vigil.reload.max-memory %d MB",
				rss0>>20, need>>20, cfg.MaxMemory>>20))
		}
	}
	// Build from a clean heap: the garbage of the last reload (or of the
	// startup load) returned, so that the new engine's temporaries do not
	// stack on it (a reload's peak is then about two engines).
	detect.ReleaseMemory()
	// And collect the build's garbage (parse trees, printed rules, the
	// compiler's Go temporaries) at half the usual heap growth: the Go
	// heap's overshoot stacks on the running engine too.
	gc := debug.SetGCPercent(reloadGCPercent)
	if gc >= 0 && gc < reloadGCPercent {
		debug.SetGCPercent(gc) // GOGC set lower than ours: keep it
	}
	rs, err := cfg.Build()
	debug.SetGCPercent(gc)
	if err != nil {
		if rs != nil {
			res.Errors = rs.Errors
		}
		return finish(ReloadFailed, err.Error())
	}
	res.Generation, res.Errors = rs.Generation, rs.Errors
	res.RulesFailed, res.RulesSkipped = rs.failed(), rs.Skipped
	res.Changes = version.Compare(prev.rs.Prints, rs.Prints)
	if rs.Engine != nil {
		res.Rules = len(rs.Engine.Sigs())
	}
	refuse := func(result, reason string) ReloadResult {
		if rs.Engine != nil {
			rs.Engine.Close()
		}
		return finish(result, reason)
	}
	if rss1 := residentMemory(); rss1 > rss0 {
		r.growth = rss1 - rss0
	}
	ratio := cfg.MinRatio
	if ratio == 0 {
		ratio = DefaultMinRatio
	}
	if ratio > 0 && float64(res.Rules) < ratio*float64(res.PreviousRules) {
		return refuse(ReloadRefused, fmt.Sprintf("%d rules enabled, fewer than vigil.reload.min-ratio %.2f of the running %d",
			res.Rules, ratio, res.PreviousRules))
	}
	if cfg.MaxMemory > 0 {
		if rss := residentMemory(); rss > cfg.MaxMemory {
			return refuse(ReloadRefused, fmt.Sprintf("memory: resident %d MB after building exceeds vigil.reload.max-memory %d MB",
				rss>>20, cfg.MaxMemory>>20))
		}
	}
	if rs.Generation != "" && rs.Generation == prev.rs.Generation {
		return refuse(ReloadUnchanged, "the inputs did not change")
	}
	p, err := pl.prepare(*rs, prev.seq+1, from, nil)
	if err != nil {
		return refuse(ReloadFailed, err.Error())
	}
	p.at = ts
	r.pubMu.Lock()
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		r.pubMu.Unlock()
		p.close()
		return finish(ReloadFailed, "the pipeline is stopping")
	}
	pl.rules.Store(p)
	r.retiring.Add(1)
	r.pubMu.Unlock()
	if rs.Thresholds != nil || prev.rs.Thresholds != nil {
		pl.thr.mu.Lock()
		pl.thr.t.SetConfig(rs.Thresholds)
		pl.thr.mu.Unlock()
	}
	retire := func() time.Duration {
		defer r.retiring.Done()
		t := time.Now()
		for !pl.allOn(p.seq) {
			time.Sleep(time.Millisecond)
		}
		prev.close()
		d := time.Since(t)
		// The old engine's memory back to the system now (its Go heap
		// not at the scavenger's pace, its databases not left in a C
		// arena): the resident memory between reloads is one engine's.
		detect.ReleaseMemory()
		return d
	}
	if sync {
		res.SwapMs = float64(retire().Microseconds()) / 1000
	} else {
		go retire()
	}
	return finish(ReloadPublished, "")
}

// allOn reports whether every worker has moved to ruleset seq or later.
func (pl *pipeline) allOn(seq uint32) bool {
	for _, w := range pl.workers {
		if w.epoch.Load() < seq {
			return false
		}
	}
	return true
}

// recordReload counts a reload, logs it to LOGDIR/rules-reload.json and
// writes an EVE engine record.
func (pl *pipeline) recordReload(res *ReloadResult, ts int64, cnt uint64) {
	r := &pl.reload
	switch res.Result {
	case ReloadPublished:
		r.published.Add(1)
	case ReloadRefused:
		r.refused.Add(1)
	case ReloadUnchanged:
		r.unchanged.Add(1)
	default:
		r.failed.Add(1)
	}
	r.last.Store(res)
	if line, err := json.Marshal(res); err == nil {
		if f, err := os.OpenFile(filepath.Join(pl.cfg.LogDir, "rules-reload.json"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			f.Write(append(line, '\n'))
			f.Close()
		}
	}
	msg := fmt.Sprintf("rule reload %s: generation %s (previous %s), %d rules (previous %d), %d added, %d removed, %d changed, %d rule errors, %d skipped",
		res.Result, orNone(res.Generation), orNone(res.Previous), res.Rules, res.PreviousRules,
		len(res.Added), len(res.Removed), len(res.Changed), res.RulesFailed, res.RulesSkipped)
	if !pl.cfg.Deterministic {
		// Deterministic output leaves out wall-clock figures
		// (rules-reload.json has them).
		msg += fmt.Sprintf(", %.0f ms", res.DurationMs)
	}
	line := []byte(`{"timestamp":"`)
	line = time.Unix(0, ts).UTC().AppendFormat(line, "2006-01-02T15:04:05.000000-0700")
	line = append(line, `","event_type":"engine","engine":{"module":"rules","message":`...)
	line = strconv.AppendQuote(line, msg)
	if res.Reason != "" && res.Result != ReloadPublished {
		line = append(line, `,"error":`...)
		line = strconv.AppendQuote(line, res.Reason)
	}
	line = append(line, "}}"...)
	b := pl.eve.Batch()
	// Before the records of the packet it happened at (replay).
	b.Add(output.Key{Time: ts, PcapCnt: cnt}, line)
	pl.eve.Submit(b)
}

// appendEngines appends stats.detect.engines: the running ruleset's
// counts and load time (first is the time of the first packet, for a
// replay's startup ruleset), one engine as Suricata writes it without
// multi-tenancy.
func (pl *pipeline) appendEngines(dst []byte, first int64) []byte {
	p := pl.rules.Load()
	at := p.at
	if at == 0 {
		at = first
	}
	dst = append(dst, `[{"id":0,"last_reload":"`...)
	dst = time.Unix(0, at).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000-0700")
	dst = append(dst, `","rules_loaded":`...)
	dst = strconv.AppendInt(dst, int64(p.rules()), 10)
	dst = append(dst, `,"rules_failed":`...)
	dst = strconv.AppendInt(dst, int64(p.rs.failed()), 10)
	dst = append(dst, `,"rules_skipped":`...)
	dst = strconv.AppendInt(dst, int64(p.rs.Skipped), 10)
	return append(dst, "}]"...)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// reloadCounters are the reload counters for the Summary (Vigil's own).
func (pl *pipeline) reloadCounters() []Counter {
	r := &pl.reload
	return []Counter{{"vigil.reload.published", r.published.Load()}, {"vigil.reload.refused", r.refused.Load()},
		{"vigil.reload.failed", r.failed.Load()}, {"vigil.reload.unchanged", r.unchanged.Load()},
		{"vigil.reload.rules", uint64(pl.rules.Load().rules())}}
}

// RequestReload asks for a reload of the running capture's rules (see
// pipeline.RequestReload).
func (r *LiveRun) RequestReload() <-chan ReloadResult { return r.scoring.RequestReload() }

// Reload reloads the rules of a running capture and returns the result
// once the reload ended (with wait) or at once with Result "queued".
func (r *LiveRun) Reload(wait bool) ReloadResult {
	ch := r.scoring.RequestReload()
	if !wait {
		select {
		case res := <-ch:
			return res
		default:
			return ReloadResult{Timestamp: time.Now().UTC().Format(time.RFC3339Nano), Result: "queued"}
		}
	}
	return <-ch
}

// residentMemory is the process's resident set size in bytes (0 when
// unknown): /proc/self/statm's second field times the page size.
func residentMemory() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, res uint64
	if _, err := fmt.Sscan(string(b), &size, &res); err != nil {
		return 0
	}
	return res * uint64(os.Getpagesize())
}
