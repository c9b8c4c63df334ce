package engine

import (
	"time"

	"vigil/detect"
	"vigil/engine/applayer/all"
	"vigil/engine/decode"
	"vigil/engine/defrag"
	"vigil/engine/flow"
	"vigil/engine/score"
	"vigil/engine/stream"
	"vigil/engine/verdict"
	"vigil/rules"
)

// Config is everything the packet path needs. The zero value, after
// Defaults, replays with Suricata's defaults, no rules and all EVE types.
type Config struct {
	// Workers is the number of worker goroutines (0: number of CPUs).
	Workers int
	// Deterministic orders EVE records by packet time so that output is
	// byte-identical for any number of workers.
	Deterministic bool

	Decode   decode.Options
	Defrag   defrag.Options
	Flow     flow.Options
	Stream   stream.Options
	AppLayer all.Config

	// Rules is the compiled detection engine; nil runs without rules.
	Rules *detect.Engine
	// References maps rule reference types to URL prefixes for EVE
	// alert.references (the rule set's reference.config); nil logs
	// "type,value".
	References *rules.References
	// Thresholds is the threshold.config, nil for none.
	Thresholds *detect.ThresholdConfig
	// RuleProfile counts checks, matches and (sampled) time per rule; the
	// Summary reports them.
	RuleProfile bool
	// SimulateIPS makes drop and reject rules report "blocked", as an
	// inline IPS would.
	SimulateIPS bool

	// Scoring configures flow and host scores (the zero value is off);
	// see engine/score.
	Scoring score.Config
	// ScorePoints are the rules' points; nil computes them from the
	// rules' metadata and ScoreOverrides.
	ScorePoints    *score.Points
	ScoreOverrides *score.Overrides
	// HomeNet tells inbound from outbound traffic for host scores (nil:
	// all traffic is inbound).
	HomeNet *rules.AddrSet
	// ScoreSink receives score crossings (nil: no verdicts are taken);
	// with a verdict stage it is that stage's crossing entry (verdicts.go).
	ScoreSink score.Sink

	// Verdicts, when set, receives verdict requests (drop-rule matches
	// with its OnDropRules, mark requests with shaping) and its EVE engine
	// records go to eve.json. The caller starts and closes it.
	Verdicts *verdict.Stage

	// Reload configures rule reloads (reload.go); the zero value has
	// none. With reloads, the pipeline closes the startup engine once a
	// reload replaced it (detect.Engine.Close is idempotent).
	Reload ReloadConfig

	// Live is set for live capture (EVE pkt_src "wire/pcap").
	Live bool

	// LogDir receives eve.json and fast.log.
	LogDir string
	EVE    EVEConfig
}

// EVEConfig selects EVE record types and alert extras.
type EVEConfig struct {
	Alert, Flow, HTTP, DNS, TLS, SSH, Anomaly, Stats bool
	// Payload and Packet add the payload and raw packet (base64) to alerts.
	Payload, PayloadPrintable, Packet bool
	// PayloadBufferSize caps the logged payload in bytes (Suricata's
	// payload-buffer-size; 0 means the default, 4 KiB).
	PayloadBufferSize int
	// Metadata logs rule metadata and flowbits in alerts (Suricata's
	// default).
	Metadata bool
	// References logs the rule's references as URLs in alerts
	// (Suricata's metadata.rule.reference, off by default).
	References bool
	// AlertAppLayer and AlertFlow add the transaction's app-layer object
	// and the flow object to alerts (Suricata's metadata.app-layer and
	// metadata.flow, on by default).
	AlertAppLayer, AlertFlow bool
	// StatsInterval is the packet-time period of stats records (0: only a
	// final one).
	StatsInterval time.Duration
	// FastLog also writes fast.log.
	FastLog bool
}

// DefaultEVE is Suricata's default eve-log: every type, metadata on,
// stats every 8 seconds.
func DefaultEVE() EVEConfig {
	return EVEConfig{Alert: true, Flow: true, HTTP: true, DNS: true, TLS: true, SSH: true,
		Anomaly: true, Stats: true, Metadata: true, AlertAppLayer: true, AlertFlow: true,
		StatsInterval: 8 * time.Second, FastLog: true}
}

// DefaultPayloadBufferSize is Suricata's default payload-buffer-size.
const DefaultPayloadBufferSize = 4 << 10

func (c *EVEConfig) payloadMax() int {
	if c.PayloadBufferSize > 0 {
		return c.PayloadBufferSize
	}
	return DefaultPayloadBufferSize
}
