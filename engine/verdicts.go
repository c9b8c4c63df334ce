package engine

import (
	"time"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/score"
	"vigil/engine/verdict"
	"vigil/output"
	"vigil/output/eve"
)

// The engine's side of the verdict stage (engine/verdict): alerts become
// requests here, and the stage's EVE engine records go to eve.json. The
// stage itself is owned by the caller (cmd), which starts it before Live
// and closes it after.
//
// Score crossings reach the stage through crossingSink: the scoring
// stage's goroutine asks for a decision (Stage.Decide) so that the
// crossing record names the verdict taken.

// verdictAlert turns an alert into verdict requests: a drop or reject rule
// with vigil.verdicts.on-drop-rules, and, with shaping, any alert on a flow
// (a mark request; the stage marks a flow once). r is the alert record
// just emitted, nil when alert records are off. Alerts are rare; the
// request owns a copy of the encoded record.
func (w *Worker) verdictAlert(p *packet.Packet, e *flow.Entry[flowData], a detect.Alert, r *eve.Record) {
	st := w.cfg.Verdicts
	if st == nil || p.Src == p.Dst {
		return
	}
	drop := st.OnDropRules() && a.Sig.Blocks()
	if !drop && (!st.Shaping() || e == nil) {
		return
	}
	req := verdict.Request{Scope: "mark", Addr: p.Src.Unmap(), Ts: time.Unix(0, p.Ts),
		Rules: []verdict.RuleRef{{GID: a.Sig.Rule.Gid, SID: a.Sig.Rule.Sid, Rev: a.Sig.Rule.Rev}}}
	if drop {
		req.Scope = "drop-rule"
	}
	if e != nil {
		req.Flow = flowKey(e)
		req.Established = evidence(e).Verified()
		if fd := &e.Value; fd.proto != bufid.ProtoUnknown && fd.proto != bufid.ProtoFailed {
			req.AppProto = fd.proto.String()
		}
	} else {
		req.Flow = verdict.FlowKey{Proto: p.Proto, Src: p.Src, Dst: p.Dst, SrcPort: p.SrcPort, DstPort: p.DstPort}
	}
	if r != nil {
		req.Record = w.out.Encoder.Append(nil, r)
		if n := len(req.Record); n > 0 && req.Record[n-1] == '\n' {
			req.Record = req.Record[:n-1]
		}
	}
	st.Submit(req)
}

// flowKey is e's tuple in the client-to-server direction (conntrack's
// original direction).
func flowKey(e *flow.Entry[flowData]) verdict.FlowKey {
	c, cp := e.Client()
	s, sp := e.Server()
	return verdict.FlowKey{Proto: e.Key.Proto, Src: c.Unmap(), Dst: s.Unmap(), SrcPort: cp, DstPort: sp}
}

// keepSlowPath reports whether flow e must stay out of the kernel fast
// path: with a verdict stage, a flow that alerted (and so may carry a
// score or a verdict) is never bypassed.
func (w *Worker) keepSlowPath(e *flow.Entry[flowData]) bool {
	return w.cfg.Verdicts != nil && e.Alerted
}

// scoreSink is where score crossings go: Config.ScoreSink when set, else
// the verdict stage, else nowhere (the record says "none").
func (pl *pipeline) scoreSink() score.Sink {
	if pl.cfg.ScoreSink != nil {
		return pl.cfg.ScoreSink
	}
	if pl.cfg.Verdicts != nil {
		return crossingSink{pl}
	}
	return nil
}

// crossingSink turns score crossings into block requests. The attacker,
// flow and outbound scopes block the host whose score crossed (for a flow,
// its attacker; for outbound, the HOME_NET host talking out); a victim is
// never blocked. The request carries the crossing record as it will be
// written when the block is taken, which is the only case hooks see.
type crossingSink struct{ pl *pipeline }

func (s crossingSink) Crossing(c *score.Crossing) string {
	ev := c.Event
	addr := c.Addr
	switch c.Scope {
	case score.ScopeVictim:
		return "none"
	case score.ScopeFlow:
		addr = ev.Attacker
	}
	req := verdict.Request{Scope: c.Scope.String(), Addr: addr.Unmap(), Score: c.Score, Threshold: c.Threshold,
		Ts: time.Unix(0, c.Ts), Established: c.Evidence.Verified(),
		Flow: verdict.FlowKey{Proto: ev.Proto, Src: ev.Src.Unmap(), Dst: ev.Dst.Unmap(), SrcPort: ev.SrcPort, DstPort: ev.DstPort}}
	for _, k := range c.Contributors {
		req.Rules = append(req.Rules, verdict.RuleRef{GID: k.Rule.GID, SID: k.Rule.SID, Rev: k.Rule.Rev})
	}
	r := s.pl.fillCrossing(c, "block")
	req.Record = s.pl.scoreEm.Encoder.Append(nil, r)
	if n := len(req.Record); n > 0 && req.Record[n-1] == '\n' {
		req.Record = req.Record[:n-1]
	}
	return s.pl.cfg.Verdicts.Decide(req)
}

// attachVerdicts points the verdict stage's engine records at eve.json;
// detachVerdicts stops them before the EVE stage closes.
func (pl *pipeline) attachVerdicts() {
	if st := pl.cfg.Verdicts; st != nil {
		eveStage := pl.eve
		st.SetEngineLog(func(line []byte) {
			b := eveStage.Batch()
			b.Add(output.Key{Time: time.Now().UnixNano()}, line)
			eveStage.Submit(b)
		})
	}
}

func (pl *pipeline) detachVerdicts() {
	if st := pl.cfg.Verdicts; st != nil {
		st.SetEngineLog(nil)
	}
}
