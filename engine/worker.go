package engine

import (
	"sync/atomic"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/ftpdata"
	"vigil/engine/decode"
	"vigil/engine/defrag"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/score"
	"vigil/engine/stream"
	"vigil/output"
	"vigil/output/eve"
	"vigil/rules"
)

// flowData is what a worker keeps per flow, in place in the flow table:
// TCP session, app-layer detection and parser, and detection state.
type flowData struct {
	// sink receives the flow's reassembled stream (set when the flow is
	// created).
	sink   flowSink
	sess   stream.Session
	alp    applayer.Detection
	parser applayer.Parser
	proto  applayer.Proto
	det    detect.FlowState
	// parserErr is set once the parser's error was counted.
	parserErr bool
	// macs are the flow's MAC addresses, client side then server side,
	// in the order first seen (eve-log ethernet; ether.go).
	macs [2][]mac
	// txCnt is the number of transactions the flow's parser made, as
	// far as they were logged (highest id + 1): flow.tx_cnt.
	txCnt uint64
	// vlan and vlanN are the VLAN ids of the flow's first packet.
	vlan  [3]uint16
	vlanN uint8

	// protoOrig is the flow's protocol before a protocol change (h2c
	// upgrade to HTTP/2), ProtoUnknown when it never changed.
	protoOrig applayer.Proto
	// tunnel is set while protocol detection runs again on a tunnel
	// (applayer.Tunneler: after an HTTP CONNECT); parser is still the
	// old protocol's, whose transactions are inspected and logged.
	// tunnelPort is the destination port detection uses (0: the flow's).
	tunnel     bool
	tunnelPort uint16
	// swap is set when protocol detection found that a flow picked up
	// midstream has its client and server the other way round; the
	// worker reverses the flow after stream tracking (swapFlow).
	swap bool

	// txs tracks the live transactions of parser: detection state and
	// whether the EVE record was written.
	txs []txTrack
	// tcpFlags is the union of TCP flags seen: [0] to_server, [1] to_client.
	tcpFlags [2]uint8
	// txPending[d] is set when the parser was fed: the transactions must
	// be inspected again with the next packet of direction d. Buffers only
	// change when the parser is fed, so other packets skip the work.
	txPending [2]bool
	// eof is set once the TCP session closed: both sides are at their
	// end, so every transaction is logged as it is (sessionClosed).
	eof bool
	// raw holds each direction's reassembled bytes not yet inspected by
	// the stream rules; they are inspected with a packet of that
	// direction once they are ready (rawstream.go; in IDS mode data is
	// delivered when the peer ACKs it), as Suricata's raw stream
	// inspection does.
	raw [2][]byte
	// rawSeen[d] is how much of raw[d] a packet of direction d already
	// saw while the bytes waited for a later inspection (rawReady).
	rawSeen [2]int
	// rawGaps lists the holes the stream reported inside raw[d], in
	// order, for the payload of a stream alert (rawgap.go).
	rawGaps [2][]rawGap
	// rawTrig[d] is the app layer's trigger of raw inspection of
	// direction d, set when a message of d ended (noteRawTrigger) and
	// cleared when d's raw bytes are inspected.
	rawTrig [2]bool
	// rawTxDone[d] is one past the ID of the newest transaction whose
	// side d completion triggered raw inspection.
	rawTxDone [2]uint64
	// rawSkip counts bytes of each direction that were already inspected
	// as the payload of a SYN (TCP Fast Open): the stream delivers them to
	// the app layer, but raw stream inspection must not see them twice.
	rawSkip [2]int
	// charged is the stream memory reported to the flow table's memcap.
	charged int64
	// bypassed is set once live capture bypassed the flow (flowBypass).
	bypassed bool
	// pdDone[d] is set when protocol detection of direction d ended and
	// no packet of direction d was inspected since (ProtoDetectDone).
	pdDone [2]bool
	// pdEvent is a protocol detection event to write as an applayer
	// anomaly with the next inspected packet ("" when none).
	pdEvent string
	// score is the flow's scoring state (the score itself is the
	// flowint vigil.score in det).
	score score.Flow
	// noPayload is set once the flow's TLS or SSH session went
	// encrypted: like Suricata's default encryption-handling, later
	// packets get no payload or stream inspection (header rules and the
	// transaction's own keywords still apply) and no raw data is kept.
	noPayload bool
	// rulesSeq is the ruleset whose rule numbers txs' detection state
	// holds (restartDetection).
	rulesSeq uint32
	// pcap is the flow's recent frames for pcap-log conditional: alerts
	// (pcaplog.go).
	pcap pcapRing
}

type txTrack struct {
	id  uint64
	det detect.TxState
	// logged[d] says the EVE record for side d was written (DNS logs
	// each message; other protocols log once, when both sides are done,
	// and set both).
	logged [2]bool
	// inspected[d] says detection ran on side d after it was complete:
	// the transaction is not pruned before both sides were.
	inspected [2]bool
	// events counts the transaction's app-layer events already written
	// as anomaly records (applayer.EventTx).
	events int
}

func (t *txTrack) done() bool {
	return t.logged[0] && t.logged[1] && t.inspected[0] && t.inspected[1]
}

// Worker owns everything one packet path touches: decoder, flow shard,
// stream tracker, app-layer registry, matcher and output emitter. It is not
// safe for concurrent use; the pipeline gives each goroutine its own.
type Worker struct {
	// txv is the transaction view handed to detection, kept here so that
	// passing it as an interface does not allocate.
	txv     txView
	id      int
	cfg     *Config
	dec     *decode.Decoder
	defrag  *defrag.Defragger
	flows   *flow.Table[flowData]
	tracker *stream.Tracker
	reg     *applayer.Registry
	expect  *ftpdata.Expectations // shared by the pipeline's workers (ftpdata.go)
	// spare holds finished flows' parsers per protocol for reuse
	// (applayer.Recycler), bounded by maxSpare.
	spare   [bufid.NumProtos][]applayer.Parser
	matcher *detect.Matcher
	thr     *thresholds
	// published is the pipeline's ruleset pointer, cur the ruleset this
	// worker runs (matcher is cur's matcher for the worker, references
	// its reference.config) and epoch cur's sequence number, read by the
	// reloader to know when the previous ruleset can be freed (reload.go).
	published  *atomic.Pointer[published]
	cur        *published
	epoch      atomic.Uint32
	references *rules.References
	out        *output.Emitter

	pkt       packet.Packet
	pseudoPkt packet.Packet
	dp        detect.Packet
	// sview and payload are scratch for an alert's stream payload
	// (rawgap.go): the view of the inspected direction, and the bytes
	// logged, valid until the next alert.
	sview   streamView
	payload []byte
	// rebuilt is the frame of the last reassembled datagram (Process),
	// valid until the next one.
	rebuilt []byte
	alerts  []detect.Alert
	rec     eve.Record
	fileRec eve.Record // scratch for the files of an alert (alertFiles)
	vars    varBufs    // variables of the record being built (vars.go)
	tuple   flow.Tuple

	// clock is the latest packet time seen (ns).
	clock int64
	meta  map[int][]eve.MetaKV
	refs  map[int][]string

	// sc is the worker's side of scoring (scoring.go).
	sc workerScoring

	// bypass, when set (live capture with an eBPF filter), is asked after
	// each packet of a flow whether the flow's inspection is finished; nil
	// in replay.
	bypass flowBypass

	Stats WorkerStats
	// snap is the last copy of the counters published for live stats
	// records (stats.go).
	snap workerSnap
}

// flowBypass is the live capture's flow-bypass hook: after each packet of
// a flow the worker asks it whether the flow's inspection is finished. If
// it is, the hook has the kernel drop the flow's later packets and reports
// true; the worker then moves the flow to flow.StateBypassed.
type flowBypass interface {
	bypass(e *flow.Entry[flowData]) bool
}

// WorkerStats are a worker's own counters (the stages keep theirs).
type WorkerStats struct {
	Packets, Bytes uint64
	Alerts         uint64
	AppLayer       [bufid.ProtoFailed + 1]uint64 // flows per detected protocol
	AppLayerTx     [bufid.ProtoFailed + 1]uint64 // transactions logged per protocol
	// AppLayerUDP and AppLayerTxUDP are the parts of AppLayer and
	// AppLayerTx over UDP (stats: dns_udp beside dns_tcp, failed_udp).
	AppLayerUDP   [bufid.ProtoFailed + 1]uint64
	AppLayerTxUDP [bufid.ProtoFailed + 1]uint64
	// AppLayerErr counts flows whose parser reported an error, per
	// protocol (stats app_layer.error.<proto>.parser); AppLayerErrUDP
	// is the part over UDP.
	AppLayerErr, AppLayerErrUDP [bufid.ProtoFailed + 1]uint64
}

func newWorker(id int, cfg *Config, thr *thresholds, rules *atomic.Pointer[published], out *output.Emitter) (*Worker, error) {
	w := &Worker{id: id, cfg: cfg, thr: thr, out: out, published: rules, meta: map[int][]eve.MetaKV{}, refs: map[int][]string{}}
	w.dec = decode.New(cfg.Decode)
	w.defrag = defrag.New(cfg.Defrag)
	fo := cfg.Flow
	w.flows = flow.New[flowData](fo)
	w.tracker = stream.NewTracker(cfg.Stream)
	w.reg = appRegistry(cfg)
	if w.expect = cfg.expect; w.expect == nil {
		w.expect = ftpdata.NewExpectations()
	}
	w.refresh(0) // the startup ruleset; its matchers are the pipeline's
	return w, nil
}

// Process runs one captured frame through the whole path. data is only
// read during the call.
func (w *Worker) Process(data []byte, linkType uint32, tsNs int64, pcapCnt uint64, origLen uint32) {
	w.refresh(pcapCnt)
	p := &w.pkt
	p.Reset()
	p.Ts, p.PcapCnt, p.OrigLen = tsNs, pcapCnt, origLen
	w.dec.Decode(p, linkType, data)
	w.Stats.Packets++
	w.Stats.Bytes += uint64(len(data))
	w.tick(tsNs)
	pcapAlerts := false
	if w.cfg.PcapLog != nil {
		// pcap-log: every frame, or (conditional: alerts) the frames of
		// flows that alert, after handle.
		if pcapAlerts = w.cfg.PcapLog.Alerts; !pcapAlerts {
			w.out.Packet(output.Key{Time: tsNs, PcapCnt: pcapCnt}, linkType, tsNs, origLen, data)
		}
	}
	if p.NumEvents > 0 && w.cfg.EVE.anomalies(AnomalyDecode) {
		w.logDecodeAnomalies(p)
	}
	if p.Invalid || p.IPVersion == 0 {
		return
	}
	if p.IsFragment {
		// A fragment goes to the defragmenter; the datagram it completes
		// (valid until the next Add) is decoded again and goes on as one
		// packet, at the time and pcap_cnt of its last fragment.
		w.inspectFragment(p)
		dg, ok := w.defrag.Add(p)
		if !ok {
			return
		}
		if p.Tunnel == packet.TunnelNone && p.L3Off >= 0 {
			// Rebuilt behind the fragment's link header, as Suricata
			// rebuilds it: alerts log the whole frame with the
			// capture's link type.
			w.rebuilt = append(append(w.rebuilt[:0], p.Data[:p.L3Off]...), dg...)
			w.dec.DecodeRebuilt(p, linkType, w.rebuilt)
		} else {
			w.dec.DecodeIP(p, dg)
			linkType = linkRaw
		}
		if p.Invalid {
			return
		}
	}
	if !pcapAlerts {
		w.handle(p)
		return
	}
	alerts := w.Stats.Alerts
	e := w.handle(p)
	w.pcapLog(p, e, w.Stats.Alerts != alerts, linkType)
}

// inspectFragment runs the packet rules on an IP fragment before it goes
// to the defragmenter, as Suricata does: with no transport header decoded
// and no flow, only rules for ip apply, by the IP header (fragbits M,
// ip_proto, ttl, id); the payload is not inspected.
func (w *Worker) inspectFragment(p *packet.Packet) {
	if w.matcher == nil {
		return
	}
	payload := p.Payload
	p.Payload = nil
	w.detectPacket(p, nil, flow.ToServer, inspection{fragment: true})
	p.Payload = payload
}

// tick advances packet time: flow timeouts. The clock only moves
// forward (captures of several files may go back in time).
func (w *Worker) tick(ts int64) {
	if ts > w.clock {
		w.clock = ts
	}
	w.flows.Advance(w.clock)
	w.endFlows()
	w.defrag.Expire(w.clock)

}

// endFlows ends the flows the flow table ended (timeout, eviction, TCP
// reuse, shutdown): stream flush, last inspection, transaction and flow
// records. It runs at fixed points of the worker, never from inside the
// table: after the clock advanced, after a lookup (before the packet that
// looked up is handled) and at shutdown.
func (w *Worker) endFlows() {
	for _, e := range w.flows.Ended() {
		w.flowEnd(e)
		// Its records are out: the parser is free for the next flow.
		w.recycle(&e.Value)
		e.Value.parser = nil
	}
	w.flows.Release()
}

// shutdown ends every flow at time now (end of input).
func (w *Worker) shutdown(now int64) {
	w.tick(now)
	w.flows.Flush()
	w.endFlows()
}

// Advance moves the worker's clock to the input's time, which the
// dispatcher sends with each frame: flows time out on the input's clock,
// not only on the packets this worker sees, so that the output does not
// depend on the number of workers.
func (w *Worker) Advance(clock int64) { w.tick(clock) }

// endKey is the output key of a record not tied to a packet (flow end).
func (w *Worker) endKey(now int64, e *flow.Entry[flowData]) output.Key {
	return output.Key{Time: now}
}

// handle does flow, stream, app-layer and detection for a decoded packet.
// It returns the packet's flow (nil without one), valid until the next
// endFlows.
func (w *Worker) handle(p *packet.Packet) *flow.Entry[flowData] {
	t := &w.tuple
	*t = flow.Tuple{}
	t.SetAddrs(p.Src, p.Dst)
	t.SrcPort, t.DstPort, t.Proto = p.SrcPort, p.DstPort, p.Proto
	t.VLAN = p.VLAN
	t.Tunnel = p.TunnelID
	switch p.Proto {
	case packet.ProtoTCP:
		t.TCPFlags = p.TCP.Flags
	case packet.ProtoICMP, packet.ProtoICMPv6:
		t.ICMPType, t.ICMPCode = p.ICMP.Type, p.ICMP.Code
	}
	e, dir, created := w.flows.Lookup(t, p.Ts, len(p.Data))
	// A flow the lookup ended (evicted, or a TCP session reused) ends
	// before this packet is handled.
	w.endFlows()
	if e == nil {
		w.detectPacket(p, nil, 0, inspection{})
		return nil
	}
	fd := &e.Value
	if created {
		fd.reset(w, e)
	}
	if created {
		// The flow record's vlan: its first packet's tags.
		fd.vlan, fd.vlanN = p.VLAN, min(p.VLANCount, uint8(len(p.VLAN)))
	}
	if w.cfg.EVE.Ethernet {
		fd.addMACs(p, dir)
	}
	if fd.det.Bypassed() {
		// A rule with bypass matched: the flow's packets are counted,
		// not tracked or inspected (Suricata's local bypass).
		return e
	}
	if !fd.noPayload && fd.parser != nil && fd.parser.State()&applayer.StateEncrypted != 0 &&
		(fd.proto == bufid.ProtoTLS || fd.proto == bufid.ProtoSSH) {
		// Decided when a packet starts, as Suricata flags packets from
		// the flow: the packet that completed the handshake was
		// inspected in full.
		fd.noPayload = true
		fd.raw[0], fd.raw[1] = fd.raw[0][:0], fd.raw[1][:0]
		fd.rawSeen = [2]int{}
		fd.rawGaps[0], fd.rawGaps[1] = fd.rawGaps[0][:0], fd.rawGaps[1][:0]
	}
	// A packet's flow:established: for TCP the flow's state before stream
	// tracking (below), for other protocols its state now.
	var est bool
	switch p.Proto {
	case packet.ProtoTCP:
		if created && w.cfg.Stream.Midstream && p.TCP.Flags&packet.TCPSyn == 0 && w.reverseMidstream(e, p) {
			dir = flow.ToClient
		}
		fd.tcpFlags[dir] |= p.TCP.Flags
		seg := stream.Segment{Seq: p.TCP.Seq, Ack: p.TCP.Ack, Flags: p.TCP.Flags, Window: p.TCP.Window,
			WScale: -1, Payload: p.Payload}
		if p.TCP.Opts&packet.TCPOptWScale != 0 {
			seg.WScale = int8(p.TCP.WScale)
		}
		if p.TCP.Opts&packet.TCPOptTimestamp != 0 {
			seg.TSVal, seg.HasTS = p.TCP.TSVal, true
		}
		// A TCP packet is "established" (flow:established) when the flow
		// already was before it: the ACK completing the handshake is not,
		// as in Suricata, where the flag is set from the flow state before
		// the stream engine updates it.
		est = e.State == flow.StateEstablished
		if p.TCP.Flags&packet.TCPSyn != 0 && len(p.Payload) > 0 && fd.sess.State() == stream.StateNone {
			fd.rawSkip[dir] = len(p.Payload)
		}
		fd.sink.pktDir = dir
		before := fd.sess.State()
		if ev := w.tracker.Process(&fd.sess, stream.Dir(dir), &seg, &fd.sink); ev != 0 && w.cfg.EVE.anomalies(AnomalyStream) {
			w.logStreamAnomalies(p, e, ev)
		}
		if before == stream.StateSynRecv && fd.sess.State() == stream.StateEstablished && len(p.Payload) > 0 {
			// The ACK completing the handshake carries data (the bare
			// ACK was lost): Suricata counts this packet established
			// already (its bug 7264).
			est = true
		}
		if fd.swap {
			w.swapFlow(e)
			dir ^= 1
		}
		switch st := fd.sess.State(); {
		case st == stream.StateClosed:
			if e.State != flow.StateClosed {
				w.sessionClosed(fd)
			}
			w.flows.SetState(e, flow.StateClosed)
		case st >= stream.StateEstablished:
			w.flows.SetState(e, flow.StateEstablished)
		}
		if b := fd.sess.Buffered(); b != fd.charged {
			w.flows.Charge(e, b-fd.charged)
			fd.charged = b
		}
	case packet.ProtoUDP:
		dir = flow.Direction(w.udpAppLayer(e, applayer.Direction(dir), p))
		est = established(e)
	default:
		est = established(e)
	}
	w.detectPacket(p, e, dir, inspection{established: est})
	if fd.det.Bypassed() {
		w.flows.SetState(e, flow.StateBypassed)
		return e
	}
	// verdicts.go: with a verdict stage, a flow that alerted is never
	// bypassed (keepSlowPath).
	if w.bypass != nil && !w.keepSlowPath(e) && w.bypass.bypass(e) {
		w.flows.SetState(e, flow.StateBypassed)
	}
	return e
}

// reverseMidstream reverses TCP flow e, which packet p starts without a
// handshake (midstream pickup), when p's payload is a response (a DNS
// answer from port 53): its receiver is the client, as in Suricata, whose
// protocol detection reverses a midstream session it finds the wrong way
// round. The protocol's parser is started. It reports whether e was
// reversed.
func (w *Worker) reverseMidstream(e *flow.Entry[flowData], p *packet.Packet) bool {
	fd := &e.Value
	_, sp := e.Client()
	_, dp := e.Server()
	proto := w.reg.DetectReversed(&fd.alp, applayer.TCP, p.Payload, sp, dp)
	if proto == bufid.ProtoUnknown {
		return false
	}
	e.Reverse()
	fd.macs[0], fd.macs[1] = fd.macs[1], fd.macs[0]
	w.startParser(fd, proto, applayer.TCP)
	noteDetectDone(fd, applayer.ToClient)
	return true
}

// established is a packet's flow:established from its flow's state.
func established(e *flow.Entry[flowData]) bool {
	return e.State == flow.StateEstablished || e.State == flow.StateClosed
}

// reset initializes the value of flow e, new in w's table.
func (fd *flowData) reset(w *Worker, e *flow.Entry[flowData]) {
	fd.sink = flowSink{w: w, e: e}
	fd.alp.Reset()
	fd.parser = nil
	fd.proto = bufid.ProtoUnknown
	fd.protoOrig = bufid.ProtoUnknown
	fd.tunnel, fd.tunnelPort, fd.swap = false, 0, false
	fd.det.Reset()
	fd.txs = fd.txs[:0]
	fd.tcpFlags = [2]uint8{}
	fd.charged = 0
	fd.txPending = [2]bool{}
	fd.eof = false
	fd.raw[0], fd.raw[1] = fd.raw[0][:0], fd.raw[1][:0]
	fd.rawSeen = [2]int{}
	fd.rawGaps[0], fd.rawGaps[1] = fd.rawGaps[0][:0], fd.rawGaps[1][:0]
	fd.rawSkip = [2]int{}
	fd.rawTrig = [2]bool{}
	fd.rawTxDone = [2]uint64{}
	fd.bypassed = false
	fd.noPayload = false
	fd.pdEvent = ""
	fd.score.Reset()
	fd.rulesSeq = w.cur.seq
	fd.pcap.reset()
	fd.parserErr = false
	fd.txCnt = 0
	fd.macs[0], fd.macs[1] = fd.macs[0][:0], fd.macs[1][:0]
}

// flowSink is a flow's stream sink: the stream tracker hands it the
// flow's in-order reassembled bytes, and it passes them on to its worker
// with the flow they belong to.
type flowSink struct {
	w *Worker
	e *flow.Entry[flowData]
	// pktDir is the direction of the packet whose tracking delivers the
	// bytes (ToServer at flow end): delivery is ACK-driven, so bytes of
	// one direction arrive with packets of the other.
	pktDir flow.Direction
}

func (s *flowSink) Data(dir stream.Dir, b []byte) { s.w.streamData(s.e, s.pktDir, dir, b) }

// Gap is the stream's report of n missing bytes.
func (s *flowSink) Gap(dir stream.Dir, n uint32) {
	s.w.rawGap(&s.e.Value, dir, n)
	if fd := &s.e.Value; fd.parser != nil {
		fd.parser.Gap(applayer.Direction(dir), int(n))
		fd.txPending = [2]bool{true, true}
		// A gap ends what the parser could follow: Suricata triggers raw
		// inspection of the direction.
		fd.rawTrig[dir&1] = true
	}
}

// streamData takes in-order reassembled bytes b of direction dir of flow
// e, delivered while a packet of direction pktDir is tracked: it keeps
// them for raw stream inspection and feeds the app layer.
func (w *Worker) streamData(e *flow.Entry[flowData], pktDir flow.Direction, dir stream.Dir, b []byte) {
	fd := &e.Value
	raw := b
	if k := fd.rawSkip[dir&1]; k > 0 {
		k = min(k, len(raw))
		raw = raw[k:]
		fd.rawSkip[dir&1] -= k
	}
	if w.matcher != nil && len(raw) > 0 && len(fd.raw[dir&1]) < maxRaw && !fd.noPayload {
		// Copied: b is only valid during the call.
		fd.raw[dir&1] = append(fd.raw[dir&1], raw[:min(len(raw), maxRaw-len(fd.raw[dir&1]))]...)
	}
	w.streamAppLayer(e, applayer.Direction(dir), b)
	if fd.parser != nil && !fd.tunnel {
		w.handover(e, pktDir)
		if fd.parser != nil {
			noteRawTrigger(fd, applayer.Direction(dir))
		}
		if fd.proto == bufid.ProtoFTP {
			w.ftpExpect(e)
		}
	}
}

// maxRaw bounds the stream bytes a flow buffers per direction between two
// inspections.
const maxRaw = 64 << 10

// streamAppLayer detects the protocol of TCP flow e and feeds its parser.
func (w *Worker) streamAppLayer(e *flow.Entry[flowData], dir applayer.Direction, b []byte) {
	fd := &e.Value
	if fd.tunnel {
		w.tunnelData(e, dir, b)
		return
	}
	_, spPort := e.Client()
	_, dpPort := e.Server()
	if fd.alp.DirPending(dir) {
		defer noteDetectDone(fd, dir)
	}
	if fd.proto != bufid.ProtoUnknown && fd.alp.DirPending(dir) {
		// The other direction decided the flow; learn this one's own
		// protocol too (app-layer-protocol to_server/to_client).
		p := w.reg.DetectDir(&fd.alp, applayer.TCP, dir, b, spPort, dpPort)
		if p != fd.proto && p != bufid.ProtoUnknown && p != bufid.ProtoFailed && fd.protoOrig == bufid.ProtoUnknown {
			// Each direction is another protocol (an HTTP request
			// answered by an SSH banner): Suricata's event.
			fd.pdEvent = "APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS"
		}
	}
	if fd.parser != nil {
		fd.parser.Parse(dir, b)
		fd.txPending = [2]bool{true, true}
		w.noteParserError(fd, false)
		return
	}
	if fd.proto != bufid.ProtoUnknown {
		return // failed, or a protocol Vigil detects but does not parse
	}
	if w.ftpDataFlow(e) {
		fd.txPending = [2]bool{true, true}
		fd.parser.Parse(dir, b)
		return
	}
	if dir == applayer.ToServer && fd.sess.Midstream() && len(fd.alp.Buffered(dir)) == 0 &&
		w.reg.DetectReversed(&fd.alp, applayer.TCP, b, spPort, dpPort) != bufid.ProtoUnknown {
		// Picked up midstream, the first data of the "client" is a
		// server's (an HTTP response): like Suricata, reverse the flow
		// (after stream tracking, swapFlow) and parse the data as the
		// server's.
		fd.swap = true
		w.startParser(fd, fd.alp.Proto(), applayer.TCP)
		if fd.parser != nil {
			fd.txPending = [2]bool{true, true}
			fd.parser.Parse(applayer.ToClient, b)
		}
		return
	}
	before := len(fd.alp.Buffered(dir))
	proto := w.reg.Detect(&fd.alp, applayer.TCP, dir, b, spPort, dpPort)
	if proto == bufid.ProtoUnknown || proto == bufid.ProtoFailed {
		if proto == bufid.ProtoFailed {
			w.Stats.AppLayer[proto]++ // app_layer.flow.failed_tcp
		}
		fd.proto = proto
		return
	}
	w.startParser(fd, proto, applayer.TCP)
	if fd.parser == nil {
		return
	}
	fd.txPending = [2]bool{true, true}
	// Replay what detection buffered: the other direction first (it came
	// earlier), then this one, then the rest of b detection did not keep.
	if other := fd.alp.Buffered(dir.Reverse()); len(other) > 0 {
		fd.parser.Parse(dir.Reverse(), other)
	}
	kept := fd.alp.Buffered(dir)
	fd.parser.Parse(dir, kept)
	if used := len(kept) - before; used < len(b) {
		fd.parser.Parse(dir, b[used:])
	}
}

// handover replaces the parser when it handed the flow over to another
// protocol (applayer.Handover: HTTP/1 upgraded to h2c). The new parser
// adopts the old one's live transactions, so their detection state and
// logging carry on, and gets the bytes that followed the switch. Like
// Suricata's detection rerun after a change, it ends a protocol detection
// on the packet being handled (app-layer-protocol's final and original
// modes; with ACK-driven delivery that packet may be of the other
// direction than the bytes that carried the switch); detection ends still
// pending from before the change are superseded by it. pktDir is the
// direction of that packet.
func (w *Worker) handover(e *flow.Entry[flowData], pktDir flow.Direction) {
	fd := &e.Value
	h, ok := fd.parser.(applayer.Handover)
	if !ok {
		return
	}
	next, rest, ok := h.Handover()
	if !ok {
		return
	}
	if next == bufid.ProtoUnknown {
		if fd.protoOrig == bufid.ProtoUnknown {
			// Once: after a failed detection the old parser stays.
			w.openTunnel(e, rest)
		}
		return
	}
	ent, found := w.reg.Lookup(next)
	if !found || ent.New == nil {
		return
	}
	np := ent.New()
	if s, ok := np.(applayer.Successor); ok {
		s.Adopt(fd.parser)
	}
	fd.protoOrig, fd.proto, fd.parser = fd.proto, next, np
	w.Stats.AppLayer[next]++
	fd.pdDone = [2]bool{}
	fd.pdDone[pktDir&1] = true
	for d := applayer.ToServer; d <= applayer.ToClient; d++ {
		if len(rest[d]) > 0 {
			np.Parse(d, rest[d])
		}
	}
}

// swapFlow reverses TCP flow e after protocol detection found its client
// and server the other way round (fd.swap): the flow's tuple and
// counters, the stream session's directions and what the worker keeps
// per direction.
func (w *Worker) swapFlow(e *flow.Entry[flowData]) {
	fd := &e.Value
	fd.swap = false
	e.Reverse()
	fd.sess.Swap()
	fd.tcpFlags[0], fd.tcpFlags[1] = fd.tcpFlags[1], fd.tcpFlags[0]
	fd.macs[0], fd.macs[1] = fd.macs[1], fd.macs[0]
	fd.raw[0], fd.raw[1] = fd.raw[1], fd.raw[0]
	fd.rawSeen[0], fd.rawSeen[1] = fd.rawSeen[1], fd.rawSeen[0]
	fd.rawSkip[0], fd.rawSkip[1] = fd.rawSkip[1], fd.rawSkip[0]
	fd.pdDone[0], fd.pdDone[1] = fd.pdDone[1], fd.pdDone[0]
}

// openTunnel restarts protocol detection on flow e after its parser
// handed it over to ProtoUnknown (applayer.Tunneler: a CONNECT answered
// 2xx), as Suricata's protocol change request does, and runs it on the
// bytes that followed the switch. Until detection decides, the old parser
// stays, so that its transactions are still inspected and logged.
func (w *Worker) openTunnel(e *flow.Entry[flowData], rest [2][]byte) {
	fd := &e.Value
	fd.tunnel, fd.tunnelPort = true, 0
	if t, ok := fd.parser.(applayer.Tunneler); ok {
		fd.tunnelPort = t.TunnelPort()
	}
	fd.protoOrig = fd.proto
	fd.alp.Reset()
	for d := applayer.ToServer; d <= applayer.ToClient && fd.tunnel; d++ {
		if len(rest[d]) > 0 {
			w.tunnelData(e, d, rest[d])
		}
	}
}

// tunnelData runs protocol detection on bytes b of direction dir of a
// tunnel (openTunnel). When it decides, the tunnel's protocol takes the
// flow over with a parser of its own, whose transactions are numbered
// from 0 again (Suricata frees the old state); the detected bytes are
// replayed to it. When detection fails, the flow's protocol is failed
// and the rest of the tunnel is not parsed.
func (w *Worker) tunnelData(e *flow.Entry[flowData], dir applayer.Direction, b []byte) {
	fd := &e.Value
	_, sp := e.Client()
	_, dp := e.Server()
	if fd.tunnelPort != 0 {
		dp = fd.tunnelPort
	}
	before := len(fd.alp.Buffered(dir))
	proto := w.reg.Detect(&fd.alp, applayer.TCP, dir, b, sp, dp)
	switch proto {
	case bufid.ProtoUnknown:
		return
	case bufid.ProtoFailed:
		fd.tunnel = false
		fd.proto = proto
		w.Stats.AppLayer[proto]++ // app_layer.flow.failed_tcp
		return
	}
	fd.tunnel = false
	fd.parser = nil
	// The old protocol's transactions end with it: the new parser's
	// transaction 0 is a new one.
	fd.txs = fd.txs[:0]
	w.startParser(fd, proto, applayer.TCP)
	if fd.parser == nil {
		return
	}
	fd.txPending = [2]bool{true, true}
	if other := fd.alp.Buffered(dir.Reverse()); len(other) > 0 {
		fd.parser.Parse(dir.Reverse(), other)
	}
	kept := fd.alp.Buffered(dir)
	fd.parser.Parse(dir, kept)
	if used := len(kept) - before; used < len(b) {
		fd.parser.Parse(dir, b[used:])
	}
}

// datagramParser is implemented by parsers of datagram protocols (DNS
// over UDP): each payload is one message.
type datagramParser interface {
	ParseDatagram(dir applayer.Direction, data []byte)
}

// udpAppLayer detects the protocol of UDP flow e and feeds its parser the
// datagram of packet p. It returns the packet's direction, which is
// to_client when detection found the flow's first datagram to be a
// response and reversed the flow.
func (w *Worker) udpAppLayer(e *flow.Entry[flowData], dir applayer.Direction, p *packet.Packet) applayer.Direction {
	fd := &e.Value
	if len(p.Payload) == 0 || fd.proto == bufid.ProtoFailed && !fd.alp.DirPending(dir) {
		return dir
	}
	_, sp := e.Client()
	_, dp := e.Server()
	if dir == applayer.ToServer && e.PktsToServer == 1 && e.PktsToClient == 0 &&
		w.reg.DetectReversed(&fd.alp, applayer.UDP, p.Payload, sp, dp) != bufid.ProtoUnknown {
		// The first datagram is a response (a DNS answer from port
		// 53): its receiver is the client.
		e.Reverse()
		fd.macs[0], fd.macs[1] = fd.macs[1], fd.macs[0]
		dir, sp, dp = applayer.ToClient, dp, sp
		w.Stats.AppLayerUDP[fd.alp.Proto()]++
		w.startParser(fd, fd.alp.Proto(), applayer.UDP)
		noteDetectDone(fd, dir)
		if fd.parser == nil {
			return dir
		}
	}
	if fd.alp.DirPending(dir) {
		defer noteDetectDone(fd, dir)
	}
	if fd.proto != bufid.ProtoUnknown && fd.alp.DirPending(dir) {
		w.reg.DetectDir(&fd.alp, applayer.UDP, dir, p.Payload, sp, dp)
	}
	if fd.parser == nil {
		wasFailed := fd.proto == bufid.ProtoFailed // the other direction's datagram may decide yet
		if fd.proto != bufid.ProtoUnknown && !wasFailed {
			return dir
		}
		proto := w.reg.Detect(&fd.alp, applayer.UDP, dir, p.Payload, sp, dp)
		if wasFailed && proto == bufid.ProtoFailed {
			return dir // counted already
		}
		if proto != bufid.ProtoUnknown {
			w.Stats.AppLayerUDP[proto]++
		}
		if proto == bufid.ProtoUnknown || proto == bufid.ProtoFailed {
			if proto == bufid.ProtoFailed {
				w.Stats.AppLayer[proto]++ // app_layer.flow.failed_udp
			}
			fd.proto = proto
			return dir
		}
		w.startParser(fd, proto, applayer.UDP)
		if fd.parser == nil {
			return dir
		}
	}
	fd.txPending = [2]bool{true, true}
	if dg, ok := fd.parser.(datagramParser); ok {
		dg.ParseDatagram(dir, p.Payload)
	} else {
		fd.parser.Parse(dir, p.Payload)
	}
	w.noteParserError(fd, true)
	return dir
}

// noteParserError counts a flow whose parser entered its error state, once
// (Suricata counts the parse that fails, after which the flow's parser
// stops).
func (w *Worker) noteParserError(fd *flowData, udp bool) {
	if fd.parserErr || fd.parser.State()&applayer.StateError == 0 {
		return
	}
	fd.parserErr = true
	w.Stats.AppLayerErr[fd.proto]++
	if udp {
		w.Stats.AppLayerErrUDP[fd.proto]++
	}
}

func (w *Worker) startParser(fd *flowData, proto applayer.Proto, t applayer.Transport) {
	fd.proto = proto
	w.Stats.AppLayer[proto]++
	if proto < bufid.NumProtos {
		if s := w.spare[proto]; len(s) > 0 {
			fd.parser, s[len(s)-1] = s[len(s)-1], nil
			w.spare[proto] = s[:len(s)-1]
			return
		}
	}
	if ent, ok := w.reg.LookupTransport(proto, t); ok && ent.New != nil {
		fd.parser = ent.New()
	}
}

// maxSpare bounds the parsers a worker keeps per protocol for reuse.
const maxSpare = 64

// recycle keeps the parser of fd's finished flow for the next flow of its
// protocol when it can be reset (applayer.Recycler). A parser that took
// over from another (handover) is not kept: fd.proto names it, and only
// parsers started by startParser for fd.proto are reset and reused.
func (w *Worker) recycle(fd *flowData) {
	r, ok := fd.parser.(applayer.Recycler)
	if !ok || fd.protoOrig != bufid.ProtoUnknown || fd.proto >= bufid.NumProtos || len(w.spare[fd.proto]) >= maxSpare {
		return
	}
	r.Reset()
	w.spare[fd.proto] = append(w.spare[fd.proto], fd.parser)
}

// noteDetectDone flags the end of protocol detection of direction dir for
// the next inspection of a packet of that direction.
func noteDetectDone(fd *flowData, dir applayer.Direction) {
	if !fd.alp.DirPending(dir) {
		fd.pdDone[dir&1] = true
	}
}
