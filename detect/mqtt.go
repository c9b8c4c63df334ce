package detect

import (
	"fmt"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// MQTT integer keywords (rules/mqtt-keywords.html). Each reads a buffer
// of one-byte instances (one per message of the transaction, or per
// CONNECT or CONNACK) and matches when any instance matches, as Suricata
// loops over a transaction's messages. Every keyword gets a list of its
// own, so that two of them may match different messages.

// mqttTypes are the control packet type names mqtt.type accepts, by
// value (case-insensitive). Docs: rules/mqtt-keywords.html#mqtt-type
var mqttTypes = [16]string{
	"UNASSIGNED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
	"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
}

// mqttFlagNames are the fixed header flags of mqtt.flags.
// Docs: rules/mqtt-keywords.html#mqtt-flags
var mqttFlagNames = []flagName{{"dup", 0x08}, {"retain", 0x01}}

// mqttConnectFlagNames are the CONNECT flags of mqtt.connect.flags, at
// their bits of the connect flags byte (MQTT 5.0 section 3.1.2.3);
// will_retain comes before its prefix will.
// Docs: rules/mqtt-keywords.html#mqtt-connect-flags
var mqttConnectFlagNames = []flagName{
	{"username", 0x80}, {"password", 0x40}, {"will_retain", 0x20}, {"will", 0x04}, {"clean_session", 0x02},
}

type flagName struct {
	name string
	bit  uint8
}

// maskItem matches a one-byte buffer whose bits under mask equal want
// (Suricata's bitmask mode of its integer keywords).
type maskItem struct{ mask, want uint8 }

func (m *maskItem) relative() bool { return false }
func (m *maskItem) retry() bool    { return false }
func (m *maskItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	return cursor, cursor, len(buf) == 1 && buf[0]&m.mask == m.want
}

// addValueList puts it in a new list of buf without changing the current
// sticky buffer.
func (b *sigBuilder) addValueList(buf Buf, it item) error {
	prev, prevItem := b.cur, b.lastItem
	if err := b.openList(buf); err != nil {
		return err
	}
	l := b.curList()
	l.items = append(l.items, it)
	b.cur, b.lastItem = prev, prevItem
	return nil
}

// u8Cmp checks an integer comparison of a u8 keyword.
func u8Cmp(u ruleparser.UintCmp) (ruleparser.UintCmp, error) {
	if u.A > 255 || u.B > 255 {
		return ruleparser.UintCmp{}, errBadValue("value out of range for an 8-bit integer")
	}
	if u.Op == 0 {
		return ruleparser.UintCmp{}, fmt.Errorf("comparison %s: %w", u, ErrUnsupported)
	}
	return u, nil
}

// mqttCmpSetup is an MQTT keyword taking an 8-bit integer comparison:
// mqtt.reason_code (alias mqtt.connack.return_code) and
// mqtt.protocol_version.
func mqttCmpSetup(buf Buf) func(*sigBuilder, *ruleparser.Compare) error {
	return func(b *sigBuilder, c *ruleparser.Compare) error {
		u, err := u8Cmp(c.Cmp)
		if err != nil {
			return err
		}
		return b.addValueList(buf, &valueItem{size: 1, cmp: u})
	}
}

// setupMQTTType is mqtt.type: a type name or an 8-bit integer comparison.
// Docs: rules/mqtt-keywords.html#mqtt-type
func setupMQTTType(b *sigBuilder, o *ruleparser.CompareOrText) error {
	var u ruleparser.UintCmp
	if o.Cmp != nil {
		var err error
		if u, err = u8Cmp(*o.Cmp); err != nil {
			return err
		}
	} else {
		name := strings.TrimSpace(o.Text)
		found := false
		for i, n := range mqttTypes {
			if strings.EqualFold(n, name) {
				u, found = ruleparser.UintCmp{Op: ruleparser.CmpEq, A: uint64(i)}, true
				break
			}
		}
		if !found {
			return errBadValue(fmt.Sprintf("unknown MQTT message type %q", name))
		}
	}
	return b.addValueList(bufid.MQTTType, &valueItem{size: 1, cmp: u})
}

// parseFlagList parses Suricata's flag list: names separated by commas
// or spaces, each optionally negated with '!'; a flag may appear once.
// mask has every named bit, want the bits that must be set.
func parseFlagList(s string, names []flagName) (mask, want uint8, err error) {
	rest := strings.TrimLeft(s, " ")
	if rest == "" {
		return 0, 0, errBadValue("empty flag list")
	}
	for rest != "" {
		neg := strings.HasPrefix(rest, "!")
		if neg {
			rest = rest[1:]
		}
		var f *flagName
		for i := range names {
			if strings.HasPrefix(rest, names[i].name) {
				f = &names[i]
				break
			}
		}
		if f == nil {
			return 0, 0, errBadValue(fmt.Sprintf("unknown flag in %q", s))
		}
		if mask&f.bit != 0 {
			return 0, 0, errBadValue(fmt.Sprintf("repeated flag %s", f.name))
		}
		mask |= f.bit
		if !neg {
			want |= f.bit
		}
		rest = strings.TrimLeft(rest[len(f.name):], " ,")
	}
	return mask, want, nil
}

// flagsSetup is an MQTT keyword taking an 8-bit integer comparison or a
// flag list.
func flagsSetup(b *sigBuilder, o *ruleparser.CompareOrText, buf Buf, names []flagName) error {
	if o.Cmp != nil {
		u, err := u8Cmp(*o.Cmp)
		if err != nil {
			return err
		}
		return b.addValueList(buf, &valueItem{size: 1, cmp: u})
	}
	mask, want, err := parseFlagList(o.Text, names)
	if err != nil {
		return err
	}
	return b.addValueList(buf, &maskItem{mask: mask, want: want})
}

// setupMQTTFlags is mqtt.flags: the dup and retain flags of any message
// of the transaction. Docs: rules/mqtt-keywords.html#mqtt-flags
func setupMQTTFlags(b *sigBuilder, o *ruleparser.CompareOrText) error {
	return flagsSetup(b, o, bufid.MQTTFlags, mqttFlagNames)
}

// setupMQTTConnectFlags is mqtt.connect.flags: the flags of the
// transaction's CONNECT. Docs: rules/mqtt-keywords.html#mqtt-connect-flags
func setupMQTTConnectFlags(b *sigBuilder, o *ruleparser.CompareOrText) error {
	return flagsSetup(b, o, bufid.MQTTConnectFlags, mqttConnectFlagNames)
}

// setupMQTTQoS is mqtt.qos:N, N 0 to 2: the QoS level of any message of
// the transaction. Docs: rules/mqtt-keywords.html#mqtt-qos
func setupMQTTQoS(b *sigBuilder, v *ruleparser.Uint) error {
	if v.Value > 2 {
		return errBadValue("QoS must be 0, 1 or 2")
	}
	return b.addValueList(bufid.MQTTQoS, &valueItem{size: 1, cmp: ruleparser.UintCmp{Op: ruleparser.CmpEq, A: uint64(v.Value)}})
}

// setupMQTTSessionPresent is mqtt.connack.session_present:yes|true|no|false.
// Docs: rules/mqtt-keywords.html#mqtt-connack-session-present
func setupMQTTSessionPresent(b *sigBuilder, v *ruleparser.Text) error {
	var want uint64
	switch strings.TrimSpace(v.Value) {
	case "yes", "true":
		want = 1
	case "no", "false":
	default:
		return errBadValue("want yes, true, no or false")
	}
	return b.addValueList(bufid.MQTTConnackSessionPresent, &valueItem{size: 1, cmp: ruleparser.UintCmp{Op: ruleparser.CmpEq, A: want}})
}
