package engine

import (
	"vigil/detect"
	"vigil/output/eve"
)

// varBufs are a worker's buffers for the variables of one EVE record:
// flow, packet and alert variables and flow floats, converted from
// detection's types. A record is encoded before the next one is built, so
// the buffers are reused record after record.
type varBufs struct {
	flow, pkt, ctx []eve.Var
	floats         []eve.FloatVar
}

func appendVars(dst []eve.Var, vars []detect.Var) []eve.Var {
	for _, v := range vars {
		dst = append(dst, eve.Var{Name: v.Name, Value: v.Value})
	}
	return dst
}

// flowVars sets r's flow variables and floats (EVE metadata.flowvars,
// metadata.entropy) from f.
func (w *Worker) flowVars(r *eve.Record, f *detect.FlowState) {
	r.Flowvars, r.Entropy = nil, nil
	if vs := f.Vars(); len(vs) > 0 {
		w.vars.flow = appendVars(w.vars.flow[:0], vs)
		r.Flowvars = w.vars.flow
	}
	if fs := f.Floats(); len(fs) > 0 {
		w.vars.floats = w.vars.floats[:0]
		for _, v := range fs {
			w.vars.floats = append(w.vars.floats, eve.FloatVar{Name: v.Name, Value: v.Value})
		}
		r.Entropy = w.vars.floats
	}
}

// alertVars sets an alert record's packet variables (those stored while
// inspecting the current packet, metadata.pktvars) and the alert's own
// context variables (alert.context).
func (w *Worker) alertVars(r *eve.Record, a *detect.Alert) {
	r.Pktvars, r.Alert.Context = nil, nil
	if len(w.dp.PktVars) > 0 {
		w.vars.pkt = appendVars(w.vars.pkt[:0], w.dp.PktVars)
		r.Pktvars = w.vars.pkt
	}
	if len(a.Context) > 0 {
		w.vars.ctx = appendVars(w.vars.ctx[:0], a.Context)
		r.Alert.Context = w.vars.ctx
	}
}
