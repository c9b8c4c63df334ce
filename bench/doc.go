// Package bench holds Vigil's end-to-end benchmarks: pcap in, alerts out,
// measured beside Suricata on the same captures and rules. The program
// bench/cmd/vigil-bench (`make bench`) drives it; this package holds the
// parts worth testing: building the input, running and measuring processes,
// reading EVE and Suricata's log, medians and tables, alert agreement.
//
// # Input
//
// BuildInput concatenates ../shared/pcaps/bench (every file, by name) into one
// classic Ethernet pcap (microsecond, little endian), repeating the list until
// the file reaches the requested size, and caches it outside the repository
// (default /var/tmp/vigil-bench/input-<MiB>MB-<key>.pcap plus a .json with
// its packet and byte counts) under a key of the size, the layout version and
// each source's name, size and mtime. Not pcapng with one interface per link
// type: libpcap, hence Suricata 7, refuses such a file ("failed to get first
// packet timestamp", checked with a mergecap-made SLL+Ethernet pcapng). All
// bench captures are Ethernet today; packets of other link types would be
// dropped and counted (Input.Skipped). Captures cut short inside a record are
// kept up to the cut (two sv__ files are).
//
// Each capture copy is shifted in time so that its first packet comes
// DefaultGap (2 h) after the latest packet written before it: timestamps
// never go back, and the gap outlasts every default flow timeout, so both
// engines expire a capture's flows before its next copy reuses the same
// 5-tuples.
//
// # Runs
//
// Rules are the *.rules files of the rule directories concatenated into one
// file (Suricata's -S takes one), with classification.config and
// reference.config beside it; both engines read that file, with
// HOME_NET=any, EXTERNAL_NET=any and -k none. Suricata runs with the packaged
// suricata.yaml minus three blocks (SuricataConfig): EVE with alert and
// stats only, its own log as JSON (the packet phase is read from its
// timestamps), no unix socket. One worker is --runmode single; N workers is
// autofp (one reader thread plus N detect threads, via detect-thread-ratio;
// the thread layout is recorded from the log). Suricata's load row replays
// a one-frame pcap rather than using -T: in test mode any failing rule is
// fatal and -T stops before building signature groups and Hyperscan
// databases, and three ET Open rules fail with HOME_NET=any. Vigil's load row
// is `vigil replay --load-only`, or `vigil rules check` where that is missing.
//
// Every row runs each engine N times, alternating engines and which one goes
// first. A run is measured with wait4: wall, user and system CPU and peak RSS
// (ru_maxrss). Throughput is packet bytes (captured lengths, as Suricata's
// decoder.bytes) over the median wall or CPU time; the packet phase comes
// from Suricata's log and from Vigil's "replayed ... in Xs" line; "excl.
// load" subtracts the engine's own load row from rows with rules (left
// blank when under a fifth of the row's time remains: use a larger -size).
//
// # All outputs
//
// The all-outputs row (outputs.go, -rows all-outputs) replays the input
// with all rules and 1 worker, both engines reading one configuration: the
// packaged suricata.yaml with only logging and unix-command replaced, so
// its outputs section is the default one (fast.log, an eve-log with every
// type the default lists, stats.log, the top-level stats interval). Each
// engine writes the types it supports; Vigil warns about the rest. Beside
// the usual columns the report gives the lines each engine wrote per EVE
// event type and per file. Vigil's stats interval follows packet time (the
// input spans days of packet time), Suricata's wall-clock time: their
// stats lines differ by design.
//
// # Live
//
// The live rows (live.go, -live-rates, -live-upload, -live-only, -no-live)
// create two network namespaces joined by a veth pair (MTU 9000), send the
// input with tcpreplay out of one end at fixed rates (--mbps) and at
// --topspeed, each run bounded by --duration (-live-limit), and run one
// engine at a time on the far end with 2 workers: `vigil run` and Suricata
// --af-packet with cluster_flow. Then the large-upload load of engine's
// TestLiveLoad (upload.go; both ends are `vigil-bench live-helper`, run
// inside the namespaces). Each run reports what tcpreplay sent, the kernel
// packets and drops the engine printed at exit, its CPU time over the
// traffic window (+1 s, from /proc) and its alerts. The namespaces are
// removed at the end; without root, ip or tcpreplay the rows are left out
// with a note. Live alert counts differ from replay's: the input's copies,
// hours apart in the file, arrive within seconds.
//
// # Agreement
//
// Each capture of ../shared/pcaps/malicious is replayed with all rules
// through Suricata (one unix-socket process, so rules load once and every
// capture starts with an empty flow table, as the reference alerts were
// made) and through Vigil (one process per capture, one worker). Compare
// reduces each EVE file to its set of (signature_id, flow) pairs, the flow
// being the 5-tuple with both directions normalized to one key.
//
// Nothing here is safe for concurrent use unless stated; the runner starts
// one engine process at a time.
package bench
