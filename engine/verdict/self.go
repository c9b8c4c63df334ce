package verdict

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/netip"
	"os"
	"strings"
)

// SelfPrefixes returns the sensor's own addresses and its default
// gateways (from /proc/net/route and /proc/net/ipv6_route), which the
// allowlist always holds: blocking them would cut the sensor off.
func SelfPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				ip = ip.Unmap()
				out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
			}
		}
	}
	return append(out, defaultGateways()...), nil
}

// defaultGateways reads the gateways of default routes; missing files
// give none (not Linux, or no IPv6).
func defaultGateways() []netip.Prefix {
	var out []netip.Prefix
	if f, err := os.Open("/proc/net/route"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) < 3 || fs[1] != "00000000" {
				continue
			}
			b, err := hex.DecodeString(fs[2])
			if err != nil || len(b) != 4 {
				continue
			}
			var a [4]byte
			binary.LittleEndian.PutUint32(a[:], binary.BigEndian.Uint32(b))
			if gw := netip.AddrFrom4(a); !gw.IsUnspecified() {
				out = append(out, netip.PrefixFrom(gw, 32))
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/net/ipv6_route"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			// dest, dest len, src, src len, next hop, ...
			if len(fs) < 5 || fs[1] != "00" || strings.Trim(fs[0], "0") != "" {
				continue
			}
			b, err := hex.DecodeString(fs[4])
			if err != nil || len(b) != 16 {
				continue
			}
			if gw := netip.AddrFrom16([16]byte(b)); !gw.IsUnspecified() {
				out = append(out, netip.PrefixFrom(gw, 128))
			}
		}
		f.Close()
	}
	return out
}
