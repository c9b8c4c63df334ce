package engine

import (
	"math"
	"slices"
	"sync"
	"time"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/stream"
	"vigil/output/eve"
)

// icmpv4HdrLen is the length of the ICMPv4 header at the start of b (at
// least 8 bytes, which the decoder checked), as Suricata counts it for
// icmpv4.hdr: the timestamp fields belong to timestamp messages, the
// address entries to router advertisements (RFC 792, RFC 1256).
func icmpv4HdrLen(b []byte) int {
	n := 8
	switch b[0] {
	case 13, 14: // timestamp, timestamp reply
		if len(b) >= n+12 {
			n += 12
		}
	case 9: // router advertisement: naddr entries of addr_sz 32-bit words
		if ad := int(b[4]) * int(b[5]) * 4; len(b) >= n+ad {
			n += ad
		}
	}
	return n
}

// txView shows an app-layer transaction to detection, in one direction.
type txView struct {
	tx  applayer.Tx
	dir applayer.Direction
}

func (v *txView) Buffer(b detect.Buf, i int) ([]byte, bool) {
	buf, ok := v.tx.BufferAt(v.dir, b, i)
	if !ok || buf == nil {
		return nil, false
	}
	return buf, true
}

// BufferLen is detect.TxLen: the length of instance i of b, measured
// without building it when the transaction can (applayer.TxLen).
func (v *txView) BufferLen(b detect.Buf, i int) (int, bool) {
	if l, ok := v.tx.(applayer.TxLen); ok {
		return l.BufferLenAt(v.dir, b, i)
	}
	buf, ok := v.Buffer(b, i)
	return len(buf), ok
}

var _ detect.TxLen = (*txView)(nil)

// inspection is what detection needs to know of a packet beyond its
// headers and flow.
type inspection struct {
	// established is the packet's flow:established (for TCP, the flow's
	// state before stream tracking saw the packet).
	established bool
	// pseudo marks a flow-end pseudo packet: stream and transaction rules
	// run, packet rules do not, and every transaction is final.
	pseudo bool
	// fragment marks an IP fragment inspected before reassembly
	// (detect.Packet.Fragment).
	fragment bool
}

// detectPacket runs packet and transaction rules on p, logs alerts and
// completed transactions.
func (w *Worker) detectPacket(p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction, in inspection) {
	if w.matcher == nil && e == nil {
		return
	}
	dp := &w.dp
	*dp = detect.Packet{Ts: p.Ts, IPVer: p.IPVersion, Src: p.Src, Dst: p.Dst, Proto: p.Proto, SrcPort: p.SrcPort,
		DstPort: p.DstPort, TTL: p.TTL, TOS: p.TOS, IPID: uint16(p.IPID), FragBits: p.FragFlags,
		Payload: p.Payload, IPOpts: p.IPOpts, VLANLayers: p.VLANCount, VLANIDs: p.VLAN, Fragment: in.fragment,
		IPCsum: detectCsum(p.IPCsum), L4Csum: detectCsum(p.L4Csum)}
	if p.L3Off >= 0 {
		end := p.L4Off
		if end < p.L3Off {
			end = min(p.L3Off+int(p.IPHdrLen), len(p.Data))
		}
		dp.IPHdr = p.Data[p.L3Off:end]
	}
	if p.L4Off >= 0 && p.PayloadOff >= p.L4Off && !in.fragment {
		dp.L4Hdr = p.Data[p.L4Off:p.PayloadOff]
		if p.Proto == packet.ProtoICMP {
			dp.L4Hdr = p.Data[p.L4Off : p.L4Off+icmpv4HdrLen(p.Data[p.L4Off:])]
		}
	}
	switch proto := p.Proto; {
	case in.fragment:
		// No transport header was decoded.
	case proto == packet.ProtoTCP:
		dp.TCPFlags, dp.Seq, dp.Ack, dp.Window = p.TCP.Flags, p.TCP.Seq, p.TCP.Ack, p.TCP.Window
	case proto == packet.ProtoICMP || proto == packet.ProtoICMPv6:
		dp.ICMPType, dp.ICMPCode = p.ICMP.Type, p.ICMP.Code
		dp.ICMPID, dp.ICMPSeq, dp.HasICMPID = p.ICMP.ID, p.ICMP.Seq, p.ICMP.HasIDSeq
	}
	var fd *flowData
	if e != nil {
		fd = &e.Value
		dp.HasFlow = true
		dp.ToServer = dir == flow.ToServer
		dp.Established = in.established
		dp.FlowPkts = [2]uint64{e.PktsToServer, e.PktsToClient}
		dp.FlowBytes = [2]uint64{e.BytesToServer, e.BytesToClient}
		dp.FlowStartNs = e.StartNs
		// Payload rules of a tracked session are inspected on the stream;
		// a SYN's payload (TCP Fast Open) is inspected as a packet: the
		// stream gives those bytes to the app layer, not to raw stream
		// inspection (rawSkip).
		if p.Proto == packet.ProtoTCP && fd.sess.State() != stream.StateNone && p.TCP.Flags&packet.TCPSyn == 0 {
			dp.HasStream = true
			dp.StreamClientBytes = uint32(fd.sess.Offset(0))
			dp.StreamServerBytes = uint32(fd.sess.Offset(1))
		}
		if d := dir & 1; fd.pdDone[d] {
			dp.ProtoDetectDone, fd.pdDone[d] = true, false
		}
		if fd.proto != bufid.ProtoUnknown {
			dp.AppProto = fd.proto
			for d := applayer.ToServer; d <= applayer.ToClient; d++ {
				dp.AppProtoDir[d] = dirProto(fd, d)
			}
		}
		dp.AppProtoOrig = fd.protoOrig
		dp.Service = fd.alp.Service()
		dp.Flow = &fd.det
		if fd.pdEvent != "" {
			w.logDetectAnomaly(p, e, fd)
		}
		dp.NoPayload = fd.noPayload
	}
	// raw is the stream data the stream rules inspect with this packet;
	// fresh is the part of the direction's stream delivered since its
	// last packet, which a transaction rule's pkt_data sees. Both stay
	// valid until the next delivery of this direction, after this
	// function.
	var raw, fresh []byte
	// sv is the direction's stream data an alert on stream or
	// transaction data logs as its payload (nil without a session).
	var sv *streamView
	if fd != nil {
		pending := fd.raw[dir]
		fresh = pending[fd.rawSeen[dir]:]
		if dp.HasStream || in.pseudo {
			sv = &w.sview
			*sv = streamView{data: pending, gaps: fd.rawGaps[dir]}
		}
		if in.pseudo || rawReady(fd, applayer.Direction(dir), w.cfg.Stream.Inline && len(p.Payload) > 0) {
			raw = pending
			fd.raw[dir] = pending[:0]
			fd.rawSeen[dir] = 0
			fd.rawGaps[dir] = fd.rawGaps[dir][:0]
			fd.rawTrig[dir] = false
		} else {
			// Kept for a later inspection of this direction, once ready
			// (rawstream.go).
			fd.rawSeen[dir] = len(pending)
		}
	}
	if w.matcher != nil {
		// Packet rules (not on flow-end pseudo packets) and stream rules
		// on the raw stream bytes due for inspection, in one pass in rule
		// order.
		if in.pseudo {
			w.alerts = w.matcher.MatchStream(dp, raw, w.alerts[:0])
		} else {
			w.alerts = w.matcher.MatchPacketStream(dp, raw, w.alerts[:0])
		}
		for _, a := range w.alerts {
			w.logAlert(p, e, dir, a, nil, sv)
		}
		if e != nil && w.sc.feed != nil {
			w.checkFlowScore(p, e, dir)
		}
	}
	if fd == nil || fd.parser == nil || !fd.txPending[dir] {
		return
	}
	fd.txPending[dir] = false
	if len(fresh) > 0 {
		// A transaction rule's pkt_data content sees the stream data
		// delivered with this packet, as in Suricata: on TCP the packet
		// that triggers transaction inspection is often a bare ACK.
		dp.Payload = fresh
	}
	w.restartDetection(fd)
	adir := applayer.Direction(dir)
	n := fd.parser.TxCount()
	k := 0 // fd.txs and the parser's transactions are both in ID order
	for i := 0; i < n; i++ {
		tx := fd.parser.TxAt(i)
		var tt *txTrack
		tt, k = fd.trackFrom(k, tx.ID())
		if w.matcher != nil {
			w.txv = txView{tx: tx, dir: adir}
			final := in.pseudo || tx.Complete(adir)
			if tp := tx.Proto(); tp != fd.proto {
				// A transaction kept across a protocol change (the
				// HTTP/1 request of an h2c upgrade) is inspected by its
				// own protocol's rules.
				dp.AppProto = tp
			}
			w.alerts = w.matcher.MatchTx(dp, &w.txv, int64(tx.ID()), final, &tt.det, w.alerts[:0])
			dp.AppProto = fd.proto
			for _, a := range w.alerts {
				w.logAlert(p, e, dir, a, tx, sv)
			}
			if w.sc.feed != nil {
				w.checkFlowScore(p, e, dir)
			}
		}
		if tx.Complete(adir) {
			tt.inspected[adir] = true
		}
		w.logTxEvents(p, e, tx, tt)
		w.maybeLogTx(p, e, dir, fd, tx, tt)
	}
	w.prune(fd)
}

// logDetectAnomaly writes the flow's pending protocol detection event as
// an applayer anomaly record (layer proto_detect), as Suricata's anomaly
// logger does.
func (w *Worker) logDetectAnomaly(p *packet.Packet, e *flow.Entry[flowData], fd *flowData) {
	ev := fd.pdEvent
	fd.pdEvent = ""
	if !w.cfg.EVE.anomalies(AnomalyAppLayer) {
		return
	}
	r := &w.rec
	w.header(r, eve.EventAnomaly, p)
	r.FlowID = uint64(e.ID)
	r.Anomaly = eve.Anomaly{Type: "applayer", Event: ev, Layer: "proto_detect", AppProto: fd.proto.String()}
	w.out.Emit(r)
}

// logTxEvents writes an applayer anomaly record for each app-layer event
// raised on tx since the last call, with the packet that brought it, as
// Suricata's anomaly logger does (layer proto_parser).
func (w *Worker) logTxEvents(p *packet.Packet, e *flow.Entry[flowData], tx applayer.Tx, tt *txTrack) {
	et, ok := tx.(applayer.EventTx)
	if !ok {
		return
	}
	n := et.EventCount()
	if tt.events >= n {
		return
	}
	if !w.cfg.EVE.anomalies(AnomalyAppLayer) {
		tt.events = n
		return
	}
	r := &w.rec
	for ; tt.events < n; tt.events++ {
		w.header(r, eve.EventAnomaly, p)
		r.FlowID = uint64(e.ID)
		r.HasTxID, r.TxID = true, tx.ID()
		r.Anomaly = eve.Anomaly{Type: "applayer", Event: et.EventName(tt.events), Layer: "proto_parser",
			AppProto: tx.Proto().String()}
		w.out.Emit(r)
	}
}

// maybeLogTx writes the transaction's EVE record(s) once the transaction
// is far enough, as Suricata's loggers do: HTTP and TLS when both sides
// are complete, SSH when both banners are known (with hassh on, when both
// sides finished the key exchange), DNS per message.
func (w *Worker) maybeLogTx(p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction, fd *flowData, tx applayer.Tx, tt *txTrack) {
	if fd.proto == bufid.ProtoDNS {
		for _, d := range [2]applayer.Direction{applayer.ToServer, applayer.ToClient} {
			if !tt.logged[d] && tx.Complete(d) {
				tt.logged[d] = true
				w.logTx(p, e, fd, tx, d)
			}
		}
		return
	}
	if tt.logged[0] {
		return
	}
	ready := tx.Complete(applayer.ToServer) && tx.Complete(applayer.ToClient)
	if lr, ok := tx.(applayer.TxLogReady); ok {
		ready = ready || lr.LogReady()
	}
	// Once the session closed both sides are at EOF: Suricata's tx
	// logger then logs a transaction whatever its progress.
	ready = ready || fd.eof
	if fd.proto == bufid.ProtoSSH && !w.hassh() {
		// With hassh on, an ssh record waits for both sides' NEWKEYS
		// (Complete), so that it carries both fingerprints.
		ready = tx.Buffer(applayer.ToServer, bufid.SSHSoftware) != nil &&
			tx.Buffer(applayer.ToClient, bufid.SSHSoftware) != nil
	}
	if ready {
		tt.logged = [2]bool{true, true}
		w.logTx(p, e, fd, tx, applayer.Direction(dir))
	}
}

// track returns the tracking slot of transaction id, adding it if new.
func (fd *flowData) track(id uint64) *txTrack {
	t, _ := fd.trackFrom(0, id)
	return t
}

// trackFrom is track for callers walking transactions in ID order: the
// search starts at index k of fd.txs (sorted by ID), and the index of the
// returned slot is returned for the next call. The pointer is valid until
// the next trackFrom.
func (fd *flowData) trackFrom(k int, id uint64) (*txTrack, int) {
	for k < len(fd.txs) && fd.txs[k].id < id {
		k++
	}
	if k < len(fd.txs) && fd.txs[k].id == id {
		return &fd.txs[k], k
	}
	if k == len(fd.txs) && k < cap(fd.txs) {
		// Appending: reuse the slot's detection state memory (prune
		// leaves each slot with lists of its own).
		fd.txs = fd.txs[:k+1]
		t := &fd.txs[k]
		det := t.det
		det.Reuse()
		*t = txTrack{id: id, det: det}
		return t, k
	}
	fd.txs = slices.Insert(fd.txs, k, txTrack{id: id})
	return &fd.txs[k], k
}

// prune drops logged transactions from the parser and the tracking list.
// Tracking (and with it the record of which rules already fired) is only
// dropped for transactions the parser really released: a parser may keep a
// finished transaction alive (TLS keeps its one transaction while it tracks
// encrypted records), and forgetting its detection state would make every
// rule alert on it again.
func (w *Worker) prune(fd *flowData) {
	if len(fd.txs) == 0 {
		return
	}
	first := fd.txs[0].id // tracks are added in transaction order
	below := first
	for _, t := range fd.txs {
		if !t.done() || t.id != below {
			break
		}
		below++
	}
	if below > first {
		fd.parser.Prune(below)
	}
	// Tracks of transactions the parser no longer has go: pruned above,
	// or dropped by the parser itself (its cap on live transactions).
	live := uint64(math.MaxUint64)
	if fd.parser.TxCount() > 0 {
		live = fd.parser.TxAt(0).ID()
	}
	if fd.txs[0].id >= live {
		return
	}
	k := 0
	for i := range fd.txs {
		if fd.txs[i].id < live {
			continue
		}
		// Swap, not copy: the dropped track's lists stay in a slot of
		// their own beyond the length, for trackFrom to reuse.
		fd.txs[k], fd.txs[i] = fd.txs[i], fd.txs[k]
		k++
	}
	fd.txs = fd.txs[:k]
}

// thresholds serialises the thresholder: alerts are rare, so one lock
// shared by the workers costs nothing on the packet path.
type thresholds struct {
	mu sync.Mutex
	t  *detect.Thresholder
}

// suppressed returns the count of alerts thresholds suppressed.
func (t *thresholds) suppressed() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.t.Suppressed
}

func (t *thresholds) check(s *detect.Sig, ac detect.AlertContext) detect.Decision {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.t.Check(s, ac)
}

// logAlert applies thresholds and writes the alert record. sv is the
// stream data of the packet's direction (nil without a TCP session): an
// alert on stream or transaction data logs it as its payload.
func (w *Worker) logAlert(p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction, a detect.Alert, tx applayer.Tx, sv *streamView) {
	ac := detect.AlertContext{Src: p.Src, Dst: p.Dst, TsNs: p.Ts}
	if e != nil {
		ac.FlowID = e.ID
	}
	dec := w.thr.check(a.Sig, ac)
	if dec != detect.Suppressed && w.sc.feed != nil {
		// Thinned matches score; suppressed ones do not.
		w.scoreMatch(p, e, dir, a.Sig)
	}
	if dec != detect.Logged {
		return
	}
	w.Stats.Alerts++
	if e != nil {
		e.Value.pcap.alerted = true // pcap-log: the flow is archived
	}
	if !w.cfg.EVE.Alert {
		w.verdictAlert(p, e, a, nil)
		return
	}
	r := &w.rec
	w.header(r, eve.EventAlert, p)
	var fdp *flowData
	if e != nil {
		fdp = &e.Value
	}
	w.packetEther(r, p, fdp, false)
	rule := a.Sig.Rule
	r.Alert = eve.Alert{Action: "allowed", GID: rule.Gid, SignatureID: rule.Sid, Rev: rule.Rev,
		Signature: rule.Msg, Category: rule.Category, Severity: uint32(rule.Priority)}
	if w.cfg.SimulateIPS && a.Sig.Blocks() {
		r.Alert.Action = "blocked"
	}
	if w.cfg.EVE.Metadata {
		r.Alert.Metadata = w.metadataOf(a.Sig)
	}
	if w.cfg.EVE.References {
		r.Alert.References = w.referencesOf(a.Sig)
	}
	if e != nil {
		e.Alerted = true
		fd := &e.Value
		r.FlowID = uint64(e.ID)
		if w.cfg.EVE.CommunityID == CommunityIDAll {
			r.CommunityID = e.CommunityID(w.cfg.EVE.CommunityIDSeed)
		}
		r.Dir = eve.ToServer
		if dir == flow.ToClient {
			r.Dir = eve.ToClient
		}
		r.LogFlow = w.cfg.EVE.AlertFlow
		r.Flow.Counts = counts(&e.Flow)
		r.Flow.Start = time.Unix(0, e.StartNs).UTC()
		if fd.proto != bufid.ProtoUnknown && fd.proto != bufid.ProtoFailed {
			r.AppProto.Proto = fd.proto.String()
		}
		if tx != nil && tx.Proto() != fd.proto {
			// A transaction from before a protocol change (h2c): Suricata
			// alerted on it while the flow still had its protocol.
			r.AppProto.Proto = tx.Proto().String()
		}
		if w.cfg.EVE.Metadata {
			r.Flowbits = fd.det.Bits()
			w.flowVars(r, &fd.det)
		}
	}
	if w.cfg.EVE.Metadata {
		w.alertVars(r, &a)
	}
	if tx != nil {
		r.HasTxID, r.TxID = true, tx.ID()
		w.xff(r, tx, dir == flow.ToClient)
		if w.cfg.EVE.AlertAppLayer {
			appObject(r, tx, applayer.Direction(dir))
			w.alertFiles(r, tx)
		}
	}
	if w.cfg.EVE.Payload {
		max := w.cfg.EVE.payloadMax()
		if sv != nil && p.Proto == packet.ProtoTCP && (a.Stream || tx != nil) {
			// Suricata logs the stream data of a stream or transaction
			// match ("stream": 1), the packet's payload when there is
			// none.
			r.Stream = true
			w.payload = appendStreamPayload(w.payload[:0], sv, max)
			r.Payload = w.payload
		}
		if len(r.Payload) == 0 {
			r.Payload = p.Payload
		}
		if len(r.Payload) > max {
			r.Payload = r.Payload[:max]
		}
	}
	if w.cfg.EVE.Packet {
		r.Packet, r.LinkType, r.LinkTypeName = p.Data, p.LinkType, packet.LinkTypeName(p.LinkType)
	}
	w.out.Emit(r)
	w.verdictAlert(p, e, a, r)
}

// logTx writes the app-layer record of a completed transaction.
func (w *Worker) logTx(p *packet.Packet, e *flow.Entry[flowData], fd *flowData, tx applayer.Tx, dir applayer.Direction) {
	proto := tx.Proto() // the flow's, or the protocol before a change
	fd.txCnt = max(fd.txCnt, tx.ID()+1)
	w.Stats.AppLayerTx[proto]++
	if e.Key.Proto == packet.ProtoUDP {
		w.Stats.AppLayerTxUDP[proto]++
	}
	w.logFiles(p, e, tx, dir)
	_, sport := e.Server()
	et := txEventType(tx, sport, e.Key.Proto == packet.ProtoUDP)
	if et == 0 || !w.cfg.EVE.Logs(et) {
		return
	}
	r := &w.rec
	w.txHeader(r, et, p, e, tx)
	if !appObject(r, tx, dir) {
		return
	}
	if et == eve.EventHTTP {
		w.xff(r, tx, dir == applayer.ToClient)
	}
	if et == eve.EventFTPData {
		r.AppProto.Proto = tx.Proto().String() // ftp_data logs app_proto
	}
	if et == eve.EventDNS {
		w.emitDNS(r)
		return
	}
	w.out.Emit(r)
}

// txHeader fills the envelope of a transaction record: the packet that
// completed it, with the tuple in client-to-server order, as Suricata logs
// transactions.
func (w *Worker) txHeader(r *eve.Record, et eve.EventType, p *packet.Packet, e *flow.Entry[flowData], tx applayer.Tx) {
	w.header(r, et, p)
	r.FlowID = uint64(e.ID)
	if _, ok := tx.(packetDirTx); !ok {
		r.SrcIP, r.SrcPort = e.Client()
		r.DestIP, r.DestPort = e.Server()
	}
	r.SrcIP, r.DestIP = r.SrcIP.Unmap(), r.DestIP.Unmap()
	r.HasTxID, r.TxID = true, tx.ID()
	w.packetEther(r, p, &e.Value, p.Src.IsValid() && p.Src.Unmap() != r.SrcIP)
	if w.cfg.EVE.CommunityID == CommunityIDAll {
		r.CommunityID = e.CommunityID(w.cfg.EVE.CommunityIDSeed)
	}
	if w.cfg.EVE.Metadata {
		// Suricata logs the flow's variables in every record of the flow.
		w.flowVars(r, &e.Value.det)
	}
}

// dirProto is the protocol direction d of a flow was detected as:
// ProtoUnknown while undecided; a direction whose probes all failed takes
// the flow's protocol when the other direction decided it.
func dirProto(fd *flowData, d applayer.Direction) applayer.Proto {
	if p := fd.alp.DirProto(d); p != bufid.ProtoFailed {
		return p
	}
	return fd.proto
}

// hassh reports whether the worker's rules use a HASSH buffer. As in
// Suricata, where a hassh keyword turns hassh on, the ssh record is then
// written once both sides finished the key exchange.
func (w *Worker) hassh() bool {
	if w.cur == nil || w.cur.rs.Engine == nil {
		return false
	}
	e := w.cur.rs.Engine
	return e.UsesBuffer(bufid.HASSH) || e.UsesBuffer(bufid.HASSHString) ||
		e.UsesBuffer(bufid.HASSHServer) || e.UsesBuffer(bufid.HASSHServerString)
}

// detectCsum carries a decoder checksum verdict to detection.
func detectCsum(c packet.Csum) detect.Csum {
	switch c {
	case packet.CsumValid:
		return detect.CsumValid
	case packet.CsumInvalid:
		return detect.CsumInvalid
	}
	return detect.CsumNotChecked
}
