package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"vigil/afpacket"
	"vigil/detect/mpm"
	"vigil/detect/pcre"
	"vigil/engine/applayer/all"
)

// version and commit are stamped by the Makefile with -ldflags -X.
var (
	version = "0.1.0-dev"
	commit  = "unknown"
)

// cmdVersion is `vigil version` (also `vigil -V` and `vigil --version`):
// the version line, then the C libraries as linked at run time (asked from
// each library), then the Go modules.
func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "vigil version", stderr)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	fmt.Fprintf(stdout, "vigil %s (commit %s, %s, %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	writeLibraries(stdout)
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

// writeLibraries prints the linked C libraries' versions.
func writeLibraries(w io.Writer) {
	fmt.Fprintf(w, "  hyperscan %s\n", mpm.HyperscanVersion())
	fmt.Fprintf(w, "  pcre2 %s\n", pcre.Version())
	fmt.Fprintf(w, "  libpcap %s\n", strings.TrimPrefix(afpacket.LibpcapVersion(), "libpcap version "))
}

// cmdBuildInfo is `vigil --build-info`, like Suricata's: version, Go
// toolchain and target, linked libraries and the capture features.
func cmdBuildInfo(stdout io.Writer) int {
	fmt.Fprintf(stdout, "This is Vigil version %s (commit %s)\n", version, commit)
	fmt.Fprintf(stdout, "Go: %s, %s/%s, cgo\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(stdout, "Libraries (linked, versions asked at run time):")
	writeLibraries(stdout)
	fmt.Fprintln(stdout, "Capture: AF_PACKET (TPACKET_V3, fanout), eBPF socket filter and flow bypass; pcap and pcapng replay")
	fmt.Fprintln(stdout, "Prefilter: Hyperscan; regular expressions: PCRE2")
	return 0
}

// cmdListAppLayerProtos is `vigil --list-app-layer-protos`: the protocols
// Vigil parses, by the names rules and EVE use.
func cmdListAppLayerProtos(stdout io.Writer) int {
	var names []string
	for _, p := range all.Protocols() {
		names = append(names, p.String())
	}
	slices.Sort(names)
	fmt.Fprintln(stdout, "=========Supported App Layer Protocols=========")
	for _, n := range names {
		fmt.Fprintln(stdout, n)
	}
	return 0
}
