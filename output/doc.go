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
// Sinks (Suricata's eve-log filetype): FileSink (regular, reopened on
// SIGHUP), SocketSink (unix_dgram, unix_stream, and syslog framed by
// SyslogFormat onto a local datagram socket) and RedisSink (list/lpush,
// rpush, channel/publish, stream/xadd, pipelined in batches). Each output
// has its own Stage, so its own bounded queue: a slow or dead sink fills
// only its queue, and the records it cannot take are dropped and counted.
// A network sink whose peer is away fails fast with ErrSinkDown (records
// counted as dropped, not an error of the run) and connects again after a
// Backoff, on the Stage goroutine, never on a worker.
//
// Concurrency: Stage methods are safe for concurrent use (Submit not after
// Close); Batch, Emitter, FileSink and FastFormat are used by one goroutine
// each.
package output
