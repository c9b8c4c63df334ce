package decode

import (
	"encoding/binary"

	"vigil/engine/packet"
)

// ChecksumMode selects checksum validation, as Suricata's -k option.
type ChecksumMode uint8

const (
	// ChecksumAll validates IPv4 header, TCP, UDP, ICMPv4 and ICMPv6
	// checksums and marks the packet's layer CsumInvalid when wrong.
	ChecksumAll ChecksumMode = iota
	// ChecksumNone checks nothing; every layer stays CsumNotChecked.
	ChecksumNone
)

// Default UDP ports of the UDP-based tunnels.
const (
	PortVXLAN  = 4789
	PortGeneve = 6081
	PortTeredo = 3544
)

// maxLayers bounds how many headers (link, IP, tunnel) one frame may stack,
// as Suricata's decoder recursion limit.
const maxLayers = 16

// Options configures a Decoder.
type Options struct {
	Checksum ChecksumMode
	// VXLANPort, GenevePort and TeredoPort are the UDP ports decoded as
	// tunnels; 0 selects the default, -1 disables the tunnel.
	VXLANPort, GenevePort, TeredoPort int
}

// Stats counts what a Decoder saw. Fields are plain counters owned by the
// decoder's worker; read them between packets (or copy the struct).
type Stats struct {
	Packets, Bytes, Invalid uint64
	// MaxPktSize is the largest frame seen (bytes).
	MaxPktSize            uint64
	Ethernet, VLAN, MPLS  uint64
	PPPoE, SLL, Null, Raw uint64
	IPv4, IPv6            uint64
	TCP, UDP, SCTP        uint64
	ICMPv4, ICMPv6        uint64
	GRE, ERSPAN, VXLAN    uint64
	Geneve, IPIP, Teredo  uint64
	ESP                   uint64
	Fragments             uint64 // IPv4 or IPv6 fragments seen
	Reassembled           uint64 // datagrams decoded via DecodeIP
	Other                 uint64 // frames with no IP layer (ARP, LLC, ...)
	UnknownLink           uint64 // unsupported link type
	IPv4CsumInvalid       uint64
	TCPCsumInvalid        uint64
	UDPCsumInvalid        uint64
	ICMPCsumInvalid       uint64
	// Events counts each decoder event by packet.Event value.
	Events [packet.NumEvents]uint64
}

// Decoder decodes frames for one worker. It is not safe for concurrent use.
type Decoder struct {
	opts   Options
	layers int
	// addrsOnly stops decoding at the first IP header's addresses
	// (DecodeAddrs).
	addrsOnly bool
	Stats     Stats
}

// New returns a Decoder with the given options.
func New(opts Options) *Decoder {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&opts.VXLANPort, PortVXLAN)
	def(&opts.GenevePort, PortGeneve)
	def(&opts.TeredoPort, PortTeredo)
	return &Decoder{opts: opts}
}

// LinkSupported reports whether Decode understands frames of a pcap link
// type (LINKTYPE_*); frames of any other type are only counted
// (Stats.UnknownLink).
func LinkSupported(linkType uint32) bool {
	switch linkType {
	case packet.LinkEthernet, packet.LinkSLL, packet.LinkSLL2, packet.LinkRaw, packet.LinkRawBSD, packet.LinkRawBSD14,
		packet.LinkIPv4, packet.LinkIPv6, packet.LinkNull, packet.LinkLoop, packet.LinkPPP:
		return true
	}
	return false
}

// Decode decodes one frame of the given link type into p. It resets p's
// decoded fields first and keeps the capture metadata the caller set for
// this frame (p.Ts, p.PcapCnt, p.Iface, p.OrigLen; an OrigLen below
// len(data) is raised to len(data)). p.Data aliases data. Decode never
// fails: problems become events on p and counters in d.Stats.
func (d *Decoder) Decode(p *packet.Packet, linkType uint32, data []byte) {
	p.Data = data
	p.LinkType = linkType
	if p.OrigLen < uint32(len(data)) {
		p.OrigLen = uint32(len(data))
	}
	p.Reset()
	d.Stats.Packets++
	d.Stats.Bytes += uint64(len(data))
	d.Stats.MaxPktSize = max(d.Stats.MaxPktSize, uint64(len(data)))
	d.frame(p, linkType, data)
}

// DecodeRebuilt decodes a frame the engine rebuilt from a reassembled IP
// datagram: the link header of the fragment that completed it, then the
// datagram, as Suricata rebuilds a defragmented packet (so its EVE
// "packet" starts with the link header and keeps the capture's link
// type). p is reset as by Decode and keeps its capture metadata; the
// frame is counted as reassembled, not as a captured packet.
func (d *Decoder) DecodeRebuilt(p *packet.Packet, linkType uint32, data []byte) {
	p.Data = data
	p.LinkType = linkType
	p.OrigLen = uint32(len(data))
	p.Reset()
	d.Stats.Reassembled++
	d.frame(p, linkType, data)
}

// frame decodes data from its link layer on.
func (d *Decoder) frame(p *packet.Packet, linkType uint32, data []byte) {
	d.layers = 0
	switch linkType {
	case packet.LinkEthernet:
		d.ethernet(p, data, 0)
	case packet.LinkSLL:
		d.sll(p, data)
	case packet.LinkSLL2:
		d.sll2(p, data)
	case packet.LinkRaw, packet.LinkRawBSD, packet.LinkRawBSD14:
		d.Stats.Raw++
		d.rawIP(p, data, 0)
	case packet.LinkIPv4:
		d.Stats.Raw++
		d.ipv4(p, data, 0)
	case packet.LinkIPv6:
		d.Stats.Raw++
		d.ipv6(p, data, 0)
	case packet.LinkNull, packet.LinkLoop:
		d.null(p, data, linkType == packet.LinkLoop)
	case packet.LinkPPP:
		d.ppp(p, data, 0)
	default:
		d.Stats.UnknownLink++
	}
	if p.Invalid {
		d.Stats.Invalid++
	}
	if p.IPVersion == 0 && !p.Invalid {
		d.Stats.Other++
	}
}

// DecodeAddrs decodes frame data only as far as the outermost IP header's
// addresses: the link layers, then p.IPVersion, p.Src and p.Dst (and the
// link-layer fields on the way, such as VLAN ids). Nothing after them is
// decoded (no IP options, L4, tunnels or checksums), so it is cheap: a
// dispatcher that only needs the address pair to pick a worker uses it.
// Fields it does not reach are left reset.
func (d *Decoder) DecodeAddrs(p *packet.Packet, linkType uint32, data []byte) {
	d.addrsOnly = true
	d.Decode(p, linkType, data)
	d.addrsOnly = false
}

// DecodeIP decodes a reassembled IP datagram (from engine/defrag) into p,
// which must still hold the decoded fragment that completed it: link-layer
// fields (VLAN, MPLS), tunnel fields and capture metadata are kept, every
// L3/L4 field is replaced. p.Data becomes data (which the defragmenter
// owns; valid until its next call) and L2Off is -1.
func (d *Decoder) DecodeIP(p *packet.Packet, data []byte) {
	vlan, vlanN, mpls, mplsN := p.VLAN, p.VLANCount, p.MPLS, p.MPLSCount
	tun, depth, tid, osrc, odst, oproto := p.Tunnel, p.TunnelDepth, p.TunnelID, p.OuterSrc, p.OuterDst, p.OuterProto
	p.Data = data
	p.OrigLen = uint32(len(data))
	p.Reset()
	p.VLAN, p.VLANCount, p.MPLS, p.MPLSCount = vlan, vlanN, mpls, mplsN
	p.Tunnel, p.TunnelDepth, p.TunnelID, p.OuterSrc, p.OuterDst, p.OuterProto = tun, depth, tid, osrc, odst, oproto
	d.layers = 0
	d.Stats.Reassembled++
	d.rawIP(p, data, 0)
	if p.Invalid {
		d.Stats.Invalid++
	}
}

// event records e on p and counts it.
func (d *Decoder) event(p *packet.Packet, e packet.Event) {
	d.Stats.Events[e]++
	p.AddEvent(e)
}

// invalid records e and marks p invalid (Suricata's ENGINE_SET_INVALID_EVENT).
func (d *Decoder) invalid(p *packet.Packet, e packet.Event) {
	d.event(p, e)
	p.Invalid = true
}

// enter counts one more stacked layer and reports whether decoding may go on.
func (d *Decoder) enter(p *packet.Packet) bool {
	d.layers++
	if d.layers > maxLayers {
		if d.layers == maxLayers+1 {
			d.invalid(p, packet.EventTooManyLayers)
		}
		return false
	}
	return true
}

func be16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }
func be32(b []byte, off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }
