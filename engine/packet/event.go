package packet

// Event is a decoder or defragmentation anomaly, named as Suricata 8.0 names
// it (String gives e.g. "decoder.ipv4.trunc_pkt"; rules match it with
// decode-event:ipv4.trunc_pkt). The zero value is EventNone.
type Event uint8

// Decoder events, in the order of Suricata's decode-events table.
const (
	EventNone                          Event = iota
	EventIPv4PktTooSmall                     // decoder.ipv4.pkt_too_small
	EventIPv4HLenTooSmall                    // decoder.ipv4.hlen_too_small
	EventIPv4IPLenSmallerThanHLen            // decoder.ipv4.iplen_smaller_than_hlen
	EventIPv4TruncPkt                        // decoder.ipv4.trunc_pkt
	EventIPv4OptInvalid                      // decoder.ipv4.opt_invalid
	EventIPv4OptInvalidLen                   // decoder.ipv4.opt_invalid_len
	EventIPv4OptMalformed                    // decoder.ipv4.opt_malformed
	EventIPv4OptPadRequired                  // decoder.ipv4.opt_pad_required
	EventIPv4OptEOLRequired                  // decoder.ipv4.opt_eol_required
	EventIPv4OptDuplicate                    // decoder.ipv4.opt_duplicate
	EventIPv4OptUnknown                      // decoder.ipv4.opt_unknown
	EventIPv4WrongIPVersion                  // decoder.ipv4.wrong_ip_version
	EventIPv4ICMPv6                          // decoder.ipv4.icmpv6
	EventICMPv4PktTooSmall                   // decoder.icmpv4.pkt_too_small
	EventICMPv4UnknownType                   // decoder.icmpv4.unknown_type
	EventICMPv4UnknownCode                   // decoder.icmpv4.unknown_code
	EventICMPv4IPv4TruncPkt                  // decoder.icmpv4.ipv4_trunc_pkt
	EventICMPv4IPv4UnknownVer                // decoder.icmpv4.ipv4_unknown_ver
	EventICMPv6UnknownType                   // decoder.icmpv6.unknown_type
	EventICMPv6UnknownCode                   // decoder.icmpv6.unknown_code
	EventICMPv6PktTooSmall                   // decoder.icmpv6.pkt_too_small
	EventICMPv6IPv6UnknownVersion            // decoder.icmpv6.ipv6_unknown_version
	EventICMPv6IPv6TruncPkt                  // decoder.icmpv6.ipv6_trunc_pkt
	EventICMPv6MLDMessageWithInvalidHL       // decoder.icmpv6.mld_message_with_invalid_hl
	EventICMPv6UnassignedType                // decoder.icmpv6.unassigned_type
	EventICMPv6ExperimentationType           // decoder.icmpv6.experimentation_type
	EventIPv6PktTooSmall                     // decoder.ipv6.pkt_too_small
	EventIPv6TruncPkt                        // decoder.ipv6.trunc_pkt
	EventIPv6TruncExtHdr                     // decoder.ipv6.trunc_exthdr
	EventIPv6ExtHdrDuplFH                    // decoder.ipv6.exthdr_dupl_fh
	EventIPv6ExtHdrUselessFH                 // decoder.ipv6.exthdr_useless_fh
	EventIPv6ExtHdrDuplRH                    // decoder.ipv6.exthdr_dupl_rh
	EventIPv6ExtHdrDuplHH                    // decoder.ipv6.exthdr_dupl_hh
	EventIPv6ExtHdrDuplDH                    // decoder.ipv6.exthdr_dupl_dh
	EventIPv6ExtHdrDuplAH                    // decoder.ipv6.exthdr_dupl_ah
	EventIPv6ExtHdrDuplEH                    // decoder.ipv6.exthdr_dupl_eh
	EventIPv6ExtHdrInvalidOptLen             // decoder.ipv6.exthdr_invalid_optlen
	EventIPv6WrongIPVersion                  // decoder.ipv6.wrong_ip_version
	EventIPv6ExtHdrAHResNotNull              // decoder.ipv6.exthdr_ah_res_not_null
	EventIPv6HopOptsUnknownOpt               // decoder.ipv6.hopopts_unknown_opt
	EventIPv6HopOptsOnlyPadding              // decoder.ipv6.hopopts_only_padding
	EventIPv6DstOptsUnknownOpt               // decoder.ipv6.dstopts_unknown_opt
	EventIPv6DstOptsOnlyPadding              // decoder.ipv6.dstopts_only_padding
	EventIPv6RHType0                         // decoder.ipv6.rh_type_0
	EventIPv6ZeroLenPadN                     // decoder.ipv6.zero_len_padn
	EventIPv6FHNonZeroReservedField          // decoder.ipv6.fh_non_zero_reserved_field
	EventIPv6DataAfterNoneHeader             // decoder.ipv6.data_after_none_header
	EventIPv6UnknownNextHeader               // decoder.ipv6.unknown_next_header
	EventIPv6ICMPv4                          // decoder.ipv6.icmpv4
	EventTCPPktTooSmall                      // decoder.tcp.pkt_too_small
	EventTCPHLenTooSmall                     // decoder.tcp.hlen_too_small
	EventTCPInvalidOptLen                    // decoder.tcp.invalid_optlen
	EventTCPOptInvalidLen                    // decoder.tcp.opt_invalid_len
	EventTCPOptDuplicate                     // decoder.tcp.opt_duplicate
	EventUDPPktTooSmall                      // decoder.udp.pkt_too_small
	EventUDPHLenTooSmall                     // decoder.udp.hlen_too_small
	EventUDPHLenInvalid                      // decoder.udp.hlen_invalid
	EventSLLPktTooSmall                      // decoder.sll.pkt_too_small
	EventEthernetPktTooSmall                 // decoder.ethernet.pkt_too_small
	EventPPPPktTooSmall                      // decoder.ppp.pkt_too_small
	EventPPPVJUPktTooSmall                   // decoder.ppp.vju_pkt_too_small
	EventPPPIP4PktTooSmall                   // decoder.ppp.ip4_pkt_too_small
	EventPPPIP6PktTooSmall                   // decoder.ppp.ip6_pkt_too_small
	EventPPPWrongType                        // decoder.ppp.wrong_type
	EventPPPUnsupProto                       // decoder.ppp.unsup_proto
	EventPPPoEPktTooSmall                    // decoder.pppoe.pkt_too_small
	EventPPPoEWrongCode                      // decoder.pppoe.wrong_code
	EventPPPoEMalformedTags                  // decoder.pppoe.malformed_tags
	EventGREPktTooSmall                      // decoder.gre.pkt_too_small
	EventGREWrongVersion                     // decoder.gre.wrong_version
	EventGREVersion0Recur                    // decoder.gre.version0_recur
	EventGREVersion0Flags                    // decoder.gre.version0_flags
	EventGREVersion0HdrTooBig                // decoder.gre.version0_hdr_too_big
	EventGREVersion0MalformedSREHdr          // decoder.gre.version0_malformed_sre_hdr
	EventGREVersion1Chksum                   // decoder.gre.version1_chksum
	EventGREVersion1Route                    // decoder.gre.version1_route
	EventGREVersion1SSR                      // decoder.gre.version1_ssr
	EventGREVersion1Recur                    // decoder.gre.version1_recur
	EventGREVersion1Flags                    // decoder.gre.version1_flags
	EventGREVersion1NoKey                    // decoder.gre.version1_no_key
	EventGREVersion1WrongProtocol            // decoder.gre.version1_wrong_protocol
	EventGREVersion1MalformedSREHdr          // decoder.gre.version1_malformed_sre_hdr
	EventGREVersion1HdrTooBig                // decoder.gre.version1_hdr_too_big
	EventVLANHeaderTooSmall                  // decoder.vlan.header_too_small
	EventVLANUnknownType                     // decoder.vlan.unknown_type
	EventVLANTooManyLayers                   // decoder.vlan.too_many_layers
	EventIEEE8021ahHeaderTooSmall            // decoder.ieee8021ah.header_too_small
	EventVNTagHeaderTooSmall                 // decoder.vntag.header_too_small
	EventVNTagUnknownType                    // decoder.vntag.unknown_type
	EventIPRawInvalidIPVersion               // decoder.ipraw.invalid_ip_version
	EventLTNullPktTooSmall                   // decoder.ltnull.pkt_too_small
	EventLTNullUnsupportedType               // decoder.ltnull.unsupported_type
	EventSCTPPktTooSmall                     // decoder.sctp.pkt_too_small
	EventESPPktTooSmall                      // decoder.esp.pkt_too_small
	EventIPv4FragPktTooLarge                 // decoder.ipv4.frag_pkt_too_large
	EventIPv6FragPktTooLarge                 // decoder.ipv6.frag_pkt_too_large
	EventIPv4FragOverlap                     // decoder.ipv4.frag_overlap
	EventIPv6FragOverlap                     // decoder.ipv6.frag_overlap
	EventIPv6FragInvalidLength               // decoder.ipv6.frag_invalid_length
	EventIPv4FragIgnored                     // decoder.ipv4.frag_ignored
	EventIPv6FragIgnored                     // decoder.ipv6.frag_ignored
	EventIPv6IPv4InIPv6TooSmall              // decoder.ipv6.ipv4_in_ipv6_too_small
	EventIPv6IPv4InIPv6WrongVersion          // decoder.ipv6.ipv4_in_ipv6_wrong_version
	EventIPv6IPv6InIPv6TooSmall              // decoder.ipv6.ipv6_in_ipv6_too_small
	EventIPv6IPv6InIPv6WrongVersion          // decoder.ipv6.ipv6_in_ipv6_wrong_version
	EventMPLSHeaderTooSmall                  // decoder.mpls.header_too_small
	EventMPLSPktTooSmall                     // decoder.mpls.pkt_too_small
	EventMPLSBadLabelRouterAlert             // decoder.mpls.bad_label_router_alert
	EventMPLSBadLabelImplicitNull            // decoder.mpls.bad_label_implicit_null
	EventMPLSBadLabelReserved                // decoder.mpls.bad_label_reserved
	EventMPLSUnknownPayloadType              // decoder.mpls.unknown_payload_type
	EventVXLANUnknownPayloadType             // decoder.vxlan.unknown_payload_type
	EventGeneveUnknownPayloadType            // decoder.geneve.unknown_payload_type
	EventERSPANHeaderTooSmall                // decoder.erspan.header_too_small
	EventERSPANUnsupportedVersion            // decoder.erspan.unsupported_version
	EventERSPANTooManyVLANLayers             // decoder.erspan.too_many_vlan_layers
	EventTooManyLayers                       // decoder.too_many_layers

	numEvents
)

// eventNames maps each Event to its Suricata name.
var eventNames = [numEvents]string{
	EventNone:                          "",
	EventIPv4PktTooSmall:               "decoder.ipv4.pkt_too_small",
	EventIPv4HLenTooSmall:              "decoder.ipv4.hlen_too_small",
	EventIPv4IPLenSmallerThanHLen:      "decoder.ipv4.iplen_smaller_than_hlen",
	EventIPv4TruncPkt:                  "decoder.ipv4.trunc_pkt",
	EventIPv4OptInvalid:                "decoder.ipv4.opt_invalid",
	EventIPv4OptInvalidLen:             "decoder.ipv4.opt_invalid_len",
	EventIPv4OptMalformed:              "decoder.ipv4.opt_malformed",
	EventIPv4OptPadRequired:            "decoder.ipv4.opt_pad_required",
	EventIPv4OptEOLRequired:            "decoder.ipv4.opt_eol_required",
	EventIPv4OptDuplicate:              "decoder.ipv4.opt_duplicate",
	EventIPv4OptUnknown:                "decoder.ipv4.opt_unknown",
	EventIPv4WrongIPVersion:            "decoder.ipv4.wrong_ip_version",
	EventIPv4ICMPv6:                    "decoder.ipv4.icmpv6",
	EventICMPv4PktTooSmall:             "decoder.icmpv4.pkt_too_small",
	EventICMPv4UnknownType:             "decoder.icmpv4.unknown_type",
	EventICMPv4UnknownCode:             "decoder.icmpv4.unknown_code",
	EventICMPv4IPv4TruncPkt:            "decoder.icmpv4.ipv4_trunc_pkt",
	EventICMPv4IPv4UnknownVer:          "decoder.icmpv4.ipv4_unknown_ver",
	EventICMPv6UnknownType:             "decoder.icmpv6.unknown_type",
	EventICMPv6UnknownCode:             "decoder.icmpv6.unknown_code",
	EventICMPv6PktTooSmall:             "decoder.icmpv6.pkt_too_small",
	EventICMPv6IPv6UnknownVersion:      "decoder.icmpv6.ipv6_unknown_version",
	EventICMPv6IPv6TruncPkt:            "decoder.icmpv6.ipv6_trunc_pkt",
	EventICMPv6MLDMessageWithInvalidHL: "decoder.icmpv6.mld_message_with_invalid_hl",
	EventICMPv6UnassignedType:          "decoder.icmpv6.unassigned_type",
	EventICMPv6ExperimentationType:     "decoder.icmpv6.experimentation_type",
	EventIPv6PktTooSmall:               "decoder.ipv6.pkt_too_small",
	EventIPv6TruncPkt:                  "decoder.ipv6.trunc_pkt",
	EventIPv6TruncExtHdr:               "decoder.ipv6.trunc_exthdr",
	EventIPv6ExtHdrDuplFH:              "decoder.ipv6.exthdr_dupl_fh",
	EventIPv6ExtHdrUselessFH:           "decoder.ipv6.exthdr_useless_fh",
	EventIPv6ExtHdrDuplRH:              "decoder.ipv6.exthdr_dupl_rh",
	EventIPv6ExtHdrDuplHH:              "decoder.ipv6.exthdr_dupl_hh",
	EventIPv6ExtHdrDuplDH:              "decoder.ipv6.exthdr_dupl_dh",
	EventIPv6ExtHdrDuplAH:              "decoder.ipv6.exthdr_dupl_ah",
	EventIPv6ExtHdrDuplEH:              "decoder.ipv6.exthdr_dupl_eh",
	EventIPv6ExtHdrInvalidOptLen:       "decoder.ipv6.exthdr_invalid_optlen",
	EventIPv6WrongIPVersion:            "decoder.ipv6.wrong_ip_version",
	EventIPv6ExtHdrAHResNotNull:        "decoder.ipv6.exthdr_ah_res_not_null",
	EventIPv6HopOptsUnknownOpt:         "decoder.ipv6.hopopts_unknown_opt",
	EventIPv6HopOptsOnlyPadding:        "decoder.ipv6.hopopts_only_padding",
	EventIPv6DstOptsUnknownOpt:         "decoder.ipv6.dstopts_unknown_opt",
	EventIPv6DstOptsOnlyPadding:        "decoder.ipv6.dstopts_only_padding",
	EventIPv6RHType0:                   "decoder.ipv6.rh_type_0",
	EventIPv6ZeroLenPadN:               "decoder.ipv6.zero_len_padn",
	EventIPv6FHNonZeroReservedField:    "decoder.ipv6.fh_non_zero_reserved_field",
	EventIPv6DataAfterNoneHeader:       "decoder.ipv6.data_after_none_header",
	EventIPv6UnknownNextHeader:         "decoder.ipv6.unknown_next_header",
	EventIPv6ICMPv4:                    "decoder.ipv6.icmpv4",
	EventTCPPktTooSmall:                "decoder.tcp.pkt_too_small",
	EventTCPHLenTooSmall:               "decoder.tcp.hlen_too_small",
	EventTCPInvalidOptLen:              "decoder.tcp.invalid_optlen",
	EventTCPOptInvalidLen:              "decoder.tcp.opt_invalid_len",
	EventTCPOptDuplicate:               "decoder.tcp.opt_duplicate",
	EventUDPPktTooSmall:                "decoder.udp.pkt_too_small",
	EventUDPHLenTooSmall:               "decoder.udp.hlen_too_small",
	EventUDPHLenInvalid:                "decoder.udp.hlen_invalid",
	EventSLLPktTooSmall:                "decoder.sll.pkt_too_small",
	EventEthernetPktTooSmall:           "decoder.ethernet.pkt_too_small",
	EventPPPPktTooSmall:                "decoder.ppp.pkt_too_small",
	EventPPPVJUPktTooSmall:             "decoder.ppp.vju_pkt_too_small",
	EventPPPIP4PktTooSmall:             "decoder.ppp.ip4_pkt_too_small",
	EventPPPIP6PktTooSmall:             "decoder.ppp.ip6_pkt_too_small",
	EventPPPWrongType:                  "decoder.ppp.wrong_type",
	EventPPPUnsupProto:                 "decoder.ppp.unsup_proto",
	EventPPPoEPktTooSmall:              "decoder.pppoe.pkt_too_small",
	EventPPPoEWrongCode:                "decoder.pppoe.wrong_code",
	EventPPPoEMalformedTags:            "decoder.pppoe.malformed_tags",
	EventGREPktTooSmall:                "decoder.gre.pkt_too_small",
	EventGREWrongVersion:               "decoder.gre.wrong_version",
	EventGREVersion0Recur:              "decoder.gre.version0_recur",
	EventGREVersion0Flags:              "decoder.gre.version0_flags",
	EventGREVersion0HdrTooBig:          "decoder.gre.version0_hdr_too_big",
	EventGREVersion0MalformedSREHdr:    "decoder.gre.version0_malformed_sre_hdr",
	EventGREVersion1Chksum:             "decoder.gre.version1_chksum",
	EventGREVersion1Route:              "decoder.gre.version1_route",
	EventGREVersion1SSR:                "decoder.gre.version1_ssr",
	EventGREVersion1Recur:              "decoder.gre.version1_recur",
	EventGREVersion1Flags:              "decoder.gre.version1_flags",
	EventGREVersion1NoKey:              "decoder.gre.version1_no_key",
	EventGREVersion1WrongProtocol:      "decoder.gre.version1_wrong_protocol",
	EventGREVersion1MalformedSREHdr:    "decoder.gre.version1_malformed_sre_hdr",
	EventGREVersion1HdrTooBig:          "decoder.gre.version1_hdr_too_big",
	EventVLANHeaderTooSmall:            "decoder.vlan.header_too_small",
	EventVLANUnknownType:               "decoder.vlan.unknown_type",
	EventVLANTooManyLayers:             "decoder.vlan.too_many_layers",
	EventIEEE8021ahHeaderTooSmall:      "decoder.ieee8021ah.header_too_small",
	EventVNTagHeaderTooSmall:           "decoder.vntag.header_too_small",
	EventVNTagUnknownType:              "decoder.vntag.unknown_type",
	EventIPRawInvalidIPVersion:         "decoder.ipraw.invalid_ip_version",
	EventLTNullPktTooSmall:             "decoder.ltnull.pkt_too_small",
	EventLTNullUnsupportedType:         "decoder.ltnull.unsupported_type",
	EventSCTPPktTooSmall:               "decoder.sctp.pkt_too_small",
	EventESPPktTooSmall:                "decoder.esp.pkt_too_small",
	EventIPv4FragPktTooLarge:           "decoder.ipv4.frag_pkt_too_large",
	EventIPv6FragPktTooLarge:           "decoder.ipv6.frag_pkt_too_large",
	EventIPv4FragOverlap:               "decoder.ipv4.frag_overlap",
	EventIPv6FragOverlap:               "decoder.ipv6.frag_overlap",
	EventIPv6FragInvalidLength:         "decoder.ipv6.frag_invalid_length",
	EventIPv4FragIgnored:               "decoder.ipv4.frag_ignored",
	EventIPv6FragIgnored:               "decoder.ipv6.frag_ignored",
	EventIPv6IPv4InIPv6TooSmall:        "decoder.ipv6.ipv4_in_ipv6_too_small",
	EventIPv6IPv4InIPv6WrongVersion:    "decoder.ipv6.ipv4_in_ipv6_wrong_version",
	EventIPv6IPv6InIPv6TooSmall:        "decoder.ipv6.ipv6_in_ipv6_too_small",
	EventIPv6IPv6InIPv6WrongVersion:    "decoder.ipv6.ipv6_in_ipv6_wrong_version",
	EventMPLSHeaderTooSmall:            "decoder.mpls.header_too_small",
	EventMPLSPktTooSmall:               "decoder.mpls.pkt_too_small",
	EventMPLSBadLabelRouterAlert:       "decoder.mpls.bad_label_router_alert",
	EventMPLSBadLabelImplicitNull:      "decoder.mpls.bad_label_implicit_null",
	EventMPLSBadLabelReserved:          "decoder.mpls.bad_label_reserved",
	EventMPLSUnknownPayloadType:        "decoder.mpls.unknown_payload_type",
	EventVXLANUnknownPayloadType:       "decoder.vxlan.unknown_payload_type",
	EventGeneveUnknownPayloadType:      "decoder.geneve.unknown_payload_type",
	EventERSPANHeaderTooSmall:          "decoder.erspan.header_too_small",
	EventERSPANUnsupportedVersion:      "decoder.erspan.unsupported_version",
	EventERSPANTooManyVLANLayers:       "decoder.erspan.too_many_vlan_layers",
	EventTooManyLayers:                 "decoder.too_many_layers",
}

// String returns the event's Suricata name ("decoder.tcp.hlen_too_small"),
// or "" for EventNone and unknown values.
func (e Event) String() string {
	if e < numEvents {
		return eventNames[e]
	}
	return ""
}

// NumEvents is the number of defined events plus one (EventNone); valid
// events are 1 <= e < NumEvents, so per-event counters can be an array.
const NumEvents = int(numEvents)

// EventByName looks an event up by its Suricata name, with or without the
// "decoder." prefix (the decode-event rule keyword omits it). It is meant
// for rule loading, not for the packet path.
func EventByName(name string) (Event, bool) {
	for e := Event(1); e < numEvents; e++ {
		n := eventNames[e]
		if n == name || (len(n) > 8 && n[8:] == name && n[:8] == "decoder.") {
			return e, true
		}
	}
	return EventNone, false
}
