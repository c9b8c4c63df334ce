package engine

import (
	"errors"
	"fmt"

	"vigil/output"
	"vigil/output/eve"
)

// eveOut is one EVE output's stage and the record types it takes.
type eveOut struct {
	name  string
	st    *output.Stage
	types output.Types
	enc   eve.Encoder // options only
	// statsNoZeros leaves zero counters out of stats records.
	statsNoZeros bool
}

// openOutputs starts a stage per EVE output: cfg.Outputs, or LogDir/eve.json
// taking everything when there are none.
func (pl *pipeline) openOutputs() error {
	cfg := &pl.cfg
	opt := output.StageOptions{Deterministic: cfg.Deterministic, Block: !cfg.Live}
	if len(cfg.Outputs) == 0 {
		sink, err := output.OpenEVE(cfg.LogDir)
		if err != nil {
			return err
		}
		pl.eveSink = sink
		opt.Name = "eve"
		pl.outs = []eveOut{{name: "eve", st: output.NewStage(sink, opt), types: output.AllTypes,
			enc: eve.Encoder{Payload: cfg.EVE.Payload, PayloadPrintable: cfg.EVE.PayloadPrintable, Packet: cfg.EVE.Packet,
				TLSFields: cfg.EVE.TLSFields, HTTPHeaders: cfg.EVE.HTTPHeaders,
				XFFAlert: cfg.EVE.XFFAlert, XFFHTTP: cfg.EVE.XFFHTTP}}}
	} else {
		names := map[string]bool{}
		for _, o := range cfg.Outputs {
			if o.Sink == nil || names[o.Name] {
				return errors.Join(fmt.Errorf("eve output %q: no sink or a duplicate name", o.Name), pl.closeOutputs())
			}
			names[o.Name] = true
			opt.Name = o.Name
			pl.outs = append(pl.outs, eveOut{name: o.Name, st: output.NewStage(o.Sink, opt), types: o.Types,
				enc: eve.Encoder{Payload: o.Payload, PayloadPrintable: o.PayloadPrintable, Packet: o.Packet, TLSFields: o.TLSFields,
					HTTPHeaders: o.HTTPHeaders, XFFAlert: o.XFFAlert, XFFHTTP: o.XFFHTTP},
				statsNoZeros: o.StatsNoZeros})
		}
	}
	pl.eve = pl.outs[0].st
	return nil
}

func (pl *pipeline) closeOutputs() error {
	var errs []error
	for _, o := range pl.outs {
		errs = append(errs, o.st.Close())
	}
	pl.outs = nil
	return errors.Join(errs...)
}

// newEmitter returns an emitter over every EVE output and fast.log. With
// one output taking every type it writes straight into that output's
// batches; otherwise each record is encoded once per distinct option set.
func (pl *pipeline) newEmitter() *output.Emitter {
	var em *output.Emitter
	if len(pl.outs) == 1 && pl.outs[0].types == output.AllTypes {
		em = output.NewEmitter(pl.outs[0].st, pl.fast)
		em.Encoder = pl.outs[0].enc
	} else {
		em = output.NewRoutedEmitter(pl.fast)
		for _, o := range pl.outs {
			em.AddRoute(o.st, o.types, o.enc)
		}
	}
	em.Fast.IPS = pl.cfg.SimulateIPS
	return em
}
