package score

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vigil/rules"
)

// Scope is what a score is kept for.
type Scope uint8

// Scopes. Their order is the order of their signature ids.
const (
	ScopeFlow Scope = iota
	ScopeAttacker
	ScopeVictim
	ScopeOutbound
	numScopes
)

var scopeNames = [numScopes]string{"flow", "attacker", "victim", "outbound"}

// String returns the scope's name as EVE logs it.
func (s Scope) String() string {
	if s < numScopes {
		return scopeNames[s]
	}
	return "unknown"
}

// SIDBase is the first signature_id of the range reserved for crossing
// records (9000000-9000099, gid 1); a crossing of scope s is logged as
// SIDBase+s.
const SIDBase = 9000000

// Crossing record signature ids.
const (
	SIDFlow     = SIDBase + uint32(ScopeFlow)
	SIDAttacker = SIDBase + uint32(ScopeAttacker)
	SIDVictim   = SIDBase + uint32(ScopeVictim)
	SIDOutbound = SIDBase + uint32(ScopeOutbound)
)

// Category is the alert.category of crossing records.
const Category = "Score Threshold Exceeded"

// Evidence says how trustworthy the traffic behind a score is: spoofed
// packets cannot complete a TCP handshake or get answers back.
type Evidence struct {
	// TCPHandshake: a TCP flow that completed its three-way handshake.
	TCPHandshake bool
	// UDPBothWays: a UDP flow with packets in both directions.
	UDPBothWays bool
}

// Verified reports whether either kind of evidence is present.
func (e Evidence) Verified() bool { return e.TCPHandshake || e.UDPBothWays }

// EventKind is the kind of an Event.
type EventKind uint8

// Event kinds.
const (
	// EventPoints is a scored match: Rule, Points, Attacker, Victim.
	EventPoints EventKind = iota + 1
	// EventFlowCrossing is a flow score crossing its threshold (decided
	// on the flow's worker): Score and Contributors.
	EventFlowCrossing
)

// Event is what a worker tells the Stage. The tuple fields describe the
// packet of the event, for the crossing record.
type Event struct {
	Kind    EventKind
	Ts      int64 // packet time, ns
	PcapCnt uint64
	FlowID  int64
	// Seq orders the events of one packet on its worker.
	Seq uint32

	Rule             RuleID
	Points           uint32
	Attacker, Victim netip.Addr
	Evidence         Evidence

	// Flow crossings: the flow score and who made it.
	Score        uint32
	Contributors []Contributor

	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8
	// ToClient is set when the packet went from server to client.
	ToClient bool
}

// compareEvents orders events by packet time, pcap_cnt, flow, sequence
// and then content, so that the order is a function of the input only.
func compareEvents(a, b *Event) int {
	if c := cmp.Compare(a.Ts, b.Ts); c != 0 {
		return c
	}
	if c := cmp.Compare(a.PcapCnt, b.PcapCnt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.FlowID, b.FlowID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule.SID, b.Rule.SID); c != 0 {
		return c
	}
	if c := a.Src.Compare(b.Src); c != 0 {
		return c
	}
	return a.Dst.Compare(b.Dst)
}

// Crossing is one score reaching its threshold.
type Crossing struct {
	Scope Scope
	// Addr is the host of host scopes (invalid for ScopeFlow).
	Addr netip.Addr
	// FlowID is the flow of a flow crossing, and for host scopes the flow
	// of the match that made the score cross.
	FlowID    int64
	Score     float64
	Threshold float64
	// Contributors are the rules behind the score, largest first for host
	// scopes, in order of first contribution for flows.
	Contributors []Contributor
	Ts           int64 // packet time, ns
	// Evidence is the flow's (ScopeFlow) or, for a host, the union over
	// the matches since the score last re-armed.
	Evidence Evidence
	// Event is the event that made the score cross (its packet's tuple).
	Event *Event
}

// Sink receives crossings, one at a time from the Stage's goroutine, and
// returns the verdict taken ("none" when it took none). It is the verdict
// stage's entry point; it must not block for long.
type Sink interface {
	Crossing(c *Crossing) (verdict string)
}

// Config is the scoring configuration (vigil.scoring.* in the YAML).
type Config struct {
	Enabled bool
	// FlowThreshold is the flow score (vigil.score) that crosses.
	FlowThreshold uint32
	// Attacker, Victim and Outbound are the host thresholds.
	Attacker, Victim, Outbound float64
	// HalfLife is the decay half-life of host scores, and the window of
	// the per-rule cap of flows.
	HalfLife time.Duration
	// MaxHosts caps the host table.
	MaxHosts int
}

// Fallbacks for a Config without half-life or table size; the
// configuration's defaults are in engine/config (DefaultScoring).
const (
	DefaultHalfLife = 10 * time.Minute
	DefaultMaxHosts = 65536
)

// Options configures a Stage.
type Options struct {
	Config Config
	// HomeNet tells inbound from outbound traffic; nil treats everything
	// as inbound.
	HomeNet *rules.AddrSet
	// Live processes events as they arrive, on the Stage's goroutine;
	// otherwise (replay) they are collected and processed in order at
	// Drain.
	Live bool
	// QueueLen is the live queue's length in events (default 4096).
	QueueLen int
	// Sink decides verdicts; nil takes none.
	Sink Sink
	// Emit writes a crossing with its verdict (the engine's EVE record).
	// It is called from one goroutine at a time.
	Emit func(c *Crossing, verdict string)
}

// Counters are the Stage's counters.
type Counters struct {
	Crossings [numScopes]uint64
	// Dropped counts events lost to a full live queue.
	Dropped   uint64
	Evictions uint64
}

// Stage keeps the host scores and raises crossings. See the package doc
// for its two modes.
type Stage struct {
	opt   Options
	hosts *Hosts

	mu    sync.Mutex
	feeds []*Feed // replay: every feed's events, read at Drain

	queue chan Event
	done  chan struct{}
	once  sync.Once

	crossings [numScopes]atomic.Uint64
	dropped   atomic.Uint64
	evictions atomic.Uint64
}

// NewStage returns a stage; live stages start their goroutine.
func NewStage(opt Options) *Stage {
	if opt.Config.HalfLife <= 0 {
		opt.Config.HalfLife = DefaultHalfLife
	}
	if opt.Config.MaxHosts <= 0 {
		opt.Config.MaxHosts = DefaultMaxHosts
	}
	s := &Stage{opt: opt, hosts: NewHosts(opt.Config.MaxHosts, int64(opt.Config.HalfLife))}
	if opt.Live {
		n := opt.QueueLen
		if n <= 0 {
			n = 4096
		}
		s.queue = make(chan Event, n)
		s.done = make(chan struct{})
		go s.run()
	}
	return s
}

// HalfLife returns the configured half-life in nanoseconds.
func (s *Stage) HalfLife() int64 { return int64(s.opt.Config.HalfLife) }

// FlowThreshold returns the flow threshold.
func (s *Stage) FlowThreshold() uint32 { return s.opt.Config.FlowThreshold }

// Feed is one worker's way into the Stage. It is not safe for concurrent
// use: each worker has its own.
type Feed struct {
	s      *Stage
	events []Event // replay
}

// NewFeed returns a feed for one worker.
func (s *Stage) NewFeed() *Feed {
	f := &Feed{s: s}
	if !s.opt.Live {
		s.mu.Lock()
		s.feeds = append(s.feeds, f)
		s.mu.Unlock()
	}
	return f
}

// Post hands ev to the stage. It never blocks: live, a full queue drops
// the event and counts it.
func (f *Feed) Post(ev *Event) {
	if f.s.queue == nil {
		f.events = append(f.events, *ev)
		return
	}
	select {
	case f.s.queue <- *ev:
	default:
		f.s.dropped.Add(1)
	}
}

func (s *Stage) run() {
	defer close(s.done)
	for ev := range s.queue {
		s.process(&ev)
	}
}

// Drain processes every event posted so far and stops the stage: replay
// sorts the collected events first; live waits for the queue to empty.
// Call it once the workers stopped posting and before the EVE stage
// closes.
func (s *Stage) Drain() {
	s.once.Do(func() {
		if s.queue != nil {
			close(s.queue)
			<-s.done
			return
		}
		var all []Event
		for _, f := range s.feeds {
			all = append(all, f.events...)
			f.events = nil
		}
		slices.SortFunc(all, func(a, b Event) int { return compareEvents(&a, &b) })
		for i := range all {
			s.process(&all[i])
		}
	})
}

// Counters returns the counters now.
func (s *Stage) Counters() Counters {
	var c Counters
	for i := range c.Crossings {
		c.Crossings[i] = s.crossings[i].Load()
	}
	c.Dropped = s.dropped.Load()
	c.Evictions = s.evictions.Load()
	return c
}

func (s *Stage) threshold(sc Scope) float64 {
	switch sc {
	case ScopeAttacker:
		return s.opt.Config.Attacker
	case ScopeVictim:
		return s.opt.Config.Victim
	case ScopeOutbound:
		return s.opt.Config.Outbound
	}
	return float64(s.opt.Config.FlowThreshold)
}

// process handles one event on the stage's goroutine.
func (s *Stage) process(ev *Event) {
	switch ev.Kind {
	case EventFlowCrossing:
		s.cross(&Crossing{Scope: ScopeFlow, FlowID: ev.FlowID, Score: float64(ev.Score),
			Threshold: s.threshold(ScopeFlow), Contributors: ev.Contributors, Ts: ev.Ts, Evidence: ev.Evidence, Event: ev})
	case EventPoints:
		if ev.Points == 0 {
			return
		}
		home := s.opt.HomeNet
		if home != nil && home.Contains(ev.Attacker) && !home.Contains(ev.Victim) {
			s.addHost(ScopeOutbound, ev.Attacker, ev)
			return
		}
		s.addHost(ScopeAttacker, ev.Attacker, ev)
		s.addHost(ScopeVictim, ev.Victim, ev)
	}
}

func (s *Stage) addHost(sc Scope, addr netip.Addr, ev *Event) {
	if !addr.IsValid() {
		return
	}
	th := s.threshold(sc)
	before := s.hosts.Evictions
	e, crossed := s.hosts.Add(sc, addr, ev.Ts, ev.Rule, float64(ev.Points), ev.Evidence, th)
	if n := s.hosts.Evictions - before; n > 0 {
		s.evictions.Add(n)
	}
	if !crossed {
		return
	}
	s.cross(&Crossing{Scope: sc, Addr: addr, FlowID: ev.FlowID, Score: e.score, Threshold: th,
		Contributors: e.contributors(), Ts: ev.Ts, Evidence: e.evidence, Event: ev})
}

func (s *Stage) cross(c *Crossing) {
	s.crossings[c.Scope].Add(1)
	verdict := "none"
	if s.opt.Sink != nil {
		verdict = s.opt.Sink.Crossing(c)
	}
	if s.opt.Emit != nil {
		s.opt.Emit(c, verdict)
	}
}
