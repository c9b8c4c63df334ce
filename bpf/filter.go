//go:build linux

package bpf

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// ErrNotSupported is wrapped by Load when the kernel refuses to load the
// filter for reasons of kernel version, privileges or locked-memory limits,
// as opposed to a bug in the program.
var ErrNotSupported = errors.New("ebpf socket filter not supported")

// Config flags; keep in sync with CFG_* in filter.c.
const cfgIncludeOnly = 1

// Counter indexes; keep in sync with CNT_* in filter.c.
const (
	cntPassed = iota
	cntExcluded
	cntBypassed
	cntResampled
	cntMax
)

// Options configures Load. The zero value uses the sizes compiled into
// filter.c.
type Options struct {
	// MaxBypassFlows caps the LRU map of bypassed flows (default 262144).
	// When it is full the kernel evicts the least recently used flow, which
	// then returns to user space: eviction is never silent loss.
	MaxBypassFlows uint32
	// MaxPrefixes caps each of the IPv4 and IPv6 prefix tries (default 65536).
	MaxPrefixes uint32
	// MaxPorts caps the port set (default 4096).
	MaxPorts uint32
}

// Filter is a loaded socket filter program and its maps. Its methods are safe
// for concurrent use; they are control-plane operations (one system call or a
// few each) and are not meant to be called per packet.
type Filter struct {
	objs filterObjects
	mu   sync.Mutex // guards cfg
	cfg  filterConfig
}

// Load loads the socket filter into the kernel. It needs CAP_BPF (or root).
// It does not raise RLIMIT_MEMLOCK: on kernels >= 5.11 BPF memory is charged
// to the memory cgroup. When the kernel refuses the program or its maps for
// want of a feature, a privilege or locked memory, the error wraps
// ErrNotSupported.
func Load(opts Options) (*Filter, error) {
	spec, err := loadFilter()
	if err != nil {
		return nil, fmt.Errorf("load socket filter spec: %w", err)
	}
	if opts.MaxBypassFlows > 0 {
		spec.Maps[filterMapBypass].MaxEntries = opts.MaxBypassFlows
	}
	if opts.MaxPrefixes > 0 {
		spec.Maps[filterMapCidrV4].MaxEntries = opts.MaxPrefixes
		spec.Maps[filterMapCidrV6].MaxEntries = opts.MaxPrefixes
	}
	if opts.MaxPorts > 0 {
		spec.Maps[filterMapPorts].MaxEntries = opts.MaxPorts
	}
	f := &Filter{}
	if err := spec.LoadAndAssign(&f.objs, nil); err != nil {
		return nil, classifyLoadError(err)
	}
	return f, nil
}

// classifyLoadError wraps err with ErrNotSupported when it says the kernel
// (not the program) is the problem.
func classifyLoadError(err error) error {
	switch {
	case errors.Is(err, ebpf.ErrNotSupported), errors.Is(err, unix.ENOSYS):
		return fmt.Errorf("load socket filter: %w: kernel lacks a needed eBPF feature (need Linux >= 5.11): %w", ErrNotSupported, err)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES) && !isVerifierError(err):
		return fmt.Errorf("load socket filter: %w: permission denied (need root or CAP_BPF; on kernels < 5.11 also a higher RLIMIT_MEMLOCK, which Vigil does not raise): %w", ErrNotSupported, err)
	default:
		return fmt.Errorf("load socket filter: %w", err)
	}
}

func isVerifierError(err error) bool {
	var ve *ebpf.VerifierError
	return errors.As(err, &ve)
}

// FD returns the program's file descriptor, to attach with SO_ATTACH_BPF to
// each capture socket (afpacket.Ring.AttachFilter). The descriptor stays owned
// by the Filter and is valid until Close; sockets keep their own reference,
// so closing the Filter does not detach it.
func (f *Filter) FD() int { return f.objs.VigilFilter.FD() }

// Close releases the program and maps. Sockets the program is attached to
// keep filtering with the last map contents.
func (f *Filter) Close() error {
	if err := f.objs.Close(); err != nil {
		return fmt.Errorf("close socket filter: %w", err)
	}
	return nil
}

// AddExclude adds a CIDR to the address set. In the default (exclude) mode,
// packets whose source or destination address falls in it are dropped in the
// kernel; in include-only mode only such packets pass. IPv4-mapped IPv6
// prefixes (::ffff:a.b.c.d/n, n >= 96) are stored as IPv4.
func (f *Filter) AddExclude(p netip.Prefix) error {
	return f.prefixOp(p, true)
}

// RemoveExclude removes a CIDR added by AddExclude. Removing an absent prefix
// is not an error.
func (f *Filter) RemoveExclude(p netip.Prefix) error {
	return f.prefixOp(p, false)
}

func (f *Filter) prefixOp(p netip.Prefix, add bool) error {
	if !p.IsValid() {
		return fmt.Errorf("exclude prefix %v: invalid prefix", p)
	}
	p = p.Masked()
	addr, bits := p.Addr(), p.Bits()
	if addr.Is4In6() && bits >= 96 {
		addr, bits = addr.Unmap(), bits-96
	}
	var (
		m   *ebpf.Map
		key any
	)
	if addr.Is4() {
		m = f.objs.CidrV4
		key = &filterLpmV4Key{Prefixlen: uint32(bits), Addr: addr.As4()}
	} else {
		m = f.objs.CidrV6
		key = &filterLpmV6Key{Prefixlen: uint32(bits), Addr: addr.As16()}
	}
	if add {
		one := uint8(1)
		if err := m.Update(key, &one, ebpf.UpdateAny); err != nil {
			return fmt.Errorf("add exclude prefix %v: %w", p, err)
		}
		return nil
	}
	if err := m.Delete(key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("remove exclude prefix %v: %w", p, err)
	}
	return nil
}

// AddExcludePort adds a TCP/UDP port (source or destination) to the port set,
// with the same exclude/include-only meaning as AddExclude.
func (f *Filter) AddExcludePort(port uint16) error {
	if port == 0 {
		return errors.New("add exclude port: port 0 is not allowed")
	}
	one := uint8(1)
	if err := f.objs.Ports.Update(&port, &one, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("add exclude port %d: %w", port, err)
	}
	return nil
}

// SetIncludeOnly switches the address and port sets between exclude mode
// (false, the default: matching traffic is dropped) and include-only mode
// (true: only matching traffic passes; non-IP traffic such as ARP always
// passes).
func (f *Filter) SetIncludeOnly(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg := f.cfg
	if on {
		cfg.Flags |= cfgIncludeOnly
	} else {
		cfg.Flags &^= cfgIncludeOnly
	}
	return f.writeConfig(cfg)
}

// SetResample makes the kernel pass one in every n packets of each bypassed
// flow back to user space, so that a bypassed flow is never fully invisible.
// n == 0 (the default) disables re-sampling; n == 1 passes every packet,
// which in effect disables bypass.
func (f *Filter) SetResample(n uint32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg := f.cfg
	cfg.Resample = n
	return f.writeConfig(cfg)
}

func (f *Filter) writeConfig(cfg filterConfig) error {
	zero := uint32(0)
	if err := f.objs.ConfigMap.Update(&zero, &cfg, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("write socket filter config: %w", err)
	}
	f.cfg = cfg
	return nil
}

// FlowKey names a flow for Bypass. Direction does not matter: the key is
// normalized so that both directions of the flow are bypassed. Addresses of
// the two ends must be of the same family; IPv4-mapped IPv6 addresses are
// treated as IPv4. Ports are ignored (stored as 0) for protocols other than
// TCP and UDP, which matches what the kernel side extracts.
type FlowKey struct {
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8
}

// key converts k to the kernel's normalized layout.
func (k FlowKey) key() (filterFlowKey, error) {
	var out filterFlowKey
	src, dst := k.Src.Unmap(), k.Dst.Unmap()
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return out, fmt.Errorf("flow key %v -> %v: addresses must be valid and of one family", k.Src, k.Dst)
	}
	sp, dp := k.SrcPort, k.DstPort
	if k.Proto != unix.IPPROTO_TCP && k.Proto != unix.IPPROTO_UDP {
		sp, dp = 0, 0
	}
	var a, b [16]byte
	if src.Is4() {
		s4, d4 := src.As4(), dst.As4()
		copy(a[:], s4[:])
		copy(b[:], d4[:])
		out.Family = 4
	} else {
		a, b = src.As16(), dst.As16()
		out.Family = 6
	}
	// Same order as key_swap_needed in filter.c: bytes, then port.
	swap := false
	if c := compareBytes(a[:], b[:]); c > 0 || (c == 0 && sp > dp) {
		swap = true
	}
	if swap {
		a, b, sp, dp = b, a, dp, sp
	}
	out.AddrA, out.AddrB, out.PortA, out.PortB, out.Proto = a, b, sp, dp, k.Proto
	return out, nil
}

func compareBytes(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Bypass tells the kernel to drop the flow's packets (both directions)
// before they reach user space, for ttl (0 = until Unbypass or LRU eviction).
// Re-bypassing a flow resets its deadline and re-sampling count. An expired
// entry is removed by the kernel on the flow's next packet, which then passes.
func (f *Filter) Bypass(k FlowKey, ttl time.Duration) error {
	key, err := k.key()
	if err != nil {
		return fmt.Errorf("bypass: %w", err)
	}
	var val filterFlowVal
	if ttl > 0 {
		var ts unix.Timespec
		// bpf_ktime_get_ns() reads CLOCK_MONOTONIC.
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
			return fmt.Errorf("bypass: read monotonic clock: %w", err)
		}
		val.ExpiresNs = uint64(ts.Nano()) + uint64(ttl)
	}
	if err := f.objs.Bypass.Update(&key, &val, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("bypass flow %v:%d -> %v:%d: %w", k.Src, k.SrcPort, k.Dst, k.DstPort, err)
	}
	return nil
}

// Unbypass returns a flow to user space. Unbypassing a flow that is not
// bypassed is not an error.
func (f *Filter) Unbypass(k FlowKey) error {
	key, err := k.key()
	if err != nil {
		return fmt.Errorf("unbypass: %w", err)
	}
	if err := f.objs.Bypass.Delete(&key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("unbypass flow %v:%d -> %v:%d: %w", k.Src, k.SrcPort, k.Dst, k.DstPort, err)
	}
	return nil
}

// Counter is a packet and byte count.
type Counter struct {
	Packets, Bytes uint64
}

// Counters are the filter's verdict counts summed over all CPUs, since Load.
// A re-sampled packet counts in both Resampled and Passed.
type Counters struct {
	Passed    Counter // reached the socket (including non-IP traffic)
	Excluded  Counter // dropped by the address/port sets
	Bypassed  Counter // dropped because their flow is bypassed
	Resampled Counter // of a bypassed flow, passed by 1-in-N re-sampling
}

// Counters reads the per-CPU counters and sums them. The counts are shared
// by every socket the program is attached to.
func (f *Filter) Counters() (Counters, error) {
	var c Counters
	dst := [cntMax]*Counter{&c.Passed, &c.Excluded, &c.Bypassed, &c.Resampled}
	var perCPU []filterCounter
	for i := uint32(0); i < cntMax; i++ {
		if err := f.objs.Counters.Lookup(&i, &perCPU); err != nil {
			return Counters{}, fmt.Errorf("read socket filter counter %d: %w", i, err)
		}
		for _, v := range perCPU {
			dst[i].Packets += v.Packets
			dst[i].Bytes += v.Bytes
		}
	}
	return c, nil
}
