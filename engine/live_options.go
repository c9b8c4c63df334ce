//go:build linux

package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"vigil/afpacket"
)

// LiveOptions configures Live.
type LiveOptions struct {
	// Interfaces to capture on (at least one).
	Interfaces []string
	// Fanout is the fanout mode (default hash: both directions of a flow
	// on one ring). Other modes break flow tracking; for experiments only.
	Fanout afpacket.FanoutType
	// NoDefrag turns off PACKET_FANOUT_FLAG_DEFRAG (on by default with
	// hash fanout).
	NoDefrag bool
	// Promisc puts the interfaces in promiscuous mode.
	Promisc bool
	// BPFFilter is a tcpdump-syntax capture filter (-f). A socket has one
	// filter, so it replaces the eBPF filter: excludes and bypass are then
	// unavailable.
	BPFFilter string
	// Excludes and ExcludePorts are dropped in the kernel (or, with
	// IncludeOnly, are the only traffic that passes).
	Excludes     []netip.Prefix
	ExcludePorts []uint16
	IncludeOnly  bool
	// Bypass bypasses a TCP flow in the kernel once stream reassembly
	// reached its depth in both directions (Suricata's stream.bypass).
	Bypass bool
	// BypassEncrypted bypasses a TLS flow once its handshake is over
	// (Suricata's app-layer.protocols.tls.encryption-handling: bypass).
	BypassEncrypted bool
	// BypassTTL is how long the kernel drops a bypassed flow's packets
	// (default: the bypassed-flow timeout, 100s).
	BypassTTL time.Duration
	// Resample passes 1 in N packets of bypassed flows to user space (0:
	// none).
	Resample uint32
	// NoEBPF does not load the eBPF filter at all.
	NoEBPF bool
	// BlockSize and NumBlocks size each ring (0: afpacket defaults, 32 MiB).
	BlockSize, NumBlocks int
	// StatsInterval is how often the kernel counters are read for metrics
	// (default 1s); they are always read at the end.
	StatsInterval time.Duration
	// Ready, when set, is called once the rings are open and the filter is
	// loaded, before capture starts: the place to drop privileges or
	// register metrics. An error stops the run.
	Ready func(*LiveRun) error
	// Tap, when set, sees every frame a worker reads, before processing,
	// from that worker's goroutine (tests write pcaps with it). frame is
	// valid only during the call.
	Tap func(worker int, frame []byte, tsNs int64, origLen uint32)
	// Log receives lifecycle messages and warnings (default slog.Default()).
	Log *slog.Logger
}

// defaultBypassTTL matches the flow table's bypassed-state timeout.
const defaultBypassTTL = 100 * time.Second

// check rejects options that contradict each other.
func (opts *LiveOptions) check() error {
	if len(opts.Interfaces) == 0 {
		return errors.New("live capture: no interface")
	}
	if opts.BPFFilter != "" {
		if _, err := afpacket.CompileFilter(opts.BPFFilter, afpacket.DefaultSnapLen); err != nil {
			return fmt.Errorf("capture filter: %w", err)
		}
		if len(opts.Excludes) > 0 || len(opts.ExcludePorts) > 0 || opts.IncludeOnly {
			return errors.New("capture filter: -f cannot be combined with excluded or include-only addresses and ports (a socket has one filter); express them in the -f expression")
		}
	}
	if opts.IncludeOnly && len(opts.Excludes) == 0 && len(opts.ExcludePorts) == 0 {
		return errors.New("include-only capture without any address or port")
	}
	return nil
}

// setDefaults fills in the defaults of unset durations.
func (opts *LiveOptions) setDefaults() {
	if opts.BypassTTL <= 0 {
		opts.BypassTTL = defaultBypassTTL
	}
	if opts.StatsInterval <= 0 {
		opts.StatsInterval = time.Second
	}
}
