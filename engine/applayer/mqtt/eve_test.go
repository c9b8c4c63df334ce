package mqtt

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the mqtt object of a 5.0 CONNECT/CONNACK
// transaction: header fields, flags, credentials and properties.
func TestFillEVE(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, connect5)
	p.Parse(applayer.ToClient, connack134)
	var r eve.Record
	r.Type, r.Time = eve.EventMQTT, evetest.T0
	if !p.Tx(0).FillEVE(&r, applayer.ToServer) {
		t.Fatal("FillEVE reported no object")
	}
	line := (&eve.Encoder{}).Encode(&r)
	evetest.Validate(t, line)
	var got struct {
		MQTT map[string]any `json:"mqtt"`
	}
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"connect": map[string]any{"qos": 0.0, "retain": false, "dup": false,
			"protocol_string": "MQTT", "protocol_version": 5.0, "client_id": "",
			"flags": map[string]any{"username": true, "password": true, "will_retain": false,
				"will": false, "clean_session": true},
			"username": "user", "password": "pass",
			"properties": map[string]any{"receive_maximum": 20.0}},
		"connack": map[string]any{"qos": 0.0, "retain": false, "dup": false,
			"session_present": false, "return_code": 134.0,
			"properties": map[string]any{"reason_string": "no"}},
	}
	if !reflect.DeepEqual(got.MQTT, want) {
		t.Errorf("mqtt =\n%v\nwant\n%v", got.MQTT, want)
	}
}

// TestStringLogLimit checks eve-log's mqtt string-log-limit: a publish
// message is cut with Suricata's note, and the topics of a SUBSCRIBE share
// one limit, the ones past it left out.
func TestStringLogLimit(t *testing.T) {
	S := applayer.ToServer
	p := NewConfig(Config{StringLogLimit: 10})
	p.Parse(S, connect5)
	p.Parse(applayer.ToClient, connack134)
	p.Parse(S, pkt(0x30, str("foo"), []byte{0}, bytes.Repeat([]byte("Z"), 100)))
	p.Parse(S, pkt(0x82, u16(1), []byte{0}, str("topicX"), []byte{0}, str("topicY"), []byte{0}, str("topicZ"), []byte{0}))
	enc := func(tx *Tx) map[string]any {
		var r eve.Record
		r.Type, r.Time = eve.EventMQTT, evetest.T0
		tx.FillEVE(&r, S)
		line := (&eve.Encoder{}).Encode(&r)
		evetest.Validate(t, line)
		var got struct {
			MQTT map[string]any `json:"mqtt"`
		}
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatal(err)
		}
		return got.MQTT
	}
	pub := enc(p.Tx(1))["publish"].(map[string]any)
	if got, want := pub["message"], "ZZZZZZZZZZ[truncated 90 additional bytes]"; got != want {
		t.Errorf("publish message %q; want %q", got, want)
	}
	if got := pub["topic"]; got != "foo" {
		t.Errorf("publish topic %q; want foo", got)
	}
	sub := enc(p.Tx(2))["subscribe"].(map[string]any)
	want := []any{map[string]any{"topic": "topicX", "qos": 0.0},
		map[string]any{"topic": "topi[truncated 2 additional bytes]", "qos": 0.0}}
	if !reflect.DeepEqual(sub["topics"], want) {
		t.Errorf("subscribe topics %v; want %v", sub["topics"], want)
	}
}
