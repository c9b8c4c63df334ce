// Package output is the last stage of Vigil's pipeline: it writes the
// records workers produce to EVE-JSON (DIR/eve.json) and fast.log, without
// ever blocking a worker.
//
// It imports nothing from the project (the engine fills output's records).
// The record types and their Suricata-exact JSON encoding live in
// output/eve; Prometheus collectors in output/metrics; test helpers that
// validate EVE lines against Suricata's schema in output/evetest.
//
// Data flow and ownership: each worker owns an Emitter (or an eve.Encoder
// and its own Batches). Records are encoded on the worker, into a Batch, as
// whole lines tagged with a sort Key; so nothing a record points to (packet
// or parser buffers) needs to outlive the Emit call. A full Batch is handed
// to a Stage with Submit and then belongs to the stage. The stage's single
// goroutine writes batches to its sink (a FileSink) and recycles them
// through a free list. A record reaches the file whole or not at all.
//
// Back-pressure: the stage queue is bounded. When the sink is slow, Submit
// drops the batch and counts its records (Stats, Counters); it never
// blocks. In deterministic mode (replay, --deterministic) the stage drops
// nothing: it collects every record and at Close writes them sorted by Key
// (packet time, pcap_cnt, per-packet sequence), then by bytes, so output is
// byte-identical for any number of workers. Collect-and-sort was chosen
// over a k-way merge of per-worker streams because per-worker streams are
// not sorted by time (flow timeouts are emitted late) and a merge would
// need watermarks; the cost is memory proportional to the output, which is
// acceptable for replay.
//
// Concurrency: Stage methods are safe for concurrent use (Submit not after
// Close); Batch, Emitter, FileSink and FastFormat are used by one goroutine
// each.
package output
