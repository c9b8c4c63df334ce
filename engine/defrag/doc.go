// Package defrag reassembles IPv4 and IPv6 fragments for one worker. It sits
// between engine/decode and flow tracking: the worker decodes a frame, hands
// fragments (packet.Packet with IsFragment set) to Defragger.Add, and when a
// datagram is complete decodes the returned bytes again with
// decode.Decoder.DecodeIP.
//
// Datagrams are keyed by (addresses, IP id, protocol for IPv4, VLAN ids)
// as in Suricata. Overlapping data is resolved by a target-based policy, BSD
// by default as in Suricata. Time is packet time: a tracker that receives
// nothing for Options.Timeout of packet time is dropped, never on a wall
// clock. Memory is capped: fragment bytes held across all trackers never
// exceed Options.MemCap, and trackers never exceed Options.MaxTrackers; when
// either cap is hit the least recently used tracker is evicted and counted.
//
// Buffer ownership: Add copies the fragment bytes it keeps, so the caller's
// frame may be reused at once. The reassembled datagram returned by Add is
// owned by the Defragger and valid until the next call to Add or Expire.
// Trackers and their buffers are recycled, so steady state allocates
// nothing. A Defragger is not safe for concurrent use; use one per worker.
// Every fragment of a datagram must reach the defragmenter of one worker:
// the replay dispatcher picks the worker by the address pair alone
// (flow.PairHash), which every fragment carries, and live capture lets the
// kernel defragment before its fanout hash.
package defrag
