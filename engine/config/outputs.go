package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Outputs is the outputs section (and the top-level stats section) as
// Vigil runs it. Settings Vigil reads but cannot honour are Warnings, each
// naming the setting and where it was written: never silently ignored.
type Outputs struct {
	// FromFile is set when the configuration file has an outputs section.
	// Without one Vigil writes its default eve.json (every type) and
	// fast.log, and --set outputs.N.eve-log.types.M.alert.* keys tune that
	// eve-log whatever N and M are (README, --set table).
	FromFile bool
	// EVE are the enabled eve-log outputs, in file order.
	EVE []EVELog
	// Fast is the fast output (nil when disabled); StatsLog is the stats
	// output, stats.log (nil when disabled).
	Fast     *FileLog
	StatsLog *StatsLog
	// PcapLog is the pcap-log output (nil when disabled).
	PcapLog *PcapLog
	// StatsEnabled and StatsInterval are the top-level stats.enabled and
	// stats.interval (default yes, 8s): whether and how often the stats
	// loggers (eve-log stats, stats.log) run.
	StatsEnabled  bool
	StatsInterval time.Duration

	Warnings []*Error
}

// FileLog is a line-based file output (fast).
type FileLog struct {
	Pos      Pos
	Filename string
	Append   bool
}

// StatsLog is the stats output (stats.log).
type StatsLog struct {
	FileLog
	Totals, Threads bool
	// NullValues writes zero counters too.
	NullValues bool
}

// PcapLog is the pcap-log output: Suricata's keys filename, limit,
// max-files, mode (normal only) and conditional (all or alerts; tag is
// warned about and logs alerts), and Vigil's flow-buffer (the bytes of
// frames a flow keeps before it alerts, default 64kb).
type PcapLog struct {
	Pos        Pos
	Filename   string
	Limit      int64
	MaxFiles   int
	Alerts     bool
	FlowBuffer int64
}

// EVELog is one eve-log output.
type EVELog struct {
	// Index is the output's position in the outputs list; Pos where it is.
	Index int
	Pos   Pos
	// Filetype is regular, unix_dgram, unix_stream, syslog or redis
	// (Suricata's aliases file and unix_dgram/unix_stream spelled with
	// dashes are normalised).
	Filetype string
	// Filename is the file or socket path (regular, unix_*).
	Filename string
	// Syslog is facility, level and identity (filetype syslog).
	Facility, Level, Identity string
	Redis                     Redis
	// Ethernet logs the "ether" object (MAC addresses).
	Ethernet bool
	// CommunityID logs community_id (seed CommunityIDSeed).
	CommunityID     bool
	CommunityIDSeed uint16
	// XFF is the eve-log's xff section (nil when absent): the default of
	// its alert and http types.
	XFF *XFF
	// Types are the record types, in file order.
	Types []EVEType
}

// Redis is an eve-log's redis settings.
type Redis struct {
	Server          string // host, or a unix socket path when Port is 0 and Server starts with '/'
	Port            int
	Mode            string // list, lpush, rpush, channel, publish, stream, xadd
	Key             string
	StreamMaxLen    int64
	StreamTrimExact bool
	// BatchSize is pipelining.batch-size when pipelining.enabled (else 1).
	BatchSize int
}

// EVEType is one entry of an eve-log's types, with the options Vigil
// applies. Options Vigil checks but has nothing to apply to (http
// extended: yes, the record is always extended) are not kept.
type EVEType struct {
	Name string
	Pos  Pos
	// Alert holds the alert type's options.
	Alert AlertOptions
	// Stats holds the stats type's options.
	Stats StatsOptions
	// MQTTStringLogLimit is the mqtt type's string-log-limit in bytes
	// (0: none).
	MQTTStringLogLimit int
	// DHCPExtended is the dhcp type's extended: every message with its
	// lease times, addresses and options, not only requests and acks.
	DHCPExtended bool
	// DNS holds the dns type's options.
	DNS DNSOptions
	// TLS holds the tls type's options.
	TLS TLSOptions
	// DumpHeaders is the http type's dump-all-headers: "", "request",
	// "response" or "both".
	DumpHeaders string
	// ForceHash is the files type's force-hash list (md5, sha1, sha256).
	ForceHash []string
	// XFF is the alert or http type's xff section (nil when absent:
	// the eve-log's applies).
	XFF *XFF
	// Anomaly holds the anomaly type's options.
	Anomaly AnomalyOptions
}

// AnomalyOptions are the anomaly type's types (decode, stream, applayer)
// and packethdr. Suricata's defaults: app-layer anomalies only, no
// packet header. Docs: Suricata 8 output/eve/eve-json-output.html
// (Anomaly).
type AnomalyOptions struct {
	Decode, Stream, AppLayer, PacketHdr bool
}

// XFF is an xff section, as Suricata reads it: off unless enabled is
// true; Mode "extra-data" (the default) or "overwrite"; Forward for
// deployment: forward (default reverse); Header, default
// X-Forwarded-For.
type XFF struct {
	Enabled bool
	Mode    string
	Forward bool
	Header  string
}

// decodeXFF reads an xff section; values Suricata falls back from are
// warned about with the fallback.
func (c *Config) decodeXFF(o *Outputs, n *yaml.Node, path string) *XFF {
	x := &XFF{Mode: "extra-data", Header: "X-Forwarded-For"}
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		c.warn(o, n, "%s: want a mapping with enabled, mode, deployment and header (xff off)", path)
		return x
	}
	c.eachKey(o, n, path, func(k string, v *yaml.Node) {
		p := path + "." + k
		switch k {
		case "enabled":
			x.Enabled = c.boolean(o, v, p, false)
		case "mode":
			switch m := strings.ToLower(v.Value); m {
			case "extra-data", "overwrite":
				x.Mode = m
			default:
				c.warn(o, v, "%s: want extra-data or overwrite, got %q (using extra-data)", p, v.Value)
			}
		case "deployment":
			switch d := strings.ToLower(v.Value); d {
			case "reverse", "forward":
				x.Forward = d == "forward"
			default:
				c.warn(o, v, "%s: want reverse or forward, got %q (using reverse)", p, v.Value)
			}
		case "header":
			if v.Value != "" {
				x.Header = v.Value
			}
		default:
			c.warn(o, v, "%s: unknown setting (ignored)", p)
		}
	})
	return x
}

// DNSOptions are an eve-log dns type's options, as Suricata 8 reads them.
type DNSOptions struct {
	// Version is the record layout, 2 or 3.
	Version int
	// Requests and Responses log the messages of each direction.
	Requests, Responses bool
	// Detailed and Grouped are the answer formats.
	Detailed, Grouped bool
	// Types are the record types whose questions are logged (upper case,
	// as logged); nil means every type.
	Types []string
}

// DefaultDNSOptions are Suricata 8's: version 3, everything logged.
func DefaultDNSOptions() DNSOptions {
	return DNSOptions{Version: 3, Requests: true, Responses: true, Detailed: true, Grouped: true}
}

// TLSOptions are an eve-log tls type's options (Suricata's
// output-json-tls.c): extended (Vigil's default is yes, Suricata's
// shipped suricata.yaml's too), custom (field names; non-nil replaces
// the extended set), session-resumption.
type TLSOptions struct {
	Extended          bool
	Custom            []string
	SessionResumption bool
}

// AlertOptions are an eve-log alert type's options.
type AlertOptions struct {
	Payload, PayloadPrintable, Packet bool
	// PayloadBufferSize is payload-buffer-size in bytes (0: default).
	PayloadBufferSize int
	// Metadata (metadata: yes, or its sub-keys): rule metadata and
	// flowbits, the app-layer object, the flow object, rule references.
	RuleMetadata, AppLayer, Flow, References bool
}

// DefaultAlertOptions are Suricata's: metadata on, without references.
func DefaultAlertOptions() AlertOptions {
	return AlertOptions{RuleMetadata: true, AppLayer: true, Flow: true}
}

// StatsOptions are an eve-log stats type's options. NullValues (default
// yes) writes counters that are zero.
type StatsOptions struct{ Totals, Threads, Deltas, NullValues bool }

// decodeOutputs fills c.Outputs from outputs and stats.
func (c *Config) decodeOutputs() {
	o := Outputs{StatsEnabled: true, StatsInterval: 8 * time.Second}
	if st := c.node("stats"); st != nil {
		c.eachKey(&o, st, "stats", func(k string, v *yaml.Node) {
			switch k {
			case "enabled":
				o.StatsEnabled = c.boolean(&o, v, "stats.enabled", true)
			case "interval":
				if n, err := strconv.Atoi(v.Value); err == nil && n > 0 {
					o.StatsInterval = time.Duration(n) * time.Second
				} else {
					c.warn(&o, v, "stats.interval: want seconds, got %q (using 8)", v.Value)
				}
			case "decoder-events", "decoder-events-prefix", "stream-events", "exception-policy":
				c.warn(&o, v, "stats.%s: not supported (ignored)", k)
			default:
				c.warn(&o, v, "stats.%s: unknown setting (ignored)", k)
			}
		})
	}
	if lg := c.node("logging"); lg != nil {
		// Vigil writes its messages to stderr, one line each.
		c.warn(&o, lg, "logging: Vigil writes its own messages to stderr; the logging section is not honoured (ignored)")
	}
	outs := c.node("outputs")
	if outs != nil {
		o.FromFile = outs.Line > 0
		for i, e := range elements(outs) {
			if e.Kind != yaml.MappingNode || len(e.Content) != 2 {
				c.warn(&o, e, "outputs.%d: want one output name with its settings (ignored)", i)
				continue
			}
			name, body := e.Content[0].Value, e.Content[1]
			path := fmt.Sprintf("outputs.%d.%s", i, name)
			if !c.enabled(&o, body, path) {
				continue
			}
			switch name {
			case "eve-log":
				o.EVE = append(o.EVE, c.decodeEVE(&o, i, e.Content[0], body, path))
			case "fast":
				f := c.decodeFileLog(&o, e.Content[0], body, path, "fast.log", nil)
				o.Fast = &f
			case "stats":
				s := &StatsLog{Totals: true}
				s.FileLog = c.decodeFileLog(&o, e.Content[0], body, path, "stats.log", func(k string, v *yaml.Node) bool {
					switch k {
					case "totals":
						s.Totals = c.boolean(&o, v, path+".totals", true)
					case "threads":
						if s.Threads = c.boolean(&o, v, path+".threads", false); s.Threads {
							c.warn(&o, v, "%s.threads: per-thread stats are not supported (totals only)", path)
						}
					case "null-values":
						s.NullValues = c.boolean(&o, v, path+".null-values", false)
					default:
						return false
					}
					return true
				})
				o.StatsLog = s
			case "pcap-log":
				o.PcapLog = c.decodePcapLog(&o, e.Content[0], body, path)
			default:
				c.warn(&o, e.Content[0], "%s: output not supported (ignored)", path)
			}
		}
	}
	if len(o.EVE) > 0 && !o.FromFile {
		// eve-log settings made by --set alone patch the default eve-log
		// (every type), see Outputs.FromFile.
		o.EVE = []EVELog{patchDefault(o.EVE)}
	}
	c.Outputs = o
}

// DefaultEVETypes are the record types of Vigil's default eve-log.
var DefaultEVETypes = []string{"alert", "anomaly", "http", "dns", "tls", "ssh", "stats", "flow"}

// patchDefault applies the type options of --set-only eve-logs (alert,
// tls) to an eve-log with every default type.
func patchDefault(set []EVELog) EVELog {
	def := EVELog{Filetype: "regular", Filename: "eve.json"}
	for _, t := range DefaultEVETypes {
		def.Types = append(def.Types, defaultEVEType(t))
	}
	for _, e := range set {
		for _, t := range e.Types {
			for i := range def.Types {
				if def.Types[i].Name == t.Name && (t.Name == "alert" || t.Name == "tls") {
					def.Types[i] = t
				}
			}
		}
	}
	return def
}

// defaultEVEType is type name with Suricata's default options.
func defaultEVEType(name string) EVEType {
	return EVEType{Name: name, Alert: DefaultAlertOptions(), Stats: StatsOptions{Totals: true, NullValues: true},
		DNS: DefaultDNSOptions(), TLS: TLSOptions{Extended: true, SessionResumption: true},
		Anomaly: AnomalyOptions{AppLayer: true}}
}

// elements returns a list's items: a sequence's, or those of a mapping
// with numeric keys in index order (what --set outputs.1.x makes when the
// file has no outputs).
func elements(n *yaml.Node) []*yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Content
	case yaml.MappingNode:
		type kv struct {
			i int
			v *yaml.Node
		}
		var items []kv
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, err := strconv.Atoi(n.Content[i].Value); err == nil {
				items = append(items, kv{k, n.Content[i+1]})
			}
		}
		slices.SortStableFunc(items, func(a, b kv) int { return a.i - b.i })
		var out []*yaml.Node
		for _, it := range items {
			out = append(out, it.v)
		}
		return out
	}
	return nil
}

func (c *Config) warn(o *Outputs, n *yaml.Node, format string, a ...any) {
	o.Warnings = append(o.Warnings, &Error{c.pos(n), fmt.Sprintf(format, a...)})
}

// eachKey calls f for every key of mapping n (nothing for an empty value).
func (c *Config) eachKey(o *Outputs, n *yaml.Node, path string, f func(k string, v *yaml.Node)) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
		return
	}
	if n.Kind != yaml.MappingNode {
		c.warn(o, n, "%s: want a mapping (ignored)", path)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		for v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		f(n.Content[i].Value, v)
	}
}

// boolean reads a Suricata boolean (yes/no, true/false, on/off, 1/0).
func (c *Config) boolean(o *Outputs, v *yaml.Node, path string, def bool) bool {
	if v.Kind != yaml.ScalarNode {
		c.warn(o, v, "%s: want yes or no", path)
		return def
	}
	switch strings.ToLower(v.Value) {
	case "yes", "true", "on", "1", "enabled":
		return true
	case "no", "false", "off", "0", "disabled":
		return false
	case "":
		return def
	}
	c.warn(o, v, "%s: want yes or no, got %q", path, v.Value)
	return def
}

// enabled reads a section's enabled key (absent: enabled).
func (c *Config) enabled(o *Outputs, body *yaml.Node, path string) bool {
	if v := child(body, "enabled"); v != nil {
		return c.boolean(o, v, path+".enabled", true)
	}
	return true
}

func (c *Config) decodeFileLog(o *Outputs, at, body *yaml.Node, path, defName string, extra func(string, *yaml.Node) bool) FileLog {
	f := FileLog{Pos: c.pos(at), Filename: defName, Append: true}
	c.eachKey(o, body, path, func(k string, v *yaml.Node) {
		switch k {
		case "enabled":
		case "filename":
			f.Filename = v.Value
		case "append":
			f.Append = c.boolean(o, v, path+".append", true)
		case "filetype":
			if v.Value != "regular" && v.Value != "file" {
				c.warn(o, v, "%s.filetype: %s is not supported for this output (regular file used)", path, v.Value)
			}
		default:
			if extra == nil || !extra(k, v) {
				c.warn(o, v, "%s.%s: not supported (ignored)", path, k)
			}
		}
	})
	return f
}

func (c *Config) decodeEVE(o *Outputs, idx int, at, body *yaml.Node, path string) EVELog {
	e := EVELog{Index: idx, Pos: c.pos(at), Filetype: "regular", Filename: "eve.json"}
	c.eachKey(o, body, path, func(k string, v *yaml.Node) {
		p := path + "." + k
		switch k {
		case "enabled":
		case "filetype":
			switch ft := strings.ReplaceAll(v.Value, "-", "_"); ft {
			case "regular", "file", "":
				e.Filetype = "regular"
			case "unix_dgram", "unix_stream", "syslog", "redis":
				e.Filetype = ft
			default:
				c.warn(o, v, "%s: %q is not supported (regular file used)", p, v.Value)
			}
		case "filename":
			e.Filename = v.Value
		case "facility":
			e.Facility = v.Value
		case "level":
			e.Level = v.Value
		case "identity":
			e.Identity = v.Value
		case "community-id":
			e.CommunityID = c.boolean(o, v, p, false)
		case "community-id-seed":
			n, err := strconv.ParseUint(v.Value, 10, 16)
			if err != nil {
				c.warn(o, v, "%s: want a number from 0 to 65535, got %q (using 0)", p, v.Value)
			}
			e.CommunityIDSeed = uint16(n)
		case "xff":
			e.XFF = c.decodeXFF(o, v, p)
		case "pcap-file":
			if c.boolean(o, v, p, false) {
				c.warn(o, v, "%s: not supported (ignored)", p)
			}
		case "redis":
			e.Redis = c.decodeRedis(o, v, p)
		case "types":
			for j, t := range elements(v) {
				if et, ok := c.decodeEVEType(o, t, fmt.Sprintf("%s.%d", p, j)); ok {
					e.Types = append(e.Types, et)
				}
			}
		case "ethernet":
			e.Ethernet = c.boolean(o, v, p, false)
		case "prefix", "threaded", "metadata", "buffer-size", "sensor-name":
			c.warn(o, v, "%s: not supported (ignored)", p)
		default:
			c.warn(o, v, "%s: unknown setting (ignored)", p)
		}
	})
	return e
}

func (c *Config) decodeRedis(o *Outputs, n *yaml.Node, path string) Redis {
	r := Redis{Server: "127.0.0.1", Port: 6379, Mode: "list", Key: "suricata", BatchSize: 1}
	batch := 10
	pipelining := false
	c.eachKey(o, n, path, func(k string, v *yaml.Node) {
		p := path + "." + k
		switch k {
		case "server":
			r.Server = v.Value
		case "port":
			port, err := strconv.Atoi(v.Value)
			if err != nil || port < 0 || port > 65535 {
				c.warn(o, v, "%s: want a port number, got %q (using 6379)", p, v.Value)
				return
			}
			r.Port = port
		case "mode":
			switch strings.ToLower(v.Value) {
			case "list", "lpush", "rpush", "channel", "publish", "stream", "xadd":
				r.Mode = strings.ToLower(v.Value)
			default:
				c.warn(o, v, "%s: %q is not a redis mode (using list)", p, v.Value)
			}
		case "key":
			r.Key = v.Value
		case "stream-maxlen":
			m, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil || m < 0 {
				c.warn(o, v, "%s: want a count, got %q (unbounded)", p, v.Value)
				return
			}
			r.StreamMaxLen = m
		case "stream-trim-exact":
			r.StreamTrimExact = c.boolean(o, v, p, false)
		case "pipelining":
			c.eachKey(o, v, p, func(k2 string, v2 *yaml.Node) {
				switch k2 {
				case "enabled":
					pipelining = c.boolean(o, v2, p+".enabled", false)
				case "batch-size":
					if b, err := strconv.Atoi(v2.Value); err == nil && b > 0 {
						batch = b
					} else {
						c.warn(o, v2, "%s.batch-size: want a positive count, got %q (using 10)", p, v2.Value)
					}
				default:
					c.warn(o, v2, "%s.%s: unknown setting (ignored)", p, k2)
				}
			})
		case "async":
			// Replies are read by the sink's own goroutine: never blocking
			// a worker, which is what async is for.
		default:
			c.warn(o, v, "%s: unknown setting (ignored)", p)
		}
	})
	if pipelining {
		r.BatchSize = batch
	}
	return r
}

// decodeEVEType reads one types entry: a name, or a name with options.
func (c *Config) decodeEVEType(o *Outputs, n *yaml.Node, path string) (EVEType, bool) {
	t := defaultEVEType("")
	t.Pos = c.pos(n)
	var opts *yaml.Node
	switch {
	case n.Kind == yaml.ScalarNode:
		t.Name = n.Value
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
		t.Name, opts = n.Content[0].Value, n.Content[1]
		t.Pos = c.pos(n.Content[0])
	default:
		c.warn(o, n, "%s: want a type name, or a name with options (ignored)", path)
		return t, false
	}
	p := path + "." + t.Name
	if opts == nil {
		return t, true
	}
	if !c.enabled(o, opts, p) {
		return t, false
	}
	c.eachKey(o, opts, p, func(k string, v *yaml.Node) {
		kp := p + "." + k
		if k == "enabled" {
			return
		}
		if c.typeOption(o, &t, k, v, kp) {
			return
		}
		c.warn(o, v, "%s: not supported (ignored)", kp)
	})
	return t, true
}

// typeOption applies one option of a type; false means Vigil does not
// know it (the caller warns).
func (c *Config) typeOption(o *Outputs, t *EVEType, k string, v *yaml.Node, p string) bool {
	b := func(def bool) bool { return c.boolean(o, v, p, def) }
	// wantDefault warns when an option asks for something other than what
	// Vigil always does.
	wantDefault := func(def bool, what string) {
		if b(def) != def {
			c.warn(o, v, "%s: %s (ignored)", p, what)
		}
	}
	switch t.Name {
	case "alert":
		a := &t.Alert
		switch k {
		case "payload":
			a.Payload = b(false)
		case "payload-printable":
			a.PayloadPrintable = b(false)
		case "packet":
			a.Packet = b(false)
		case "payload-buffer-size":
			n, err := parseSize(v.Value)
			if err != nil || n <= 0 || n > 1<<30 {
				c.warn(o, v, "%s: want a size such as 4kb, got %q (using 4kb)", p, v.Value)
				return true
			}
			a.PayloadBufferSize = int(n)
		case "tagged-packets":
			// The tag keyword is accepted without effect: there are no
			// tagged packets to log either way.
		case "http-body", "http-body-printable", "websocket-payload", "websocket-payload-printable", "verdict":
			if b(false) {
				c.warn(o, v, "%s: not supported (ignored)", p)
			}
		case "xff":
			t.XFF = c.decodeXFF(o, v, p)
		case "http", "tls", "ssh", "smtp", "dnp3":
			// Suricata 4's per-protocol alert switches: the app-layer
			// object is metadata.app-layer now.
			a.AppLayer = b(true)
		case "metadata":
			if v.Kind == yaml.ScalarNode {
				on := b(true)
				a.RuleMetadata, a.AppLayer, a.Flow = on, on, on
				return true
			}
			c.eachKey(o, v, p, func(k2 string, v2 *yaml.Node) {
				p2 := p + "." + k2
				switch k2 {
				case "app-layer":
					a.AppLayer = c.boolean(o, v2, p2, true)
				case "flow":
					a.Flow = c.boolean(o, v2, p2, true)
				case "rule":
					c.eachKey(o, v2, p2, func(k3 string, v3 *yaml.Node) {
						p3 := p2 + "." + k3
						switch k3 {
						case "metadata":
							a.RuleMetadata = c.boolean(o, v3, p3, true)
						case "reference":
							a.References = c.boolean(o, v3, p3, false)
						case "raw", "reference-url":
							if c.boolean(o, v3, p3, false) {
								c.warn(o, v3, "%s: not supported (ignored)", p3)
							}
						default:
							c.warn(o, v3, "%s: unknown setting (ignored)", p3)
						}
					})
				default:
					c.warn(o, v2, "%s: not supported (ignored)", p2)
				}
			})
		default:
			return false
		}
	case "http":
		switch k {
		case "xff":
			t.XFF = c.decodeXFF(o, v, p)
		case "extended":
			wantDefault(true, "http records are always extended")
		case "custom":
			c.warn(o, v, "%s: custom HTTP header fields are not supported (ignored)", p)
		case "dump-all-headers":
			switch v.Value {
			case "", "none", "request", "response", "both":
				t.DumpHeaders = v.Value
			default:
				c.warn(o, v, "%s: want none, request, response or both (ignored)", p)
			}
		default:
			return false
		}
	case "tls":
		switch k {
		case "extended":
			t.TLS.Extended = b(true)
		case "custom":
			t.TLS.Custom = []string{}
			for _, e := range elements(v) {
				t.TLS.Custom = append(t.TLS.Custom, e.Value)
			}
		case "session-resumption":
			t.TLS.SessionResumption = b(true)
		default:
			return false
		}
	case "dns":
		c.dnsOption(o, &t.DNS, k, v, p)
	case "files":
		switch k {
		case "force-magic":
			if b(false) {
				c.warn(o, v, "%s: libmagic file types are not supported (ignored)", p)
			}
		case "force-hash":
			for _, e := range elements(v) {
				switch e.Value {
				case "md5", "sha1", "sha256":
					t.ForceHash = append(t.ForceHash, e.Value)
				default:
					c.warn(o, e, "%s: unknown hash %q (ignored)", p, e.Value)
				}
			}
		case "force-md5":
			if b(false) {
				t.ForceHash = append(t.ForceHash, "md5")
			}
		default:
			return false
		}
	case "stats":
		switch k {
		case "totals":
			t.Stats.Totals = b(true)
		case "threads":
			if t.Stats.Threads = b(false); t.Stats.Threads {
				c.warn(o, v, "%s: per-thread stats are not supported (totals only)", p)
			}
		case "null-values":
			t.Stats.NullValues = b(true)
		case "deltas":
			if t.Stats.Deltas = b(false); t.Stats.Deltas {
				c.warn(o, v, "%s: stats deltas are not supported (ignored)", p)
			}
		default:
			return false
		}
	case "mqtt":
		switch k {
		case "string-log-limit":
			n, err := parseSize(v.Value)
			if err != nil || n < 0 || n > 1<<30 {
				c.warn(o, v, "%s: want a size such as 1kb, got %q (no limit)", p, v.Value)
				return true
			}
			t.MQTTStringLogLimit = int(n)
		case "passwords":
			wantDefault(true, "MQTT passwords are always logged")
		default:
			return false
		}
	case "dhcp":
		switch k {
		case "extended":
			t.DHCPExtended = b(false)
		default:
			return false
		}
	case "anomaly":
		switch k {
		case "types":
			c.eachKey(o, v, p, func(k2 string, v2 *yaml.Node) {
				p2 := p + "." + k2
				a := &t.Anomaly
				switch k2 {
				case "decode":
					a.Decode = c.boolean(o, v2, p2, a.Decode)
				case "applayer":
					a.AppLayer = c.boolean(o, v2, p2, a.AppLayer)
				case "stream":
					a.Stream = c.boolean(o, v2, p2, a.Stream)
				default:
					c.warn(o, v2, "%s: unknown setting (ignored)", p2)
				}
			})
		case "packethdr":
			t.Anomaly.PacketHdr = b(false)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// dnsOption applies one dns type option. Docs: Suricata 8
// output/eve/eve-json-output.html (DNS), which also says what a bad value
// falls back to.
func (c *Config) dnsOption(o *Outputs, d *DNSOptions, k string, v *yaml.Node, p string) {
	switch k {
	case "requests", "query":
		d.Requests = c.boolean(o, v, p, true)
	case "responses", "answer":
		d.Responses = c.boolean(o, v, p, true)
	case "version":
		switch v.Value {
		case "2", "3":
			d.Version = int(v.Value[0] - '0')
		case "1":
			c.warn(o, v, "%s: DNS log version 1 was removed in Suricata 8 (version 3 written)", p)
		default:
			c.warn(o, v, "%s: want 2 or 3, got %q (version 3 written)", p, v.Value)
		}
	case "formats":
		var detailed, grouped bool
		for _, f := range elements(v) {
			switch strings.ToLower(f.Value) {
			case "detailed":
				detailed = true
			case "grouped":
				grouped = true
			default:
				c.warn(o, f, "%s: unknown DNS format %q (ignored)", p, f.Value)
			}
		}
		if !detailed && !grouped {
			c.warn(o, v, "%s: no DNS format given (detailed and grouped written)", p)
			return
		}
		d.Detailed, d.Grouped = detailed, grouped
	case "types":
		d.Types = []string{}
		for _, f := range elements(v) {
			d.Types = append(d.Types, strings.ToUpper(f.Value))
		}
	default:
		c.warn(o, v, "%s: not supported (ignored)", p)
	}
}

// parseSize reads a size such as 4kb, 10mb or a number of bytes.
func parseSize(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}} {
		if strings.HasSuffix(s, u.suf) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suf)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	return n * mult, nil
}

// CheckTypes warns about eve-log types for which known reports false
// (Vigil writes no such records), and returns the warnings added.
func (o *Outputs) CheckTypes(known func(name string) bool) []*Error {
	var out []*Error
	for _, e := range o.EVE {
		for _, t := range e.Types {
			if !known(t.Name) {
				out = append(out, &Error{t.Pos, fmt.Sprintf("outputs.%d.eve-log.types: %s: Vigil writes no %s records (ignored)", e.Index, t.Name, t.Name)})
			}
		}
	}
	o.Warnings = append(o.Warnings, out...)
	return out
}

// decodePcapLog reads a pcap-log output. Suricata's default limit is
// 1000mb; max-files 0 keeps every file.
func (c *Config) decodePcapLog(o *Outputs, at, body *yaml.Node, path string) *PcapLog {
	pl := &PcapLog{Pos: c.pos(at), Filename: "log.pcap", Limit: 1000 << 20}
	c.eachKey(o, body, path, func(k string, v *yaml.Node) {
		p := path + "." + k
		switch k {
		case "enabled":
		case "filename":
			pl.Filename = v.Value
		case "limit":
			if n, err := parseSize(v.Value); err == nil && n > 0 {
				pl.Limit = n
			} else {
				c.warn(o, v, "%s: want a size such as 100mb, got %q (using 1000mb)", p, v.Value)
			}
		case "max-files":
			if n, err := strconv.Atoi(v.Value); err == nil && n >= 0 {
				pl.MaxFiles = n
			} else {
				c.warn(o, v, "%s: want a count, got %q (keeping every file)", p, v.Value)
			}
		case "mode":
			if v.Value != "normal" && v.Value != "" {
				c.warn(o, v, "%s: %q is not supported (normal used)", p, v.Value)
			}
		case "conditional":
			switch v.Value {
			case "all", "":
				pl.Alerts = false
			case "alerts":
				pl.Alerts = true
			case "tag":
				pl.Alerts = true
				c.warn(o, v, "%s: tag is not supported (alerts used: whole alerted flows)", p)
			default:
				c.warn(o, v, "%s: want all, alerts or tag, got %q (all used)", p, v.Value)
			}
		case "flow-buffer":
			if n, err := parseSize(v.Value); err == nil && n > 0 {
				pl.FlowBuffer = n
			} else {
				c.warn(o, v, "%s: want a size such as 64kb, got %q (using 64kb)", p, v.Value)
			}
		case "compression", "lz4-checksum", "lz4-level", "dir", "use-stream-depth", "honor-pass-rules", "max-file-open", "ring-buffer-size", "snaplen":
			c.warn(o, v, "%s: not supported (ignored)", p)
		default:
			c.warn(o, v, "%s: unknown setting (ignored)", p)
		}
	})
	return pl
}
