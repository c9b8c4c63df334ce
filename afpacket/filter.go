//go:build linux

package afpacket

import (
	"errors"
	"fmt"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcap"
	"golang.org/x/sys/unix"
)

// ErrBadFilter is wrapped by the error for a filter expression libpcap
// cannot compile.
var ErrBadFilter = errors.New("bad BPF filter expression")

// CompileFilter compiles a tcpdump/pcap filter expression for Ethernet
// frames captured with snapLen into classic BPF. Compiling needs libpcap
// (Debian: libpcap-dev to build, libpcap0.8 to run) but no privileges.
func CompileFilter(expr string, snapLen int) ([]unix.SockFilter, error) {
	insns, err := pcap.CompileBPFFilter(layers.LinkTypeEthernet, snapLen, expr)
	if err != nil {
		return nil, fmt.Errorf("compile filter %q: %w: %w", expr, ErrBadFilter, err)
	}
	if len(insns) == 0 || len(insns) > 0xffff {
		return nil, fmt.Errorf("compile filter %q: %w: %d instructions", expr, ErrBadFilter, len(insns))
	}
	out := make([]unix.SockFilter, len(insns))
	for i, in := range insns {
		out[i] = unix.SockFilter{Code: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return out, nil
}

func attachClassic(fd int, prog []unix.SockFilter) error {
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return fmt.Errorf("attach classic BPF filter: %w", err)
	}
	return nil
}
