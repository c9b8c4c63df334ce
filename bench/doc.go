// Package bench holds Vigil's end-to-end benchmarks: pcap in, alerts out,
// measured beside Suricata on the same captures and rules. The large inputs
// are built outside the repository from ../shared/pcaps/bench; benchmarks
// skip with a message when they are absent.
package bench
