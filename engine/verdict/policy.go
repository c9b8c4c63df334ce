package verdict

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Result is the outcome of a request at the policy, or of a verdict at a
// hook; counters are named after it.
type Result string

// Policy results. Only ResultOK and ResultDryRun make a verdict.
const (
	ResultOK             Result = "ok"
	ResultDryRun         Result = "dry_run"
	ResultAllowlisted    Result = "allowlisted"
	ResultNoEvidence     Result = "no_evidence"
	ResultAlreadyBlocked Result = "already_blocked"
	ResultMaxBlocked     Result = "max_blocked"
	ResultRateLimited    Result = "rate_limited"
	ResultInvalid        Result = "invalid"
	ResultNoClass        Result = "no_class"
)

// Block is one blocked address as the policy tracks it.
type Block struct {
	Addr    netip.Addr `json:"addr"`
	Since   time.Time  `json:"since"`
	Until   time.Time  `json:"until"`
	Offence int        `json:"offence"`
	// DryRun says the block was decided but not enforced.
	DryRun bool      `json:"dry_run"`
	Reason string    `json:"reason"`
	Rules  []RuleRef `json:"rules,omitempty"`
}

// Policy decides verdicts. It is safe for concurrent use; its clock is
// the wall clock (firewall timeouts are), replaceable in tests.
type Policy struct {
	mu      sync.Mutex
	opts    Options
	allow   []netip.Prefix
	tripped bool
	blocked map[netip.Addr]*Block
	// offences counts blocks per address for escalation; capped at
	// 4*MaxBlocked entries, evicting addresses not blocked now.
	offences map[netip.Addr]int
	evicted  uint64
	tokens   float64
	refilled time.Time
	// recent are the times of the blocks inside the breaker window.
	recent []time.Time
	// marked are the flows already marked (a flow is marked once);
	// cleared when it reaches 4*MaxBlocked entries.
	marked map[FlowKey]struct{}
	// expired are the unblock verdicts of expired blocks, until Expire.
	expired []*Verdict

	now func() time.Time
}

// NewPolicy returns a policy for opts. The allowlist is opts.Allow plus
// the lines of opts.AllowFile plus extra (the sensor's own addresses).
func NewPolicy(opts Options, extra ...netip.Prefix) (*Policy, error) {
	p := &Policy{opts: opts, blocked: map[netip.Addr]*Block{}, offences: map[netip.Addr]int{},
		marked: map[FlowKey]struct{}{}, tokens: float64(opts.Burst), now: time.Now}
	p.allow = append(p.allow, opts.Allow...)
	if opts.AllowFile != "" {
		ps, err := ReadAllowFile(opts.AllowFile)
		if err != nil {
			return nil, err
		}
		p.allow = append(p.allow, ps...)
	}
	p.allow = append(p.allow, extra...)
	if len(opts.Durations) == 0 {
		return nil, fmt.Errorf("%sescalation: no durations", Prefix)
	}
	return p, nil
}

// ReadAllowFile reads CIDRs or addresses, one a line; '#' starts a comment.
func ReadAllowFile(path string) ([]netip.Prefix, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%sallow-file: %w", Prefix, err)
	}
	var out []netip.Prefix
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		pf, err := ParsePrefix(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, pf)
	}
	return out, nil
}

// Allowlist returns the allowlist.
func (p *Policy) Allowlist() []netip.Prefix { return slices.Clone(p.allow) }

// Allowed reports whether a is on the allowlist.
func (p *Policy) Allowed(a netip.Addr) bool {
	a = a.Unmap()
	for _, pf := range p.allow {
		if pf.Contains(a) {
			return true
		}
	}
	return false
}

// Mode returns the effective mode: DryRun when configured so or when the
// breaker tripped.
func (p *Policy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode()
}

func (p *Policy) mode() Mode {
	if p.tripped {
		return DryRun
	}
	return p.opts.Mode
}

// Tripped reports whether the circuit breaker is open.
func (p *Policy) Tripped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tripped
}

// Resume closes the breaker: the configured mode applies again.
func (p *Policy) Resume() {
	p.mu.Lock()
	p.tripped = false
	p.recent = p.recent[:0]
	p.mu.Unlock()
}

// Block decides a block for r. It returns the verdict (nil when refused),
// the result, and whether this decision tripped the breaker. A verdict
// with result ResultDryRun is listed but must not reach hooks.
func (p *Policy) Block(r *Request) (*Verdict, Result, bool) {
	a := r.Addr.Unmap()
	if !a.IsValid() || a.IsUnspecified() {
		return nil, ResultInvalid, false
	}
	if p.Allowed(a) {
		return nil, ResultAllowlisted, false
	}
	if !r.Established {
		return nil, ResultNoEvidence, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.expireLocked(now)
	if _, ok := p.blocked[a]; ok {
		return nil, ResultAlreadyBlocked, false
	}
	if len(p.blocked) >= p.opts.MaxBlocked {
		return nil, ResultMaxBlocked, false
	}
	if !p.take(now) {
		return nil, ResultRateLimited, false
	}
	trip := false
	if !p.tripped {
		cut := now.Add(-p.opts.BreakerWindow)
		k := 0
		for _, t := range p.recent {
			if t.After(cut) {
				p.recent[k] = t
				k++
			}
		}
		p.recent = append(p.recent[:k], now)
		if len(p.recent) > p.opts.BreakerMax {
			p.tripped, trip = true, true
		}
	}
	n := p.offences[a] + 1
	if _, ok := p.offences[a]; !ok && len(p.offences) >= 4*p.opts.MaxBlocked {
		for old := range p.offences {
			if _, blocked := p.blocked[old]; !blocked {
				delete(p.offences, old)
				p.evicted++
				break
			}
		}
	}
	p.offences[a] = n
	d := p.opts.Durations[min(n, len(p.opts.Durations))-1]
	res := ResultOK
	if p.mode() == DryRun {
		res = ResultDryRun
	}
	b := &Block{Addr: a, Since: now, Until: now.Add(d), Offence: n, DryRun: res == ResultDryRun,
		Reason: r.Scope, Rules: r.Rules}
	p.blocked[a] = b
	v := &Verdict{Action: ActionBlock, Addr: a, Duration: d, Offence: n, Reason: r.Scope, Time: now, Req: r}
	return v, res, trip
}

// take takes a token from the block-rate bucket.
func (p *Policy) take(now time.Time) bool {
	if !p.refilled.IsZero() {
		p.tokens = min(float64(p.opts.Burst), p.tokens+now.Sub(p.refilled).Seconds()*p.opts.Rate)
	}
	p.refilled = now
	if p.tokens < 1 {
		return false
	}
	p.tokens--
	return true
}

// ResultMarked is a mark request for a flow already marked.
const ResultMarked Result = "already_marked"

// Mark decides a mark verdict for r from the first shaping class that
// matches it; a flow is marked once.
func (p *Policy) Mark(r *Request) (*Verdict, Result) {
	for i := range p.opts.Shaping.Classes {
		c := &p.opts.Shaping.Classes[i]
		if !c.Match(r) {
			continue
		}
		p.mu.Lock()
		_, done := p.marked[r.Flow]
		if !done {
			if len(p.marked) >= 4*p.opts.MaxBlocked {
				clear(p.marked)
			}
			p.marked[r.Flow] = struct{}{}
		}
		p.mu.Unlock()
		if done {
			return nil, ResultMarked
		}
		v := &Verdict{Action: ActionMark, Addr: r.Addr.Unmap(), Mark: c.Mark, DSCP: c.DSCP, Class: c.Name,
			Reason: r.Scope, Time: p.now(), Req: r}
		if p.Mode() == DryRun {
			return v, ResultDryRun
		}
		return v, ResultOK
	}
	return nil, ResultNoClass
}

// expireLocked drops blocks whose time is over, keeping an unblock
// verdict (reason "expired") for each enforced one until Expire.
func (p *Policy) expireLocked(now time.Time) {
	for a, b := range p.blocked {
		if !now.Before(b.Until) {
			delete(p.blocked, a)
			if !b.DryRun {
				p.expired = append(p.expired, &Verdict{Action: ActionUnblock, Addr: a, Reason: "expired", Time: now})
			}
		}
	}
}

// Expire drops blocks whose time is over and returns the unblock verdicts
// of every block that expired since the last call (hooks whose firewall
// expires elements itself ignore them).
func (p *Policy) Expire() []*Verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expireLocked(p.now())
	out := p.expired
	p.expired = nil
	return out
}

// Unblock lifts the block of a (reason "control"); it returns nil when a
// is not blocked. A dry-run block is removed without a verdict.
func (p *Policy) Unblock(a netip.Addr, reason string) (*Verdict, bool) {
	a = a.Unmap()
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.blocked[a]
	if !ok {
		return nil, false
	}
	delete(p.blocked, a)
	if b.DryRun {
		return nil, true
	}
	return &Verdict{Action: ActionUnblock, Addr: a, Reason: reason, Time: p.now()}, true
}

// Flush lifts every block and returns the unblock verdicts.
func (p *Policy) Flush(reason string) []*Verdict {
	return p.lift(func(*Block) bool { return true }, reason)
}

// LiftRules lifts the blocks whose every contributing rule is gone after a
// reload (exists reports whether gid:sid is still loaded); blocks without
// rules (control, older state) stay.
func (p *Policy) LiftRules(exists func(gid, sid uint32) bool) []*Verdict {
	return p.lift(func(b *Block) bool {
		if len(b.Rules) == 0 {
			return false
		}
		for _, r := range b.Rules {
			if exists(r.GID, r.SID) {
				return false
			}
		}
		return true
	}, "rules-removed")
}

func (p *Policy) lift(match func(*Block) bool, reason string) []*Verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*Verdict
	now := p.now()
	for a, b := range p.blocked {
		if !match(b) {
			continue
		}
		delete(p.blocked, a)
		if !b.DryRun {
			out = append(out, &Verdict{Action: ActionUnblock, Addr: a, Reason: reason, Time: now})
		}
	}
	return out
}

// List returns the blocks, ordered by address.
func (p *Policy) List() []Block {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expireLocked(p.now())
	out := make([]Block, 0, len(p.blocked))
	for _, b := range p.blocked {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Block) int { return a.Addr.Compare(b.Addr) })
	return out
}

// Restore records blocks found in force at start (reason "restored").
func (p *Policy) Restore(rs []Restored) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, r := range rs {
		a := r.Addr.Unmap()
		if _, ok := p.blocked[a]; ok {
			continue
		}
		p.offences[a] = max(p.offences[a], 1)
		p.blocked[a] = &Block{Addr: a, Since: now, Until: now.Add(r.Expires), Offence: p.offences[a], Reason: "restored"}
	}
}
