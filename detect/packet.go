package detect

import (
	"net/netip"

	"vigil/detect/bufid"
)

// Packet is the view of one packet that detection inspects. The engine
// fills it per packet (detect never imports engine types); it is read only
// during a Matcher call and nothing in it is retained.
type Packet struct {
	// Ts is the packet time, nanoseconds since the Unix epoch (xbits
	// expiry runs on packet time).
	Ts int64

	IPVer    uint8
	Src, Dst netip.Addr
	Proto    uint8
	SrcPort  uint16
	DstPort  uint16

	TTL      uint8
	TOS      uint8
	IPID     uint16
	FragBits uint8 // bit 0 MF, bit 1 DF, bit 2 reserved

	IPOpts     uint16 // IPOpt* bits of the IPv4 options present
	VLANLayers uint8  // number of VLAN headers
	// VLANIDs are the VLAN ids, outermost first (the first
	// min(VLANLayers, 3) are set; vlan.id).
	VLANIDs [3]uint16

	// IPCsum and L4Csum are the decoder's checksum verdicts (the
	// *-csum keywords).
	IPCsum, L4Csum Csum

	TCPFlags uint8
	Seq, Ack uint32
	Window   uint16

	ICMPType, ICMPCode uint8
	ICMPID, ICMPSeq    uint16
	HasICMPID          bool

	// Payload is the packet's L4 payload (pkt_data).
	Payload []byte
	// Fragment marks an IP fragment inspected before reassembly: its
	// transport header is not decoded, so only rules for ip (any
	// transport) apply, by its IP header; Proto is the header's protocol
	// (ip_proto) and Payload is nil.
	Fragment bool
	// IPHdr is the packet's (innermost) IP header, options or IPv6
	// extension headers included; L4Hdr its TCP, UDP or ICMP header.
	// Both are views into the frame, nil when absent (ipv4.hdr, tcp.hdr,
	// ... buffers).
	IPHdr, L4Hdr []byte

	// Flow context. HasFlow is false for packets outside any flow.
	HasFlow     bool
	ToServer    bool
	Established bool
	// AppProto is the flow's detected app-layer protocol name ("http",
	// "tls", ...; "" while unknown, "failed" when detection gave up).
	AppProto bufid.Proto
	// AppProtoDir is the protocol each direction's own bytes were
	// detected as ([0] to server, [1] to client; "" while undecided), and
	// AppProtoOrig the flow's protocol before a protocol change (HTTP
	// upgrade, STARTTLS), "" when it never changed. Used by
	// app-layer-protocol's modes.
	AppProtoDir  [2]bufid.Proto
	AppProtoOrig bufid.Proto
	// Service is a service identified for Snort 3's service option that
	// Suricata does not detect (bufid.ProtoIRC, ProtoSunRPC); it leaves
	// AppProto alone. ProtoUnknown when none.
	Service bufid.Proto
	// ProtoDetectDone is set on the packet that carries the end of
	// protocol detection for its direction: the packet during which it
	// ended, or, when it ended while handling a packet of the other
	// direction (ACK-driven reassembly), the next packet of this one.
	ProtoDetectDone bool
	// NoPayload turns payload inspection off for this packet: rules
	// with packet or stream content are not evaluated (Suricata's
	// PKT_NOPAYLOAD_INSPECTION, set on encrypted TLS and SSH flows).
	NoPayload bool
	// HasStream is set for TCP packets of a tracked session;
	// Stream*Bytes count the bytes each side has sent so far
	// (stream_size).
	HasStream         bool
	StreamClientBytes uint32
	StreamServerBytes uint32
	// FlowPkts and FlowBytes count the packets and bytes (whole frames)
	// of the flow per direction, this packet included: [0] to server,
	// [1] to client (flow.pkts, flow.bytes).
	FlowPkts, FlowBytes [2]uint64
	// FlowStartNs is the time of the flow's first packet, nanoseconds
	// since the Unix epoch (flow.age).
	FlowStartNs int64
	// Flow is the flow's detection state (flowbits, ...); nil without a
	// flow.
	Flow *FlowState
	// PktVars are the packet variables rules stored while inspecting
	// this packet (pcre captures), in the order stored; the engine
	// starts each packet with none. Matchers append to it.
	PktVars []Var
}

// TCP flag bits as they appear in the TCP header.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
	tcpURG = 0x20
	tcpECE = 0x40
	tcpCWR = 0x80
)

// FlowState is the detection state a flow carries: flowbits, flowints and
// whether a pass rule matched. The engine keeps one per flow; it survives
// a rule reload because bits and variables are kept by name (no Engine
// specific numbering), so a new Engine reads what the old one set.
type FlowState struct {
	bits []string // set flowbits by name, in the order set; searched linearly (few per flow)
	// ints are the flow's flowint variables (flowint.go).
	ints []flowIntVar
	// vars are the flow's string variables (flowvar.go), floats its
	// float variables (entropy.go), in the order first stored.
	vars   []Var
	floats []FloatVar
	// passed is set once a pass rule matched on the flow: the rest of
	// the flow is not inspected.
	passed bool
	// bypassed is set once a rule with bypass matched on the flow.
	bypassed bool
}

// Reset clears the state for reuse with a new flow.
func (f *FlowState) Reset() {
	f.bits, f.ints, f.vars, f.floats, f.passed, f.bypassed = f.bits[:0], f.ints[:0], f.vars[:0], f.floats[:0], false, false
}

// Passed reports whether a pass rule matched on the flow.
func (f *FlowState) Passed() bool { return f.passed }

// Bypassed reports whether a rule with the bypass keyword matched on the
// flow: the engine then stops inspecting the flow's packets (Suricata's
// local bypass; its flow record's state is "bypassed").
func (f *FlowState) Bypassed() bool { return f.bypassed }

func (f *FlowState) isSet(name string) bool {
	for _, b := range f.bits {
		if b == name {
			return true
		}
	}
	return false
}

func (f *FlowState) set(name string) {
	if !f.isSet(name) {
		f.bits = append(f.bits, name)
	}
}

func (f *FlowState) unset(name string) {
	for i, b := range f.bits {
		if b == name {
			f.bits = append(f.bits[:i], f.bits[i+1:]...)
			return
		}
	}
}

// Bits returns the set flowbits (for tests and EVE metadata).
func (f *FlowState) Bits() []string { return f.bits }
