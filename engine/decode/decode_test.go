package decode

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/engine/packet"
)

func events(p *packet.Packet) []string {
	var out []string
	for _, e := range p.EventList() {
		out = append(out, e.String())
	}
	return out
}

// want is the subset of decoded fields a case checks.
type want struct {
	Version          uint8
	Src, Dst         netip.Addr
	Proto            uint8
	SrcPort, DstPort uint16
	Payload          string
	Events           []string
	Invalid          bool
	Tunnel           packet.Tunnel
	OuterSrc         netip.Addr
	VLAN             []uint16
	Frag             bool
}

func got(p *packet.Packet) want {
	w := want{Version: p.IPVersion, Src: p.Src, Dst: p.Dst, Proto: p.Proto, SrcPort: p.SrcPort, DstPort: p.DstPort,
		Payload: string(p.Payload), Events: events(p), Invalid: p.Invalid, Tunnel: p.Tunnel, OuterSrc: p.OuterSrc, Frag: p.IsFragment}
	for i := 0; i < int(p.VLANCount) && i < 2; i++ {
		w.VLAN = append(w.VLAN, p.VLAN[i])
	}
	return w
}

var addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

func TestDecodeCases(t *testing.T) {
	hello := []byte("hello")
	tcp4 := ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 1234, 80, packet.TCPAck, nil, hello))
	udp4 := ip4(a4, b4, 17, nil, udpSeg(a4, b4, 5353, 53, hello))
	tcp6 := ip6(a6, b6, 6, tcpSeg(a6, b6, 1234, 443, packet.TCPSyn, nil, hello))
	badHlen := append([]byte(nil), tcp4...)
	badHlen[20+12] = 4 << 4 // data offset 16 bytes
	truncIP := tcp4[:len(tcp4)-2]
	outerUDP := func(dp uint16, inner []byte) []byte {
		return eth(0x0800, ip4(netip.MustParseAddr("172.16.0.1"), netip.MustParseAddr("172.16.0.2"), 17, nil,
			udpSeg(netip.MustParseAddr("172.16.0.1"), netip.MustParseAddr("172.16.0.2"), 40000, dp, inner)))
	}
	outer := netip.MustParseAddr("172.16.0.1")
	vxlanHdr := []byte{0x08, 0, 0, 0, 0, 0, 42, 0}
	geneveHdr := []byte{0, 0, 0x08, 0x00, 0, 0, 7, 0}
	greHdr := []byte{0, 0, 0x08, 0x00}
	mpls := func(label uint32, bottom bool) []byte {
		v := label << 12
		if bottom {
			v |= 0x100
		}
		return binary.BigEndian.AppendUint32(nil, v|64)
	}
	pppoe := cat([]byte{0x11, 0, 0, 1}, binary.BigEndian.AppendUint16(nil, uint16(2+len(udp4))), []byte{0, 0x21}, udp4)
	sll := cat(make([]byte, 14), []byte{0x08, 0x00}, tcp4)
	sll2 := cat([]byte{0x86, 0xdd}, make([]byte, 18), tcp6)
	nullLE := cat([]byte{2, 0, 0, 0}, tcp4)
	loop := cat([]byte{0, 0, 0, 24}, tcp6)
	// IPv4 options: router alert (4 bytes) is valid; a truncated option is not.
	ra := []byte{148, 4, 0, 0}
	badOpt := []byte{7, 40, 4, 0}
	// IPv6 hop-by-hop with only padding, then TCP.
	hbh := cat([]byte{6, 0}, []byte{1, 4, 0, 0, 0, 0})
	frag4 := append([]byte(nil), udp4...)
	binary.BigEndian.PutUint16(frag4[6:], 0x2000) // MF
	binary.BigEndian.PutUint16(frag4[10:], 0)
	binary.BigEndian.PutUint16(frag4[10:], checksum(frag4[:20], 0))
	fh6 := cat([]byte{17, 0, 0, 1}, []byte{0, 0, 0, 9})
	tests := []struct {
		name string
		link uint32
		data []byte
		want want
	}{
		{"ethernet tcp4", 1, eth(0x0800, tcp4), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"ethernet padding", 1, append(eth(0x0800, tcp4), 0, 0, 0, 0), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"ethernet udp4", 1, eth(0x0800, udp4), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 5353, DstPort: 53, Payload: "hello"}},
		{"ethernet tcp6", 1, eth(0x86dd, tcp6), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"qinq", 1, eth(0x88a8, vlanTag(100, 0x8100, vlanTag(200, 0x0800, tcp4))), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", VLAN: []uint16{100, 200}}},
		{"vlan too many", 1, eth(0x8100, vlanTag(1, 0x8100, vlanTag(2, 0x8100, vlanTag(3, 0x8100, vlanTag(4, 0x0800, tcp4))))), want{VLAN: []uint16{1, 2}, Events: []string{"decoder.vlan.too_many_layers"}, Invalid: true}},
		{"mpls", 1, eth(0x8847, cat(mpls(100, false), mpls(200, true), tcp4)), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"mpls explicit null v6", 1, eth(0x8847, cat(mpls(2, true), tcp6)), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"mpls pw ethernet", 1, eth(0x8847, cat(mpls(100, true), []byte{0, 0, 0, 0}, eth(0x0800, tcp4))), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"mpls router alert", 1, eth(0x8847, cat(mpls(1, true), tcp4)), want{Events: []string{"decoder.mpls.bad_label_router_alert"}}},
		{"pppoe", 1, eth(0x8864, pppoe), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 5353, DstPort: 53, Payload: "hello"}},
		{"ppp", packet.LinkPPP, cat([]byte{0, 0x21}, udp4), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 5353, DstPort: 53, Payload: "hello"}},
		{"ppp compressed protocol", packet.LinkPPP, cat([]byte{0x21}, udp4), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 5353, DstPort: 53, Payload: "hello"}},
		{"ppp hdlc framing", packet.LinkPPP, cat([]byte{0xff, 0x03, 0, 0x57}, tcp6), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"ppp hdlc too small", packet.LinkPPP, []byte{0xff, 0x03}, want{Events: []string{"decoder.ppp.pkt_too_small"}, Invalid: true}},
		{"sll", packet.LinkSLL, sll, want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"sll2", packet.LinkSLL2, sll2, want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"null", packet.LinkNull, nullLE, want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"loop", packet.LinkLoop, loop, want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"raw v6", packet.LinkRaw, tcp6, want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello"}},
		{"raw ipv4 228", packet.LinkIPv4, tcp4, want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello"}},
		{"raw bad version", packet.LinkRaw, cat([]byte{0x50}, tcp4[1:]), want{Events: []string{"decoder.ipraw.invalid_ip_version"}, Invalid: true}},
		{"tcp hlen too small", 1, eth(0x0800, badHlen), want{Version: 4, Src: a4, Dst: b4, Proto: 6, Payload: string(badHlen[20:]), Events: []string{"decoder.tcp.hlen_too_small"}, Invalid: true}},
		{"ipv4 trunc", 1, eth(0x0800, truncIP), want{Events: []string{"decoder.ipv4.trunc_pkt"}, Invalid: true}},
		{"ipv4 too small", 1, eth(0x0800, tcp4[:10]), want{Events: []string{"decoder.ipv4.pkt_too_small"}, Invalid: true}},
		{"ethernet too small", 1, eth(0x0800, nil)[:10], want{Events: []string{"decoder.ethernet.pkt_too_small"}, Invalid: true}},
		{"ipv4 router alert option", 1, eth(0x0800, ip4(a4, b4, 17, ra, udpSeg(a4, b4, 1, 2, hello))), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 1, DstPort: 2, Payload: "hello"}},
		{"ipv4 malformed option", 1, eth(0x0800, ip4(a4, b4, 17, badOpt, udpSeg(a4, b4, 1, 2, hello))), want{Version: 4, Src: a4, Dst: b4, Proto: 17, Events: []string{"decoder.ipv4.opt_malformed"}, Invalid: true}},
		{"ipv4 fragment", 1, eth(0x0800, frag4), want{Version: 4, Src: a4, Dst: b4, Proto: 17, Payload: string(udp4[20:]), Frag: true}},
		{"ipv6 hbh padding only", 1, eth(0x86dd, ip6(a6, b6, 0, cat(hbh, tcpSeg(a6, b6, 1, 2, 0, nil, hello)))), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1, DstPort: 2, Payload: "hello", Events: []string{"decoder.ipv6.hopopts_only_padding"}}},
		{"ipv6 fragment", 1, eth(0x86dd, ip6(a6, b6, 44, cat(fh6, []byte("hello123")))), want{Version: 6, Src: a6, Dst: b6, Proto: 17, Payload: "hello123", Frag: true}},
		{"ipv6 fragment bad length", 1, eth(0x86dd, ip6(a6, b6, 44, cat(fh6, hello))), want{Version: 6, Src: a6, Dst: b6, Proto: 17, Payload: "hello", Frag: true, Events: []string{"decoder.ipv6.frag_invalid_length"}}},
		{"ipv6 trunc", 1, eth(0x86dd, tcp6[:45]), want{Events: []string{"decoder.ipv6.trunc_pkt"}, Invalid: true}},
		{"icmpv4 echo", 1, eth(0x0800, ip4(a4, b4, 1, nil, icmpMsg(false, a4, b4, 8, 0, []byte{0, 1, 0, 2}))), want{Version: 4, Src: a4, Dst: b4, Proto: 1}},
		{"icmpv4 unknown code", 1, eth(0x0800, ip4(a4, b4, 1, nil, icmpMsg(false, a4, b4, 8, 9, []byte{0, 1, 0, 2}))), want{Version: 4, Src: a4, Dst: b4, Proto: 1, Events: []string{"decoder.icmpv4.unknown_code"}}},
		// An error message's embedded header is read only when its code is
		// known (Suricata's DecodeICMPV4), and only when there is one.
		{"icmpv4 redirect unknown code", 1, eth(0x0800, ip4(a4, b4, 1, nil, icmpMsg(false, a4, b4, 5, 9, []byte{0, 0, 0, 0, 0x50, 0, 0, 0}))), want{Version: 4, Src: a4, Dst: b4, Proto: 1, Payload: "P\x00\x00\x00", Events: []string{"decoder.icmpv4.unknown_code"}}},
		{"icmpv4 redirect bad embedded version", 1, eth(0x0800, ip4(a4, b4, 1, nil, icmpMsg(false, a4, b4, 5, 1, cat([]byte{0, 0, 0, 0}, []byte{0x50}, make([]byte, 19))))), want{Version: 4, Src: a4, Dst: b4, Proto: 1, Payload: "P" + string(make([]byte, 19)), Events: []string{"decoder.icmpv4.ipv4_unknown_ver"}}},
		{"icmpv4 unreachable without embedded header", 1, eth(0x0800, ip4(a4, b4, 1, nil, icmpMsg(false, a4, b4, 3, 1, []byte{0, 0, 0, 0}))), want{Version: 4, Src: a4, Dst: b4, Proto: 1}},
		{"icmpv6 in ipv4", 1, eth(0x0800, ip4(a4, b4, 58, nil, []byte{128, 0, 0, 0, 0, 0, 0, 0})), want{Version: 4, Src: a4, Dst: b4, Proto: 58, Payload: "\x80\x00\x00\x00\x00\x00\x00\x00", Events: []string{"decoder.ipv4.icmpv6"}, Invalid: true}},
		{"icmpv6 too small", 1, eth(0x86dd, ip6(a6, b6, 58, []byte{128, 0})), want{Version: 6, Src: a6, Dst: b6, Proto: 58, Payload: "\x80\x00", Events: []string{"decoder.icmpv6.pkt_too_small"}, Invalid: true}},
		{"udp hlen invalid", 1, eth(0x0800, ip4(a4, b4, 17, nil, cat([]byte{0, 1, 0, 2, 0, 4, 0, 0}, hello))), want{Version: 4, Src: a4, Dst: b4, Proto: 17, Payload: "\x00\x01\x00\x02\x00\x04\x00\x00hello", Events: []string{"decoder.udp.hlen_invalid"}, Invalid: true}},
		{"vxlan", 1, outerUDP(4789, cat(vxlanHdr, eth(0x0800, tcp4))), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", Tunnel: packet.TunnelVXLAN, OuterSrc: outer}},
		{"geneve", 1, outerUDP(6081, cat(geneveHdr, tcp4)), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", Tunnel: packet.TunnelGeneve, OuterSrc: outer}},
		{"teredo", 1, outerUDP(3544, tcp6), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello", Tunnel: packet.TunnelTeredo, OuterSrc: outer}},
		{"gre", 1, eth(0x0800, ip4(outer, b4, 47, nil, cat(greHdr, tcp4))), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", Tunnel: packet.TunnelGRE, OuterSrc: outer}},
		{"gre bad version", 1, eth(0x0800, ip4(outer, b4, 47, nil, cat([]byte{0, 3, 8, 0}, tcp4))), want{Version: 4, Src: outer, Dst: b4, Proto: 47, Payload: string(cat([]byte{0, 3, 8, 0}, tcp4)), Events: []string{"decoder.gre.wrong_version"}, Invalid: true}},
		{"erspan2", 1, eth(0x0800, ip4(outer, b4, 47, nil, cat([]byte{0x10, 0, 0x88, 0xbe, 0, 0, 0, 1}, []byte{0x10, 5, 0, 9, 0, 0, 0, 0}, eth(0x0800, tcp4)))), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", Tunnel: packet.TunnelERSPAN, OuterSrc: outer, VLAN: []uint16{5}}},
		{"6in4", 1, eth(0x0800, ip4(outer, b4, 41, nil, tcp6)), want{Version: 6, Src: a6, Dst: b6, Proto: 6, SrcPort: 1234, DstPort: 443, Payload: "hello", Tunnel: packet.TunnelIPIP, OuterSrc: outer}},
		{"4in6", 1, eth(0x86dd, ip6(a6, b6, 4, tcp4)), want{Version: 4, Src: a4, Dst: b4, Proto: 6, SrcPort: 1234, DstPort: 80, Payload: "hello", Tunnel: packet.TunnelIPIP, OuterSrc: a6}},
		{"ipv6 duplicate fragment headers", 1, eth(0x86dd, ip6(a6, b6, 44, cat([]byte{44, 0, 0, 0, 0, 0, 0, 1}, []byte{17, 0, 0, 9, 0, 0, 0, 1}, []byte("hello123")))), want{Version: 6, Src: a6, Dst: b6, Proto: 17, Payload: "hello123", Frag: true, Events: []string{"decoder.ipv6.exthdr_useless_fh", "decoder.ipv6.exthdr_dupl_fh"}}},
		{"ipv6 routing type 0", 1, eth(0x86dd, ip6(a6, b6, 43, cat([]byte{59, 0, 0, 0, 0, 0, 0, 0}))), want{Version: 6, Src: a6, Dst: b6, Proto: 59, Events: []string{"decoder.ipv6.rh_type_0"}}},
		{"ipv6 data after none", 1, eth(0x86dd, ip6(a6, b6, 59, hello)), want{Version: 6, Src: a6, Dst: b6, Proto: 59, Payload: "hello", Events: []string{"decoder.ipv6.data_after_none_header"}}},
		{"ipv6 truncated exthdr", 1, eth(0x86dd, ip6(a6, b6, 60, []byte{6, 1, 1, 4, 0, 0, 0, 0})), want{Version: 6, Src: a6, Dst: b6, Events: []string{"decoder.ipv6.trunc_exthdr"}, Invalid: true}},
		{"icmpv6 mld bad hop limit", 1, eth(0x86dd, ip6(a6, b6, 58, icmpMsg(true, a6, b6, 131, 0, make([]byte, 20)))), want{Version: 6, Src: a6, Dst: b6, Proto: 58, Payload: string(make([]byte, 16)), Events: []string{"decoder.icmpv6.mld_message_with_invalid_hl"}}},
		{"gre v1 pptp", 1, eth(0x0800, ip4(outer, b4, 47, nil, cat([]byte{0x30, 0x81, 0x88, 0x0b, 0, byte(3 + len(udp4)), 0, 7, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0xff, 0x03, 0, 0x21}, udp4))), want{Version: 4, Src: a4, Dst: b4, Proto: 17, SrcPort: 5353, DstPort: 53, Payload: "hello", Tunnel: packet.TunnelGRE, OuterSrc: outer}},
		{"gre v1 without key", 1, eth(0x0800, ip4(outer, b4, 47, nil, cat([]byte{0x10, 0x01, 0x88, 0x0b, 0, 0, 0, 0}, udp4))), want{Version: 4, Src: outer, Dst: b4, Proto: 47, Payload: string(cat([]byte{0x10, 0x01, 0x88, 0x0b, 0, 0, 0, 0}, udp4)), Events: []string{"decoder.gre.version1_no_key"}, Invalid: true}},
		{"vxlan unknown payload", 1, outerUDP(4789, cat(vxlanHdr, eth(0x1234, tcp4))), want{Version: 4, Src: outer, Dst: netip.MustParseAddr("172.16.0.2"), Proto: 17, SrcPort: 40000, DstPort: 4789, Payload: string(cat(vxlanHdr, eth(0x1234, tcp4))), Events: []string{"decoder.vxlan.unknown_payload_type"}}},
		{"4in6 too small", 1, eth(0x86dd, ip6(a6, b6, 4, tcp4[:12])), want{Version: 6, Src: a6, Dst: b6, Proto: 4, Payload: string(tcp4[:12]), Events: []string{"decoder.ipv6.ipv4_in_ipv6_too_small"}, Invalid: true}},
	}
	d := New(Options{Checksum: ChecksumAll})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p packet.Packet
			d.Decode(&p, tt.link, tt.data)
			if diff := cmp.Diff(tt.want, got(&p), addrCmp); diff != "" {
				t.Errorf("decode mismatch (-want +got):\n%s", diff)
			}
			if !p.Invalid && p.IPVersion == 4 && !p.IsFragment && p.IPCsum != packet.CsumValid {
				t.Errorf("IPv4 checksum %v; want valid", p.IPCsum)
			}
			if (p.IsTCP() || p.IsUDP() || p.IsICMP()) && p.L4Csum != packet.CsumValid {
				t.Errorf("L4 checksum %v; want valid", p.L4Csum)
			}
		})
	}
}

func TestDecodeIPKeepsL2AndTunnel(t *testing.T) {
	frame := eth(0x8100, vlanTag(42, 0x0800, ip4(netip.MustParseAddr("172.16.0.1"), b4, 47, nil, cat([]byte{0, 0, 8, 0}, ip4(a4, b4, 17, nil, udpSeg(a4, b4, 1, 2, []byte("x")))))))
	d := New(Options{Checksum: ChecksumAll})
	var p packet.Packet
	p.Ts, p.PcapCnt = 99, 7
	d.Decode(&p, 1, frame)
	if p.Tunnel != packet.TunnelGRE || p.VLAN[0] != 42 {
		t.Fatalf("setup: tunnel %v vlan %v", p.Tunnel, p.VLAN)
	}
	dg := ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 5, 6, packet.TCPSyn, nil, []byte("reassembled")))
	d.DecodeIP(&p, dg)
	if p.VLAN[0] != 42 || p.VLANCount != 1 || p.Tunnel != packet.TunnelGRE || p.OuterSrc != netip.MustParseAddr("172.16.0.1") {
		t.Errorf("DecodeIP lost L2/tunnel fields: vlan %v/%d tunnel %v outer %v", p.VLAN, p.VLANCount, p.Tunnel, p.OuterSrc)
	}
	if !p.IsTCP() || p.DstPort != 6 || string(p.Payload) != "reassembled" || p.L2Off != -1 || p.Ts != 99 || p.PcapCnt != 7 {
		t.Errorf("DecodeIP: tcp %v port %d payload %q l2 %d ts %d cnt %d", p.IsTCP(), p.DstPort, p.Payload, p.L2Off, p.Ts, p.PcapCnt)
	}
	if d.Stats.Reassembled != 1 {
		t.Errorf("Reassembled = %d", d.Stats.Reassembled)
	}
}

func TestTCPOptions(t *testing.T) {
	opts := []byte{2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 0, 0}
	frame := eth(0x0800, ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 1, 2, packet.TCPSyn, opts, nil)))
	var p packet.Packet
	New(Options{}).Decode(&p, 1, frame)
	want := packet.TCP{Seq: 1000, Ack: 2000, Window: 65535, Flags: packet.TCPSyn, HdrLen: 44, MSS: 1460, WScale: 7, TSVal: 1, TSEcr: 2,
		Opts: packet.TCPOptMSS | packet.TCPOptWScale | packet.TCPOptSACKPerm | packet.TCPOptTimestamp}
	if diff := cmp.Diff(want, p.TCP); diff != "" || p.NumEvents != 0 {
		t.Fatalf("TCP mismatch (-want +got):\n%s\nevents %v", diff, events(&p))
	}
	// A duplicate MSS and a bad window-scale length.
	for _, tc := range []struct {
		opts []byte
		ev   string
	}{
		{[]byte{2, 4, 0, 1, 2, 4, 0, 2}, "decoder.tcp.opt_duplicate"},
		{[]byte{3, 4, 7, 0}, "decoder.tcp.opt_invalid_len"},
		{[]byte{8, 40, 0, 0}, "decoder.tcp.opt_invalid_len"},
	} {
		frame := eth(0x0800, ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 1, 2, packet.TCPSyn, tc.opts, nil)))
		New(Options{}).Decode(&p, 1, frame)
		if !p.HasEvent(mustEvent(t, tc.ev)) || p.Invalid {
			t.Errorf("options %x: events %v invalid %v; want %s, valid", tc.opts, events(&p), p.Invalid, tc.ev)
		}
	}
}

func mustEvent(t *testing.T, name string) packet.Event {
	t.Helper()
	e, ok := packet.EventByName(name)
	if !ok {
		t.Fatalf("unknown event %s", name)
	}
	return e
}

func TestChecksumModes(t *testing.T) {
	frame := eth(0x0800, ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 1234, 80, packet.TCPAck, nil, []byte("hello"))))
	frame[len(frame)-1] ^= 0xff // corrupt the TCP payload
	var p packet.Packet
	d := New(Options{Checksum: ChecksumAll})
	d.Decode(&p, 1, frame)
	if p.IPCsum != packet.CsumValid || p.L4Csum != packet.CsumInvalid || d.Stats.TCPCsumInvalid != 1 {
		t.Fatalf("-k all: ip %v tcp %v (stats %d); want valid, invalid", p.IPCsum, p.L4Csum, d.Stats.TCPCsumInvalid)
	}
	frame[14+10] ^= 0xff // corrupt the IP checksum
	d.Decode(&p, 1, frame)
	if p.IPCsum != packet.CsumInvalid {
		t.Fatalf("-k all: ip %v; want invalid", p.IPCsum)
	}
	d = New(Options{Checksum: ChecksumNone})
	d.Decode(&p, 1, frame)
	if p.IPCsum != packet.CsumNotChecked || p.L4Csum != packet.CsumNotChecked {
		t.Fatalf("-k none: ip %v tcp %v; want not_checked", p.IPCsum, p.L4Csum)
	}
	if p.Invalid || !p.IsTCP() {
		t.Fatalf("a bad checksum must not make the packet invalid")
	}
}

func TestDecodeAllocs(t *testing.T) {
	for _, rel := range []string{
		"pcaps/malicious/emotet-infection_2021-01-06.pcap",
		"pcaps/bench/malcolm__Tunnels.pcap",
		"pcaps/malicious/log4shell-cve-2021-44228-user-agent.pcap",
	} {
		t.Run(rel, func(t *testing.T) {
			frames, _ := loadPcap(t, sharedPcap(t, rel))
			d := New(Options{Checksum: ChecksumAll})
			var p packet.Packet
			i := 0
			n := testing.AllocsPerRun(len(frames), func() {
				f := frames[i%len(frames)]
				i++
				d.Decode(&p, f.link, f.data)
			})
			if n != 0 {
				t.Fatalf("Decode allocates %v times per packet; want 0", n)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, rel := range []string{"pcaps/malicious/emotet-infection_2021-01-06.pcap", "pcaps/bench/malcolm__Tunnels.pcap"} {
		for _, mode := range []struct {
			name string
			m    ChecksumMode
		}{{"k=none", ChecksumNone}, {"k=all", ChecksumAll}} {
			b.Run(rel[len("pcaps/"):]+"/"+mode.name, func(b *testing.B) {
				frames, size := loadPcap(b, sharedPcap(b, rel))
				d := New(Options{Checksum: mode.m})
				var p packet.Packet
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					for _, f := range frames {
						d.Decode(&p, f.link, f.data)
					}
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(size)*float64(b.N)*8/1e6/sec, "Mbit/s")
				b.ReportMetric(float64(len(frames))*float64(b.N)/sec, "pkt/s")
			})
		}
	}
}
