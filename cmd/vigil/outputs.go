package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"vigil/engine"
	"vigil/engine/config"
	"vigil/output"
	"vigil/output/eve"
)

// eveTypeBits maps eve-log type names to the records Vigil writes for them.
func eveTypeBits(name string) (output.Types, bool) {
	switch name {
	case "stats":
		return output.TypeStats, true
	case "files": // Suricata's type name for fileinfo records
		return output.TypeOf(eve.EventFileinfo), true
	case "http2", "doh2": // HTTP/2 transactions (DNS over HTTP/2 too) are http records
		return output.TypeOf(eve.EventHTTP), true
	case "ftp": // Suricata's ftp logger writes the ftp_data records too
		return output.TypeOf(eve.EventFTP) | output.TypeOf(eve.EventFTPData), true
	}
	for t := eve.EventType(1); t < 64; t++ {
		if t.String() == name {
			return output.TypeOf(t), true
		}
	}
	return 0, false
}

// outputSets drops the outputs.* overrides when the configuration file
// has an outputs section: they were applied to its tree, which
// applyOutputs reads. Without one they tune the default eve-log
// (replaySettings).
func outputSets(cfg *config.Config, sets []string) []string {
	if !cfg.Outputs.FromFile {
		return sets
	}
	var out []string
	for _, kv := range sets {
		if k, _, err := config.ParseOverride(kv); err == nil && strings.HasPrefix(k, "outputs.") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// applyOutputs turns the configuration's outputs section into eve-log
// outputs with their sinks, and the workers' EVE settings into the union of
// what those outputs ask for. Settings Vigil cannot honour are written to
// warn as file:line:col warnings. Without an outputs section ec keeps the
// default eve.json, with stats.enabled and stats.interval applied.
func applyOutputs(ec *engine.Config, cfg *config.Config, warn io.Writer) error {
	o := &cfg.Outputs
	if !o.FromFile {
		// The default eve.json still follows the top-level stats section.
		ec.EVE.StatsInterval = o.StatsInterval
		ec.EVE.Stats = ec.EVE.Stats && o.StatsEnabled
		return nil
	}
	o.CheckTypes(func(n string) bool { _, ok := eveTypeBits(n); return ok })
	for _, w := range o.Warnings {
		fmt.Fprintf(warn, "warning: %v\n", w)
	}
	u := engine.EVEConfig{StatsInterval: o.StatsInterval, FastLog: o.Fast != nil, CommunityID: engine.CommunityIDOff}
	if o.Fast != nil && o.Fast.Filename != "fast.log" {
		fmt.Fprintf(warn, "warning: %v: fast.filename: fast.log is always written as LOGDIR/fast.log\n", o.Fast.Pos)
	}
	if s := o.StatsLog; s != nil && o.StatsEnabled {
		if !s.Append {
			fmt.Fprintf(warn, "warning: %v: stats.append: no: stats.log is always appended to\n", s.Pos)
		}
		ec.StatsLog = &engine.StatsLogConfig{Filename: s.Filename, Format: output.StatsLogFormat{NullValues: s.NullValues}}
	}
	if p := o.PcapLog; p != nil {
		ec.PcapLog = &engine.PcapLogConfig{Alerts: p.Alerts, FlowBuffer: int(p.FlowBuffer), Filename: p.Filename,
			Limit: p.Limit, MaxFiles: p.MaxFiles}
	}
	ec.Outputs = nil
	xffSet := false
	dnsSet := false
	var firstDNS config.DNSOptions
	for _, e := range o.EVE {
		out := engine.EVEOutput{Name: "eve-log." + strconv.Itoa(e.Index)}
		// The workers build each record once: community_id is on every
		// output's records when one asks for it, with the first seed.
		u.Ethernet = u.Ethernet || e.Ethernet
		if e.CommunityID && u.CommunityID == engine.CommunityIDAll && e.CommunityIDSeed != u.CommunityIDSeed {
			fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log.community-id-seed: differs from an earlier eve-log's seed, which is used\n", e.Pos, e.Index)
		}
		if e.CommunityID && u.CommunityID != engine.CommunityIDAll {
			u.CommunityID, u.CommunityIDSeed = engine.CommunityIDAll, e.CommunityIDSeed
		}
		for _, t := range e.Types {
			bits, ok := eveTypeBits(t.Name)
			if !ok {
				continue
			}
			out.Types |= bits
			// The workers build what some output lists, no more.
			u.ListType(t.Name)
			switch t.Name {
			case "alert":
				a := t.Alert
				u.Alert = true
				out.XFFAlert = xffMode(&u, &xffSet, t.XFF, e.XFF, t.Pos, e.Index, warn)
				out.Payload, out.PayloadPrintable, out.Packet = a.Payload, a.PayloadPrintable, a.Packet
				u.Payload = u.Payload || a.Payload
				u.PayloadPrintable = u.PayloadPrintable || a.PayloadPrintable
				u.Packet = u.Packet || a.Packet
				u.PayloadBufferSize = max(u.PayloadBufferSize, a.PayloadBufferSize)
				// Built by the worker, so shared by all outputs: the union.
				u.Metadata = u.Metadata || a.RuleMetadata
				u.AlertAppLayer = u.AlertAppLayer || a.AppLayer
				u.AlertFlow = u.AlertFlow || a.Flow
				u.References = u.References || a.References
			case "flow":
				u.Flow = true
			case "http":
				u.HTTP = true
				out.HTTPHeaders, _ = eve.ParseHeaderDump(t.DumpHeaders)
				out.XFFHTTP = xffMode(&u, &xffSet, t.XFF, e.XFF, t.Pos, e.Index, warn)
			case "dns":
				if dnsSet && !reflect.DeepEqual(t.DNS, firstDNS) {
					fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log dns options differ from the first eve-log's, whose are used: dns records are built once for every output\n", t.Pos, e.Index)
				}
				if !dnsSet {
					u.DNSLog, dnsSet, firstDNS = dnsLog(t, warn), true, t.DNS
				}
			case "tls":
				u.TLS = true
				var custom []eve.TLSFields
				if t.TLS.Custom != nil {
					custom = []eve.TLSFields{}
					for _, n := range t.TLS.Custom {
						f, ok := eve.LookupTLSField(n)
						if !ok {
							fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log.types.tls.custom: unknown field %q (ignored)\n", t.Pos, e.Index, n)
						}
						if f&(eve.TLSFieldCertificate|eve.TLSFieldChain|eve.TLSFieldClientCert|eve.TLSFieldClientChain) != 0 {
							fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log.types.tls.custom: %s (base64 certificates) is not supported (ignored)\n", t.Pos, e.Index, n)
						}
						custom = append(custom, f)
					}
				}
				out.TLSFields = eve.TLSFieldsOf(t.TLS.Extended, custom, t.TLS.SessionResumption)
			case "ssh":
				u.SSH = true
			case "files":
				for _, n := range t.ForceHash {
					h, _ := eve.LookupFileHash(n)
					u.FileHashes |= h
				}
			case "anomaly":
				// Built by the worker, so shared by all outputs: the
				// union of their types.
				a := t.Anomaly
				if a.Decode {
					u.AnomalyTypes |= engine.AnomalyDecode
				}
				if a.Stream {
					u.AnomalyTypes |= engine.AnomalyStream
				}
				if a.AppLayer {
					u.AnomalyTypes |= engine.AnomalyAppLayer
				}
				// Suricata logs no packet header without decode
				// anomalies.
				u.AnomalyPacketHdr = u.AnomalyPacketHdr || a.PacketHdr && a.Decode
				u.Anomaly = u.AnomalyTypes != 0
			case "mqtt":
				// The mqtt object is built once for all outputs: the
				// first limit set applies to each.
				lim := &ec.AppLayer.MQTT.StringLogLimit
				if n := t.MQTTStringLogLimit; n > 0 && *lim == 0 {
					*lim = n
				} else if n != *lim {
					fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log.types.mqtt.string-log-limit: one limit applies to every output (using %d)\n", t.Pos, e.Index, *lim)
				}
			case "dhcp":
				// Like mqtt: the dhcp object is built once for every
				// output, so one output asking for extended gets it for all.
				if t.DHCPExtended && !ec.AppLayer.DHCPExtended {
					ec.AppLayer.DHCPExtended = true
					if len(o.EVE) > 1 {
						fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log.types.dhcp.extended: applies to every eve-log output\n", t.Pos, e.Index)
					}
				}
			case "stats":
				u.Stats = o.StatsEnabled
				out.StatsNoZeros = !t.Stats.NullValues
			}
		}
		sink, err := openSink(e, ec.LogDir)
		if err != nil {
			for _, prev := range ec.Outputs {
				if c, ok := prev.Sink.(io.Closer); ok {
					c.Close()
				}
			}
			ec.Outputs = nil
			return fmt.Errorf("%v: outputs.%d.eve-log: %w", e.Pos, e.Index, err)
		}
		out.Sink = sink
		ec.Outputs = append(ec.Outputs, out)
	}
	ec.EVE = u
	return nil
}

// xffMode is the xff mode of an alert or http type: its own xff section,
// else its eve-log's. The workers read one header one way for every
// output: the first enabled section's (set tells whether one was seen);
// a later one asking otherwise is warned about.
func xffMode(u *engine.EVEConfig, set *bool, own, parent *config.XFF, pos config.Pos, idx int, warn io.Writer) eve.XFFMode {
	x := own
	if x == nil {
		x = parent
	}
	if x == nil || !x.Enabled {
		return eve.XFFOff
	}
	want := engine.XFFConfig{Header: x.Header, Forward: x.Forward}
	if !*set {
		u.XFF, *set = want, true
	} else if want != u.XFF {
		fmt.Fprintf(warn, "warning: %v: outputs.%d.eve-log xff header or deployment differs from the first enabled xff section's, which is used\n", pos, idx)
	}
	if x.Mode == "overwrite" {
		return eve.XFFOverwrite
	}
	return eve.XFFExtraData
}

// openSink opens an eve-log's sink. Network sinks connect at their first
// write, so a peer that is not up yet is not an error.
func openSink(e config.EVELog, logDir string) (io.Writer, error) {
	path := e.Filename
	if !filepath.IsAbs(path) && logDir != "" {
		path = filepath.Join(logDir, path)
	}
	switch e.Filetype {
	case "unix_dgram":
		return output.OpenSocket(output.SocketOptions{Network: "unixgram", Addr: path})
	case "unix_stream":
		return output.OpenSocket(output.SocketOptions{Network: "unix", Addr: path})
	case "syslog":
		f := &output.SyslogFormat{Identity: e.Identity}
		var err error
		if f.Facility, err = output.ParseSyslogFacility(orDefault(e.Facility, "local5")); err != nil {
			return nil, err
		}
		if f.Severity, err = output.ParseSyslogLevel(orDefault(e.Level, "info")); err != nil {
			return nil, err
		}
		// Suricata always writes to the local syslog socket; an absolute
		// filename names another one (a relay, or a test's listener).
		addr := "/dev/log"
		if filepath.IsAbs(e.Filename) {
			addr = e.Filename
		}
		return output.OpenSocket(output.SocketOptions{Network: "unixgram", Addr: addr, Syslog: f})
	case "redis":
		r := e.Redis
		mode, err := output.ParseRedisMode(r.Mode)
		if err != nil {
			return nil, err
		}
		opt := output.RedisOptions{Network: "tcp", Addr: fmt.Sprintf("%s:%d", r.Server, r.Port), Key: r.Key,
			Mode: mode, StreamMaxLen: r.StreamMaxLen, StreamTrimExact: r.StreamTrimExact, BatchSize: r.BatchSize}
		if strings.HasPrefix(r.Server, "/") {
			opt.Network, opt.Addr = "unix", r.Server
		}
		return output.OpenRedis(opt)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	return output.OpenFile(path)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// dnsLog turns an eve-log dns type's options into the workers' (they
// build dns records once, so the first eve-log with dns decides).
func dnsLog(t config.EVEType, warn io.Writer) engine.DNSLog {
	d := t.DNS
	l := engine.DNSLog{Version: uint8(d.Version), NoRequests: !d.Requests, NoResponses: !d.Responses,
		NoDetailed: !d.Detailed, NoGrouped: !d.Grouped}
	if d.Types != nil {
		var unknown []string
		l.Types, unknown = eve.ParseDNSTypes(d.Types)
		for _, n := range unknown {
			fmt.Fprintf(warn, "warning: %v: dns.types: %s is not a DNS record type (ignored)\n", t.Pos, n)
		}
	}
	return l
}
