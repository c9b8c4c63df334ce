// Package flow is the per-worker flow table of the packet path: it maps a
// packet's 5-tuple (plus VLAN ids and a tunnel id) to a bidirectional Flow
// and the engine's per-flow state, decides each packet's direction
// (to_server / to_client), keeps the counters an EVE flow record needs and
// ends flows on timeout, memory pressure, TCP session reuse or shutdown.
//
// # Consumes and produces
//
// The caller (engine) fills a Tuple from its decoded packet and calls
// Table.Lookup, which returns the Entry (Flow header + the caller's value T,
// stored in place, no interface boxing) and the packet's Direction. Time is
// packet time in nanoseconds: the caller calls Table.Advance(now) between
// packets, and every flow whose idle timeout has passed ends. Table.Flush
// ends every flow (end of input). The table never calls back into the
// caller: flows it ends (in Advance, Flush, End, or in Lookup by eviction
// or TCP reuse) are listed by Table.Ended, their slots untouched, and the
// caller ends them (logs, releases their buffers) at a point of its own
// between packets, then calls Table.Release to recycle the slots.
//
// # Direction
//
// Suricata's rule is followed: the sender of the first packet of a flow is
// the client, except for TCP where a first packet with SYN and ACK set (a
// SYN/ACK seen before its SYN) makes the receiver the client.
//
// # Timeouts
//
// Each flow has the idle timeout of its protocol (tcp, udp, icmp, default)
// and state (new, established, closed, bypassed), with Suricata 8's
// flow-timeouts defaults (DefaultTimeouts). Flows sit on one LRU list per
// (protocol, state) class, so all flows on a list share one timeout and
// Advance only looks at list heads. A packet only stamps its flow's last
// time; the list is reordered lazily: Advance requeues a head that was seen
// since it was queued, so each flow is requeued at most once per timeout
// period and a lookup touches no other entry. A flow ends at the first
// Advance after its idle timeout, or, when it was requeued behind younger
// flows, less than one timeout period later than that (never earlier).
//
// # Memory
//
// Options.Memcap bounds the table: every entry is charged its slot size and
// whatever extra memory the caller reports for its T with Table.Charge.
// Slots are allocated in chunks and recycled through a free list, so
// steady-state lookups and creations allocate nothing. When creating a flow
// would exceed the cap, the table evicts the flow that has been idle the
// longest (the oldest list head across all classes, after requeueing heads
// seen since they were queued), ends it with reason
// Forced and counts it in Counters.Evicted and Counters.MemcapHits; it never
// grows beyond the cap (the first chunk excepted, see Options.Memcap).
//
// # Ownership and concurrency
//
// A Table belongs to one worker and is not safe for concurrent use. An
// *Entry returned by Lookup stays valid until the flow ends and is
// released: after Release its slot may be reused for another flow. The table never clears
// T when a slot is reused, so T can keep its buffers: Lookup reports
// created=true and the caller must reinitialize T then.
package flow
