package detect

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"vigil/detect/mpm"
	"vigil/rules"
)

// TestChecksumKeywords: each *-csum keyword in its valid and invalid
// forms, quoted and not, against packets whose checksum the decoder found
// valid, invalid or did not check; a packet of another IP version or
// protocol never matches.
func TestChecksumKeywords(t *testing.T) {
	pkt := func(ver, proto uint8, ip, l4 Csum) *Packet {
		p := tcpPacket("x", true)
		p.IPVer, p.Proto, p.IPCsum, p.L4Csum = ver, proto, ip, l4
		if ver == 6 {
			p.Src, p.Dst = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
		}
		return p
	}
	for _, tc := range []struct {
		name, rule string
		p          *Packet
		want       bool
	}{
		{"ipv4 valid", `alert ip any any -> any any (ipv4-csum:valid; sid:1;)`, pkt(4, 6, CsumValid, CsumValid), true},
		{"ipv4 valid on bad", `alert ip any any -> any any (ipv4-csum:valid; sid:1;)`, pkt(4, 6, CsumInvalid, CsumValid), false},
		{"ipv4 invalid", `alert ip any any -> any any (ipv4-csum:invalid; sid:1;)`, pkt(4, 6, CsumInvalid, CsumValid), true},
		{"ipv4 quoted", `alert ip any any -> any any (ipv4-csum:"invalid"; sid:1;)`, pkt(4, 6, CsumInvalid, CsumValid), true},
		{"ipv4 on ipv6", `alert ip any any -> any any (ipv4-csum:valid; sid:1;)`, pkt(6, 6, CsumNotChecked, CsumValid), false},
		{"ipv4 not checked valid", `alert ip any any -> any any (ipv4-csum:valid; sid:1;)`, pkt(4, 6, CsumNotChecked, CsumNotChecked), true},
		{"ipv4 not checked invalid", `alert ip any any -> any any (ipv4-csum:invalid; sid:1;)`, pkt(4, 6, CsumNotChecked, CsumNotChecked), false},
		{"tcpv4 invalid", `alert tcp any any -> any any (tcpv4-csum:invalid; sid:1;)`, pkt(4, 6, CsumValid, CsumInvalid), true},
		{"tcpv4 valid on bad", `alert tcp any any -> any any (tcpv4-csum:valid; sid:1;)`, pkt(4, 6, CsumValid, CsumInvalid), false},
		{"tcpv4 on ipv6", `alert tcp any any -> any any (tcpv4-csum:invalid; sid:1;)`, pkt(6, 6, CsumValid, CsumInvalid), false},
		{"tcpv6 invalid", `alert tcp any any -> any any (tcpv6-csum:invalid; sid:1;)`, pkt(6, 6, CsumNotChecked, CsumInvalid), true},
		{"tcpv6 valid", `alert tcp any any -> any any (tcpv6-csum:valid; sid:1;)`, pkt(6, 6, CsumNotChecked, CsumValid), true},
		{"udpv4 invalid", `alert ip any any -> any any (udpv4-csum:invalid; sid:1;)`, pkt(4, 17, CsumValid, CsumInvalid), true},
		{"udpv4 on tcp", `alert ip any any -> any any (udpv4-csum:invalid; sid:1;)`, pkt(4, 6, CsumValid, CsumInvalid), false},
		{"udpv6 valid", `alert ip any any -> any any (udpv6-csum:valid; sid:1;)`, pkt(6, 17, CsumNotChecked, CsumValid), true},
		{"icmpv4 invalid", `alert ip any any -> any any (icmpv4-csum:invalid; sid:1;)`, pkt(4, 1, CsumValid, CsumInvalid), true},
		{"icmpv4 on icmpv6", `alert ip any any -> any any (icmpv4-csum:invalid; sid:1;)`, pkt(6, 58, CsumValid, CsumInvalid), false},
		{"icmpv6 invalid", `alert ip any any -> any any (icmpv6-csum:invalid; sid:1;)`, pkt(6, 58, CsumNotChecked, CsumInvalid), true},
		{"icmpv6 valid on bad", `alert ip any any -> any any (icmpv6-csum:valid; sid:1;)`, pkt(6, 58, CsumNotChecked, CsumInvalid), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firesOn(t, tc.rule, tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`ipv4-csum:yes;`, `tcpv4-csum;`, `udpv6-csum:valid,invalid;`} {
		if !refused(t, "alert ip any any -> any any ("+bad+" sid:1;)") {
			t.Errorf("%s loaded", bad)
		}
	}
}

// TestL3ProtoWscaleFlowDir: l3_proto in its four spellings (and a
// conflict refused), tcp.wscale in its uint forms (a shift above 14 reads
// as 0, as in Suricata), and the flow counters whose direction is in the
// keyword's name.
func TestL3ProtoWscaleFlowDir(t *testing.T) {
	v4 := tcpPacket("x", true)
	v4.IPVer = 4
	v6 := tcpPacket("x", true)
	v6.IPVer = 6
	v6.Src, v6.Dst = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
	ws := func(shift byte) *Packet {
		p := tcpPacket("", true)
		// NOP, window scale (kind 3, length 3), then end; data offset 6.
		p.L4Hdr = []byte{0x0b, 0x58, 0, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0,
			1, 3, 3, shift}
		return p
	}
	flows := tcpPacket("x", true)
	flows.FlowPkts = [2]uint64{10, 4}
	flows.FlowBytes = [2]uint64{900, 3500}
	for _, tc := range []struct {
		name, rule string
		p          *Packet
		want       bool
	}{
		{"l3_proto ipv4", `alert ip any any -> any any (l3_proto:ipv4; sid:1;)`, v4, true},
		{"l3_proto ip4 on v6", `alert ip any any -> any any (l3_proto:ip4; sid:1;)`, v6, false},
		{"l3_proto ipv6", `alert ip any any -> any any (l3_proto:ipv6; sid:1;)`, v6, true},
		{"l3_proto IP6", `alert ip any any -> any any (l3_proto:IP6; sid:1;)`, v4, false},
		{"tcp.wscale exact", `alert tcp any any -> any any (tcp.wscale:7; sid:1;)`, ws(7), true},
		{"tcp.wscale >", `alert tcp any any -> any any (tcp.wscale:>7; sid:1;)`, ws(7), false},
		{"tcp.wscale range", `alert tcp any any -> any any (tcp.wscale:2-8; sid:1;)`, ws(7), true},
		{"tcp.wscale above max", `alert tcp any any -> any any (tcp.wscale:0; sid:1;)`, ws(15), true},
		{"tcp.wscale none", `alert tcp any any -> any any (tcp.wscale:>=0; sid:1;)`, tcpPacket("x", true), false},
		{"flow.pkts_toserver", `alert ip any any -> any any (flow.pkts_toserver:10; sid:1;)`, flows, true},
		{"flow.pkts_toclient", `alert ip any any -> any any (flow.pkts_toclient:>5; sid:1;)`, flows, false},
		{"flow.bytes_toserver", `alert ip any any -> any any (flow.bytes_toserver:<1000; sid:1;)`, flows, true},
		{"flow.bytes_toclient", `alert ip any any -> any any (flow.bytes_toclient:3000-4000; sid:1;)`, flows, true},
		{"tcp.ack alias", `alert tcp any any -> any any (tcp.ack:0; sid:1;)`, v4, v4.Ack == 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firesOn(t, tc.rule, tc.p); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if !refused(t, `alert ip any any -> any any (l3_proto:ipv4; l3_proto:ipv6; sid:1;)`) {
		t.Error("conflicting l3_proto values loaded")
	}
	if !refused(t, `alert ip any any -> any any (l3_proto:ipx; sid:1;)`) {
		t.Error("l3_proto:ipx loaded")
	}
}

// refused reports whether the rule text fails to parse or to compile.
func refused(t *testing.T, text string) bool {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, rep := rules.Load(rules.LoadOptions{Paths: []string{path}, Vars: testVars(), Keywords: Keywords()})
	if rs == nil || !rep.OK() {
		return true
	}
	e, crep, err := Compile(rs, Options{Prefilter: mpm.Reference{}})
	if err != nil {
		return true
	}
	defer e.Close()
	return crep.Loaded == 0
}
