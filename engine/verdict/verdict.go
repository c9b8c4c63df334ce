package verdict

import (
	"context"
	"encoding/json"
	"net/netip"
	"time"
)

// Action is what a verdict asks a hook to do.
type Action uint8

// Actions.
const (
	ActionBlock Action = iota + 1
	ActionUnblock
	ActionMark
)

var actionNames = [...]string{ActionBlock: "block", ActionUnblock: "unblock", ActionMark: "mark"}

// String returns "block", "unblock" or "mark".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return ""
}

// MarshalText encodes the action by name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// FlowKey is a flow's 5-tuple in the direction of the packet that made
// the request.
type FlowKey struct {
	Proto   uint8      `json:"proto"`
	Src     netip.Addr `json:"src_ip"`
	Dst     netip.Addr `json:"dest_ip"`
	SrcPort uint16     `json:"src_port"`
	DstPort uint16     `json:"dest_port"`
}

// RuleRef names a rule that contributed to a request, with its points
// (0 for a drop-rule request).
type RuleRef struct {
	GID    uint32  `json:"gid"`
	SID    uint32  `json:"signature_id"`
	Rev    uint32  `json:"rev"`
	Points float64 `json:"points,omitempty"`
}

// Request is what the engine hands to Stage.Submit: a score crossing or a
// drop/reject rule match. The stage keeps the whole value (Record and
// Rules included), so the caller must not reuse those slices.
type Request struct {
	// Scope says why: "drop-rule" for a drop or reject rule match (Vigil's
	// vigil.verdicts.on-drop-rules), or the scorer's scope ("flow",
	// "attacker", "victim", "outbound").
	Scope string
	// Addr is the address to act on (the attacker).
	Addr netip.Addr
	// Flow is the flow the evidence comes from.
	Flow FlowKey
	// AppProto is the flow's application protocol ("http", ...; "" when
	// unknown): shaping classes select on it.
	AppProto string
	// Score and Threshold are the crossing's values (0 for drop rules);
	// shaping classes select on Score.
	Score, Threshold float64
	// Ts is the time of the packet that made the request (capture time
	// live). Latency is measured from it.
	Ts time.Time
	// Established says the evidence is not spoofable: a TCP flow that
	// completed its three-way handshake, or a UDP flow seen both ways.
	// Blocks are refused without it.
	Established bool
	// Record is the EVE alert line of the request (without newline); hooks
	// receive it verbatim as "record".
	Record []byte
	// Rules are the rules behind the request.
	Rules []RuleRef
}

// Verdict is one decision handed to hooks. Its JSON form is what the exec
// and webhook hooks send.
type Verdict struct {
	// ID is unique per verdict: hooks pass it on as an idempotency key, so
	// a retried delivery can be recognised.
	ID     string     `json:"id"`
	Action Action     `json:"action"`
	Addr   netip.Addr `json:"addr"`
	// Duration is how long a block lasts (0 for others); Offence counts
	// the blocks of Addr so far (1 for the first), which chose Duration.
	Duration time.Duration `json:"-"`
	Offence  int           `json:"offence,omitempty"`
	// Mark, DSCP and Class are a mark verdict's conntrack mark, DSCP code
	// point and shaping class name.
	Mark  uint32 `json:"mark,omitempty"`
	DSCP  uint8  `json:"dscp,omitempty"`
	Class string `json:"class,omitempty"`
	// Reason is the request scope, or "control" (an operator's unblock),
	// "expired", "rules-removed".
	Reason string `json:"reason"`
	// Time is when the verdict was decided (wall clock).
	Time time.Time `json:"time"`

	Req *Request `json:"-"`
}

// verdictFields is Verdict without its methods, for embedding in wire.
type verdictFields Verdict

// wire is the JSON form of a verdict for exec and webhook hooks.
type wire struct {
	*verdictFields
	DurationSec float64         `json:"duration_sec,omitempty"`
	Flow        *FlowKey        `json:"flow,omitempty"`
	Scope       string          `json:"scope,omitempty"`
	Score       float64         `json:"score,omitempty"`
	Threshold   float64         `json:"threshold,omitempty"`
	Rules       []RuleRef       `json:"rules,omitempty"`
	Record      json.RawMessage `json:"record,omitempty"`
}

// MarshalJSON encodes the verdict with its request's flow, scope, score,
// rules and EVE alert record ("record", verbatim).
func (v *Verdict) MarshalJSON() ([]byte, error) {
	w := wire{verdictFields: (*verdictFields)(v), DurationSec: v.Duration.Seconds()}
	if r := v.Req; r != nil {
		if r.Flow.Src.IsValid() {
			w.Flow = &r.Flow
		}
		w.Scope, w.Score, w.Threshold, w.Rules = r.Scope, r.Score, r.Threshold, r.Rules
		if json.Valid(r.Record) {
			w.Record = r.Record
		}
	}
	return json.Marshal(&w)
}

// Hook carries verdicts out of Vigil. Apply is called from the hook's own
// goroutines (Concurrency of them), with up to MaxBatch verdicts at a time;
// it must return when ctx is done. A returned error counts every verdict
// of the batch as failed.
type Hook interface {
	Name() string
	Concurrency() int
	MaxBatch() int
	Apply(ctx context.Context, vs []*Verdict) error
}

// AllowSetter is implemented by hooks that enforce the allowlist on their
// side too (the firewall): the stage hands them the allowlist at start.
type AllowSetter interface {
	SetAllow(ctx context.Context, prefixes []netip.Prefix) error
}

// Closer is implemented by hooks with resources to release at Close.
type Closer interface{ Close() error }

// Restored is a block a hook found in force at start (the firewall's sets
// read back).
type Restored struct {
	Addr netip.Addr
	// Expires is the time left.
	Expires time.Duration
}

// Restorer is implemented by hooks whose firewall keeps blocks across
// restarts: the stage reads them back at Start, so they are listed and
// count against max-blocked.
type Restorer interface {
	Restore() ([]Restored, error)
}
