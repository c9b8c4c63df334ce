package verdict

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Stage is the verdict stage: Submit queues requests, one goroutine
// decides them with the Policy and hands verdicts to each hook's bounded
// queue. See the package documentation for the guarantees.
type Stage struct {
	opts  Options
	pol   *Policy
	log   *slog.Logger
	reqs  chan Request
	ctl   chan func()
	hooks []*hookRunner

	engineMu  sync.Mutex
	engineLog func(line []byte)

	idPrefix string
	seq      atomic.Uint64

	cmu      sync.Mutex
	counters map[string]uint64

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

type hookRunner struct {
	h Hook
	q chan *Verdict
}

// New returns a stage deciding with pol and delivering to hooks. Nothing
// runs until Start.
func New(opts Options, pol *Policy, log *slog.Logger, hooks ...Hook) *Stage {
	if log == nil {
		log = slog.Default()
	}
	if opts.QueueLen <= 0 {
		opts.QueueLen = 1024
	}
	var id [4]byte
	rand.Read(id[:])
	s := &Stage{opts: opts, pol: pol, log: log.With("component", "verdict"),
		reqs: make(chan Request, opts.QueueLen), ctl: make(chan func()),
		idPrefix: hex.EncodeToString(id[:]), counters: map[string]uint64{}}
	for _, h := range hooks {
		s.hooks = append(s.hooks, &hookRunner{h: h, q: make(chan *Verdict, opts.QueueLen)})
	}
	return s
}

// Policy returns the stage's policy.
func (s *Stage) Policy() *Policy { return s.pol }

// OnDropRules reports whether drop and reject rule matches are requests.
func (s *Stage) OnDropRules() bool { return s.opts.OnDropRules }

// Shaping reports whether requests may become mark verdicts.
func (s *Stage) Shaping() bool { return s.opts.Shaping.Enabled }

// SetEngineLog sets where EVE engine records go (a whole line, without
// newline; nil stops them). The engine points it at its EVE stage.
func (s *Stage) SetEngineLog(fn func(line []byte)) {
	s.engineMu.Lock()
	s.engineLog = fn
	s.engineMu.Unlock()
}

// Start hands the allowlist to the hooks that enforce it too and starts
// the decider and hook goroutines. A hook that fails to take the
// allowlist fails Start.
func (s *Stage) Start(ctx context.Context) error {
	for _, hr := range s.hooks {
		if as, ok := hr.h.(AllowSetter); ok {
			if err := as.SetAllow(ctx, s.pol.Allowlist()); err != nil {
				return fmt.Errorf("hook %s: allowlist: %w", hr.h.Name(), err)
			}
		}
	}
	for _, hr := range s.hooks {
		if rs, ok := hr.h.(Restorer); ok {
			blocks, err := rs.Restore()
			if err != nil {
				return fmt.Errorf("hook %s: read back: %w", hr.h.Name(), err)
			}
			s.pol.Restore(blocks)
			if len(blocks) > 0 {
				s.log.Info("blocks read back", "hook", hr.h.Name(), "blocks", len(blocks))
			}
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go s.decide()
	for _, hr := range s.hooks {
		for range max(hr.h.Concurrency(), 1) {
			s.wg.Add(1)
			go s.deliver(hr)
		}
	}
	s.log.Info("verdict stage started", "mode", s.opts.Mode.String(), "hooks", len(s.hooks),
		"allowlist", len(s.pol.allow), "on_drop_rules", s.opts.OnDropRules)
	return nil
}

// Submit queues r and reports whether it was queued; a full queue drops
// and counts it. It never blocks; safe for concurrent use, also before
// Start and after Close (then it drops).
func (s *Stage) Submit(r Request) bool {
	select {
	case s.reqs <- r:
		return true
	default:
		s.count("verdict_requests_dropped", 1)
		return false
	}
}

// Close stops taking requests, cancels hook calls in flight, waits for the
// goroutines and closes hooks that are Closers.
func (s *Stage) Close() error {
	var errs []error
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
			s.wg.Wait()
		}
		for _, hr := range s.hooks {
			if c, ok := hr.h.(Closer); ok {
				errs = append(errs, c.Close())
			}
		}
	})
	return errors.Join(errs...)
}

// decide is the single goroutine that applies the policy, so decisions do
// not depend on worker scheduling beyond arrival order.
func (s *Stage) decide() {
	defer s.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case f := <-s.ctl:
			f()
		case <-tick.C:
			s.dispatch(s.pol.Expire(), ResultOK)
		case r := <-s.reqs:
			s.handle(&r)
		}
	}
}

// Decide applies the policy to r on the stage's goroutine, as Submit
// would, but waits for the decision and returns it: "block" (enforced),
// "dry_run", or why no block was taken ("allowlisted", "no_evidence",
// "max_blocked", ...). Only the policy runs before it returns; hooks apply
// the verdict later. The scoring stage calls it so that a crossing record
// names the verdict taken.
func (s *Stage) Decide(r Request) string {
	res := ResultInvalid
	s.control(func() { res = s.handle(&r) })
	if res == ResultOK {
		return "block"
	}
	return string(res)
}

func (s *Stage) handle(r *Request) Result {
	s.count("verdict_requests_"+scopeName(r.Scope), 1)
	if s.opts.Shaping.Enabled {
		v, res := s.pol.Mark(r)
		s.count("verdict_policy_mark_"+string(res), 1)
		if v != nil && res == ResultOK {
			s.dispatch([]*Verdict{v}, res)
		}
	}
	if r.Scope == "mark" {
		return ResultNoClass // a shaping-only request (a flow of a class, no crossing)
	}
	v, res, trip := s.pol.Block(r)
	s.count("verdict_policy_block_"+string(res), 1)
	if trip {
		s.count("verdict_breaker_trips", 1)
		msg := fmt.Sprintf("circuit breaker tripped: more than %d blocks in %s; verdicts fall back to dry-run until `vigil verdicts resume`",
			s.opts.BreakerMax, s.opts.BreakerWindow)
		s.log.Warn(msg)
		s.writeEngine(msg)
	}
	if v == nil {
		return res
	}
	if res == ResultOK {
		s.count("verdict_blocked_"+family(v.Addr), 1)
		s.dispatch([]*Verdict{v}, res)
	}
	return res
}

// dispatch numbers verdicts and puts them on every hook's queue.
func (s *Stage) dispatch(vs []*Verdict, res Result) {
	if res != ResultOK {
		return
	}
	for _, v := range vs {
		if v.ID == "" {
			v.ID = s.idPrefix + "-" + strconv.FormatUint(s.seq.Add(1), 10)
		}
		if v.Action == ActionUnblock && v.Reason != "expired" {
			s.count("verdict_unblocked_"+family(v.Addr), 1)
		}
		for _, hr := range s.hooks {
			select {
			case hr.q <- v:
			default:
				s.count(counterName(hr.h.Name(), v.Action, "dropped"), 1)
			}
		}
	}
}

// deliver is one of a hook's goroutines: it takes what is queued, up to
// MaxBatch, and applies it.
func (s *Stage) deliver(hr *hookRunner) {
	defer s.wg.Done()
	maxb := max(hr.h.MaxBatch(), 1)
	batch := make([]*Verdict, 0, maxb)
	name := hr.h.Name()
	for {
		batch = batch[:0]
		select {
		case <-s.ctx.Done():
			return
		case v := <-hr.q:
			batch = append(batch, v)
		}
	fill:
		for len(batch) < maxb {
			select {
			case v := <-hr.q:
				batch = append(batch, v)
			default:
				break fill
			}
		}
		t0 := time.Now()
		err := hr.h.Apply(s.ctx, batch)
		el := time.Since(t0)
		res := "ok"
		if err != nil {
			res = "failed"
			s.log.Warn("hook failed", "hook", name, "verdicts", len(batch), "err", err)
		}
		for _, v := range batch {
			s.count(counterName(name, v.Action, res), 1)
		}
		s.count("verdict_hook_"+name+"_latency_us", uint64(el.Microseconds()))
		s.count("verdict_hook_"+name+"_calls", 1)
	}
}

// control runs f on the decider goroutine (so control commands and
// decisions do not interleave) or directly when the stage is not running.
func (s *Stage) control(f func()) {
	if s.ctx == nil {
		f()
		return
	}
	done := make(chan struct{})
	select {
	case s.ctl <- func() { f(); close(done) }:
		<-done
	case <-s.ctx.Done():
	}
}

// List returns the current blocks.
func (s *Stage) List() []Block { return s.pol.List() }

// Unblock lifts the block of a and tells the hooks; false when a was not
// blocked.
func (s *Stage) Unblock(a netip.Addr) bool {
	var ok bool
	s.control(func() {
		var v *Verdict
		v, ok = s.pol.Unblock(a, "control")
		if v != nil {
			s.dispatch([]*Verdict{v}, ResultOK)
		}
	})
	return ok
}

// Flush lifts every block and returns how many enforced blocks were lifted.
func (s *Stage) Flush() int {
	var n int
	s.control(func() {
		vs := s.pol.Flush("control")
		n = len(vs)
		s.dispatch(vs, ResultOK)
	})
	return n
}

// LiftRules lifts the blocks whose rules all disappeared (after a reload).
func (s *Stage) LiftRules(exists func(gid, sid uint32) bool) int {
	var n int
	s.control(func() {
		vs := s.pol.LiftRules(exists)
		n = len(vs)
		s.dispatch(vs, ResultOK)
	})
	return n
}

// Resume closes the circuit breaker and says so in an engine record.
func (s *Stage) Resume() {
	s.control(func() {
		if s.pol.Tripped() {
			s.pol.Resume()
			s.writeEngine("circuit breaker closed by the operator: verdicts are " + s.pol.Mode().String() + " again")
		}
	})
}

// writeEngine writes an EVE engine record (validated against Suricata's
// schema: the engine object allows message and module).
func (s *Stage) writeEngine(msg string) {
	s.engineMu.Lock()
	fn := s.engineLog
	s.engineMu.Unlock()
	if fn == nil {
		return
	}
	fn(EngineRecord(time.Now(), msg))
}

// EngineRecord returns the EVE line of an engine record from module
// "verdict".
func EngineRecord(t time.Time, msg string) []byte {
	b := []byte(`{"timestamp":"`)
	b = t.AppendFormat(b, "2006-01-02T15:04:05.000000-0700")
	b = append(b, `","event_type":"engine","engine":{"module":"verdict","message":`...)
	b = strconv.AppendQuote(b, msg) // ASCII messages: a Go quote is JSON
	return append(b, "}}"...)
}

// Counters reports the stage's counters (metrics.CounterSource): requests
// by scope and dropped, policy results by action, verdicts by hook, action
// and result ("verdict_<hook>_<action>_<ok|failed|dropped>"), blocks and
// unblocks by family (blocked now = blocked - unblocked - expired), hook
// latency as a sum in microseconds with its call count.
func (s *Stage) Counters(emit func(name string, value uint64)) {
	s.cmu.Lock()
	names := make([]string, 0, len(s.counters))
	for n := range s.counters {
		names = append(names, n)
	}
	slices.Sort(names)
	vals := make([]uint64, len(names))
	for i, n := range names {
		vals[i] = s.counters[n]
	}
	s.cmu.Unlock()
	for i, n := range names {
		emit(n, vals[i])
	}
	for _, f := range []string{"ipv4", "ipv6"} {
		n := 0
		for _, b := range s.pol.List() {
			if !b.DryRun && family(b.Addr) == f {
				n++
			}
		}
		emit("verdict_blocked_now_"+f, uint64(n))
	}
}

// Counter returns one counter (tests, summaries).
func (s *Stage) Counter(name string) uint64 {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.counters[name]
}

func (s *Stage) count(name string, n uint64) {
	s.cmu.Lock()
	s.counters[name] += n
	s.cmu.Unlock()
}

func counterName(hook string, a Action, res string) string {
	return "verdict_" + hook + "_" + a.String() + "_" + res
}

func family(a netip.Addr) string {
	if a.Unmap().Is4() {
		return "ipv4"
	}
	return "ipv6"
}

func scopeName(s string) string {
	switch s {
	case "drop-rule":
		return "drop_rule"
	case "flow", "attacker", "victim", "outbound", "mark":
		return s
	}
	return "other"
}
