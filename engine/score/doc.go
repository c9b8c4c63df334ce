// Package score turns alerts into scores and scores into threshold
// crossings: Vigil's answer to "this flow, this host, has done enough to act
// on".
//
// Points. Each rule is worth points, fixed at load time (Points): the
// rule's signature_severity metadata (Critical 50, Major 30, Minor 10,
// Informational 2), else its priority (1: 30, 2: 10, 3: 2, 4: 1), times its
// confidence metadata (High 1.0, Medium 0.6, Low 0.3, absent 0.6), rounded,
// at least 1. A vigil_score N metadata entry replaces that, and a line
// "gid:sid N" of the overrides file (Overrides) replaces both; 0 masks the
// rule from scoring while it still alerts. A match that thresholding
// suppressed (suppress, detection_filter) scores nothing; one that a
// threshold or limit only kept out of the log scores. One rule adds at most
// twice its points per flow per half-life (Flow.Add), so one noisy rule
// cannot cross a threshold on its own.
//
// Scopes. The flow score is the flowint vigil.score: Vigil's points and a
// rule's flowint:vigil.score,+,N add into the same counter, and a rule can
// test it (flowint:vigil.score,>,100). It does not decay; it lives and dies
// with the flow. Host scores are kept per address and scope: attacker and
// victim for inbound traffic, outbound for a HOME_NET host attacking
// outside (a check-in, an exfiltration). The attacker is the alert's
// source, or the other side of the one its target keyword names; traffic is
// outbound when the attacker is in HOME_NET and the victim is not. Host
// scores decay exponentially in packet time (HalfLife), live in a table of
// at most MaxHosts entries that evicts the least recently scored host and
// counts it, and re-arm only after falling below half their threshold.
//
// Pipeline and determinism. The flow score is kept by the worker that owns
// the flow (a flow is always on one worker), in packet order, so it does
// not depend on the number of workers. Host scores need every worker's
// alerts in one order, so they are kept by one single-threaded Stage that
// consumes typed Events (no EVE parsing): workers post an Event per scored
// match and per flow crossing through their own Feed. In replay the Stage
// collects the events and, at Drain, processes them sorted by packet time,
// pcap_cnt, flow and per-packet sequence (the order output/batch.go gives
// records), before the EVE stage closes, so the crossings are the same for
// any worker count. Live, a Feed hands events to the Stage's goroutine
// through a bounded queue, in arrival order; a full queue drops the event
// and counts it, and never blocks a worker. Thresholding itself still runs
// on the workers (engine/inspect.go); only its suppress decision matters
// here, and suppress entries have no state.
//
// Crossings. A crossing is a Crossing handed to the Stage's Emit callback
// after the optional Sink (the verdict stage) had its say; the engine
// writes it as an EVE alert with category "Score Threshold Exceeded", gid
// 1 and signature_id SIDBase+scope (SIDFlow..SIDOutbound, the reserved
// range 9000000-9000099), details under alert.context.vigil.
//
// Concurrency: Points is immutable and shared; a Flow belongs to its
// flow's worker; a Feed to one worker; the Stage's methods other than
// Feed.Post are called by the pipeline only. Counters are atomic and safe
// to read at any time.
package score
