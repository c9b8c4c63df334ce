//go:build linux

package afpacket

import "github.com/google/gopacket/pcap"

// LibpcapVersion returns the version string of the libpcap linked at run
// time (pcap_lib_version), which compiles -f capture filters.
func LibpcapVersion() string { return pcap.Version() }
