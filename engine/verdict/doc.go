// Package verdict is the stage after detection that acts: it turns
// requests (a score crossing a threshold, or the match of a drop or reject
// rule) into block, unblock and mark verdicts and hands them to hooks: the
// nftables hook (verdict/nft), the conntrack-mark shaping hook
// (verdict/shape) and the exec and webhook hooks (verdict/hook).
//
// Pipeline position and ownership: workers call Stage.Submit with a
// Request they own; Submit copies nothing it keeps beyond the Request
// value itself (Record and Rules are kept, so the caller hands over fresh
// slices) and never blocks: the request goes to a bounded queue, and when
// the queue is full it is dropped and counted. One decider goroutine
// applies the Policy (mode, allowlist, evidence, max-blocked, rate limit,
// circuit breaker, escalation) and puts each verdict on the bounded queue
// of every hook; each hook has its own goroutines (Hook.Concurrency), so a
// slow or failing hook fills only its own queue, whose overflow is dropped
// and counted, and never stalls a worker or another hook.
//
// Safety comes first because a sensor that blocks the wrong host is worse
// than none: the default mode is dry-run (verdicts are decided, listed and
// counted, but no hook is called); the allowlist (configured CIDRs, a file,
// the sensor's own addresses and its default gateways) is checked here and
// also handed to the firewall hook; max-blocked refuses new blocks and
// never evicts; a token bucket limits the block rate; a breaker that sees
// too many blocks in a window switches the stage to dry-run and says so in
// an EVE engine record; repeat offenders get escalating durations; and a
// block needs evidence that the source is not spoofed (a TCP flow that
// completed its handshake, or a UDP flow seen both ways).
//
// Concurrency: Stage and Policy methods are safe for concurrent use. The
// control socket (Serve, Dial) gives `vigil verdicts list|unblock|flush`
// access to a running stage.
//
// Imports: the standard library only; hooks that need netlink live in
// subpackages so that the engine does not link them unless cmd wires them.
package verdict
