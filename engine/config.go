package engine

import (
	"io"
	"time"

	"vigil/detect"
	"vigil/engine/applayer/all"
	"vigil/engine/applayer/ftpdata"
	"vigil/engine/decode"
	"vigil/engine/defrag"
	"vigil/engine/flow"
	"vigil/engine/score"
	"vigil/engine/stream"
	"vigil/engine/verdict"
	"vigil/output"
	"vigil/output/eve"
	"vigil/rules"
)

// Config is everything the packet path needs. The zero value, after
// Defaults, replays with Suricata's defaults, no rules and all EVE types.
type Config struct {
	// Workers is the number of worker goroutines (0: number of CPUs).
	Workers int
	// expect is the FTP data connections the pipeline's workers expect
	// (ftpdata.go); set by the pipeline.
	expect *ftpdata.Expectations
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
	// EVE decides which records workers build and what they carry; with
	// several Outputs it is the union of what they ask for.
	EVE EVEConfig
	// Outputs are the eve-log outputs. Empty: one, LogDir/eve.json,
	// taking every record EVE enables.
	Outputs []EVEOutput
	// PcapLog, when set, archives frames as pcap files (pcaplog.go).
	PcapLog *PcapLogConfig
	// StatsLog, when set, writes stats.log tables with the stats records
	// (every EVE.StatsInterval and at the end).
	StatsLog *StatsLogConfig
}

// EVEOutput is one eve-log output: its sink, the record types it takes and
// its encoding options. Each has its own output stage, so its own bounded
// queue: a slow or dead sink drops and counts its own records only.
type EVEOutput struct {
	// Name labels the output's counters and metrics ("eve-log.1").
	Name string
	// Sink receives whole lines (output.FileSink, SocketSink, RedisSink);
	// the pipeline closes it at the end of the run.
	Sink io.Writer
	// Types are the record types it takes (output.TypeStats for stats).
	Types output.Types
	// Payload, PayloadPrintable and Packet are its alert extras.
	Payload, PayloadPrintable, Packet bool
	// StatsNoZeros leaves zero counters out of its stats records
	// (Suricata's stats null-values: no).
	StatsNoZeros bool
	// TLSFields are the fields of its tls records (0: extended).
	TLSFields eve.TLSFields
	// HTTPHeaders dumps request and/or response headers in its http
	// records (dump-all-headers).
	HTTPHeaders eve.HTTPHeaderDump
	// XFFAlert and XFFHTTP are its xff modes for alert and http records.
	XFFAlert, XFFHTTP eve.XFFMode
}

// XFFConfig says where the X-Forwarded-For client address is read:
// Header ("" reads none; Suricata's default is X-Forwarded-For), and
// Forward for a forward-proxy deployment (first address of the chain;
// otherwise the last, a reverse proxy's).
type XFFConfig struct {
	Header  string
	Forward bool
}

// CommunityIDMode says which records carry the flow's Community ID.
type CommunityIDMode uint8

const (
	// CommunityIDFlows logs it on flow records only: Vigil's default
	// eve.json (no outputs section).
	CommunityIDFlows CommunityIDMode = iota
	// CommunityIDOff logs none: an eve-log without community-id.
	CommunityIDOff
	// CommunityIDAll logs it on every record of a flow (alert,
	// transaction and flow records): community-id: yes.
	CommunityIDAll
)

// DNSLog are the eve-log dns options (Suricata 8's version, requests,
// responses, formats, types). The zero value is Suricata's default:
// version 3, every message, both formats, every type.
type DNSLog struct {
	// Version is 2 or 3 (0 means 3).
	Version                 uint8
	NoRequests, NoResponses bool
	NoDetailed, NoGrouped   bool
	Types                   eve.DNSTypes
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
	// CommunityID says which records carry community_id, computed with
	// CommunityIDSeed (Suricata's eve-log community-id and
	// community-id-seed).
	CommunityID     CommunityIDMode
	CommunityIDSeed uint16
	// Ethernet logs the "ether" object (MAC addresses) on packet and
	// flow records (Suricata's eve-log ethernet).
	Ethernet bool
	// AnomalyTypes are the anomalies written when Anomaly is on (the
	// anomaly type's types); 0 is Suricata's default, app-layer
	// anomalies only. AnomalyPacketHdr adds the packet's first 32 bytes
	// to decode and stream anomalies (packethdr).
	AnomalyTypes     AnomalyType
	AnomalyPacketHdr bool
	// DNSLog are the dns records' options; with several outputs logging
	// dns, the first one's (the worker builds the records once).
	DNSLog DNSLog
	// TLSFields are the fields of tls records when there are no Outputs
	// (0: Suricata's extended set, see eve.TLSFieldsOf), made from the tls
	// type's options TLSNotExtended (extended: no), TLSCustom (custom,
	// with TLSCustomSet when given) and TLSNoResumption
	// (session-resumption: no).
	TLSFields, TLSCustom                          eve.TLSFields
	TLSNotExtended, TLSNoResumption, TLSCustomSet bool
	// HTTPHeaders is dump-all-headers when there are no Outputs.
	HTTPHeaders eve.HTTPHeaderDump
	// XFF is which header of an HTTP transaction gives the client
	// address alert and http records carry (Record.XFF) and how it is
	// read; XFFAlert and XFFHTTP are the xff modes when there are no
	// Outputs.
	XFF               XFFConfig
	XFFAlert, XFFHTTP eve.XFFMode
	// FileHashes are the hashes fileinfo records carry (files
	// force-hash; the union over all outputs).
	FileHashes eve.FileHashes
	// Listed says an eve-log types list was given: then only the record
	// types of the other protocols (mqtt, smtp, sip, ..., mdns,
	// fileinfo) whose bit (1<<EventType) is set in Types are logged;
	// otherwise they all are (Suricata's default eve-log).
	Listed bool
	Types  uint64
}

// Logs reports whether records of type t are written.
func (c *EVEConfig) Logs(t eve.EventType) bool {
	switch t {
	case eve.EventHTTP:
		return c.HTTP
	case eve.EventDNS:
		return c.DNS
	case eve.EventTLS:
		return c.TLS
	case eve.EventSSH:
		return c.SSH
	case eve.EventAlert:
		return c.Alert
	case eve.EventFlow:
		return c.Flow
	case eve.EventAnomaly:
		return c.Anomaly
	}
	return !c.Listed || c.Types&(1<<t) != 0
}

// ListType is one entry of an eve-log types list (Suricata's names:
// "alert", "http", "dns", "files", "smtp", ...). The first call turns
// every type off; each call then turns its type on. It reports false for
// a name Vigil writes no record for.
func (c *EVEConfig) ListType(name string) bool {
	if !c.Listed {
		c.Listed, c.Types = true, 0
		c.Alert, c.Flow, c.HTTP, c.DNS, c.TLS, c.SSH, c.Anomaly, c.Stats = false, false, false, false, false, false, false, false
	}
	switch name {
	case "alert":
		c.Alert = true
	case "flow":
		c.Flow = true
	case "http", "http2", "doh2": // HTTP/2 transactions (DNS over HTTP/2 too) are http records
		c.HTTP = true
	case "drop":
		// Drop records (IPS): Vigil writes none; listing them is no
		// reason to refuse the list.
	case "dns":
		c.DNS = true
	case "tls":
		c.TLS = true
	case "ssh":
		c.SSH = true
	case "anomaly":
		c.Anomaly = true
	case "stats":
		c.Stats = true
	case "files":
		c.Types |= 1 << eve.EventFileinfo
	case "ftp":
		// Suricata's ftp logger writes the ftp_data records too.
		c.Types |= 1<<eve.EventFTP | 1<<eve.EventFTPData
	default:
		for t := eve.EventSMTP; t.String() != ""; t++ {
			if t.String() == name {
				c.Types |= 1 << t
				return true
			}
		}
		return false
	}
	return true
}

// AnomalyType is a set of anomaly kinds (EVE anomaly.type).
type AnomalyType uint8

// Anomaly kinds.
const (
	AnomalyDecode   AnomalyType = 1 << iota // decoder events on a packet
	AnomalyStream                           // TCP stream events on a packet
	AnomalyAppLayer                         // app-layer events of a flow or transaction
)

// anomalies reports whether anomalies of kind t are written.
func (c *EVEConfig) anomalies(t AnomalyType) bool {
	if !c.Anomaly {
		return false
	}
	ts := c.AnomalyTypes
	if ts == 0 {
		ts = AnomalyAppLayer
	}
	return ts&t != 0
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
