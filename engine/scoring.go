package engine

import (
	"fmt"
	"time"

	"vigil/detect"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/score"
	"vigil/engine/stream"
	"vigil/output"
	"vigil/output/eve"
)

// This file connects the packet path to engine/score: workers score
// matches and flows and post events; the pipeline owns the single scoring
// stage and writes its crossings as EVE alerts.

// workerScoring is a worker's side of scoring.
type workerScoring struct {
	feed     *score.Feed // nil: scoring off
	points   *score.Points
	halfLife int64
	flowThr  uint32
	// seq numbers the events of one packet (key: time and pcap_cnt).
	seq    uint32
	seqTs  int64
	seqCnt uint64
	ev     score.Event
	ints   []eve.FlowInt
}

// startScoring creates the scoring stage and gives each worker its feed.
// It does nothing when scoring is off or there are no rules.
func (pl *pipeline) startScoring() {
	cfg := &pl.cfg
	if !cfg.Scoring.Enabled || cfg.Rules == nil {
		return
	}
	pts := pl.rules.Load().points // the startup ruleset's (reload.go)
	em := pl.newEmitter()
	pl.scoreEm = em
	pl.score = score.NewStage(score.Options{Config: cfg.Scoring, HomeNet: cfg.HomeNet, Live: cfg.Live,
		Sink: pl.scoreSink(), Emit: pl.emitCrossing})
	for _, w := range pl.workers {
		w.sc = workerScoring{feed: pl.score.NewFeed(), points: pts, halfLife: pl.score.HalfLife(),
			flowThr: pl.score.FlowThreshold()}
	}
}

// drainScoring processes what the workers posted (replay: in packet
// order) and flushes the crossings to the output stages. Call it after the
// workers flushed and before the output stages close.
func (pl *pipeline) drainScoring() {
	if pl.score == nil {
		return
	}
	pl.score.Drain()
	pl.scoreEm.Flush()
}

// scoreCounters are the scoring counters for the Summary (Vigil's own,
// outside the EVE stats record, whose schema has no place for them).
func (pl *pipeline) scoreCounters() []Counter {
	if pl.score == nil {
		return nil
	}
	c := pl.score.Counters()
	out := make([]Counter, 0, 7)
	for s := score.ScopeFlow; s <= score.ScopeOutbound; s++ {
		out = append(out, Counter{"vigil.score.crossings." + s.String(), c.Crossings[s]})
	}
	return append(out, Counter{"vigil.score.host_evictions", c.Evictions}, Counter{"vigil.score.events_dropped", c.Dropped})
}

// scoreMatch scores one match of sig that thresholding did not suppress:
// the flow's score (capped per rule) and an event for the host scores.
func (w *Worker) scoreMatch(p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction, sig *detect.Sig) {
	sc := &w.sc
	pts, id := sc.points.Of(sig.Num)
	if pts == 0 {
		return // masked (points 0): the rule alerts but does not score
	}
	ev := w.scoreEvent(score.EventPoints, p, e, dir)
	ev.Rule, ev.Points = id, pts
	ev.Attacker, ev.Victim = p.Src, p.Dst
	if sc.points.VictimIsSrc(sig.Num) {
		ev.Attacker, ev.Victim = p.Dst, p.Src
	}
	if e != nil {
		fd := &e.Value
		ev.Points = fd.score.Add(sig.Num, id, pts, p.Ts, sc.halfLife)
		if ev.Points == 0 {
			return // the rule's share of this flow is used up
		}
		fd.det.AddFlowint(score.FlowScoreVar, ev.Points)
	}
	sc.feed.Post(ev)
}

// checkFlowScore raises a flow crossing when the flow's vigil.score (which
// Vigil's points and rules' flowint ops both change) reached the
// threshold.
func (w *Worker) checkFlowScore(p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction) {
	fd := &e.Value
	v, ok := fd.det.Flowint(score.FlowScoreVar)
	if !ok || !fd.score.Check(v, w.sc.flowThr) {
		return
	}
	ev := w.scoreEvent(score.EventFlowCrossing, p, e, dir)
	ev.Score = v
	ev.Contributors = fd.score.Contributors()
	w.sc.feed.Post(ev)
}

// scoreEvent fills the worker's event with what every event carries.
func (w *Worker) scoreEvent(kind score.EventKind, p *packet.Packet, e *flow.Entry[flowData], dir flow.Direction) *score.Event {
	sc := &w.sc
	if p.Ts != sc.seqTs || p.PcapCnt != sc.seqCnt {
		sc.seq, sc.seqTs, sc.seqCnt = 0, p.Ts, p.PcapCnt
	}
	sc.seq++
	ev := &sc.ev
	*ev = score.Event{Kind: kind, Ts: p.Ts, PcapCnt: p.PcapCnt, Seq: sc.seq, Src: p.Src, Dst: p.Dst,
		SrcPort: p.SrcPort, DstPort: p.DstPort, Proto: p.Proto}
	if e != nil {
		ev.FlowID = e.ID
		ev.ToClient = dir == flow.ToClient
		ev.Evidence = evidence(e)
	}
	return ev
}

// evidence says whether a flow's traffic could not have been spoofed: a
// TCP flow whose three-way handshake completed (SYN and ACK from the
// client, SYN-ACK from the server, and an established session) or a UDP
// flow with packets both ways. Blocks rest on it.
func evidence(e *flow.Entry[flowData]) score.Evidence {
	const synAck = packet.TCPSyn | packet.TCPAck
	switch e.Key.Proto {
	case packet.ProtoTCP:
		fd := &e.Value
		f := &fd.tcpFlags
		return score.Evidence{TCPHandshake: f[0]&synAck == synAck && f[1]&synAck == synAck &&
			fd.sess.State() >= stream.StateEstablished}
	case packet.ProtoUDP:
		return score.Evidence{UDPBothWays: e.PktsToServer > 0 && e.PktsToClient > 0}
	}
	return score.Evidence{}
}

// flowints returns the flow's flowints for EVE metadata, in the worker's
// buffer (valid until the next call).
func (w *Worker) flowints(f *detect.FlowState) []eve.FlowInt {
	n := f.NumFlowints()
	if n == 0 {
		return nil
	}
	w.sc.ints = w.sc.ints[:0]
	for i := 0; i < n; i++ {
		name, v := f.FlowintAt(i)
		w.sc.ints = append(w.sc.ints, eve.FlowInt{Name: name, Value: v})
	}
	return w.sc.ints
}

// crossingSeq puts crossing records after every record of their packet in
// deterministic output.
const crossingSeq = 1 << 31

// emitCrossing writes a crossing as an EVE alert. It runs on the scoring
// stage's goroutine (live) or in drainScoring (replay), one at a time.
func (pl *pipeline) emitCrossing(c *score.Crossing, verdict string) {
	r := pl.fillCrossing(c, verdict)
	ev := c.Event
	pl.scoreSeq++
	pl.scoreEm.EmitKey(output.Key{Time: ev.Ts, PcapCnt: ev.PcapCnt, Seq: crossingSeq + pl.scoreSeq}, r)
}

// fillCrossing fills the pipeline's crossing record (reused: valid until
// the next call) for c with the verdict taken.
func (pl *pipeline) fillCrossing(c *score.Crossing, verdict string) *eve.Record {
	ev := c.Event
	r := &pl.scoreRec
	r.Reset()
	r.Type = eve.EventAlert
	r.Time = time.Unix(0, ev.Ts).UTC()
	r.PcapCnt = ev.PcapCnt
	r.FlowID = uint64(ev.FlowID)
	r.SrcIP, r.DestIP, r.SrcPort, r.DestPort, r.Proto = ev.Src, ev.Dst, ev.SrcPort, ev.DstPort, ev.Proto
	r.Ports = ev.Proto == packet.ProtoTCP || ev.Proto == packet.ProtoUDP || ev.Proto == packet.ProtoSCTP
	r.PktSrc = "wire/pcap" // Suricata's value for replay and live alike
	if ev.FlowID != 0 {
		r.Dir = eve.ToServer
		if ev.ToClient {
			r.Dir = eve.ToClient
		}
	}
	r.Alert = eve.Alert{Action: "allowed", GID: 1, SignatureID: score.SIDBase + uint32(c.Scope), Rev: 1,
		Signature: fmt.Sprintf("VIGIL SCORE %s threshold exceeded", c.Scope), Category: score.Category, Severity: 1}
	sc := &eve.ScoreContext{Scope: c.Scope.String(), Addr: c.Addr, FlowID: uint64(c.FlowID), Score: c.Score,
		Threshold: c.Threshold, TCPHandshake: c.Evidence.TCPHandshake, UDPBothWays: c.Evidence.UDPBothWays, Verdict: verdict}
	for _, k := range c.Contributors {
		sc.Contributors = append(sc.Contributors, eve.ScoreContributor{GID: k.Rule.GID, SID: k.Rule.SID, Rev: k.Rule.Rev, Points: k.Points})
	}
	r.Alert.Score = sc
	return r
}
