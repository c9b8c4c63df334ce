package engine

import (
	"time"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output"
	"vigil/output/eve"
)

// counters names the run's counters as Suricata's stats do, so that the
// EVE stats record validates against the schema and dashboards built for
// Suricata read it.
func (pl *pipeline) counters() []Counter {
	var c []Counter
	add := func(name string, v uint64) { c = append(c, Counter{name, v}) }
	d := &Summary{}
	for _, w := range pl.workers {
		addDecodeStats(&d.Decoder, &w.dec.Stats)
	}
	ds := &d.Decoder
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
		add("decoder.avg_pkt_size", ds.Bytes/ds.Packets)
	}
	var alerts, suppressed uint64
	var created uint64
	var sessions, gaps, midstream, overlap, overlapDiff, depth uint64
	var appFlows, appTx [bufid.ProtoFailed + 1]uint64
	for _, w := range pl.workers {
		alerts += w.Stats.Alerts
		fc := w.flows.Counters()
		created += fc.Created
		sc := w.tracker.Counters()
		sessions += sc.Sessions
		gaps += sc.Gaps
		midstream += sc.Midstream
		overlap += sc.Overlaps
		overlapDiff += sc.OverlapDiff
		depth += sc.DepthReached
		for i := range appFlows {
			appFlows[i] += w.Stats.AppLayer[i]
			appTx[i] += w.Stats.AppLayerTx[i]
		}
	}
	suppressed = pl.thr.t.Suppressed
	add("flow.total", created)
	add("tcp.sessions", sessions)
	add("tcp.midstream_pickups", midstream)
	add("tcp.reassembly_gap", gaps)
	add("tcp.overlap", overlap)
	add("tcp.overlap_diff_data", overlapDiff)
	add("tcp.stream_depth_reached", depth)
	add("detect.alert", alerts)
	add("detect.alerts_suppressed", suppressed)
	names := map[applayer.Proto]string{bufid.ProtoHTTP: "http", bufid.ProtoTLS: "tls",
		bufid.ProtoSSH: "ssh", bufid.ProtoDNS: "dns_udp", bufid.ProtoFTP: "ftp", bufid.ProtoSMTP: "smtp"}
	for _, p := range []applayer.Proto{bufid.ProtoHTTP, bufid.ProtoTLS, bufid.ProtoSSH, bufid.ProtoDNS} {
		add("app_layer.flow."+names[p], appFlows[p])
		add("app_layer.tx."+names[p], appTx[p])
	}
	add("app_layer.flow.failed_tcp", appFlows[bufid.ProtoFailed])
	return c
}

// writeStats writes the final stats record, timed at the last packet.
func (pl *pipeline) writeStats(sum *Summary) {
	var st eve.Stats
	up := uint64(0)
	if sum.LastNs > sum.FirstNs {
		up = uint64((sum.LastNs - sum.FirstNs) / 1e9)
	}
	st.Add("uptime", up)
	for _, c := range sum.Stats {
		st.Add(c.Name, c.Value)
	}
	var enc eve.Encoder
	t := time.Unix(0, sum.LastNs).UTC()
	line := enc.AppendStats(nil, t, &st)
	pl.submitStats(output.Key{Time: sum.LastNs + 1}, line)
}

// submitStats hands a stats line to every EVE output that takes stats.
func (pl *pipeline) submitStats(k output.Key, line []byte) {
	for _, o := range pl.outs {
		if o.types.Has(output.TypeStats) {
			b := o.st.Batch()
			b.Add(k, line)
			o.st.Submit(b)
		}
	}
}

// writePeriodicStats writes a stats record at packet time ts with the
// reader's counters: packets and bytes read so far.
func (pl *pipeline) writePeriodicStats(ts, first int64, pkts, bytes uint64) {
	var st eve.Stats
	st.Add("uptime", uint64((ts-first)/1e9))
	st.Add("decoder.pkts", pkts)
	st.Add("decoder.bytes", bytes)
	var enc eve.Encoder
	line := enc.AppendStats(nil, time.Unix(0, ts).UTC(), &st)
	pl.submitStats(output.Key{Time: ts}, line)
}
