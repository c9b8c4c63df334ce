package main

import (
	"fmt"
	"io"
)

// runFlags are the flags of `vigil run` (live capture).
type runFlags struct {
	commonFlags
	ifaces    multiFlag
	bpfFilter string
	user      string
	fanout    string
	metrics   string
	promisc   bool
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fs := newFlagSet("run", "vigil run -i IFACE... -S RULES -l LOGDIR [-c CONFIG] [-f FILTER] [--user NAME] [--set key=value]...", stderr)
	f.commonFlags.register(fs)
	fs.Var(&f.ifaces, "i", "interface to capture on with AF_PACKET (repeatable)")
	fs.StringVar(&f.bpfFilter, "f", "", "capture filter in tcpdump syntax")
	fs.StringVar(&f.user, "user", "", "drop root to this user after opening rings and loading programs")
	fs.StringVar(&f.fanout, "fanout", "hash", "fanout mode: hash (with defrag), lb, cpu or qm")
	fs.StringVar(&f.metrics, "metrics", "", "serve Prometheus metrics on this address (e.g. 127.0.0.1:9100)")
	fs.BoolVar(&f.promisc, "promisc", true, "put interfaces in promiscuous mode")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if len(f.ifaces) == 0 {
		fmt.Fprintln(stderr, "vigil run: no interface: give at least one -i IFACE")
		return 2
	}
	fmt.Fprintln(stderr, "vigil run: live capture is not built yet (issue 5)")
	return 3
}
