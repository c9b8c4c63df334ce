package mqtt

import (
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// typeNames are the object names of Suricata's mqtt record, by control
// packet type.
var typeNames = [...]string{
	TypeReserved: "", TypeConnect: "connect", TypeConnack: "connack", TypePublish: "publish",
	TypePuback: "puback", TypePubrec: "pubrec", TypePubrel: "pubrel", TypePubcomp: "pubcomp",
	TypeSubscribe: "subscribe", TypeSuback: "suback", TypeUnsubscribe: "unsubscribe",
	TypeUnsuback: "unsuback", TypePingreq: "pingreq", TypePingresp: "pingresp",
	TypeDisconnect: "disconnect",
	// AUTH is not logged: the EVE schema has no object for it.
}

// FillEVE adds Suricata's "mqtt" object: one member per message of the
// transaction, named by its type, with the fixed header's qos, retain and
// dup first, and MQTT 5 properties.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("mqtt")
	for _, m := range t.Msgs {
		if int(m.Type) >= len(typeNames) || typeNames[m.Type] == "" {
			continue
		}
		o.Open(typeNames[m.Type])
		o.Uint("qos", uint64(m.QoS))
		o.Bool("retain", m.Retain)
		o.Bool("dup", m.Dup)
		if m.Truncated {
			o.Bool("truncated", true)
			o.Close()
			continue
		}
		switch m.Type {
		case TypeConnect:
			o.Bytes("protocol_string", m.ProtocolString)
			o.Uint("protocol_version", uint64(m.ProtocolVersion))
			o.Bytes("client_id", m.ClientID)
			f := m.ConnectFlags
			o.Open("flags")
			o.Bool("username", f&0x80 != 0)
			o.Bool("password", f&0x40 != 0)
			o.Bool("will_retain", f&0x20 != 0)
			o.Bool("will", f&0x04 != 0)
			o.Bool("clean_session", f&0x02 != 0)
			o.Close()
			if f&0x80 != 0 {
				o.Bytes("username", m.Username)
			}
			if f&0x40 != 0 {
				o.Bytes("password", m.Password)
			}
			if f&0x04 != 0 {
				o.Open("will")
				o.Bytes("topic", m.WillTopic)
				o.Bytes("message", m.WillMessage)
				appendProps(o, m.WillProps)
				o.Close()
			}
		case TypeConnack:
			o.Bool("session_present", m.SessionPresent)
			o.Uint("return_code", uint64(m.Reason))
		case TypePublish:
			o.Bytes("topic", t.limited(m.Topic, nil))
			if m.HasPacketID {
				o.Uint("message_id", uint64(m.PacketID))
			}
			o.Bytes("message", t.limited(m.Payload, nil))
		case TypePuback, TypePubrec, TypePubrel, TypePubcomp:
			o.Uint("message_id", uint64(m.PacketID))
			if m.HasReason {
				o.Uint("reason_code", uint64(m.Reason))
			}
		case TypeSubscribe:
			o.Uint("message_id", uint64(m.PacketID))
			o.OpenArray("topics")
			budget := t.flow.logLimit
			for i, tp := range m.Topics {
				if t.flow.logLimit > 0 && budget == 0 {
					break // the limit is spent: later topics are left out
				}
				o.Open("")
				o.Bytes("topic", t.limited(tp, &budget))
				var qos uint64
				if i < len(m.TopicQoS) {
					qos = uint64(m.TopicQoS[i])
				}
				o.Uint("qos", qos)
				o.Close()
			}
			o.Close()
		case TypeSuback:
			o.Uint("message_id", uint64(m.PacketID))
			o.OpenArray("qos_granted")
			for _, c := range m.Codes {
				o.Uint("", uint64(c))
			}
			o.Close()
		case TypeUnsubscribe:
			o.Uint("message_id", uint64(m.PacketID))
			o.OpenArray("topics")
			budget := t.flow.logLimit
			for _, tp := range m.Topics {
				if t.flow.logLimit > 0 && budget == 0 {
					break
				}
				o.Bytes("", t.limited(tp, &budget))
			}
			o.Close()
		case TypeUnsuback:
			// Suricata logs no properties of SUBACK and UNSUBACK.
			o.Uint("message_id", uint64(m.PacketID))
			if len(m.Codes) > 0 {
				o.OpenArray("reason_codes")
				for _, c := range m.Codes {
					o.Uint("", uint64(c))
				}
				o.Close()
			}
		case TypeDisconnect:
			if m.HasReason {
				o.Uint("reason_code", uint64(m.Reason))
			}
		}
		// Properties where the EVE schema has them (Suricata also logs
		// those of the acknowledgements, SUBSCRIBE and AUTH).
		switch m.Type {
		case TypeConnect, TypeConnack, TypePublish, TypeDisconnect:
			appendProps(o, m.Props)
		}
		o.Close()
	}
	return true
}

// limited returns v cut to the string-log-limit, with Suricata's
// "[truncated N additional bytes]" note after a cut. budget, when not nil,
// is the limit left for a list of strings logged together: v takes what
// it uses of it. v itself is returned when no limit applies.
func (t *Tx) limited(v []byte, budget *int) []byte {
	limit := t.flow.logLimit
	if limit <= 0 {
		return v
	}
	if budget != nil {
		limit = *budget
		*budget = max(limit-len(v), 0)
	}
	if len(v) <= limit {
		return v
	}
	out := append(make([]byte, 0, limit+40), v[:limit]...)
	out = append(out, "[truncated "...)
	out = strconv.AppendInt(out, int64(len(v)-limit), 10)
	return append(out, " additional bytes]"...)
}

// Property value kinds (MQTT 5.0 section 2.2.2.2).
const (
	propByte = iota + 1
	propU16
	propU32
	propVarint
	propString
	propBinary
	propPair
)

type propDef struct {
	name string
	kind uint8
}

// props are the MQTT 5 properties by identifier, under Suricata's names.
var props = map[uint8]propDef{
	1: {"payload_format_indicator", propByte}, 2: {"message_expiry_interval", propU32},
	3: {"content_type", propString}, 8: {"response_topic", propString},
	9: {"correlation_data", propBinary}, 11: {"subscription_identifier", propVarint},
	17: {"session_expiry_interval", propU32}, 18: {"assigned_client_identifier", propString},
	19: {"server_keep_alive", propU16}, 21: {"authentication_method", propString},
	22: {"authentication_data", propBinary}, 23: {"request_problem_information", propByte},
	24: {"will_delay_interval", propU32}, 25: {"request_response_information", propByte},
	26: {"response_information", propString}, 28: {"server_reference", propString},
	31: {"reason_string", propString}, 33: {"receive_maximum", propU16},
	34: {"topic_alias_maximum", propU16}, 35: {"topic_alias", propU16},
	36: {"maximum_qos", propByte}, 37: {"retain_available", propByte},
	38: {"user_property", propPair}, 39: {"maximum_packet_size", propU32},
	40: {"wildcard_subscription_available", propByte},
	41: {"subscription_identifier_available", propByte},
	42: {"shared_subscription_available", propByte},
}

// appendProps adds the "properties" object decoded from raw (nothing when
// raw is empty). A user property is logged under its own name, as
// Suricata does; decoding stops at the first malformed property.
func appendProps(o *eve.Object, raw []byte) {
	if len(raw) == 0 {
		return
	}
	o.Open("properties")
	r := reader{b: raw}
	for len(r.b) > 0 && !r.bad {
		d, ok := props[r.u8()]
		if !ok {
			break
		}
		switch d.kind {
		case propByte:
			v := r.u8()
			if !r.bad {
				o.Uint(d.name, uint64(v))
			}
		case propU16:
			v := r.u16()
			if !r.bad {
				o.Uint(d.name, uint64(v))
			}
		case propU32:
			v := r.u32()
			if !r.bad {
				o.Uint(d.name, uint64(v))
			}
		case propVarint:
			v := r.varint()
			if !r.bad {
				o.Uint(d.name, uint64(v))
			}
		case propString, propBinary:
			v := r.bytes16()
			if !r.bad {
				o.Bytes(d.name, v)
			}
		case propPair:
			k, v := r.bytes16(), r.bytes16()
			if !r.bad {
				o.Pair(k, v)
			}
		}
	}
	o.Close()
}
