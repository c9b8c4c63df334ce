// Package stream is the TCP stage of the packet path: it tracks each TCP
// session's state (three-way handshake, FIN/RST teardown, with Suricata's
// state names) and reassembles each direction's byte stream for the
// app-layer parsers and stream inspection.
//
// # Consumes and produces
//
// The engine keeps one Session per TCP flow (a value inside its per-flow
// state, no pointer needed) and one Tracker per worker. For every TCP
// packet it calls Tracker.Process with the session, the packet's direction
// (from the flow table) and a Segment (seq, ack, flags, window, window
// scale option, payload). Process delivers the in-order stream to a Sink
// (Data(dir, b) and Gap(dir, n) calls) and returns the stream events the
// packet raised (Suricata's stream-event names). At flow end the engine
// calls Flush (optional: deliver what is still buffered) and Release.
//
// # Semantics (Suricata 8)
//
//   - Sessions start on a SYN. Without one they are not tracked at all
//     unless Options.Midstream is set (stream.midstream, default false);
//     with it a session is picked up from a SYN/ACK or any ACK packet.
//   - Delivery: in IDS mode (default) data is delivered once the other side
//     ACKed it, as Suricata feeds its app-layer; Options.Inline delivers
//     in-order data at once (IPS). Everything left is delivered on RST, on
//     a completed close and by Flush.
//   - Gaps: bytes acknowledged by the peer but never seen (capture loss),
//     holes between buffered segments at Flush, and bytes below a FIN are
//     reported with Sink.Gap and the reassembly_seq_gap event, and the
//     stream continues after them so parsers can resync.
//   - Overlaps: retransmitted bytes are dropped; overlapping bytes that
//     differ raise reassembly_overlap_different_data and are resolved by
//     Options.Policy, default BSD (Suricata's default host-os-policy):
//     new data wins only where the new segment starts before the buffered
//     one. Bytes already delivered never change.
//   - Timestamps: in a session whose SYN and SYN/ACK both had the
//     timestamp option, a packet with timestamp 0 is dropped with the
//     pkt_invalid_timestamp event, as a BSD receiver (Suricata's default
//     policy) drops it. Older timestamps (the rest of PAWS) are not
//     checked.
//   - Depth: each direction is reassembled up to Options.Depth bytes
//     (stream.reassembly.depth, 1 MiB); then Session.DepthReached is set,
//     buffers are freed and nothing more is delivered (the engine may then
//     bypass the flow).
//   - Memory: segment buffers come from the Tracker's pool, charged against
//     Options.Memcap; a segment that does not fit is dropped and counted
//     (MemcapDrops) and later shows up as a gap.
//
// # Ownership and concurrency
//
// A Tracker and its Sessions belong to one worker; nothing here is safe
// for concurrent use. Process reads Segment.Payload only during the call
// and copies what it keeps. The slice a Sink receives is valid only during
// the call. In steady state (warm pool, session slices grown) Process
// allocates nothing.
package stream
