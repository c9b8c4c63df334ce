package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are stamped by the Makefile with -ldflags -X.
var (
	version = "0.1.0-dev"
	commit  = "unknown"
)

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "vigil version", stderr)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	fmt.Fprintf(stdout, "vigil %s (commit %s, %s, %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/flier/gohs", "github.com/google/gopacket", "github.com/cilium/ebpf",
				"github.com/alecthomas/participle/v2", "github.com/prometheus/client_golang":
				fmt.Fprintf(stdout, "  %s %s\n", d.Path, d.Version)
			}
		}
	}
	return 0
}
