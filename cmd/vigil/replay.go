package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"

	"vigil/detect"
	"vigil/detect/bufid"
	"vigil/engine"
	"vigil/engine/applayer"
	"vigil/engine/applayer/all"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/smtp"
	"vigil/engine/config"
	"vigil/engine/decode"
	"vigil/engine/pcapfile"
	"vigil/output/eve"
)

// replayFlags are the flags of `vigil replay`.
type replayFlags struct {
	commonFlags
	reads         multiFlag
	deterministic bool
	simulateIPS   bool
	runmode       string
	cpuProfile    string
	memProfile    string
	ruleProfile   bool
	// engineAnalysis writes LOGDIR/rules-analysis.json (--engine-analysis).
	engineAnalysis bool
	// finalStats is --final-stats-only.
	finalStats bool
}

func (f *replayFlags) register(stderr io.Writer) *flag.FlagSet {
	fs := newFlagSet("replay", "vigil replay -r FILE... -S RULES -l LOGDIR [-c CONFIG] [-k all|none] [--set key=value]...", stderr)
	f.commonFlags.register(fs)
	fs.Var(&f.reads, "r", "pcap or pcapng file, or a directory of them (repeatable; read in order)")
	fs.BoolVar(&f.deterministic, "deterministic", false, "order EVE records by packet time: byte-identical output for any worker count")
	fs.BoolVar(&f.simulateIPS, "simulate-ips", false, "report drop and reject rules as blocked, as an inline IPS would (Suricata's --simulate-ips)")
	fs.StringVar(&f.runmode, "runmode", "", "Suricata run mode: single (1 worker), autofp or workers (--workers)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a pprof CPU profile to FILE")
	fs.StringVar(&f.memProfile, "memprofile", "", "write a pprof heap profile to FILE at exit")
	fs.BoolVar(&f.finalStats, "final-stats-only", false, "write only the final stats record, not one every stats.interval of packet time (what Suricata writes when a capture replays faster than its wall-clock interval)")
	fs.BoolVar(&f.ruleProfile, "rule-profile", false, "print the 20 rules that took the most time (sampled), with checks and matches")
	fs.BoolVar(&f.engineAnalysis, "engine-analysis", false, "write LOGDIR/rules-analysis.json: per rule, buffers inspected, fast pattern and prefilter group (one JSON line each)")
	return fs
}

func cmdReplay(args []string, stdout, stderr io.Writer) int {
	var f replayFlags
	fs := f.register(stderr)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigil replay: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := f.validate(fs); err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	if len(f.reads) == 0 && !f.ro.loadOnly && !f.dumpConfig {
		fmt.Fprintln(stderr, "vigil replay: no input: give at least one -r FILE")
		return 2
	}
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "vigil replay: %v\n", err)
			return 2
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(stderr, "vigil replay: cpu profile: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	rc := replay(&f, stdout, stderr)
	if f.memProfile != "" {
		writeHeapProfile(f.memProfile)
	}
	return rc
}

func writeHeapProfile(path string) {
	if pf, err := os.Create(path); err == nil {
		runtime.GC()
		pprof.WriteHeapProfile(pf)
		pf.Close()
	}
}

func replay(f *replayFlags, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(f.config, f.sets, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	ec := engine.Config{Workers: f.workers, Deterministic: f.deterministic, SimulateIPS: f.simulateIPS, RuleProfile: f.ruleProfile,
		LogDir: f.logDir, EVE: engine.DefaultEVE()}
	switch f.check {
	case "all":
		ec.Decode.Checksum = decode.ChecksumAll
	case "none":
		ec.Decode.Checksum = decode.ChecksumNone
	default:
		fmt.Fprintf(stderr, "vigil replay: -k %q: want all or none\n", f.check)
		return 2
	}
	switch f.runmode {
	case "":
	case "single":
		ec.Workers = 1
	case "autofp", "workers":
	default:
		fmt.Fprintf(stderr, "vigil replay: --runmode %q: want single, autofp or workers\n", f.runmode)
		return 2
	}
	// An inline IPS inspects data as it arrives, not when it is ACKed:
	// Suricata's --simulate-ips implies stream.inline.
	ec.Stream.Inline = f.simulateIPS
	if err := applySettings(&ec, outputSets(cfg, f.sets)); err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	if err := applyOutputs(&ec, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	if f.finalStats {
		ec.EVE.StatsInterval = 0
	}
	if cfg.ThresholdFile != "" {
		tc, err := detect.LoadThresholdConfig(cfg.ThresholdFile)
		if err != nil {
			fmt.Fprintf(stderr, "vigil replay: %v\n", err)
			return 2
		}
		ec.Thresholds = tc
	}

	if f.dumpConfig {
		if err := cfg.Dump(stdout); err != nil {
			fmt.Fprintf(stderr, "vigil replay: %v\n", err)
			return 2
		}
		return 0
	}
	removePid, err := writePidfile(f.pidfile)
	if err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	defer removePid()

	lr, rc := loadRules("replay", cfg, f.rules, f.ro, stderr)
	if rc >= 0 {
		return rc
	}
	// After the loader, which reports bad rule variables first.
	if err := applyScoring(&ec, cfg); err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	if lr.engine != nil {
		defer lr.engine.Close()
		ec.Rules, ec.References = lr.engine, lr.refs
		scorePoints(&ec, lr.engine, stderr)
		if _, err := setupReload(&ec, cfg, lr, reloadSource{config: f.config, sets: f.sets, given: f.rules, ro: f.ro}); err != nil {
			fmt.Fprintf(stderr, "vigil replay: %v\n", err)
			return 2
		}
	}
	if f.engineAnalysis && lr.engine != nil {
		if err := writeEngineAnalysis(filepath.Join(f.logDir, "rules-analysis.json"), lr.engine); err != nil {
			fmt.Fprintf(stderr, "vigil replay: engine analysis: %v\n", err)
			return 2
		}
	}
	if f.ro.loadOnly {
		if f.memProfile != "" {
			// With --load-only the profile shows the loaded ruleset.
			writeHeapProfile(f.memProfile)
			f.memProfile = ""
		}
		return 0
	}

	files, err := inputFiles(f.reads)
	if err == nil {
		err = checkLinkTypes(files)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 2
	}
	var progress engine.Progress
	if isTerminal(stderr) {
		progress = func(pkts, bytes, read, total uint64) {
			pct := 0.0
			if total > 0 {
				pct = 100 * float64(read) / float64(total)
			}
			fmt.Fprintf(stderr, "\r%d packets, %.1f MB, %.0f%%   ", pkts, float64(bytes)/1e6, pct)
		}
	}
	sum, err := engine.Replay(ec, files, progress)
	if progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if sum != nil {
		for _, e := range sum.Errors {
			fmt.Fprintf(stderr, "input error: %v\n", e)
		}
		secs := sum.Elapsed.Seconds()
		fmt.Fprintf(stderr, "replayed %d packets (%.1f MB) from %d files in %.2fs (%.0f Mbit/s, %.0f pkt/s) with %d workers: %d flows, %d alerts\n",
			sum.Packets, float64(sum.Bytes)/1e6, len(files), secs, float64(sum.Bytes)*8/1e6/max(secs, 1e-9),
			float64(sum.Packets)/max(secs, 1e-9), sum.Workers, sum.Flows, sum.Alerts)
		if sum.Dropped > 0 {
			fmt.Fprintf(stderr, "warning: %d EVE records dropped by the output stage\n", sum.Dropped)
		}
		fmt.Fprintf(stderr, "eve.json: %s\n", filepath.Join(ec.LogDir, "eve.json"))
		if f.ruleProfile {
			printRuleProfile(stdout, sum.Rules, 20)
			printCandidates(stdout, sum.Detect)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigil replay: %v\n", err)
		return 1
	}
	if sum != nil && len(sum.Errors) > 0 {
		return 1
	}
	return 0
}

func skippedText(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// inputFiles expands directories into their capture files, in name order.
func inputFiles(reads []string) ([]string, error) {
	var out []string
	for _, r := range reads {
		st, err := os.Stat(r)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, r)
			continue
		}
		ents, err := os.ReadDir(r)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			n := e.Name()
			if !e.IsDir() && (strings.HasSuffix(n, ".pcap") || strings.HasSuffix(n, ".pcapng") || strings.HasSuffix(n, ".cap")) {
				out = append(out, filepath.Join(r, n))
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no capture files found")
	}
	return out, nil
}

// checkLinkTypes refuses a capture whose (first) link type the decoder
// does not understand: its packets would all be counted and none
// inspected, a silent "0 flows".
func checkLinkTypes(files []string) error {
	for _, name := range files {
		r, err := pcapfile.Open(name)
		if err != nil {
			return err
		}
		rec, err := r.Next()
		r.Close()
		if err == nil && !decode.LinkSupported(rec.LinkType) {
			return fmt.Errorf("%s: link type %d is not supported (supported: Ethernet, Linux cooked SLL/SLL2, raw IP, BSD null/loop, PPP)",
				name, rec.LinkType)
		}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// setting is one --set key replay understands, with what it does. A key
// not in this table is an error: an option Vigil would silently ignore is
// worse than one it refuses.
type setting struct {
	prefix string // key, or prefix ending in '.'
	apply  func(ec *engine.Config, key, value string) error
}

// typesEntry matches the key of one entry of an eve-log types list.
var typesEntry = regexp.MustCompile(`^outputs\.\d+\.eve-log\.types\.\d+$`)

// tlsOption matches an option of the eve-log tls type.
var tlsOption = regexp.MustCompile(`^outputs\.\d+\.eve-log\.types\.\d+\.tls\.(.+)$`)

// typeOption matches an option of the eve-log http or files type.
var typeOption = regexp.MustCompile(`^outputs\.\d+\.eve-log\.types\.\d+\.(http|files)\.(.+)$`)

// setXFF applies one key of an alert or http type's xff section to the
// default eve-log: enabled turns the type's mode on (extra-data unless
// mode says overwrite), deployment and header say how the workers read
// the address (one setting for both types). A mode set without enabled
// has no effect, the workers reading no header then.
func setXFF(c *engine.EVEConfig, mode *eve.XFFMode, key, v string) error {
	switch key {
	case "enabled":
		b, err := yesNo(v)
		if err != nil {
			return err
		}
		switch {
		case !b:
			*mode = eve.XFFOff
		case *mode == eve.XFFOff:
			*mode = eve.XFFExtraData
		}
		if b && c.XFF.Header == "" {
			c.XFF.Header = "X-Forwarded-For"
		}
	case "mode":
		switch strings.ToLower(v) {
		case "extra-data":
			*mode = eve.XFFExtraData
		case "overwrite":
			*mode = eve.XFFOverwrite
		default:
			return fmt.Errorf("xff mode %q: want extra-data or overwrite", v)
		}
	case "deployment":
		switch strings.ToLower(v) {
		case "reverse", "forward":
			c.XFF.Forward = strings.EqualFold(v, "forward")
		default:
			return fmt.Errorf("xff deployment %q: want reverse or forward", v)
		}
	case "header":
		if v == "" {
			return fmt.Errorf("xff header: empty")
		}
		c.XFF.Header = v
	default:
		return fmt.Errorf("xff option %q is not supported", key)
	}
	return nil
}

// setTypeOption applies one option of the eve-log http type (extended,
// custom, dump-all-headers) or files type (force-magic, force-hash.N).
func setTypeOption(c *engine.EVEConfig, typ, opt, v string) error {
	switch {
	case opt == "enabled", typ == "files" && opt == "force-magic":
		// libmagic is not used: no magic field either way.
	case typ == "http" && opt == "extended":
		// http records are always extended.
	case typ == "http" && strings.HasPrefix(opt, "custom."):
		// Extra header fields are not logged (ignored, as -c does).
	case typ == "http" && strings.HasPrefix(opt, "xff."):
		return setXFF(c, &c.XFFHTTP, strings.TrimPrefix(opt, "xff."), v)
	case typ == "http" && opt == "dump-all-headers":
		d, ok := eve.ParseHeaderDump(v)
		if !ok {
			return fmt.Errorf("dump-all-headers %q: want none, request, response or both", v)
		}
		c.HTTPHeaders = d
	case typ == "files" && opt == "force-md5":
		b, err := yesNo(v)
		if err != nil {
			return err
		}
		if b {
			c.FileHashes |= eve.HashMD5
		}
	case typ == "files" && strings.HasPrefix(opt, "force-hash."):
		h, ok := eve.LookupFileHash(v)
		if !ok {
			return fmt.Errorf("force-hash %q: want md5, sha1 or sha256", v)
		}
		c.FileHashes |= h
	default:
		// Suricata ignores keys its type does not know; say so.
		fmt.Fprintf(os.Stderr, "warning: %s output option %q is not known (ignored)\n", typ, opt)
	}
	return nil
}

// setTLSOption applies one option of the eve-log tls type (extended,
// custom.N, session-resumption) to c.TLSFields.
func setTLSOption(c *engine.EVEConfig, opt, v string) error {
	switch {
	case opt == "enabled":
		return nil
	case opt == "extended" || opt == "session-resumption":
		b, err := yesNo(v)
		if err != nil {
			return err
		}
		if opt == "extended" {
			c.TLSNotExtended = !b
		} else {
			c.TLSNoResumption = !b
		}
	case strings.HasPrefix(opt, "custom."):
		f, ok := eve.LookupTLSField(v)
		if !ok || f&(eve.TLSFieldCertificate|eve.TLSFieldChain|eve.TLSFieldClientCert|eve.TLSFieldClientChain) != 0 {
			return fmt.Errorf("tls custom field %q is not supported", v)
		}
		c.TLSCustom |= f
		c.TLSCustomSet = true
	default:
		// Suricata ignores keys the tls type does not know ("ja4: off").
		fmt.Fprintf(os.Stderr, "warning: tls output option %q is not known (ignored)\n", opt)
		return nil
	}
	var custom []eve.TLSFields
	if c.TLSCustomSet {
		custom = []eve.TLSFields{c.TLSCustom}
	}
	c.TLSFields = eve.TLSFieldsOf(!c.TLSNotExtended, custom, !c.TLSNoResumption)
	return nil
}

var replaySettings = []setting{
	{"vars.address-groups.", nil},
	{"vars.port-groups.", nil},
	{"classification-file", nil},
	{"reference-config-file", nil},
	{"threshold-file", nil},
	{"vigil.scoring.", nil},           // decoded by engine/config, applied by applyScoring
	{"vigil.reload.", checkReloadKey}, // read from the config tree by setupReload
	{"vigil.metrics.listen", nil},     // read from the config tree by cmdRun (--metrics)
	{"default-rule-path", nil},
	{"rule-files", nil},
	{"stream.inline", func(ec *engine.Config, _, v string) error {
		b, err := yesNo(v)
		ec.Stream.Inline = b
		return err
	}},
	{"stream.midstream", func(ec *engine.Config, _, v string) error {
		b, err := yesNo(v)
		ec.Stream.Midstream = b
		return err
	}},
	{"stream.reassembly.depth", func(ec *engine.Config, _, v string) error {
		n, err := parseSize(v)
		ec.Stream.Depth = n
		if n == 0 {
			ec.Stream.Depth = -1 // Suricata: 0 means unlimited
		}
		return err
	}},
	{"stream.reassembly.memcap", func(ec *engine.Config, _, v string) error {
		n, err := parseSize(v)
		ec.Stream.Memcap = n
		return err
	}},
	{"flow.memcap", func(ec *engine.Config, _, v string) error {
		n, err := parseSize(v)
		ec.Flow.Memcap = n
		return err
	}},
	{"outputs.", func(ec *engine.Config, k, v string) error {
		// Only the eve-log alert options Vigil has; the list indexes of
		// outputs and types do not matter (there is one EVE log).
		if typesEntry.MatchString(k) {
			// outputs.N.eve-log.types.M=NAME: the types list, one entry
			// per setting (vigil verify passes a test's list this way).
			if !ec.EVE.ListType(v) {
				return fmt.Errorf("eve-log type %q is not supported", v)
			}
			return nil
		}
		if strings.Contains(k, ".eve-log.types.") && strings.HasSuffix(k, ".mqtt.string-log-limit") {
			n, err := parseSize(v)
			if err != nil || n < 0 || n > 1<<30 {
				return fmt.Errorf("%s: want a size such as 1kb, got %q", k, v)
			}
			ec.AppLayer.MQTT.StringLogLimit = int(n)
			return nil
		}
		if strings.Contains(k, ".eve-log.types.") && strings.HasSuffix(k, ".dhcp.extended") {
			b, err := yesNo(v)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			ec.AppLayer.DHCPExtended = b
			return nil
		}
		if m := tlsOption.FindStringSubmatch(k); m != nil {
			return setTLSOption(&ec.EVE, m[1], v)
		}
		if m := typeOption.FindStringSubmatch(k); m != nil {
			return setTypeOption(&ec.EVE, m[1], m[2], v)
		}
		i := strings.Index(k, ".alert.")
		if !strings.Contains(k, ".eve-log.types.") || i < 0 {
			return fmt.Errorf("output setting %q is not supported", k)
		}
		opt := k[i+len(".alert."):]
		if x, ok := strings.CutPrefix(opt, "xff."); ok {
			return setXFF(&ec.EVE, &ec.EVE.XFFAlert, x, v)
		}
		if opt == "payload-buffer-size" {
			n, err := parseSize(v)
			if err != nil {
				return err
			}
			if n <= 0 || n > 1<<30 {
				return fmt.Errorf("payload-buffer-size %q out of range", v)
			}
			ec.EVE.PayloadBufferSize = int(n)
			return nil
		}
		b, err := yesNo(v)
		if err != nil {
			return err
		}
		switch opt {
		case "metadata.rule.reference":
			ec.EVE.References = b
		case "metadata.rule.metadata":
			ec.EVE.Metadata = b
		case "metadata":
			// metadata: no drops every extra of the alert: rule metadata,
			// the app-layer object and the flow object.
			ec.EVE.Metadata, ec.EVE.AlertAppLayer, ec.EVE.AlertFlow = b, b, b
		case "metadata.app-layer":
			ec.EVE.AlertAppLayer = b
		case "metadata.flow":
			ec.EVE.AlertFlow = b
		case "payload":
			ec.EVE.Payload = b
		case "payload-printable":
			ec.EVE.PayloadPrintable = b
		case "packet":
			ec.EVE.Packet = b
		case "dnp3":
			// Suricata's legacy switch for the dnp3 object of alerts,
			// which app-layer metadata (metadata.app-layer) now covers.
		case "tagged-packets":
			// Logs the extra packets of the tag keyword, which is
			// accepted without effect: nothing to log either way.
		default:
			return fmt.Errorf("alert output option %q is not supported", opt)
		}
		return nil
	}},
	{"app-layer.protocols.", func(ec *engine.Config, k, v string) error {
		rest := strings.TrimPrefix(k, "app-layer.protocols.")
		proto, field, _ := strings.Cut(rest, ".")
		if proto == "http" && strings.HasPrefix(field, "libhtp.default-config.") {
			return applyLibhtp(&ec.AppLayer.HTTP, strings.TrimPrefix(field, "libhtp.default-config."), v)
		}
		switch proto {
		case "http", "http2", "tls", "dns", "ssh", "sip", "mqtt", "smb", "dcerpc", "ftp", "smtp", "snmp", "krb5", "rfb", "ldap", "dnp3", "enip", "modbus", "dhcp", "quic", "ike", "websocket", "pgsql", "pop3", "imap", "tftp", "ntp":
		default:
			return fmt.Errorf("app-layer protocol %q is not supported yet", proto)
		}
		if proto == "smtp" && strings.HasPrefix(field, "mime.") {
			return setSMTPMIME(&ec.AppLayer.SMTP.MIME, strings.TrimPrefix(field, "mime."), v)
		}
		if field == "detection-ports.dp" || field == "detection-ports.sp" {
			return setDetectionPorts(&ec.AppLayer, proto, k, v)
		}
		if (proto == "tls" || proto == "quic") && (field == "ja3-fingerprints" || field == "ja4-fingerprints") {
			// Vigil always computes both fingerprints (Suricata: yes, or
			// auto when a rule or an output asks for them).
			switch v {
			case "yes", "true", "auto":
				return nil
			}
			return fmt.Errorf("%s=%s: Vigil always computes %s; turning it off is not supported yet", k, v, strings.TrimSuffix(field, "-fingerprints"))
		}
		if field != "enabled" {
			return fmt.Errorf("setting %q is not supported", k)
		}
		return setParserMode(&ec.AppLayer, proto, v)
	}},
}

// setParserMode applies app-layer.protocols.NAME.enabled (yes, no or
// detection-only) to the protocol proto names.
func setParserMode(c *all.Config, proto, v string) error {
	m, err := all.ParseMode(v)
	if err != nil {
		return err
	}
	p, ok := bufid.LookupRuleProto(proto)
	if !ok {
		return fmt.Errorf("unknown app-layer protocol %q", proto)
	}
	if c.Modes == nil {
		c.Modes = map[applayer.Proto]all.Mode{}
	}
	c.Modes[p] = m
	return nil
}

// setSMTPMIME applies one app-layer.protocols.smtp.mime setting (key is
// what follows "mime."), as Suricata 8 reads them.
func setSMTPMIME(c *smtp.MIMEConfig, key, v string) error {
	if key == "extract-urls-schemes" || strings.HasPrefix(key, "extract-urls-schemes.") {
		// A list ([http, https]) or one entry per setting; "http"
		// becomes "http://" unless it ends in a slash.
		for _, f := range strings.FieldsFunc(strings.Trim(v, "[] "), func(r rune) bool { return r == ',' || r == ' ' }) {
			if len(f) > 250 {
				return fmt.Errorf("extract-urls-schemes entry %q is too long", f)
			}
			if !strings.HasSuffix(f, "/") {
				f += "://"
			}
			c.URLSchemes = append(c.URLSchemes, f)
		}
		return nil
	}
	switch key {
	case "header-value-depth":
		// Suricata 8 reads it and keeps it without using it.
		if _, err := strconv.ParseUint(v, 10, 32); err != nil {
			return fmt.Errorf("header-value-depth: want a number, got %q", v)
		}
		return nil
	case "body-md5":
		if v == "auto" {
			// Suricata computes it when a logger asks for body_md5
			// (extended email logging, which Vigil does not have).
			c.BodyMD5 = false
			return nil
		}
	}
	b, err := yesNo(v)
	if err != nil {
		return err
	}
	switch key {
	case "decode-mime":
		if !b {
			return errors.New("decode-mime=no (no MIME parsing) is not supported")
		}
	case "decode-base64":
		c.NoBase64 = !b
	case "decode-quoted-printable":
		c.NoQuotedPrintable = !b
	case "extract-urls":
		c.NoURLs = !b
	case "log-url-scheme":
		c.LogURLScheme = b
	case "body-md5":
		c.BodyMD5 = b
	default:
		return fmt.Errorf("smtp mime setting %q is not supported", key)
	}
	return nil
}

// setDetectionPorts applies a detection-ports setting: its ports become
// the ones protocol detection hints and requires for proto, on every
// transport proto is detected on (the sp and dp settings add up).
func setDetectionPorts(c *all.Config, proto, k, v string) error {
	var p applayer.Proto
	found := false
	for _, e := range applayer.DefaultEntries() {
		if e.Proto.String() == proto {
			p, found = e.Proto, true
		}
	}
	if !found {
		return fmt.Errorf("%s=%s: %s has no protocol detection", k, v, proto)
	}
	var ports []uint16
	for _, f := range strings.Split(strings.Trim(v, "[] "), ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 16)
		if err != nil {
			return fmt.Errorf("%s=%s: bad port %q (port ranges and names are not supported)", k, v, f)
		}
		ports = append(ports, uint16(n))
	}
	if c.DetectionPorts == nil {
		c.DetectionPorts = map[applayer.Proto][]uint16{}
	}
	c.DetectionPorts[p] = append(c.DetectionPorts[p], ports...)
	return nil
}

// applySettings checks every --set key against replaySettings and applies
// those that configure the engine (config-level keys were applied to cfg).
func applySettings(ec *engine.Config, sets []string) error {
	for _, kv := range sets {
		k, v, err := config.ParseOverride(kv)
		if err != nil {
			return err
		}
		var s *setting
		for i := range replaySettings {
			p := replaySettings[i].prefix
			if k == p || strings.HasSuffix(p, ".") && strings.HasPrefix(k, p) {
				s = &replaySettings[i]
				break
			}
		}
		if s == nil {
			return fmt.Errorf("--set %s: unknown or unsupported setting", k)
		}
		if s.apply != nil {
			if err := s.apply(ec, k, v); err != nil {
				return fmt.Errorf("--set %s: %w", k, err)
			}
		}
	}
	return nil
}

func yesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("want yes or no, got %q", v)
}

// parseSize parses Suricata sizes: a number with an optional kb, mb or gb
// suffix (binary multiples).
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}

// printRuleProfile prints the top n rules by estimated time.
func printRuleProfile(w io.Writer, rs []engine.RuleStat, n int) {
	var total uint64
	for _, r := range rs {
		total += r.Ticks
	}
	fmt.Fprintf(w, "rule profile (time sampled 1 in 32; %d rules checked):\n", len(rs))
	fmt.Fprintf(w, "%4s %12s %6s %10s %8s  %s\n", "rank", "sid", "time%", "checks", "matches", "msg")
	for i, r := range rs {
		if i == n {
			break
		}
		pct := 0.0
		if total > 0 {
			pct = 100 * float64(r.Ticks) / float64(total)
		}
		msg := r.Sig.Rule.Msg
		if len(msg) > 60 {
			msg = msg[:60]
		}
		fmt.Fprintf(w, "%4d %12s %5.1f%% %10d %8d  %s\n", i+1, fmt.Sprintf("%d:%d", r.Sig.Rule.Gid, r.Sig.Rule.Sid), pct, r.Checks, r.Matches, msg)
	}
}

// printCandidates says how many rules detection tested per evaluation:
// what the prefilter and the rule grouping leave.
func printCandidates(w io.Writer, st detect.ThreadStats) {
	per := func(n, d uint64) float64 { return float64(n) / float64(max(d, 1)) }
	fmt.Fprintf(w, "candidates: %.1f per packet evaluation (%d evaluations), %.1f per transaction evaluation (%d)\n",
		per(st.PacketCands, st.PacketCalls), st.PacketCalls, per(st.TxCands, st.TxCalls), st.TxCalls)
}

// applyLibhtp applies the libhtp default-config keys Vigil's HTTP parser
// has an equivalent for.
func applyLibhtp(c *http.Config, key, v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	if n == 0 || n > 1<<30 {
		// libhtp reads 0 as "no limit"; Vigil always bounds memory.
		return fmt.Errorf("%s %q out of range (1 to 1gb)", key, v)
	}
	switch key {
	case "request-body-limit":
		c.RequestBodyLimit = int(n)
	case "response-body-limit":
		c.ResponseBodyLimit = int(n)
	case "response-body-decompress-layer-limit":
		c.DecompressLayers = int(n)
	default:
		return fmt.Errorf("libhtp setting %q is not supported", key)
	}
	return nil
}

// writeEngineAnalysis writes eng's per-rule analysis (detect.Engine.
// WriteAnalysis) to path.
func writeEngineAnalysis(path string, eng *detect.Engine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := eng.WriteAnalysis(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
