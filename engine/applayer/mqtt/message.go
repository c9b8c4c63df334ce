package mqtt

// Control packet types (MQTT 5.0 section 2.1.2; the same in 3.1 and
// 3.1.1, where 15 is reserved).
const (
	TypeReserved    uint8 = iota // 0, Suricata's UNASSIGNED
	TypeConnect                  // 1
	TypeConnack                  // 2
	TypePublish                  // 3
	TypePuback                   // 4
	TypePubrec                   // 5
	TypePubrel                   // 6
	TypePubcomp                  // 7
	TypeSubscribe                // 8
	TypeSuback                   // 9
	TypeUnsubscribe              // 10
	TypeUnsuback                 // 11
	TypePingreq                  // 12
	TypePingresp                 // 13
	TypeDisconnect               // 14
	TypeAuth                     // 15
)

// Indexes of Message.vals: one-byte values detection reads as buffers.
const (
	valType = iota
	valFlags
	valQoS
	valConnectFlags
	valSessionPresent
	numVals
)

// Message is one decoded control packet. Byte slices alias the message's
// own copy of its body.
type Message struct {
	Type        uint8 // control packet type (high nibble of the first byte)
	QoS         uint8 // bits 1-2 of the first byte
	Dup, Retain bool  // bits 3 and 0 of the first byte
	// Truncated: the message was longer than MaxMsgLen; only the fixed
	// header is known.
	Truncated bool

	// CONNECT (section 3.1).
	ProtocolString  []byte
	ProtocolVersion uint8
	ConnectFlags    uint8
	ClientID        []byte
	WillTopic       []byte
	WillMessage     []byte
	Username        []byte
	Password        []byte

	// CONNACK (section 3.2).
	SessionPresent bool

	// Reason is the CONNACK return code or, in 5.0, the reason code of
	// PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH; HasReason is
	// false when the message has none.
	Reason    uint8
	HasReason bool

	// PUBLISH (section 3.3).
	Topic   []byte
	Payload []byte

	// PacketID is the packet identifier of PUBLISH (QoS > 0), the
	// acknowledgements, SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.
	PacketID    uint16
	HasPacketID bool

	// Topics are the topic filters of SUBSCRIBE and UNSUBSCRIBE.
	Topics [][]byte
	// TopicQoS are the requested QoS of SUBSCRIBE's topic filters.
	TopicQoS []uint8
	// Codes are the SUBACK and UNSUBACK reason codes (return codes in
	// 3.1.1 SUBACK).
	Codes []byte

	// Props are the raw MQTT 5 properties (section 2.2.2) and WillProps
	// those of CONNECT's will; decoded only for logging.
	Props, WillProps []byte

	vals [numVals]byte
}

// fixedHeader reads the first byte and the remaining length (1 to 4 bytes,
// section 1.5.5). n is the header length; n == 0 means more bytes are
// needed, n < 0 a malformed length.
func fixedHeader(b []byte) (n, remaining int) {
	mult := 1
	for i := 1; i <= 4; i++ {
		if i >= len(b) {
			return 0, 0
		}
		c := b[i]
		remaining += int(c&0x7f) * mult
		if c&0x80 == 0 {
			return i + 1, remaining
		}
		mult <<= 7
	}
	return -1, 0
}

// newMessage returns the message of first byte h with its header values.
func newMessage(h byte) *Message {
	m := &Message{Type: h >> 4, QoS: h >> 1 & 3, Dup: h&0x08 != 0, Retain: h&0x01 != 0}
	m.vals[valType] = m.Type
	m.vals[valFlags] = h & 0x09
	m.vals[valQoS] = m.QoS
	return m
}

// reader reads MQTT data types from a message body; bad is set once a
// read goes past the end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() uint8 {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := uint16(r.b[0])<<8 | uint16(r.b[1])
	r.b = r.b[2:]
	return v
}

// bytes16 reads a UTF-8 string or binary data: a 2-byte length and the
// bytes (section 1.5.4, 1.5.6).
func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := uint32(r.b[0])<<24 | uint32(r.b[1])<<16 | uint32(r.b[2])<<8 | uint32(r.b[3])
	r.b = r.b[4:]
	return v
}

func (r *reader) bytes16() []byte {
	n := int(r.u16())
	if r.bad {
		return nil
	}
	if len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// varint reads a variable byte integer (at most 4 bytes).
func (r *reader) varint() int {
	v, mult := 0, 1
	for i := 0; i < 4; i++ {
		c := r.u8()
		if r.bad {
			return 0
		}
		v += int(c&0x7f) * mult
		if c&0x80 == 0 {
			return v
		}
		mult <<= 7
	}
	r.bad = true
	return 0
}

// props skips a 5.0 property block: its length and the properties, which
// Vigil does not inspect (section 2.2.2).
func (r *reader) props() []byte {
	n := r.varint()
	if r.bad {
		return nil
	}
	if len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// decode parses the body of a message of first byte h, read with
// protocol version ver (that of the flow's last CONNECT; 0 before one).
// body is copied when the message keeps slices of it. ok is false for a
// malformed message.
func decode(h byte, body []byte, ver uint8) (m *Message, ok bool) {
	m = newMessage(h)
	v5 := ver == 5
	switch m.Type {
	case TypeConnect, TypePublish, TypeSubscribe, TypeUnsubscribe, TypeSuback, TypeUnsuback:
		body = append([]byte(nil), body...)
	default:
		if v5 { // Props keeps a slice of it
			body = append([]byte(nil), body...)
		}
	}
	r := reader{b: body}
	switch m.Type {
	case TypeConnect:
		m.ProtocolString = r.bytes16()
		m.ProtocolVersion = r.u8()
		m.ConnectFlags = r.u8()
		m.vals[valConnectFlags] = m.ConnectFlags
		r.u16() // keep alive
		own5 := m.ProtocolVersion == 5
		if own5 {
			m.Props = r.props()
		}
		m.ClientID = r.bytes16()
		if m.ConnectFlags&0x04 != 0 { // will flag
			if own5 {
				m.WillProps = r.props()
			}
			m.WillTopic = r.bytes16()
			m.WillMessage = r.bytes16()
		}
		if m.ConnectFlags&0x80 != 0 {
			m.Username = r.bytes16()
		}
		if m.ConnectFlags&0x40 != 0 {
			m.Password = r.bytes16()
		}
	case TypeConnack:
		ack := r.u8()
		m.Reason, m.HasReason = r.u8(), true
		m.SessionPresent = ack&1 != 0
		if m.SessionPresent {
			m.vals[valSessionPresent] = 1
		}
		if v5 {
			m.Props = r.props()
		}
	case TypePublish:
		m.Topic = r.bytes16()
		if m.QoS > 0 {
			m.PacketID, m.HasPacketID = r.u16(), true
		}
		if v5 {
			m.Props = r.props()
		}
		m.Payload = r.b
	case TypePuback, TypePubrec, TypePubrel, TypePubcomp:
		m.PacketID, m.HasPacketID = r.u16(), true
		if v5 {
			// The reason code (and properties) may be left out when the
			// reason is 0 (section 3.4.2.1).
			m.HasReason = true
			if len(body) > 2 {
				m.Reason = r.u8()
			}
			if len(body) > 3 {
				m.Props = r.props()
			}
		}
	case TypeSubscribe:
		m.PacketID, m.HasPacketID = r.u16(), true
		if v5 {
			m.Props = r.props()
		}
		for !r.bad && len(r.b) > 0 {
			sub := reader{b: r.b}
			t := sub.bytes16()
			opts := sub.u8() // subscription options, QoS in bits 0-1
			if sub.bad {
				break // a trailing partial entry is ignored
			}
			m.Topics = append(m.Topics, t)
			m.TopicQoS = append(m.TopicQoS, opts&3)
			r.b = sub.b
		}
		if len(m.Topics) == 0 {
			r.bad = true
		}
	case TypeSuback, TypeUnsuback:
		m.PacketID, m.HasPacketID = r.u16(), true
		if v5 {
			m.Props = r.props()
		}
		m.Codes = r.b
	case TypeUnsubscribe:
		m.PacketID, m.HasPacketID = r.u16(), true
		if v5 {
			m.Props = r.props()
		}
		for !r.bad && len(r.b) > 0 {
			sub := reader{b: r.b}
			t := sub.bytes16()
			if sub.bad {
				break
			}
			m.Topics = append(m.Topics, t)
			r.b = sub.b
		}
	case TypeDisconnect, TypeAuth:
		// 5.0: the reason code and properties may be left out when the
		// reason is 0 (sections 3.14.2.1, 3.15.2.1). DISCONNECT has
		// neither before 5.0.
		if m.Type == TypeDisconnect && !v5 {
			break
		}
		m.HasReason = true
		if len(body) > 0 {
			m.Reason = r.u8()
		}
		if m.Type == TypeDisconnect && len(body) == 1 {
			// Suricata 8 reads a DISCONNECT of one byte (a reason code
			// without properties) as reason 0 whatever the byte says;
			// mqtt.reason_code and the record follow it.
			m.Reason = 0
		}
		if len(body) > 1 {
			m.Props = r.props()
		}
	}
	return m, !r.bad
}
