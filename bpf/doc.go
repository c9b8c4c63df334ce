// Package bpf holds Vigil's eBPF socket filter (the kernel-side fast path of
// live capture) and its loader.
//
// filter.c is compiled by bpf2go into filter_bpfel.{go,o}, which are
// committed, so building Vigil needs no clang; `go generate ./bpf` rebuilds
// them (needs clang and libbpf-dev). Load puts the program and its maps into
// the kernel; the engine attaches Filter.FD to every capture ring
// (SO_ATTACH_BPF) and then drives the filter through its maps:
//
//   - an address set (IPv4 and IPv6 LPM tries) and a port set: in exclude
//     mode (default) matching packets are dropped before they are copied to
//     user space; in include-only mode (SetIncludeOnly) only they pass;
//   - flow bypass (Bypass/Unbypass): an LRU hash of normalized flow keys with
//     an optional deadline; a bypassed flow's packets are dropped in the
//     kernel, except 1 in N when re-sampling is on (SetResample);
//   - per-CPU verdict counters, summed by Counters.
//
// The filter never decides on its own: what is not in a map passes.
//
// It consumes nothing on the packet path and produces counters; no buffer
// crosses the package boundary. A Filter is safe for concurrent use; its
// methods are control-plane calls (one or a few bpf(2) system calls each).
//
// Loading needs CAP_BPF (or root) and Linux >= 5.11 (memory-cgroup accounting
// of BPF memory; RLIMIT_MEMLOCK is deliberately not raised). Failures of that
// kind wrap ErrNotSupported.
package bpf
