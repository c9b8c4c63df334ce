package main

import (
	"fmt"
	"io"

	"vigil/detect"
	"vigil/engine"
	"vigil/engine/config"
	"vigil/engine/score"
	"vigil/rules"
)

// applyScoring sets the engine's scoring from vigil.scoring (YAML and
// --set): thresholds, half-life, the overrides file and HOME_NET, which
// tells inbound from outbound traffic.
func applyScoring(ec *engine.Config, cfg *config.Config) error {
	s := cfg.Scoring
	ec.Scoring = score.Config{Enabled: s.Enabled, FlowThreshold: s.FlowThreshold, Attacker: s.Attacker,
		Victim: s.Victim, Outbound: s.Outbound, HalfLife: s.HalfLife, MaxHosts: s.MaxHosts}
	if !s.Enabled {
		return nil
	}
	if s.Overrides != "" {
		ov, err := score.LoadOverrides(s.Overrides)
		if err != nil {
			return err
		}
		ec.ScoreOverrides = ov
	}
	vars := rules.Vars{Address: cfg.Vars.AddressGroups, Port: cfg.Vars.PortGroups, Where: cfg.Vars.Where}
	if err := vars.Check(); err != nil {
		// The same report as the rule loader's, which would refuse them too.
		return fmt.Errorf("invalid rule variable:\n%w", err)
	}
	home, err := vars.AddressVar("HOME_NET")
	if err != nil {
		return fmt.Errorf("scoring: %w", err)
	}
	ec.HomeNet = home
	return nil
}

// scorePoints computes the rules' points once the engine is compiled;
// bad vigil_score metadata is reported to warn and the rule keeps its
// computed points.
func scorePoints(ec *engine.Config, eng *detect.Engine, warn io.Writer) {
	if !ec.Scoring.Enabled {
		return
	}
	pts, errs := score.NewPoints(eng.Sigs(), ec.ScoreOverrides)
	for _, err := range errs {
		fmt.Fprintf(warn, "warning: %v\n", err)
	}
	ec.ScorePoints = pts
}
