package packet

import (
	"net/netip"
	"time"
)

// Link types (pcap LINKTYPE_* values) the decoder understands.
const (
	LinkNull     = 0   // BSD loopback: 4-byte host-order address family
	LinkEthernet = 1   // IEEE 802.3 Ethernet
	LinkPPP      = 9   // PPP (RFC 1661 protocol field, optional HDLC framing)
	LinkRaw      = 101 // raw IPv4 or IPv6, version from the first nibble
	LinkRawBSD   = 12  // DLT_RAW on some BSDs (raw IP)
	LinkRawBSD14 = 14  // DLT_RAW on OpenBSD (raw IP)
	LinkLoop     = 108 // OpenBSD loopback: 4-byte network-order family
	LinkSLL      = 113 // Linux cooked capture v1
	LinkIPv4     = 228 // raw IPv4
	LinkIPv6     = 229 // raw IPv6
	LinkSLL2     = 276 // Linux cooked capture v2
)

// LinkTypeName is the name EVE's packet_info.linktype_name gives link
// type lt, as Suricata names the link types it decodes ("n/a" for
// others).
func LinkTypeName(lt uint32) string {
	switch lt {
	case LinkNull:
		return "NULL"
	case LinkEthernet:
		return "EN10MB"
	case LinkSLL:
		return "LINUX_SLL"
	case LinkSLL2:
		return "LINUX_SLL2"
	case LinkPPP:
		return "PPP"
	case LinkRaw:
		return "RAW"
	case LinkRawBSD:
		return "RAW2"
	case LinkIPv4:
		return "IPv4"
	case LinkIPv6:
		return "IPv6"
	}
	return "n/a"
}

// IP protocol numbers used across the packet path.
const (
	ProtoHopOpts  = 0
	ProtoICMP     = 1
	ProtoIPIP     = 4
	ProtoTCP      = 6
	ProtoUDP      = 17
	ProtoIPv6     = 41
	ProtoRouting  = 43
	ProtoFragment = 44
	ProtoGRE      = 47
	ProtoESP      = 50
	ProtoAH       = 51
	ProtoICMPv6   = 58
	ProtoNone     = 59
	ProtoDstOpts  = 60
	ProtoSCTP     = 132
)

// TCP header flags.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
	TCPUrg = 0x20
	TCPEce = 0x40
	TCPCwr = 0x80
)

// IPv4 fragment flags as stored in Packet.FragFlags.
const (
	FragMF = 0x01 // more fragments
	FragDF = 0x02 // don't fragment
	FragRB = 0x04 // reserved (evil) bit
)

// IPv6 extension header bits for Packet.IP6Exts.
const (
	IP6ExtHopOpts  = 1 << iota // hop-by-hop options
	IP6ExtRouting              // routing header
	IP6ExtFragment             // fragment header
	IP6ExtDstOpts              // destination options
	IP6ExtAH                   // authentication header
	IP6ExtESP                  // encapsulating security payload (decoding stops)
)

// IPv4 option bits for Packet.IPOpts, one per option type the ipopts rule
// keyword names (https://docs.suricata.io/en/latest/rules/header-keywords.html#ipopts).
const (
	IPOptRR     = 1 << iota // record route (7)
	IPOptEOL                // end of list (0)
	IPOptNOP                // no operation (1)
	IPOptTS                 // timestamp (68)
	IPOptSec                // security (130)
	IPOptESec               // extended security (133)
	IPOptLSRR               // loose source route (131)
	IPOptSSRR               // strict source route (137)
	IPOptSATID              // stream identifier (136)
	IPOptQS                 // quick start (25)
	IPOptCIPSO              // commercial IP security (134)
	IPOptRTRALT             // router alert (148)
	IPOptAny                // any option at all
)

// TCP option bits for TCP.Opts.
const (
	TCPOptMSS       = 1 << iota // maximum segment size (2)
	TCPOptWScale                // window scale (3)
	TCPOptSACKPerm              // SACK permitted (4)
	TCPOptSACK                  // SACK blocks (5)
	TCPOptTimestamp             // timestamps (8)
	TCPOptTFO                   // TCP fast open (34)
	TCPOptMD5                   // TCP MD5 signature (19)
	TCPOptAO                    // TCP authentication option (29)
)

// Tunnel identifies the encapsulation the inner packet was found in.
type Tunnel uint8

// Tunnel kinds.
const (
	TunnelNone Tunnel = iota
	TunnelIPIP        // IPv4 or IPv6 in IPv4 or IPv6
	TunnelGRE
	TunnelERSPAN
	TunnelVXLAN
	TunnelGeneve
	TunnelTeredo
)

var tunnelNames = [...]string{"none", "ipip", "gre", "erspan", "vxlan", "geneve", "teredo"}

// String returns the tunnel kind's lower-case name.
func (t Tunnel) String() string {
	if int(t) < len(tunnelNames) {
		return tunnelNames[t]
	}
	return "unknown"
}

// Source is where a packet came from, as EVE's pkt_src names it: the
// capture, or a packet the engine made itself.
type Source uint8

// Packet sources.
const (
	SourceWire        Source = iota // captured (live or replayed)
	SourceFlowTimeout               // flow-end pseudo packet inspecting what the stream still held
)

// String returns Suricata's pkt_src text for s.
func (s Source) String() string {
	if s == SourceFlowTimeout {
		return "stream (flow timeout)"
	}
	return "wire/pcap"
}

// Csum is the result of validating one checksum.
type Csum uint8

// Checksum states.
const (
	CsumNotChecked Csum = iota // validation disabled, truncated capture, or fragment
	CsumValid
	CsumInvalid
)

// String returns "not_checked", "valid" or "invalid".
func (c Csum) String() string {
	switch c {
	case CsumValid:
		return "valid"
	case CsumInvalid:
		return "invalid"
	}
	return "not_checked"
}

// TCP holds the decoded TCP header. Option fields are meaningful only when
// the matching bit is set in Opts.
type TCP struct {
	Seq, Ack     uint32
	Window       uint16
	Urgent       uint16
	Flags        uint8
	HdrLen       uint8 // header length in bytes, options included
	Opts         uint8 // TCPOpt* bits seen
	WScale       uint8
	MSS          uint16
	TSVal, TSEcr uint32
}

// ICMP holds the decoded ICMPv4 or ICMPv6 header.
type ICMP struct {
	Type, Code uint8
	ID, Seq    uint16 // echo and other id/seq-carrying messages only
	HasIDSeq   bool
}

// Frag describes where an IP fragment's pieces are in Data, for the
// defragmenter. It is filled only when IsFragment is true.
type Frag struct {
	// DataOff is the offset in Data of the fragment's payload and DataLen
	// its length (for IPv6, after the fragment header).
	DataOff, DataLen int
	// Offset is the fragment offset in bytes; More is the MF flag.
	Offset uint32
	More   bool
	// For IPv6: HdrOff is the offset in Data of the fragment header,
	// NextHdrOff the offset of the next-header byte that names it, and
	// NextHdr the protocol carried after reassembly.
	HdrOff, NextHdrOff int
	NextHdr            uint8
}

// MaxEvents is how many decoder events a Packet records; further events are
// counted in EventsDropped but not stored.
const MaxEvents = 8

// Packet is one captured frame and everything the decoder learned from it.
// It is reused per worker: Decode resets all decoded fields and keeps only
// Ts, PcapCnt and Iface. Offsets are byte offsets into Data, or -1 when the
// layer is absent. For tunnelled packets the L3/L4 fields describe the
// innermost decoded packet; the Outer* fields keep the outermost IP header's
// addresses.
type Packet struct {
	// Capture metadata, set by the packet source.
	Ts      int64  // capture time, nanoseconds since the Unix epoch
	PcapCnt uint64 // 1-based packet index in the input (EVE pcap_cnt)
	Iface   uint32 // capture interface index (pcapng interface id)

	Data     []byte // the raw frame, not owned
	LinkType uint32
	OrigLen  uint32 // original frame length on the wire (>= len(Data))
	// Source is SourceWire for captured frames; the engine sets it on the
	// packets it makes (Reset clears it).
	Source Source

	// Layer offsets into Data (-1 when absent).
	L2Off, L3Off, L4Off, PayloadOff int

	VLAN      [3]uint16 // VLAN ids, outermost first
	VLANCount uint8
	MPLSCount uint8
	MPLS      [2]uint32 // first two MPLS labels

	// L3.
	IPVersion uint8 // 4 or 6, 0 when no IP layer was decoded
	Proto     uint8 // transport protocol (after IPv6 extension headers)
	TTL       uint8 // IPv4 TTL or IPv6 hop limit
	TOS       uint8 // IPv4 TOS or IPv6 traffic class
	FragFlags uint8 // FragMF, FragDF, FragRB (IPv4) or FragMF (IPv6)
	IPHdrLen  uint16
	IPLen     uint16 // IPv4 total length or IPv6 payload length + 40
	IPID      uint32 // IPv4 id or IPv6 fragment header id
	FlowLabel uint32 // IPv6 flow label
	IPOpts    uint16 // IPOpt* bits
	IP6Exts   uint8  // IP6Ext* bits
	Src, Dst  netip.Addr

	IsFragment bool // IPv4 MF or offset set, or IPv6 fragment header
	Frag       Frag

	// L4.
	SrcPort, DstPort uint16
	TCP              TCP
	UDPLen           uint16
	ICMP             ICMP

	// Payload is the application payload after the transport header (or
	// after the IP header for other protocols). Not owned.
	Payload []byte

	// Tunnel information.
	Tunnel             Tunnel
	TunnelDepth        uint8
	TunnelID           uint32 // VXLAN/Geneve VNI, GRE key or ERSPAN session id
	OuterSrc, OuterDst netip.Addr
	OuterProto         uint8

	// Checksum status per layer (-k all); CsumNotChecked otherwise.
	IPCsum, L4Csum Csum

	Events        [MaxEvents]Event
	NumEvents     uint8
	EventsDropped uint8
	// Invalid is set when an event marks the packet as malformed (Suricata's
	// ENGINE_SET_INVALID_EVENT): such packets are not handed to flow tracking.
	Invalid bool
}

// Reset clears every decoded field and keeps the capture metadata (Ts,
// PcapCnt, Iface, Data, LinkType, OrigLen).
func (p *Packet) Reset() {
	ts, cnt, iface, data, lt, ol := p.Ts, p.PcapCnt, p.Iface, p.Data, p.LinkType, p.OrigLen
	*p = Packet{}
	p.Ts, p.PcapCnt, p.Iface, p.Data, p.LinkType, p.OrigLen = ts, cnt, iface, data, lt, ol
	p.L2Off, p.L3Off, p.L4Off, p.PayloadOff = -1, -1, -1, -1
}

// Time returns Ts as a time.Time in UTC.
func (p *Packet) Time() time.Time { return time.Unix(0, p.Ts).UTC() }

// AddEvent records a decoder event. Events beyond MaxEvents are counted in
// EventsDropped only.
func (p *Packet) AddEvent(e Event) {
	if int(p.NumEvents) < len(p.Events) {
		p.Events[p.NumEvents] = e
		p.NumEvents++
		return
	}
	if p.EventsDropped < 255 {
		p.EventsDropped++
	}
}

// HasEvent reports whether event e was recorded.
func (p *Packet) HasEvent(e Event) bool {
	for _, x := range p.Events[:p.NumEvents] {
		if x == e {
			return true
		}
	}
	return false
}

// EventList returns the recorded events; the slice aliases p.
func (p *Packet) EventList() []Event { return p.Events[:p.NumEvents] }

// IsTCP, IsUDP and friends test the transport protocol of a decoded packet.
func (p *Packet) IsTCP() bool { return p.L4Off >= 0 && p.Proto == ProtoTCP }

// IsUDP reports whether a UDP header was decoded.
func (p *Packet) IsUDP() bool { return p.L4Off >= 0 && p.Proto == ProtoUDP }

// IsICMP reports whether an ICMPv4 or ICMPv6 header was decoded.
func (p *Packet) IsICMP() bool {
	return p.L4Off >= 0 && (p.Proto == ProtoICMP || p.Proto == ProtoICMPv6)
}
