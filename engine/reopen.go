package engine

import "vigil/output"

// reopener is an output file that can be reopened (*output.FileSink).
type reopener interface{ Reopen() }

// fileSinks returns the pipeline's output files (eve.json, and fast.log
// when enabled).
func (pl *pipeline) fileSinks() []reopener {
	var out []reopener
	for _, s := range []*output.FileSink{pl.eveSink, pl.fastSink} {
		if s != nil {
			out = append(out, s)
		}
	}
	if pl.statsSink != nil {
		out = append(out, pl.statsSink)
	}
	if pl.pcapSink != nil {
		out = append(out, pl.pcapSink)
	}
	for _, o := range pl.cfg.Outputs {
		if r, ok := o.Sink.(reopener); ok {
			out = append(out, r)
		}
	}
	return out
}

// ReopenOutputs asks every output file to be closed and opened again at
// its path (SIGHUP, for logrotate). Each file reopens at its next flush,
// after writing what it buffered to the old file: no record is lost.
func (r *LiveRun) ReopenOutputs() {
	for _, s := range r.sinks {
		s.Reopen()
	}
}
