package engine

import (
	"time"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/engine/stream"
	"vigil/engine/verdict"
	"vigil/output"
	"vigil/output/eve"
)

// The engine's side of the verdict stage (engine/verdict): alerts become
// requests here, and the stage's EVE engine records go to eve.json. The
// stage itself is owned by the caller (cmd), which starts it before Live
// and closes it after.
//
// Integration note for scoring (issue 11): a threshold crossing becomes a
// request with Config.Verdicts.Submit(verdict.Request{Scope: "attacker",
// Addr: ..., Score: ..., Threshold: ..., Established: w.evidence(e), Record:
// <the crossing's EVE line>, Rules: ...}); evidence and flowKey below are
// the helpers to fill it.

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
		req.Established = evidence(e)
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

// evidence reports whether flow e is evidence a block may rest on: a TCP
// flow whose three-way handshake completed (a SYN each way and an
// established session), or a UDP flow seen both ways. A spoofed source
// can make neither.
func evidence(e *flow.Entry[flowData]) bool {
	switch e.Key.Proto {
	case packet.ProtoTCP:
		fd := &e.Value
		const syn, ack = 0x02, 0x10
		return fd.tcpFlags[0]&syn != 0 && fd.tcpFlags[1]&(syn|ack) == syn|ack &&
			fd.sess.State() >= stream.StateEstablished
	case packet.ProtoUDP:
		return e.RespSeen && e.PktsToServer > 0
	}
	return false
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
