package verdict

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mode says whether verdicts are acted on.
type Mode uint8

// Modes. DryRun is the default: verdicts are decided, listed and counted,
// but no hook is called.
const (
	DryRun Mode = iota
	Enforce
)

// String returns "dry-run" or "enforce".
func (m Mode) String() string {
	if m == Enforce {
		return "enforce"
	}
	return "dry-run"
}

// Options configures a Stage and its Policy. The zero value is not
// usable; start from DefaultOptions.
type Options struct {
	Mode Mode
	// OnDropRules makes matches of drop and reject rules requests (scope
	// "drop-rule").
	OnDropRules bool
	// Allow are addresses never blocked; AllowFile names a file of CIDRs
	// (one a line, '#' comments) added to them; AllowSelf adds the
	// sensor's own addresses and default gateways at start.
	Allow     []netip.Prefix
	AllowFile string
	AllowSelf bool
	// MaxBlocked caps the addresses blocked at once; a new block beyond it
	// is refused (never evicting one).
	MaxBlocked int
	// Durations are the block durations of the first, second, ... offence
	// of an address; the last repeats.
	Durations []time.Duration
	// Rate and Burst are the token bucket of new blocks per second.
	Rate  float64
	Burst int
	// BreakerMax blocks within BreakerWindow trip the circuit breaker: the
	// stage falls back to dry-run until Resume.
	BreakerMax    int
	BreakerWindow time.Duration
	// QueueLen is the length of the request queue and of each hook's
	// queue.
	QueueLen int

	NFT     NFTOptions
	Shaping ShapingOptions
	Exec    ExecOptions
	Webhook WebhookOptions
}

// NFTOptions configures the nftables hook (verdict/nft).
type NFTOptions struct {
	Enabled bool
	// ManageTable creates table inet Table with its chains; without it
	// only the sets are written (the user's ruleset refers to them).
	ManageTable bool
	Table       string
}

// ShapingOptions configures the conntrack-mark hook (verdict/shape).
type ShapingOptions struct {
	Enabled bool
	Classes []Class
}

// Class is a shaping class: flows of AppProto (any when empty) whose
// request score is in [MinScore, MaxScore) (MaxScore 0: no upper bound)
// get conntrack mark Mark and DSCP.
type Class struct {
	Name               string
	AppProto           string
	MinScore, MaxScore float64
	Mark               uint32
	DSCP               uint8
}

// Match reports whether the class applies to a request.
func (c *Class) Match(r *Request) bool {
	if c.AppProto != "" && c.AppProto != r.AppProto {
		return false
	}
	return r.Score >= c.MinScore && (c.MaxScore == 0 || r.Score < c.MaxScore)
}

// Delivery is what the exec and webhook hooks share: a timeout per
// attempt, concurrency, retries with exponential backoff, and an optional
// HMAC-SHA256 key.
type Delivery struct {
	Timeout     time.Duration
	Concurrency int
	Retries     int
	Backoff     time.Duration
	Secret      []byte
}

// ExecOptions configures the exec hook: Command is an argv list, run
// without a shell, the verdict JSON on its stdin.
type ExecOptions struct {
	Command []string
	Delivery
}

// WebhookOptions configures the webhook hook: the verdict JSON is POSTed
// to URL.
type WebhookOptions struct {
	URL string
	Delivery
}

// DefaultOptions are the defaults: dry-run, escalation 10m, 1h, 24h, 7d,
// 65536 blocked at most, 10 new blocks a second (burst 50), breaker at 200
// blocks a minute.
func DefaultOptions() Options {
	d := Delivery{Timeout: 5 * time.Second, Concurrency: 4, Retries: 2, Backoff: 500 * time.Millisecond}
	return Options{
		AllowSelf:     true,
		MaxBlocked:    65536,
		Durations:     []time.Duration{10 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour},
		Rate:          10,
		Burst:         50,
		BreakerMax:    200,
		BreakerWindow: time.Minute,
		QueueLen:      1024,
		NFT:           NFTOptions{ManageTable: true, Table: "vigil"},
		Exec:          ExecOptions{Delivery: d},
		Webhook:       WebhookOptions{Delivery: d},
	}
}

// Lookup reads a scalar at a dotted configuration path; numbers index
// lists ("vigil.verdicts.allow.0"). engine/config.Config satisfies it, and
// --set keys reach it through the same tree.
type Lookup interface {
	Lookup(path string) (string, bool)
}

// Prefix is the configuration prefix of every key this package reads.
const Prefix = "vigil.verdicts."

// keys are the keys under Prefix; a trailing ".N." stands for a list
// index. CheckKey validates --set keys against them.
var keys = []string{
	"mode", "on-drop-rules", "allow", "allow.N", "allow-file", "allow-self", "max-blocked",
	"block-timeout", "escalation", "escalation.N", "rate", "burst", "breaker.max-blocks", "breaker.window", "queue",
	"nftables.enabled", "nftables.manage-table", "nftables.table",
	"shaping.enabled", "shaping.classes.N.name", "shaping.classes.N.app-proto", "shaping.classes.N.min-score",
	"shaping.classes.N.max-score", "shaping.classes.N.mark", "shaping.classes.N.dscp",
	"exec.command", "exec.command.N", "exec.timeout", "exec.concurrency", "exec.retries", "exec.backoff", "exec.secret-file",
	"webhook.url", "webhook.timeout", "webhook.concurrency", "webhook.retries", "webhook.backoff", "webhook.secret-file",
}

// CheckKey reports an error for a key under Prefix that this package does
// not know (a typo would otherwise be ignored).
func CheckKey(key string) error {
	rest, ok := strings.CutPrefix(key, Prefix)
	if !ok {
		return fmt.Errorf("%s: not a verdict setting", key)
	}
	parts := strings.Split(rest, ".")
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			parts[i] = "N"
		}
	}
	norm := strings.Join(parts, ".")
	for _, k := range keys {
		if k == norm {
			return nil
		}
	}
	return fmt.Errorf("%s: unknown verdict setting", key)
}

// ParseOptions reads the vigil.verdicts.* keys of src over the defaults.
// secrets are read from their files here; an error names the key.
func ParseOptions(src Lookup, readFile func(string) ([]byte, error)) (Options, error) {
	o := DefaultOptions()
	p := parser{src: src}
	if v, ok := p.get("mode"); ok {
		switch v {
		case "dry-run":
			o.Mode = DryRun
		case "enforce":
			o.Mode = Enforce
		default:
			p.fail("mode", fmt.Errorf("want dry-run or enforce, got %q", v))
		}
	}
	p.bool("on-drop-rules", &o.OnDropRules)
	for _, s := range p.list("allow") {
		pf, err := ParsePrefix(s)
		if err != nil {
			p.fail("allow", err)
			continue
		}
		o.Allow = append(o.Allow, pf)
	}
	if v, ok := p.get("allow-file"); ok {
		o.AllowFile = v
	}
	p.bool("allow-self", &o.AllowSelf)
	p.int("max-blocked", &o.MaxBlocked, 1, 1<<24)
	if esc := p.list("escalation"); len(esc) > 0 {
		o.Durations = o.Durations[:0]
		for _, s := range esc {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				p.fail("escalation", fmt.Errorf("bad duration %q", s))
				continue
			}
			o.Durations = append(o.Durations, d)
		}
	}
	if v, ok := p.get("block-timeout"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			p.fail("block-timeout", fmt.Errorf("want a positive duration, got %q", v))
		} else if len(o.Durations) > 0 {
			o.Durations[0] = d
		}
	}
	if v, ok := p.get("rate"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			p.fail("rate", fmt.Errorf("want a positive number of blocks per second, got %q", v))
		}
		o.Rate = f
	}
	p.int("burst", &o.Burst, 1, 1<<20)
	p.int("breaker.max-blocks", &o.BreakerMax, 1, 1<<24)
	p.duration("breaker.window", &o.BreakerWindow)
	p.int("queue", &o.QueueLen, 1, 1<<20)

	p.bool("nftables.enabled", &o.NFT.Enabled)
	p.bool("nftables.manage-table", &o.NFT.ManageTable)
	if v, ok := p.get("nftables.table"); ok {
		if v == "" || strings.ContainsAny(v, " \t;{}") {
			p.fail("nftables.table", fmt.Errorf("bad table name %q", v))
		}
		o.NFT.Table = v
	}

	p.bool("shaping.enabled", &o.Shaping.Enabled)
	for i := 0; ; i++ {
		base := fmt.Sprintf("shaping.classes.%d.", i)
		name, ok := p.get(base + "name")
		if !ok {
			break
		}
		c := Class{Name: name}
		c.AppProto, _ = p.get(base + "app-proto")
		p.float(base+"min-score", &c.MinScore)
		p.float(base+"max-score", &c.MaxScore)
		var mark, dscp int
		p.int(base+"mark", &mark, 1, 1<<31-1)
		p.int(base+"dscp", &dscp, 0, 63)
		if mark == 0 {
			p.fail(base+"mark", errors.New("a class needs a non-zero mark"))
		}
		c.Mark, c.DSCP = uint32(mark), uint8(dscp)
		o.Shaping.Classes = append(o.Shaping.Classes, c)
	}
	if o.Shaping.Enabled && len(o.Shaping.Classes) == 0 {
		p.fail("shaping.classes", errors.New("shaping is enabled without classes"))
	}

	o.Exec.Command = p.list("exec.command")
	p.delivery("exec", &o.Exec.Delivery, readFile)
	if v, ok := p.get("webhook.url"); ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail("webhook.url", fmt.Errorf("want an http or https URL, got %q", v))
		}
		o.Webhook.URL = v
	}
	p.delivery("webhook", &o.Webhook.Delivery, readFile)
	return o, errors.Join(p.errs...)
}

// ParsePrefix parses a CIDR or a single address.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if pf, err := netip.ParsePrefix(s); err == nil {
		return pf.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad CIDR %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

type parser struct {
	src  Lookup
	errs []error
}

func (p *parser) get(k string) (string, bool) {
	v, ok := p.src.Lookup(Prefix + k)
	return strings.TrimSpace(v), ok
}

func (p *parser) fail(k string, err error) {
	p.errs = append(p.errs, fmt.Errorf("%s%s: %w", Prefix, k, err))
}

// list reads a comma-separated scalar or a YAML list of scalars.
func (p *parser) list(k string) []string {
	var out []string
	if v, ok := p.get(k); ok {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		if k == "exec.command" && len(out) > 0 {
			// An argv given as one scalar is one program path: never split
			// on commas or spaces (no shell, no guessing).
			return []string{v}
		}
		return out
	}
	for i := 0; ; i++ {
		v, ok := p.get(k + "." + strconv.Itoa(i))
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

func (p *parser) bool(k string, dst *bool) {
	v, ok := p.get(k)
	if !ok {
		return
	}
	switch strings.ToLower(v) {
	case "yes", "true", "on", "1":
		*dst = true
	case "no", "false", "off", "0":
		*dst = false
	default:
		p.fail(k, fmt.Errorf("want yes or no, got %q", v))
	}
}

func (p *parser) int(k string, dst *int, lo, hi int) {
	v, ok := p.get(k)
	if !ok {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(k, fmt.Errorf("want an integer from %d to %d, got %q", lo, hi, v))
		return
	}
	*dst = n
}

func (p *parser) float(k string, dst *float64) {
	v, ok := p.get(k)
	if !ok {
		return
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		p.fail(k, fmt.Errorf("want a non-negative number, got %q", v))
		return
	}
	*dst = f
}

func (p *parser) duration(k string, dst *time.Duration) {
	v, ok := p.get(k)
	if !ok {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(k, fmt.Errorf("want a positive duration, got %q", v))
		return
	}
	*dst = d
}

func (p *parser) delivery(hook string, d *Delivery, readFile func(string) ([]byte, error)) {
	p.duration(hook+".timeout", &d.Timeout)
	p.int(hook+".concurrency", &d.Concurrency, 1, 256)
	p.int(hook+".retries", &d.Retries, 0, 20)
	p.duration(hook+".backoff", &d.Backoff)
	if v, ok := p.get(hook + ".secret-file"); ok {
		b, err := readFile(v)
		if err != nil {
			p.fail(hook+".secret-file", err)
			return
		}
		d.Secret = []byte(strings.TrimSpace(string(b)))
		if len(d.Secret) == 0 {
			p.fail(hook+".secret-file", fmt.Errorf("%s is empty", v))
		}
	}
}
