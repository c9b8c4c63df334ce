package engine

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/decode"
	"vigil/engine/flow"
	"vigil/engine/stream"
	"vigil/output"
	"vigil/output/eve"
)

// workerCounters is a copy of one worker's counters, taken in the
// worker's goroutine (snapshot) so that stats records can be written while
// workers run.
type workerCounters struct {
	stats   WorkerStats
	dec     decode.Stats
	flows   flow.Counters
	stream  stream.Counters
	smemuse int64
}

// workerSnap is a worker's last published workerCounters.
type workerSnap struct {
	mu sync.Mutex
	c  workerCounters
}

// publishSnap copies w's counters for stats records written from another
// goroutine (live: with each publish; replay: when the worker's clock
// crosses a stats interval, and at shutdown).
func (w *Worker) publishSnap() {
	w.snap.mu.Lock()
	w.snap.c = w.counters()
	w.snap.mu.Unlock()
}

// counters returns w's counters; only from w's goroutine (or when it is
// stopped).
func (w *Worker) counters() workerCounters {
	return workerCounters{stats: w.Stats, dec: w.dec.Stats, flows: w.flows.Counters(),
		stream: w.tracker.Counters(), smemuse: w.tracker.Memuse()}
}

// snapshots returns every worker's last published counters.
func (pl *pipeline) snapshots() []workerCounters {
	out := make([]workerCounters, len(pl.workers))
	for i, w := range pl.workers {
		w.snap.mu.Lock()
		out[i] = w.snap.c
		w.snap.mu.Unlock()
	}
	return out
}

// current returns every worker's counters now (workers stopped).
func (pl *pipeline) current() []workerCounters {
	out := make([]workerCounters, len(pl.workers))
	for i, w := range pl.workers {
		out[i] = w.counters()
	}
	return out
}

// appLayerName is the stats key of a protocol's flows and transactions
// (app_layer.flow.<name>, app_layer.tx.<name>) over TCP or UDP: Suricata
// names protocols it parses over both with _tcp or _udp.
func appLayerName(p applayer.Proto, udp bool) string {
	switch p {
	case bufid.ProtoDNS, bufid.ProtoSIP, bufid.ProtoKRB5, bufid.ProtoDCERPC, bufid.ProtoLDAP, bufid.ProtoENIP, bufid.ProtoFailed:
		if udp {
			return p.String() + "_udp"
		}
		return p.String() + "_tcp"
	}
	if udp != (p == bufid.ProtoSNMP || p == bufid.ProtoQUIC || p == bufid.ProtoIKE) {
		return "" // SNMP, QUIC and IKE are parsed over UDP only, the others over TCP only
	}
	return p.String()
}

// appKeys are a protocol's app_layer.flow and app_layer.tx counter names
// over TCP ([0]) or UDP ([1]), empty when it is not parsed there.
type appKeys struct{ flow, tx string }

// appLayerKeys returns the app_layer counter names of every protocol,
// built once: stats records are written per interval of packet time in
// replay, thousands for a long capture.
var appLayerKeys = sync.OnceValue(func() *[bufid.ProtoFailed][2]appKeys {
	var keys [bufid.ProtoFailed][2]appKeys
	for p := bufid.ProtoHTTP; p < bufid.ProtoFailed; p++ {
		for i, udp := range [2]bool{false, true} {
			if n := appLayerName(p, udp); n != "" {
				keys[p][i] = appKeys{flow: "app_layer.flow." + n, tx: "app_layer.tx." + n}
			}
		}
	}
	return &keys
})

// counters names the run's counters as Suricata's stats do, so that the
// EVE stats record validates against the schema and dashboards built for
// Suricata read it. cs are the workers' counters (current or snapshots).
// final is unset for periodic records: counters the workers do not own
// (suppressed alerts, pcap-log) depend on scheduling there and are left
// out.
func (pl *pipeline) counters(cs []workerCounters, final bool) []Counter {
	return pl.countersTo(nil, cs, final)
}

// countersTo is counters appending to c (a periodic record's reused
// storage).
func (pl *pipeline) countersTo(c []Counter, cs []workerCounters, final bool) []Counter {
	add := func(name string, v uint64) { c = append(c, Counter{name, v}) }
	var dec decode.Stats
	for i := range cs {
		addDecodeStats(&dec, &cs[i].dec)
	}
	ds := &dec
	add("decoder.pkts", ds.Packets)
	add("decoder.bytes", ds.Bytes)
	add("decoder.invalid", ds.Invalid)
	add("decoder.ipv4", ds.IPv4)
	add("decoder.ipv6", ds.IPv6)
	add("decoder.ethernet", ds.Ethernet)
	add("decoder.raw", ds.Raw)
	add("decoder.null", ds.Null)
	add("decoder.sll", ds.SLL)
	add("decoder.tcp", ds.TCP)
	add("decoder.udp", ds.UDP)
	add("decoder.sctp", ds.SCTP)
	add("decoder.esp", ds.ESP)
	add("decoder.icmpv4", ds.ICMPv4)
	add("decoder.icmpv6", ds.ICMPv6)
	add("decoder.pppoe", ds.PPPoE)
	add("decoder.geneve", ds.Geneve)
	add("decoder.gre", ds.GRE)
	add("decoder.vlan", ds.VLAN)
	add("decoder.vxlan", ds.VXLAN)
	add("decoder.teredo", ds.Teredo)
	add("decoder.mpls", ds.MPLS)
	add("decoder.erspan", ds.ERSPAN)
	if ds.Packets > 0 {
		// Suricata's derived counters: the mean and the largest frame.
		add("decoder.avg_pkt_size", ds.Bytes/ds.Packets)
		add("decoder.max_pkt_size", ds.MaxPktSize)
	}
	var alerts uint64
	var fc flow.Counters
	var sc stream.Counters
	var smem int64
	var appFlows, appFlowsUDP, appTx, appTxUDP, appErr, appErrUDP [bufid.ProtoFailed + 1]uint64
	for i := range cs {
		w := &cs[i]
		alerts += w.stats.Alerts
		fc.Created += w.flows.Created
		fc.Active += w.flows.Active
		fc.Memuse += w.flows.Memuse
		fc.Reused += w.flows.Reused
		fc.MemcapHits += w.flows.MemcapHits
		fc.Evicted += w.flows.Evicted
		sc.Sessions += w.stream.Sessions
		sc.Gaps += w.stream.Gaps
		sc.Midstream += w.stream.Midstream
		sc.Overlaps += w.stream.Overlaps
		sc.OverlapDiff += w.stream.OverlapDiff
		sc.DepthReached += w.stream.DepthReached
		sc.MemcapDrops += w.stream.MemcapDrops
		sc.NoSession += w.stream.NoSession
		smem += w.smemuse
		for i := range appFlows {
			appFlows[i] += w.stats.AppLayer[i]
			appFlowsUDP[i] += w.stats.AppLayerUDP[i]
			appTx[i] += w.stats.AppLayerTx[i]
			appTxUDP[i] += w.stats.AppLayerTxUDP[i]
			appErr[i] += w.stats.AppLayerErr[i]
			appErrUDP[i] += w.stats.AppLayerErrUDP[i]
		}
	}
	add("flow.total", fc.Created)
	// Gauges depend on when each worker last ended idle flows: left out
	// of deterministic periodic records.
	gauges := final || !pl.cfg.Deterministic
	if gauges {
		add("flow.active", fc.Active)
		add("flow.memuse", uint64(max(fc.Memuse, 0)))
	}
	add("flow.tcp_reuse", fc.Reused)
	add("flow.memcap", fc.MemcapHits)
	add("tcp.sessions", sc.Sessions)
	add("tcp.midstream_pickups", sc.Midstream)
	add("tcp.no_flow", sc.NoSession)
	add("tcp.reassembly_gap", sc.Gaps)
	add("tcp.overlap", sc.Overlaps)
	add("tcp.overlap_diff_data", sc.OverlapDiff)
	add("tcp.stream_depth_reached", sc.DepthReached)
	add("tcp.segment_memcap_drop", sc.MemcapDrops)
	if gauges {
		add("tcp.reassembly_memuse", uint64(max(smem, 0)))
	}
	add("detect.alert", alerts)
	if final {
		add("detect.alerts_suppressed", pl.thr.suppressed())
	}
	keys := appLayerKeys()
	for p := bufid.ProtoHTTP; p < bufid.ProtoFailed; p++ {
		if k := &keys[p][0]; k.flow != "" {
			add(k.flow, appFlows[p]-appFlowsUDP[p])
			add(k.tx, appTx[p]-appTxUDP[p])
		}
		if k := &keys[p][1]; k.flow != "" {
			add(k.flow, appFlowsUDP[p])
			add(k.tx, appTxUDP[p])
		}
	}
	for p := bufid.ProtoHTTP; p < bufid.ProtoFailed; p++ {
		if n := appLayerName(p, false); n != "" {
			add("app_layer.error."+n+".parser", appErr[p]-appErrUDP[p])
		}
		if n := appLayerName(p, true); n != "" {
			add("app_layer.error."+n+".parser", appErrUDP[p])
		}
	}
	add("app_layer.flow.failed_tcp", appFlows[bufid.ProtoFailed]-appFlowsUDP[bufid.ProtoFailed])
	add("app_layer.flow.failed_udp", appFlowsUDP[bufid.ProtoFailed])
	if pl.pcap != nil && final {
		st := pl.pcap.Stats()
		add("pcap_log.written", st.Submitted-st.Dropped)
	}
	return c
}

// writeStats writes the final stats record, timed at the last packet.
func (pl *pipeline) writeStats(sum *Summary) {
	up := int64(0)
	if sum.LastNs > sum.FirstNs {
		up = sum.LastNs - sum.FirstNs
	}
	pl.emitStats(output.Key{Time: sum.LastNs + 1}, sum.LastNs, up, sum.Stats)
}

// emitStats writes one stats record at time ts (ns) with uptime up (ns):
// to every EVE output that takes stats (EVE.Stats), and as a stats.log
// table (StatsLog).
func (pl *pipeline) emitStats(k output.Key, ts, up int64, cs []Counter) {
	pl.marks.emitMu.Lock()
	defer pl.marks.emitMu.Unlock()
	pl.emitStatsLocked(k, ts, up, cs)
}

// emitStatsLocked is emitStats with pl.marks.emitMu held.
func (pl *pipeline) emitStatsLocked(k output.Key, ts, up int64, cs []Counter) {
	t := time.Unix(0, ts).UTC()
	m := &pl.marks
	if pl.cfg.EVE.Stats {
		// One line with every counter, one without the zero ones
		// (null-values: no), each built when an output wants it, in
		// storage kept from one record to the next.
		built := [2]bool{}
		for _, o := range pl.outs {
			if !o.types.Has(output.TypeStats) {
				continue
			}
			i := 0
			if o.statsNoZeros {
				i = 1
			}
			if !built[i] {
				built[i] = true
				st := &m.st
				st.Reset()
				st.Add("uptime", uint64(up/1e9))
				for _, c := range cs {
					if c.Value != 0 || i == 0 {
						st.Add(c.Name, c.Value)
					}
				}
				m.engines = pl.appendEngines(m.engines[:0], ts-up)
				st.AddJSON("detect.engines", m.engines)
				var enc eve.Encoder
				m.lines[i] = enc.AppendStats(m.lines[i][:0], t, st)
			}
			b := o.st.Batch()
			b.Add(k, m.lines[i])
			o.st.Submit(b)
		}
	}
	if pl.statsLog != nil {
		names, values := m.names[:0], m.values[:0]
		for _, c := range cs {
			names = append(names, c.Name)
			values = append(values, c.Value)
		}
		m.names, m.values = names, values
		m.line = pl.cfg.StatsLog.Format.Append(m.line[:0], t, time.Duration(up), names, values)
		b := pl.statsLog.Batch()
		b.Add(k, m.line)
		pl.statsLog.Submit(b)
	}
}

// statsOn reports whether stats records are written at all.
func (pl *pipeline) statsOn() bool { return pl.cfg.EVE.Stats || pl.statsLog != nil }

// statsMarks collects the workers' counters at replay stats boundaries:
// the reader marks a boundary at packet time ts (the time of the packet
// that crossed it) behind the packets before it, each worker reports its
// counters when it reaches the mark, and the last one to report writes
// the record. The counters are those of the packets before the boundary
// whatever the number of workers: output stays deterministic.
type statsMarks struct {
	mu      sync.Mutex
	first   int64
	pending map[int64][]workerCounters
	// free holds emptied pending lists for reuse (under mu).
	free [][]workerCounters

	// emitMu guards the storage emitStats reuses from one record to the
	// next (batches copy the lines they are given), and cbuf, the
	// counters of the periodic record being written.
	emitMu  sync.Mutex
	st      eve.Stats
	lines   [2][]byte
	line    []byte // stats.log
	engines []byte
	names   []string
	values  []uint64
	cbuf    []Counter
}

// statsMark takes one worker's counters at the boundary ts.
func (pl *pipeline) statsMark(ts int64, c workerCounters) {
	m := &pl.marks
	m.mu.Lock()
	if m.pending == nil {
		m.pending = map[int64][]workerCounters{}
	}
	cs, ok := m.pending[ts]
	if !ok && len(m.free) > 0 {
		cs, m.free = m.free[len(m.free)-1], m.free[:len(m.free)-1]
	}
	cs = append(cs, c)
	done := len(cs) == len(pl.workers)
	if done {
		delete(m.pending, ts)
	} else {
		m.pending[ts] = cs
	}
	m.mu.Unlock()
	if !done {
		return
	}
	m.emitMu.Lock()
	m.cbuf = pl.countersTo(m.cbuf[:0], cs, false)
	pl.emitStatsLocked(output.Key{Time: ts}, ts, ts-m.first, m.cbuf)
	m.emitMu.Unlock()
	m.mu.Lock()
	m.free = append(m.free, cs[:0])
	m.mu.Unlock()
}

// StatsLogConfig is the stats output: stats.log in LogDir.
type StatsLogConfig struct {
	Filename string // default stats.log
	Format   output.StatsLogFormat
}

// openStatsLog opens stats.log (cfg.StatsLog set).
func (pl *pipeline) openStatsLog() error {
	name := pl.cfg.StatsLog.Filename
	if name == "" {
		name = "stats.log"
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(pl.cfg.LogDir, name)
	}
	sink, err := output.OpenFile(name)
	if err != nil {
		return fmt.Errorf("stats.log: %w", err)
	}
	pl.statsSink = sink
	pl.statsLog = output.NewStage(sink, output.StageOptions{Name: "stats_log", Deterministic: pl.cfg.Deterministic,
		Block: !pl.cfg.Live})
	return nil
}
