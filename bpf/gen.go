package bpf

// Regenerate the committed filter_bpf{el,eb}.{go,o} after editing filter.c (needs
// clang and libbpf-dev; building Vigil does not). Both include directories are
// listed so the same line works on amd64 and arm64 Debian hosts.
//go:generate go tool bpf2go -tags linux -target bpfel,bpfeb -output-stem filter -go-package bpf filter filter.c -- -O2 -g -Wall -Werror -I/usr/include/x86_64-linux-gnu -I/usr/include/aarch64-linux-gnu
