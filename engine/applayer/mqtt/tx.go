package mqtt

import (
	"vigil/engine/applayer"

	"vigil/detect/bufid"
)

// Tx is one MQTT transaction: a control packet and the packets that
// answer it (see the package doc).
type Tx struct {
	Msgs     []*Message
	id       uint64
	dir      applayer.Direction
	complete bool
	wait     int32 // key of the answer awaited, -1 for none
	// reasons holds mqtt.reason_code's instances: the first reason code
	// of the messages, then every SUBACK and UNSUBACK code.
	reasons []byte
	flow    *flowState
	size    int // message bytes kept
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoMQTT.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoMQTT }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction of the transaction's first message, the only
// direction detection inspects it in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete reports whether side dir is done: the side opposite to the
// transaction's direction always is; its own side once the answer came
// or none is expected. A transaction whose answer never comes stays
// incomplete (and uninspected), as in Suricata, until MaxWaiting gives
// it up.
func (t *Tx) Complete(dir applayer.Direction) bool { return dir != t.dir || t.complete }

func (t *Tx) add(m *Message, size int) {
	t.Msgs = append(t.Msgs, m)
	t.size += size
	t.reasons = t.reasons[:0]
	for _, m := range t.Msgs {
		if m.HasReason && !m.Truncated {
			t.reasons = append(t.reasons, m.Reason)
			break
		}
	}
	for _, m := range t.Msgs {
		if (m.Type == TypeSuback || m.Type == TypeUnsuback) && !m.Truncated {
			t.reasons = append(t.reasons, m.Codes...)
		}
	}
}

// Buffer returns the first instance of buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of an mqtt.* buffer in direction dir. The
// transaction has none in the direction opposite to its own, and none
// before it is complete: Suricata inspects an MQTT transaction once it is
// complete.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != t.dir || i < 0 || !t.Complete(dir) {
		return nil, false
	}
	switch b {
	case bufid.MQTTType:
		return t.val(valType, i)
	case bufid.MQTTFlags:
		return t.val(valFlags, i)
	case bufid.MQTTQoS:
		return t.val(valQoS, i)
	case bufid.MQTTReasonCode:
		if i >= len(t.reasons) {
			return nil, false
		}
		return t.reasons[i : i+1 : i+1], true
	case bufid.MQTTProtocolVersion:
		if i != 0 || t.flow == nil {
			return nil, false
		}
		return t.flow.version[:], true
	case bufid.MQTTConnackSessionPresent:
		return t.nth(TypeConnack, valSessionPresent, i)
	case bufid.MQTTConnectFlags:
		return t.nth(TypeConnect, valConnectFlags, i)
	case bufid.MQTTSubscribeTopic:
		return t.topic(TypeSubscribe, i)
	case bufid.MQTTUnsubscribeTopic:
		return t.topic(TypeUnsubscribe, i)
	}
	if i != 0 {
		return nil, false
	}
	for _, m := range t.Msgs {
		if m.Truncated {
			continue
		}
		var v []byte
		switch {
		case m.Type == TypeConnect:
			switch b {
			case bufid.MQTTConnectClientID:
				v = m.ClientID
			case bufid.MQTTConnectUsername:
				v = m.Username
			case bufid.MQTTConnectPassword:
				v = m.Password
			case bufid.MQTTConnectWillTopic:
				v = m.WillTopic
			case bufid.MQTTConnectWillMessage:
				v = m.WillMessage
			case bufid.MQTTConnectProtocolString:
				v = m.ProtocolString
			}
		case m.Type == TypePublish:
			switch b {
			case bufid.MQTTPublishTopic:
				v = m.Topic
			case bufid.MQTTPublishMessage:
				v = m.Payload
			}
		}
		if len(v) > 0 {
			return v, true
		}
	}
	return nil, false
}

// val returns value k of message i.
func (t *Tx) val(k, i int) ([]byte, bool) {
	if i >= len(t.Msgs) {
		return nil, false
	}
	m := t.Msgs[i]
	return m.vals[k : k+1 : k+1], true
}

// nth returns value k of the i-th decoded message of type typ.
func (t *Tx) nth(typ uint8, k, i int) ([]byte, bool) {
	for _, m := range t.Msgs {
		if m.Type != typ || m.Truncated {
			continue
		}
		if i == 0 {
			return m.vals[k : k+1 : k+1], true
		}
		i--
	}
	return nil, false
}

// topic returns topic filter i of the transaction's messages of type typ.
func (t *Tx) topic(typ uint8, i int) ([]byte, bool) {
	if i >= MaxTopics {
		return nil, false
	}
	for _, m := range t.Msgs {
		if m.Type != typ || m.Truncated {
			continue
		}
		if i < len(m.Topics) {
			return m.Topics[i], true
		}
		i -= len(m.Topics)
	}
	return nil, false
}
