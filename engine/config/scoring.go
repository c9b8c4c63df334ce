package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Scoring is vigil.scoring: flow and host scores and their thresholds
// (engine/score). Every key is optional; DefaultScoring gives the values
// of absent ones.
type Scoring struct {
	// Enabled is vigil.scoring.enabled.
	Enabled bool
	// FlowThreshold is vigil.scoring.flow.threshold.
	FlowThreshold uint32
	// Attacker, Victim and Outbound are vigil.scoring.host.*-threshold.
	Attacker, Victim, Outbound float64
	// HalfLife is vigil.scoring.half-life ("10m", "600s" or seconds).
	HalfLife time.Duration
	// MaxHosts is vigil.scoring.host.max-hosts, the host table's cap.
	MaxHosts int
	// Overrides is vigil.scoring.overrides, the gid:sid points file
	// ("" for none).
	Overrides string
}

// DefaultScoring returns the scoring defaults, chosen from ET Open's
// severity mix (README "Scoring"). A rule adds at most twice its points
// per flow and half-life, and the most a rule is worth is 50 (Critical,
// High confidence): the flow threshold, 120, is above the 100 one rule can
// reach, and two Major/High rules (30 each) seen twice cross it. Host
// thresholds: an attacker crosses at 100 (an exploit attempt, Critical or
// Major, plus a few more Major hits), a victim at 200 (a public server is
// hit by many scanners), a HOME_NET host attacking outside at 60 (two
// Major/High check-ins), while the Informational half of ET (1 or 2
// points) needs dozens of hits within a half-life.
func DefaultScoring() Scoring {
	return Scoring{Enabled: true, FlowThreshold: 120, Attacker: 100, Victim: 200, Outbound: 60,
		HalfLife: 10 * time.Minute, MaxHosts: 65536}
}

// decodeScoring fills c.Scoring from vigil.scoring. Unknown keys are
// errors: a setting Vigil would silently ignore is worse than one it
// refuses.
func (c *Config) decodeScoring() error {
	c.Scoring = DefaultScoring()
	n := walk(c.root, "vigil.scoring")
	if n == nil {
		return nil
	}
	return c.decodeScoringMap(n, "vigil.scoring")
}

func (c *Config) decodeScoringMap(n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return &Error{c.pos(n), path + ": want a mapping"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := path + "." + k.Value
		if (k.Value == "flow" || k.Value == "host") && path == "vigil.scoring" {
			if err := c.decodeScoringMap(v, key); err != nil {
				return err
			}
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return &Error{c.pos(v), key + ": want a scalar value"}
		}
		if err := c.Scoring.set(strings.TrimPrefix(key, "vigil.scoring."), v.Value); err != nil {
			return &Error{c.pos(v), key + ": " + err.Error()}
		}
	}
	return nil
}

func (s *Scoring) set(key, v string) error {
	threshold := func(dst *float64) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1e9 {
			return fmt.Errorf("want a number from 0 to 1e9 (0 disables), got %q", v)
		}
		*dst = f
		return nil
	}
	switch key {
	case "enabled":
		switch strings.ToLower(v) {
		case "yes", "true", "on", "1":
			s.Enabled = true
		case "no", "false", "off", "0":
			s.Enabled = false
		default:
			return fmt.Errorf("want yes or no, got %q", v)
		}
	case "flow.threshold":
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fmt.Errorf("want a whole number from 0 to 4294967295 (0 disables), got %q", v)
		}
		s.FlowThreshold = uint32(n)
	case "host.attacker-threshold":
		return threshold(&s.Attacker)
	case "host.victim-threshold":
		return threshold(&s.Victim)
	case "host.outbound-threshold":
		return threshold(&s.Outbound)
	case "host.max-hosts":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1<<24 {
			return fmt.Errorf("want a number from 1 to 16777216, got %q", v)
		}
		s.MaxHosts = n
	case "half-life":
		d, err := parseDuration(v)
		if err != nil || d < time.Second || d > 30*24*time.Hour {
			return fmt.Errorf("want a duration from 1s to 30 days (\"10m\", \"600s\" or seconds), got %q", v)
		}
		s.HalfLife = d
	case "overrides":
		s.Overrides = v
	default:
		return fmt.Errorf("unknown scoring setting")
	}
	return nil
}

// parseDuration reads a Go duration ("10m", "1h30m") or plain seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(v)
}
