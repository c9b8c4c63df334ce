package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestParseFlagList(t *testing.T) {
	for _, c := range []struct {
		in         string
		mask, want uint8
	}{
		{"retain", 0x01, 0x01},
		{"dup, retain", 0x09, 0x09},
		{"retain,!dup", 0x09, 0x01},
		{"  !dup", 0x08, 0x00},
	} {
		mask, want, err := parseFlagList(c.in, mqttFlagNames)
		if err != nil || mask != c.mask || want != c.want {
			t.Errorf("parseFlagList(%q) = %#x, %#x, %v; want %#x, %#x", c.in, mask, want, err, c.mask, c.want)
		}
	}
	mask, want, err := parseFlagList("username,!password,will_retain,!will,clean_session", mqttConnectFlagNames)
	if err != nil || mask != 0xe6 || want != 0xa2 {
		t.Errorf("connect flags = %#x, %#x, %v; want 0xe6, 0xa2", mask, want, err)
	}
	for _, bad := range []string{"", "ref", "dup,!", "dup,!dup", "!retain,retain", "dup;x"} {
		if _, _, err := parseFlagList(bad, mqttFlagNames); err == nil {
			t.Errorf("parseFlagList(%q) accepted", bad)
		}
	}
}

// TestMQTTKeywords runs the MQTT keywords over transaction views: a
// CONNECT answered by a CONNACK, and a QoS 1 PUBLISH with its PUBACK.
func TestMQTTKeywords(t *testing.T) {
	connect := mapTx{
		bufid.MQTTType:                  {"\x01", "\x02"},
		bufid.MQTTFlags:                 {"\x00", "\x00"},
		bufid.MQTTQoS:                   {"\x00", "\x00"},
		bufid.MQTTReasonCode:            {"\x86"},
		bufid.MQTTProtocolVersion:       {"\x05"},
		bufid.MQTTConnectFlags:          {"\xc2"},
		bufid.MQTTConnackSessionPresent: {"\x00"},
		bufid.MQTTConnectUsername:       {"user"},
	}
	publish := mapTx{
		bufid.MQTTType:            {"\x03", "\x04"},
		bufid.MQTTFlags:           {"\x09", "\x00"},
		bufid.MQTTQoS:             {"\x01", "\x00"},
		bufid.MQTTProtocolVersion: {"\x04"},
		bufid.MQTTPublishTopic:    {"a/b"},
		bufid.MQTTPublishMessage:  {"\xff\xd8\xff\xe0 jpeg"},
		bufid.MQTTSubscribeTopic:  {},
	}
	rule := func(opts string) string { return `alert mqtt any any -> any any (` + opts + ` sid:1;)` }
	for _, tc := range []struct {
		name, rule string
		tx         mapTx
		toServer   bool
		want       bool
	}{
		{"type name", rule("mqtt.type:CONNACK;"), connect, true, true},
		{"type lower case", rule("mqtt.type:connack;"), connect, true, true},
		{"type number", rule("mqtt.type:2;"), connect, true, true},
		{"type range", rule("mqtt.type:>5;"), connect, true, false},
		{"two types, two messages", rule("mqtt.type:CONNECT; mqtt.type:CONNACK;"), connect, true, true},
		{"type miss", rule("mqtt.type:PUBLISH;"), connect, true, false},
		{"reason code", rule("mqtt.type:CONNACK; mqtt.reason_code:134;"), connect, true, true},
		{"return code alias", rule("mqtt.connack.return_code:134;"), connect, true, true},
		{"reason code miss", rule("mqtt.type:CONNACK; mqtt.reason_code:0;"), connect, true, false},
		{"protocol version", rule("mqtt.protocol_version:5;"), connect, true, true},
		{"protocol version range", rule("mqtt.protocol_version:<5;"), connect, true, false},
		{"connect flags", rule("mqtt.connect.flags:username,password,!will;"), connect, true, true},
		{"connect flags miss", rule("mqtt.connect.flags:username,!password;"), connect, true, false},
		{"connect flags number", rule("mqtt.connect.flags:0xc2;"), connect, true, true},
		{"session present", rule("mqtt.connack.session_present:false;"), connect, false, true},
		{"session present miss", rule("mqtt.connack.session_present:yes;"), connect, false, false},
		{"username", rule(`mqtt.connect.username; content:"user"; mqtt.type:CONNECT;`), connect, true, true},
		{"flags", rule("mqtt.flags:dup,retain;"), publish, true, true},
		{"flags negated", rule("mqtt.flags:!dup,!retain;"), publish, true, true}, // the PUBACK
		{"flags number", rule("mqtt.flags:9;"), publish, true, true},
		{"qos", rule("mqtt.type:PUBLISH; mqtt.qos:1;"), publish, true, true},
		{"qos miss", rule("mqtt.qos:2;"), publish, true, false},
		{"publish message", rule(`mqtt.type:PUBLISH; mqtt.publish.message; content:"|FF D8 FF E0|"; startswith;`), publish, true, true},
		{"publish topic", rule(`mqtt.publish.topic; content:"a/b"; bsize:3;`), publish, true, true},
		{"subscribe topic absent", rule(`mqtt.subscribe.topic; content:"a";`), publish, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", tc.toServer)
			p.AppProto = bufid.ProtoMQTT
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestMQTTBadValues checks that values Suricata refuses make the rule
// fail to load instead of being half-evaluated.
func TestMQTTBadValues(t *testing.T) {
	for _, opts := range []string{
		"mqtt.type:CONNECTX;", "mqtt.type:300;", "mqtt.qos:3;", "mqtt.reason_code:256;",
		"mqtt.flags:dup,dup;", "mqtt.connect.flags:user;",
	} {
		_, rep := compileText(t, mpm.Reference{}, `alert mqtt any any -> any any (`+opts+` sid:1;)`)
		if rep.Loaded != 0 {
			t.Errorf("%s: loaded", opts)
		}
	}
}
