package decode

import (
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"vigil/engine/packet"
)

// TestAgainstTshark decodes captures of every link type in ../shared and
// compares addresses, protocol, ports and VLAN ids with what tshark
// dissects for the same frames (defragmentation off). Frames tshark sees
// through tunnels Suricata does not decode (GTP, AYIYA) are skipped.
func TestAgainstTshark(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tshark once per capture; skipped in -short mode")
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	files := []string{
		"pcaps/malicious/apache-cve-2021-41773-path-traversal-rce.pcap", // ethernet
		"pcaps/malicious/log4shell-cve-2021-44228-user-agent.pcap",      // linux SLL
		"pcaps/malicious/dvwa-sqlinjection.pcapng",                      // pcapng
		"pcaps/bench/malcolm__Tunnels.pcap",                             // GRE, IP-in-IP, VXLAN, ...
		"pcaps/bench/ndpi__gnutella.pcap",                               // IPv6
		"pcaps/bench/malcolm__DNS.pcap",                                 // malformed UDP
		"pcaps/bench/malcolm__RADIUS.pcap",
		"verify/UriTestSig25/test.fpc.pcap",                        // null
		"verify/detect-bytejump-01/input.pcap",                     // raw (101)
		"verify/dcerpc-dcepayload-15/input.pcap",                   // raw IPv4 (228)
		"verify/issue-3341-tcphdr-01/urgent11_cve_2019_12260.pcap", // SLL, bad TCP options
		"verify/ipv6-hdr-keyword-02/input.pcap",                    // IPv6 extension headers
	}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			path := sharedPcap(t, rel)
			frames, _ := loadPcap(t, path)
			out, err := exec.Command("tshark", "-n", "-r", path,
				"-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
				"-T", "fields", "-E", "separator=|",
				"-e", "frame.number", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
				"-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
				"-e", "vlan.id", "-e", "_ws.malformed", "-e", "frame.protocols", "-c", "3000").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			if len(frames) > 3000 {
				frames = frames[:3000]
			}
			if len(lines) != len(frames) {
				t.Fatalf("tshark printed %d frames; read %d", len(lines), len(frames))
			}
			d := New(Options{})
			var p packet.Packet
			compared := 0
			for i, line := range lines {
				f := strings.Split(line, "|")
				d.Decode(&p, frames[i].link, frames[i].data)
				protos := f[11]
				if p.Invalid || strings.Contains(protos, "icmp") || strings.Contains(protos, "gtp") || strings.Contains(protos, "ayiya") || f[10] != "" || strings.Contains(protos, "_ws.malformed") {
					continue // embedded headers or malformed: tshark's fields are not comparable
				}
				var srcs, dsts []string
				for _, v := range []string{f[1], f[3]} {
					if v != "" {
						srcs = append(srcs, strings.Split(v, ",")...)
					}
				}
				for _, v := range []string{f[2], f[4]} {
					if v != "" {
						dsts = append(dsts, strings.Split(v, ",")...)
					}
				}
				if len(srcs) == 0 {
					if p.IPVersion != 0 {
						t.Errorf("frame %d: decoded IPv%d %v but tshark saw no IP (%s)", i+1, p.IPVersion, p.Src, protos)
					}
					continue
				}
				if p.IPVersion == 0 {
					t.Errorf("frame %d: no IP decoded; tshark: %v -> %v (%s)", i+1, srcs, dsts, protos)
					continue
				}
				compared++
				if !contains(srcs, p.Src) || !contains(dsts, p.Dst) {
					t.Errorf("frame %d: decoded %v -> %v; tshark %v -> %v (%s)", i+1, p.Src, p.Dst, srcs, dsts, protos)
				}
				if p.Tunnel != packet.TunnelNone && (!contains(srcs, p.OuterSrc) || !contains(dsts, p.OuterDst)) {
					t.Errorf("frame %d: outer %v -> %v; tshark %v -> %v", i+1, p.OuterSrc, p.OuterDst, srcs, dsts)
				}
				if p.IsFragment {
					continue
				}
				sp, dp := f[5], f[6]
				if p.Proto == packet.ProtoUDP {
					sp, dp = f[7], f[8]
				}
				if p.IsTCP() || p.IsUDP() {
					if last(sp) != strconv.Itoa(int(p.SrcPort)) || last(dp) != strconv.Itoa(int(p.DstPort)) {
						t.Errorf("frame %d: ports %d -> %d; tshark %s -> %s (%s)", i+1, p.SrcPort, p.DstPort, sp, dp, protos)
					}
				}
				if f[9] != "" {
					ids := strings.Split(f[9], ",")
					if int(p.VLANCount) < len(ids) && p.Tunnel == packet.TunnelNone {
						t.Errorf("frame %d: %d VLAN tags; tshark %v", i+1, p.VLANCount, ids)
					} else if len(ids) > 0 && strconv.Itoa(int(p.VLAN[0])) != ids[0] {
						t.Errorf("frame %d: VLAN %d; tshark %v", i+1, p.VLAN[0], ids)
					}
				}
			}
			if compared == 0 {
				t.Fatalf("no frame compared")
			}
			t.Logf("%d of %d frames compared", compared, len(frames))
		})
	}
}

func contains(list []string, a netip.Addr) bool {
	for _, s := range list {
		if x, err := netip.ParseAddr(s); err == nil && x == a.Unmap() {
			return true
		}
	}
	return false
}

// last returns the last comma-separated value: for tunnels tshark lists
// the outer header first.
func last(s string) string {
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		return s[i+1:]
	}
	return s
}
