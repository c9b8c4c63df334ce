// Package engine wires Vigil's packet path: a packet source (a pcap reader in
// replay, AF_PACKET rings live) feeds N workers by a symmetric flow hash; each
// worker owns its decoder, defragmenter, flow shard, stream reassembly,
// app-layer state, matcher scratch and counters, and hands finished records to
// the output stage in batches.
//
// Stage: everything between capture and output. It consumes raw frames and
// produces EVE records and verdicts. The compiled detection engine is built
// once per run and shared read-only by all workers (there is no rule reload
// yet). Besides it, the workers share only the thresholder, behind one lock
// taken per alert (not per packet).
package engine
