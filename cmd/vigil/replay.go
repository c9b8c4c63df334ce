package main

import (
	"flag"
	"fmt"
	"io"
)

// replayFlags are the flags of `vigil replay`. They are fixed here so that the
// detection work only fills in behaviour.
type replayFlags struct {
	commonFlags
	reads         multiFlag
	deterministic bool
	simulateIPS   bool
	runmode       string
	cpuProfile    string
	memProfile    string
	ruleProfile   bool
}

func (f *replayFlags) register(fsName string, stderr io.Writer) (*flag.FlagSet, *replayFlags) {
	fs := newFlagSet(fsName, "vigil replay -r FILE... -S RULES -l LOGDIR [-c CONFIG] [-k all|none] [--set key=value]...", stderr)
	f.commonFlags.register(fs)
	fs.Var(&f.reads, "r", "pcap or pcapng file, or a directory of them (repeatable; read in order)")
	fs.BoolVar(&f.deterministic, "deterministic", false, "order EVE records by packet time: byte-identical output for any worker count")
	fs.BoolVar(&f.simulateIPS, "simulate-ips", false, "treat drop/reject rules as an inline IPS would (as Suricata's --simulate-ips)")
	fs.StringVar(&f.runmode, "runmode", "", "Suricata run mode: single (1 worker), autofp or workers (--workers)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a pprof CPU profile to FILE")
	fs.StringVar(&f.memProfile, "memprofile", "", "write a pprof heap profile to FILE at exit")
	fs.BoolVar(&f.ruleProfile, "rule-profile", false, "print the top rules by time spent (sampled)")
	return fs, f
}

func cmdReplay(args []string, stdout, stderr io.Writer) int {
	var f replayFlags
	fs, _ := f.register("replay", stderr)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if len(f.reads) == 0 {
		fmt.Fprintln(stderr, "vigil replay: no input: give at least one -r FILE")
		return 2
	}
	fmt.Fprintln(stderr, "vigil replay: the packet pipeline is not built yet (issue 3)")
	return 3
}
