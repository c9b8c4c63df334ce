package metrics

import "strings"

// decoderLayers names what each decoder.<layer> counter counts.
var decoderLayers = map[string]string{
	"ipv4": "an IPv4 header", "ipv6": "an IPv6 header", "ethernet": "an Ethernet header",
	"raw": "no link header (raw IP link type)", "null": "a BSD loopback (null) link header",
	"sll": "a Linux cooked (SLL) link header", "tcp": "a TCP header", "udp": "a UDP header",
	"sctp": "an SCTP header", "esp": "an IPsec ESP header", "icmpv4": "an ICMPv4 header",
	"icmpv6": "an ICMPv6 header", "pppoe": "a PPPoE header", "geneve": "a Geneve tunnel header",
	"gre": "a GRE header", "vlan": "an 802.1Q VLAN tag", "vxlan": "a VXLAN tunnel header",
	"teredo": "a Teredo (IPv6 over UDP) tunnel", "mpls": "an MPLS label stack", "erspan": "an ERSPAN header",
}

// helps explains the metrics by stats key (exact) or by key prefix ending
// in '.' or '_'; the longest match wins.
var helps = map[string]string{
	"decoder.pkts":                "Packets the decoder saw, valid or not; rate() of it is the packet rate Vigil inspects.",
	"decoder.bytes":               "Bytes of the packets the decoder saw (captured lengths); rate()*8 is the inspected bit rate.",
	"decoder.invalid":             "Packets the decoder found malformed (too short, bad header length, bad version); they raise decoder events and are not inspected further.",
	"decoder.avg_pkt_size":        "Mean size of the packets a worker decoded, in bytes.",
	"decoder.max_pkt_size":        "Largest packet a worker decoded, in bytes; above the interface MTU it means offloads (GRO/LRO) are on.",
	"flow.total":                  "Flows created in the flow tables since start; rate() is the new-flow rate.",
	"flow.active":                 "Flows held in the flow tables now (not yet timed out or ended).",
	"flow.memuse":                 "Memory the flow tables hold now, in bytes; compare with flow.memcap in the configuration.",
	"flow.tcp_reuse":              "TCP flows ended early because a new SYN reused their 5-tuple.",
	"flow.memcap":                 "Flows that could not be created, or were evicted, because the flow memcap was reached; non-zero means raise flow.memcap.",
	"tcp.sessions":                "TCP sessions the stream tracker started (a SYN seen, or picked up midstream).",
	"tcp.midstream_pickups":       "TCP sessions picked up without seeing their handshake.",
	"tcp.no_flow":                 "TCP packets that could not be given a session.",
	"tcp.reassembly_gap":          "Gaps (missing data) in reassembled TCP streams; non-zero usually means packet loss before Vigil.",
	"tcp.overlap":                 "TCP segments that overlapped data already received.",
	"tcp.overlap_diff_data":       "Overlapping TCP segments whose data differed from what was received first (possible evasion).",
	"tcp.stream_depth_reached":    "TCP streams that reached stream.reassembly.depth; later data is not reassembled.",
	"tcp.segment_memcap_drop":     "TCP segments dropped because the reassembly memcap was reached; non-zero means raise stream.reassembly.memcap.",
	"tcp.reassembly_memuse":       "Memory held by TCP reassembly now, in bytes.",
	"detect.alert":                "Alerts raised (after thresholds and suppression).",
	"detect.alerts_suppressed":    "Alerts that thresholds or suppress entries stopped.",
	"app_layer.flow.":             "Flows whose application protocol was identified, by protocol (app_proto, with _tcp/_udp where both are parsed; failed_* when detection gave up).",
	"app_layer.tx.":               "Application-layer transactions parsed (requests/responses, queries, handshakes), by protocol.",
	"app_layer.error.":            "Application-layer parser errors (malformed protocol data), by protocol.",
	"pcap_log.written":            "Packets pcap-log wrote.",
	"capture.kernel_packets":      "Packets the kernel delivered to the AF_PACKET rings, by interface.",
	"capture.kernel_drops":        "Packets the kernel dropped because an AF_PACKET ring was full, by interface; rate() above 0 means Vigil cannot keep up (add workers or ring size).",
	"flow_bypassed.pkts":          "Packets of bypassed flows dropped in the kernel by the eBPF filter before being copied.",
	"flow_bypassed.bytes":         "Bytes of bypassed flows dropped in the kernel by the eBPF filter.",
	"vigil.capture.queue_freezes": "Times an AF_PACKET ring was frozen because it was full (TPACKET_V3), by interface.",
	"vigil.bypass.flows":          "Flows a worker handed to the kernel bypass (no more packets reach user space).",
	"vigil.bypass.errors":         "Flows whose kernel bypass entry could not be written (map full).",
	"vigil.filter.passed_pkts":    "Packets the eBPF filter passed to user space.",
	"vigil.filter.excluded_pkts":  "Packets the eBPF filter dropped because configuration excludes them.",
	"vigil.filter.excluded_bytes": "Bytes the eBPF filter dropped because configuration excludes them.",
	"vigil.filter.resampled_pkts": "Packets of bypassed flows the eBPF filter passed anyway as 1-in-N samples.",
	"vigil.reload.published":      "Rule reloads that compiled and went live.",
	"vigil.reload.refused":        "Rule reloads refused (a reload already running, or a memory limit).",
	"vigil.reload.failed":         "Rule reloads that failed to load or compile; the previous rules keep running.",
	"vigil.reload.unchanged":      "Rule reloads that found nothing changed.",
	"vigil.reload.rules":          "Rules loaded in the ruleset the workers run now.",
	"vigil.reload.last":           "Unix time when the running ruleset went live (startup or the last successful reload).",
	"vigil.score.":                "Scoring stage counters: score threshold crossings by scope, host evictions, events dropped.",
	"output.records_submitted":    "Records (EVE lines, fast.log lines, stats tables) workers handed to an output sink.",
	"output.records_written":      "Records an output sink wrote.",
	"output.records_dropped":      "Records an output sink dropped because its queue was full or the sink failed; workers never wait for a sink.",
	"output.batches_dropped":      "Batches of records dropped because an output sink's queue was full.",
	"output.write_errors":         "Write errors of an output sink (it reconnects or reopens and goes on).",
	"output.bytes_written":        "Bytes an output sink wrote.",
	"output.queue_batches":        "Batches waiting in an output sink's queue now; near the queue length (64) the sink is too slow and records will be dropped.",
	"verdict_":                    "Verdict stage counters (requests, policy results, hook results, blocks); see the verdict stage docs.",
}

// Help returns the HELP text of the family of stats key key, ending with
// the key itself so that a scrape can be matched to stats.log and the EVE
// stats record.
func Help(key string) string {
	if l, ok := strings.CutPrefix(key, "decoder."); ok {
		if what, ok := decoderLayers[l]; ok {
			return "Packets in which the decoder found " + what + ". Stats key " + key + "."
		}
	}
	best := ""
	for k := range helps {
		exact := k == key
		prefix := (strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_")) && strings.HasPrefix(key, k)
		if (exact || prefix) && len(k) > len(best) {
			best = k
		}
	}
	src := " Stats key " + key + "."
	switch {
	case strings.HasPrefix(key, "app_layer."):
		src = " Stats keys " + strings.Join(strings.SplitN(key, ".", 3)[:2], ".") + ".<app_proto>."
	case strings.HasPrefix(key, "output."):
		src = " Per sink (eve-log outputs, fast, stats_log, pcap_log)."
	case strings.HasPrefix(key, "verdict_"), strings.HasPrefix(key, "vigil.score."):
		src = " Counter " + key + "."
	}
	if best == "" {
		return "Vigil counter " + key + " (no description yet)." + src
	}
	return helps[best] + src
}
