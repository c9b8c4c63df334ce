package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"os/user"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vigil/afpacket"
	"vigil/detect"
	"vigil/engine"
	"vigil/engine/decode"
	"vigil/engine/verdict"
	"vigil/output/metrics"
)

// runFlags are the flags of `vigil run` (live capture).
type runFlags struct {
	commonFlags
	ifaces     multiFlag
	bpfFilter  string
	user       string
	fanout     string
	metrics    string
	promisc    bool
	cpuProfile string
	control    string
	signals    <-chan os.Signal // SIGHUP and SIGUSR2, when cmdRun catches them
}

func (f *runFlags) register(stderr io.Writer) *flag.FlagSet {
	fs := newFlagSet("run", "vigil run -i IFACE... -S RULES -l LOGDIR [-c CONFIG] [-f FILTER] [--user NAME] [--set key=value]...", stderr)
	f.commonFlags.register(fs)
	fs.Var(&f.ifaces, "i", "interface to capture on with AF_PACKET (repeatable)")
	fs.StringVar(&f.bpfFilter, "f", "", "capture filter in tcpdump syntax (replaces the eBPF filter: no exclusion or bypass)")
	fs.StringVar(&f.user, "user", "", "drop root to this user after opening rings and loading programs")
	fs.StringVar(&f.fanout, "fanout", "hash", "fanout mode: hash (with defrag), lb, cpu or qm")
	fs.StringVar(&f.metrics, "metrics", "", "serve Prometheus metrics at http://ADDR/metrics (a bare port, 9100 or :9100, means 127.0.0.1:9100; give 0.0.0.0:9100 or [::]:9100 to expose it; config key vigil.metrics.listen)")
	fs.BoolVar(&f.promisc, "promisc", true, "put interfaces in promiscuous mode")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the capture to FILE")
	fs.StringVar(&f.control, "control", "", "serve the control socket (vigil verdicts ..., vigil rules reload) at this unix socket PATH")
	return fs
}

// cmdRun is `vigil run`: live capture until SIGINT or SIGTERM, then drain
// the workers, flush EVE, print the final statistics and exit 0.
//
// Privileges: opening rings needs CAP_NET_RAW (CAP_NET_ADMIN for
// promiscuous mode) and loading the eBPF filter CAP_BPF. With --user, Vigil
// drops to that user (and its primary group, no supplementary groups) once
// rings are open and the filter is loaded; every capability is then lost:
// it can no longer open rings or load programs (so interfaces cannot be
// added or rings reopened), nor change promiscuous mode. It keeps using the
// open rings and the filter's maps through their descriptors (exclusions,
// bypass and counters keep working: on Linux >= 6.5 map access by
// descriptor needs no capability).
func cmdRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fs := f.register(stderr)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigil run: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := f.validate(fs); err != nil {
		fmt.Fprintf(stderr, "vigil run: %v\n", err)
		return 2
	}
	if len(f.ifaces) == 0 && !f.ro.loadOnly && !f.dumpConfig {
		fmt.Fprintln(stderr, "vigil run: no interface: give at least one -i IFACE")
		return 2
	}
	checkSet := false
	fs.Visit(func(fl *flag.Flag) { checkSet = checkSet || fl.Name == "k" })
	if !checkSet {
		// Suricata's live default is "auto": with checksum offloading,
		// the copies of outgoing packets carry partial checksums.
		f.check = "auto"
	}
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "vigil run: %v\n", err)
			return 2
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(stderr, "vigil run: cpu profile: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// SIGHUP and SIGUSR2 would end the process by default: catch them
	// before anything else (a logrotate postrotate may come early).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	f.signals = sigs
	return run(ctx, &f, stdout, stderr)
}

// handleSignals serves SIGHUP and SIGUSR2 until ctx ends: SIGHUP reopens
// the output files (logrotate), SIGUSR2 reloads the rules (the result is
// logged; a failed or refused reload keeps the running rules). live is the
// running capture, nil until its outputs are open.
func handleSignals(ctx context.Context, sigs <-chan os.Signal, live *atomic.Pointer[engine.LiveRun], log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-sigs:
			switch sig {
			case syscall.SIGHUP:
				if r := live.Load(); r != nil {
					r.ReopenOutputs()
					log.Info("SIGHUP: reopening output files", "component", "cmd")
				} else {
					log.Info("SIGHUP: output files are not open yet, nothing to reopen", "component", "cmd")
				}
			case syscall.SIGUSR2:
				if r := live.Load(); r != nil {
					log.Info("SIGUSR2: reloading rules", "component", "cmd")
					go logReload(r.RequestReload(), log, "SIGUSR2")
				} else {
					log.Warn("SIGUSR2: the capture is not running yet; rules are unchanged", "component", "cmd")
				}
			}
		}
	}
}

func run(ctx context.Context, f *runFlags, stdout, stderr io.Writer) int {
	fail := func(rc int, format string, a ...any) int {
		fmt.Fprintf(stderr, "vigil run: "+format+"\n", a...)
		return rc
	}
	cfg, err := loadConfig(f.config, f.sets, stderr)
	if err != nil {
		return fail(2, "%v", err)
	}
	ec := engine.Config{Workers: f.workers, LogDir: f.logDir, EVE: engine.DefaultEVE()}
	switch f.check {
	case "all":
		ec.Decode.Checksum = decode.ChecksumAll
	case "none", "auto":
		ec.Decode.Checksum = decode.ChecksumNone
	default:
		return fail(2, "-k %q: want all, none or auto", f.check)
	}
	lo := engine.LiveOptions{Interfaces: f.ifaces, BPFFilter: f.bpfFilter, Promisc: f.promisc}
	if lo.Fanout, err = afpacket.ParseFanoutType(f.fanout); err != nil {
		return fail(2, "--fanout: %v", err)
	}
	if err := applyRunSettings(&ec, &lo, outputSets(cfg, f.sets)); err != nil {
		return fail(2, "%v", err)
	}
	if err := applyOutputs(&ec, cfg, stderr); err != nil {
		return fail(2, "%v", err)
	}
	if cfg.ThresholdFile != "" {
		tc, err := detect.LoadThresholdConfig(cfg.ThresholdFile)
		if err != nil {
			return fail(2, "%v", err)
		}
		ec.Thresholds = tc
	}
	var drop *user.User
	if f.user != "" {
		if drop, err = user.Lookup(f.user); err != nil {
			return fail(2, "--user: %v", err)
		}
	}
	if f.dumpConfig {
		if err := cfg.Dump(stdout); err != nil {
			return fail(2, "%v", err)
		}
		return 0
	}
	lr, rc := loadRules("run", cfg, f.rules, f.ro, stderr)
	if rc >= 0 {
		return rc
	}
	// After the loader, which reports bad rule variables first.
	if err := applyScoring(&ec, cfg); err != nil {
		return fail(2, "%v", err)
	}
	var reloadOpts reloadOptions
	src := reloadSource{config: f.config, sets: f.sets, given: f.rules, ro: f.ro}
	if lr.engine != nil {
		defer lr.engine.Close()
		ec.Rules, ec.References = lr.engine, lr.refs
		scorePoints(&ec, lr.engine, stderr)
		if reloadOpts, err = setupReload(&ec, cfg, lr, src); err != nil {
			return fail(2, "%v", err)
		}
		if reloadOpts.atPacket != 0 {
			return fail(2, "vigil.reload.at-packet is a replay hook")
		}
	}
	if f.ro.loadOnly {
		return 0
	}
	removePid, err := writePidfile(f.pidfile)
	if err != nil {
		return fail(2, "%v", err)
	}
	defer removePid()

	level := slog.LevelInfo
	if f.ro.verbose >= 2 {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	lo.Log = log
	vst, stopVerdicts, err := setupVerdicts(cfg, f.control, log)
	if err != nil {
		return fail(2, "%v", err)
	}
	defer stopVerdicts()
	ec.Verdicts = vst
	var live atomic.Pointer[engine.LiveRun]
	if f.signals != nil {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go handleSignals(sctx, f.signals, &live, log)
	}
	if f.control != "" {
		ln, err := verdict.ListenControl(f.control)
		if err != nil {
			return fail(2, "--control: %v", err)
		}
		defer func() { ln.Close(); os.Remove(f.control) }()
		mux := &controlMux{verdicts: vst, live: &live}
		go mux.serve(ln)
	}
	if reloadOpts.watch {
		stopWatch := make(chan struct{})
		defer close(stopWatch)
		reload := func() <-chan engine.ReloadResult {
			if r := live.Load(); r != nil {
				return r.RequestReload()
			}
			ch := make(chan engine.ReloadResult, 1)
			ch <- engine.ReloadResult{Result: engine.ReloadFailed, Reason: "the capture is not running yet"}
			return ch
		}
		watchErr := make(chan error, 1)
		go func() { watchErr <- watchRules(stopWatch, cfg, src, reloadOpts.debounce, reload, log) }()
		select {
		case err := <-watchErr:
			if err != nil {
				return fail(2, "vigil.reload.watch: %v", err)
			}
		case <-time.After(100 * time.Millisecond): // watching
		}
	}
	var coll *metrics.Collector
	maddr := f.metrics
	if v, ok := cfg.Lookup("vigil.metrics.listen"); ok && maddr == "" {
		maddr = v
	}
	if maddr != "" {
		coll = metrics.NewCollector()
		if vst != nil {
			coll.Add(metrics.Counters(vst))
		}
		reg := metrics.NewRegistry(coll, version, commit)
		ln, err := net.Listen("tcp", metrics.ListenAddr(maddr))
		if err != nil {
			return fail(2, "--metrics %s: %v", maddr, err)
		}
		srv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		log.Info("serving metrics", "component", "cmd", "addr", ln.Addr().String())
	}
	lo.Ready = func(r *engine.LiveRun) error {
		live.Store(r)
		if coll != nil {
			coll.Add(r)
		}
		if drop != nil {
			if err := dropPrivileges(drop); err != nil {
				return fmt.Errorf("--user %s: %w", f.user, err)
			}
			log.Info("dropped privileges", "component", "cmd", "user", drop.Username, "uid", drop.Uid, "gid", drop.Gid)
		}
		return nil
	}
	sum, err := engine.Live(ctx, ec, lo)
	if sum != nil {
		printLiveSummary(stderr, sum, ec.LogDir)
	}
	if vst != nil {
		var parts []string
		vst.Counters(func(n string, v uint64) { parts = append(parts, fmt.Sprintf("%s=%d", n, v)) })
		fmt.Fprintf(stderr, "verdicts (%s): %s\n", vst.Policy().Mode(), strings.Join(parts, " "))
	}
	if err != nil {
		return fail(1, "%v%s", err, privilegeHint(err))
	}
	return 0
}

// privilegeHint says what a capture that failed with EPERM or EACCES
// lacks: AF_PACKET rings need CAP_NET_RAW, promiscuous mode and fanout
// CAP_NET_ADMIN, the eBPF filter CAP_BPF.
func privilegeHint(err error) string {
	if !errors.Is(err, os.ErrPermission) {
		return ""
	}
	return " (live capture needs root, or CAP_NET_RAW and CAP_NET_ADMIN, plus CAP_BPF for the eBPF filter)"
}

// dropPrivileges switches every thread to u's uid and primary gid, with no
// supplementary groups. Go's syscall.Setuid and friends apply to all
// threads on Linux; afterwards no capability is left.
func dropPrivileges(u *user.User) error {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("gid %q: %w", u.Gid, err)
	}
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("setgid %d: %w", gid, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("setuid %d: %w", uid, err)
	}
	if uid != 0 && syscall.Setuid(0) == nil {
		return errors.New("privileges could be regained after setuid")
	}
	return nil
}

func printLiveSummary(w io.Writer, sum *engine.Summary, logDir string) {
	secs := sum.Elapsed.Seconds()
	fmt.Fprintf(w, "captured %d packets (%.1f MB) in %.1fs (%.0f Mbit/s) with %d workers: %d flows, %d alerts\n",
		sum.Packets, float64(sum.Bytes)/1e6, secs, float64(sum.Bytes)*8/1e6/max(secs, 1e-9), sum.Workers, sum.Flows, sum.Alerts)
	var parts []string
	for _, c := range sum.Stats {
		if strings.HasPrefix(c.Name, "capture.") || strings.HasPrefix(c.Name, "flow_bypassed.") ||
			strings.HasPrefix(c.Name, "vigil.") {
			parts = append(parts, fmt.Sprintf("%s=%d", c.Name, c.Value))
		}
	}
	fmt.Fprintf(w, "stats: %s\n", strings.Join(parts, " "))
	if sum.Dropped > 0 {
		fmt.Fprintf(w, "warning: %d EVE records dropped by the output stage\n", sum.Dropped)
	}
	fmt.Fprintf(w, "eve.json: %s/eve.json (%d records written)\n", logDir, sum.Written)
}

// runSetting is one --set key only live capture understands. Keys not
// here go through replaySettings.
type runSetting struct {
	prefix string
	apply  func(lo *engine.LiveOptions, key, value string) error
}

var runSettings = []runSetting{
	// stream.bypass: bypass a TCP flow once reassembly depth is reached in
	// both directions (Suricata's key).
	{"stream.bypass", func(lo *engine.LiveOptions, _, v string) error {
		b, err := yesNo(v)
		lo.Bypass = b
		return err
	}},
	{"app-layer.protocols.tls.encryption-handling", func(lo *engine.LiveOptions, _, v string) error {
		switch v {
		case "bypass":
			lo.BypassEncrypted = true
		case "default", "full", "track-only":
			lo.BypassEncrypted = false
		default:
			return fmt.Errorf("want default, bypass or full, got %q", v)
		}
		return nil
	}},
	// vigil.capture.exclude: CIDRs dropped in the kernel (comma-separated;
	// the key may be given several times).
	{"vigil.capture.exclude", func(lo *engine.LiveOptions, _, v string) error {
		ps, err := parsePrefixes(v)
		lo.Excludes = append(lo.Excludes, ps...)
		return err
	}},
	{"vigil.capture.exclude-ports", func(lo *engine.LiveOptions, _, v string) error {
		ps, err := parsePorts(v)
		lo.ExcludePorts = append(lo.ExcludePorts, ps...)
		return err
	}},
	// vigil.capture.include-only: only these CIDRs are captured.
	{"vigil.capture.include-only", func(lo *engine.LiveOptions, _, v string) error {
		ps, err := parsePrefixes(v)
		lo.Excludes = append(lo.Excludes, ps...)
		lo.IncludeOnly = true
		return err
	}},
	{"vigil.capture.include-only-ports", func(lo *engine.LiveOptions, _, v string) error {
		ps, err := parsePorts(v)
		lo.ExcludePorts = append(lo.ExcludePorts, ps...)
		lo.IncludeOnly = true
		return err
	}},
	{"vigil.capture.bypass-ttl", func(lo *engine.LiveOptions, _, v string) error {
		d, err := time.ParseDuration(v)
		if err == nil && d <= 0 {
			err = errors.New("want a positive duration")
		}
		lo.BypassTTL = d
		return err
	}},
	{"vigil.capture.resample", func(lo *engine.LiveOptions, _, v string) error {
		n, err := strconv.ParseUint(v, 10, 32)
		lo.Resample = uint32(n)
		return err
	}},
	{"vigil.capture.ebpf", func(lo *engine.LiveOptions, _, v string) error {
		b, err := yesNo(v)
		lo.NoEBPF = !b
		return err
	}},
}

// applyRunSettings applies the live-only --set keys to lo and the rest
// through the replay table to ec.
func applyRunSettings(ec *engine.Config, lo *engine.LiveOptions, sets []string) error {
	var rest []string
	excl, incl := false, false
	for _, kv := range sets {
		k, v, _ := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.HasPrefix(k, verdict.Prefix) {
			// Read from the config tree by setupVerdicts; checked here so
			// that a typo is an error naming the key.
			if err := verdict.CheckKey(k); err != nil {
				return fmt.Errorf("--set %w", err)
			}
			continue
		}
		found := false
		for _, s := range runSettings {
			if k == s.prefix {
				if err := s.apply(lo, k, v); err != nil {
					return fmt.Errorf("--set %s: %w", k, err)
				}
				found = true
				excl = excl || strings.HasPrefix(k, "vigil.capture.exclude")
				incl = incl || strings.HasPrefix(k, "vigil.capture.include-only")
				break
			}
		}
		if !found {
			rest = append(rest, kv)
		}
	}
	if excl && incl {
		return errors.New("--set vigil.capture.exclude* and vigil.capture.include-only* cannot be combined (one address set)")
	}
	return applySettings(ec, rest)
}

func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("bad CIDR %q", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 {
		return nil, errors.New("no CIDR given")
	}
	return out, nil
}

func parsePorts(v string) ([]uint16, error) {
	var out []uint16
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("bad port %q", s)
		}
		out = append(out, uint16(n))
	}
	if len(out) == 0 {
		return nil, errors.New("no port given")
	}
	return out, nil
}
