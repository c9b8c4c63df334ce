package mqtt

import (
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
