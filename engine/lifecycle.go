package engine

import (
	"math/bits"
	"strings"
	"time"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/all"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/stream"
	"vigil/output/eve"
	"vigil/ruleparser"
)

// appRegistry builds the app-layer table for the configuration.
func appRegistry(cfg *Config) *applayer.Registry { return all.Registry(cfg.AppLayer) }

// flowEnd ends flow e, which the flow table ended (endFlows): drain the
// stream, log what is left of the app layer, write the flow record and
// release the session.
func (w *Worker) flowEnd(e *flow.Entry[flowData]) {
	fd := &e.Value
	now := e.EndNs
	tcpState := fd.sess.State()
	if e.Key.Proto == packet.ProtoTCP {
		fd.sink.pktDir = flow.ToServer
		w.tracker.Flush(&fd.sess, &fd.sink)
		tcpState = fd.sess.State()
		w.tracker.Release(&fd.sess)
		if fd.tunnel && (len(fd.alp.Buffered(applayer.ToServer)) > 0 || len(fd.alp.Buffered(applayer.ToClient)) > 0) {
			// The tunnel ended before detection could tell its
			// protocol: at the end of both directions it failed.
			fd.tunnel, fd.proto = false, bufid.ProtoFailed
			w.Stats.AppLayer[bufid.ProtoFailed]++
		}
		// The connection is over: a message delimited by the close (an
		// HTTP response without a length) is complete now.
		if eof, ok := fd.parser.(interface{ EOF(applayer.Direction) }); ok {
			eof.EOF(applayer.ToServer)
			eof.EOF(applayer.ToClient)
			fd.txPending = [2]bool{true, true}
		}
		// Data the flush delivered (not ACKed before the end) is
		// inspected with a pseudo packet per direction, as Suricata does
		// at flow end.
		if !fd.det.Bypassed() && (fd.txPending[0] || fd.txPending[1] || len(fd.raw[0]) > 0 || len(fd.raw[1]) > 0) {
			w.pseudoDetect(e, flow.ToServer, now)
			w.pseudoDetect(e, flow.ToClient, now)
		}
	}
	// Transactions the flow ended before completing are logged as they
	// are, as Suricata does at flow end.
	if fd.parser != nil {
		n := fd.parser.TxCount()
		for i := 0; i < n; i++ {
			tx := fd.parser.TxAt(i)
			tt := fd.track(tx.ID())
			for _, d := range [2]applayer.Direction{applayer.ToServer, applayer.ToClient} {
				// At the end both sides are at EOF: Suricata's tx logger
				// then logs a transaction whatever its progress (DNS
				// logs each message it has).
				if tt.logged[d] || (fd.proto == bufid.ProtoDNS && !tx.Complete(d)) {
					continue
				}
				w.logTxAtEnd(e, fd, tx, d, now)
				tt.logged[d] = true
				if fd.proto != bufid.ProtoDNS {
					tt.logged = [2]bool{true, true} // one record per transaction
				}
			}
		}
	}
	if w.cfg.PcapLog != nil {
		w.pcapFlowEnd(e)
	}
	if !w.cfg.EVE.Flow {
		return
	}
	r := &w.rec
	flowHeader(r, eve.EventFlow, &e.Flow, e.Key.Proto, now)
	r.VLAN, r.VLANCount = fd.vlan, fd.vlanN
	r.Flow.Counts = counts(&e.Flow)
	r.Flow.Start = time.Unix(0, e.StartNs).UTC()
	r.Flow.End = time.Unix(0, e.LastNs).UTC()
	r.Flow.State = e.State.String()
	r.Flow.Reason = e.Reason.String()
	r.Flow.Alerted = e.Alerted
	if fd.proto == bufid.ProtoFailed {
		r.AppProto.Proto = "failed"
	} else if fd.proto != bufid.ProtoUnknown {
		r.AppProto.Proto = fd.proto.String()
		// A direction whose own bytes matched another protocol than
		// the flow's (a TLS hello answered by an SMTP banner) is logged
		// as app_proto_ts or app_proto_tc, as Suricata does.
		for d, f := range [2]*string{&r.AppProto.TS, &r.AppProto.TC} {
			if dp := fd.alp.DirProto(applayer.Direction(d)); dp != bufid.ProtoUnknown && dp != bufid.ProtoFailed && dp != fd.proto {
				*f = dp.String()
			}
		}
	}
	if fd.protoOrig != bufid.ProtoUnknown && fd.protoOrig != fd.proto {
		// The protocol before a change (h2c, CONNECT tunnel).
		r.AppProto.Orig = fd.protoOrig.String()
	}
	if e.RespSeen && (e.Key.Proto == packet.ProtoICMP || e.Key.Proto == packet.ProtoICMPv6) {
		r.Flow.ResponseICMP = true
		r.Flow.ResponseICMPType, r.Flow.ResponseICMPCode = e.RespICMPType, e.RespICMPCode
	}
	if e.Key.Proto == packet.ProtoTCP {
		r.TCP.FlagsTS, r.TCP.FlagsTC = fd.tcpFlags[0], fd.tcpFlags[1]
		r.TCP.Flags = fd.tcpFlags[0] | fd.tcpFlags[1]
		if tcpState != stream.StateNone {
			r.TCP.HasSession = true
			r.TCP.State = tcpState.String()
		}
	}
	r.Flow.TxCnt = fd.txCnt
	if fd.det.Passed() {
		// A pass rule matched: Suricata's flow action pass.
		r.Flow.Action = "pass"
	}
	w.flowEther(r, fd)
	if w.cfg.EVE.CommunityID != CommunityIDOff {
		r.CommunityID = e.CommunityID(w.cfg.EVE.CommunityIDSeed)
	}
	r.Flowints = w.flowints(&fd.det)
	if w.cfg.EVE.Metadata {
		r.Flowbits = fd.det.Bits()
		w.flowVars(r, &fd.det)
	}
	w.out.EmitKey(w.endKey(now, e), r)
}

// sessionClosed notes that the TCP session of fd closed (both FINs
// acknowledged): as Suricata does at that packet, both directions of the
// app layer are at EOF, so a message delimited by the close is complete
// and the transactions left are logged with the packet, not at flow end.
func (w *Worker) sessionClosed(fd *flowData) {
	fd.eof = true
	if fd.parser == nil {
		return
	}
	if eof, ok := fd.parser.(interface{ EOF(applayer.Direction) }); ok {
		eof.EOF(applayer.ToServer)
		eof.EOF(applayer.ToClient)
	}
	fd.txPending = [2]bool{true, true}
}

// pseudoDetect runs transaction detection for flow e as if a packet of
// direction dir had arrived at time now.
func (w *Worker) pseudoDetect(e *flow.Entry[flowData], dir flow.Direction, now int64) {
	// Its own packet: a flow evicted by a packet's lookup ends before that
	// packet is handled, but after it was decoded into w.pkt.
	p := &w.pseudoPkt
	p.Reset()
	p.Source = packet.SourceFlowTimeout
	p.Ts = now
	p.Proto = e.Key.Proto
	p.IPVersion = e.Key.Family
	cip, cport := e.Client()
	sip, sport := e.Server()
	p.Src, p.Dst, p.SrcPort, p.DstPort = cip.Unmap(), sip.Unmap(), cport, sport
	if dir == flow.ToClient {
		p.Src, p.Dst, p.SrcPort, p.DstPort = p.Dst, p.Src, p.DstPort, p.SrcPort
	}
	w.detectPacket(p, e, dir, inspection{established: established(e), pseudo: true})
}

func (w *Worker) logTxAtEnd(e *flow.Entry[flowData], fd *flowData, tx applayer.Tx, d applayer.Direction, now int64) {
	var p packet.Packet
	p.Ts = now
	p.Proto = e.Key.Proto
	// The record carries the flow's VLAN ids, as Suricata's records
	// logged at flow end do.
	p.VLAN, p.VLANCount = fd.vlan, fd.vlanN
	w.logTx(&p, e, fd, tx, d)
}

// logDecodeAnomalies writes one anomaly record per decoder event.
func (w *Worker) logDecodeAnomalies(p *packet.Packet) {
	r := &w.rec
	for _, ev := range p.EventList() {
		w.header(r, eve.EventAnomaly, p)
		r.Anomaly = eve.Anomaly{Type: "decode", Event: ev.String()}
		w.packetHdr(r, p)
		w.out.Emit(r)
	}
}

// logStreamAnomalies writes one anomaly record per stream event the
// packet raised, as Suricata's anomaly logger writes a packet's stream
// events (type stream, named as the stream-event keyword names them).
func (w *Worker) logStreamAnomalies(p *packet.Packet, e *flow.Entry[flowData], ev stream.Events) {
	r := &w.rec
	for s := uint64(ev); s != 0; s &= s - 1 {
		w.header(r, eve.EventAnomaly, p)
		r.FlowID = uint64(e.ID)
		r.Anomaly = eve.Anomaly{Type: "stream", Event: "stream." + stream.Event(bits.TrailingZeros64(s)).String()}
		w.packetHdr(r, p)
		w.out.Emit(r)
	}
}

// packetHdr adds the start of p's frame to anomaly record r when
// packethdr is on, as Suricata logs the packet header (32 bytes at most)
// with decode and stream anomalies.
func (w *Worker) packetHdr(r *eve.Record, p *packet.Packet) {
	if w.cfg.EVE.AnomalyPacketHdr && len(p.Data) > 0 {
		r.Packet = p.Data[:min(len(p.Data), 32)]
		r.LinkType, r.LinkTypeName = p.LinkType, packet.LinkTypeName(p.LinkType)
	}
}

// metadataOf converts a rule's metadata for EVE once per rule.
func (w *Worker) metadataOf(s *detect.Sig) []eve.MetaKV {
	if m, ok := w.meta[s.Num]; ok {
		return m
	}
	keys, vals := s.Metadata()
	var out []eve.MetaKV
	for i, k := range keys {
		out = append(out, eve.MetaKV{Key: k, Values: vals[i]})
	}
	w.meta[s.Num] = out
	return out
}

// referencesOf converts a rule's references to the URLs EVE logs, once per
// rule: the reference.config prefix of the type, then the value.
func (w *Worker) referencesOf(s *detect.Sig) []string {
	if r, ok := w.refs[s.Num]; ok {
		return r
	}
	var out []string
	for _, o := range s.Rule.Options {
		ref, ok := o.(*ruleparser.Reference)
		if !ok {
			continue
		}
		if strings.Contains(ref.Value, "://") {
			// The value names its own scheme: Suricata logs it as it is.
			out = append(out, ref.Value)
			continue
		}
		if w.references != nil {
			if prefix, ok := w.references.Lookup(ref.Type); ok {
				out = append(out, prefix+ref.Value)
				continue
			}
		}
		out = append(out, ref.Type+","+ref.Value)
	}
	w.refs[s.Num] = out
	return out
}
