package dnp3

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the dnp3 object of a request and a response, in
// a dnp3 record and in an alert, against the schema and Suricata's
// layout.
func TestFillEVE(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, readClasses)
	p.Parse(applayer.ToClient, readResp)
	p.Parse(applayer.ToServer, frame(0xc4, 10, 1, []byte{0x45, 0xc3, 1, 60, 2})) // no FIN yet
	req := evetest.FillObject(t, eve.EventDNP3, "dnp3", func(r *eve.Record) bool { return p.Tx(0).FillEVE(r, applayer.ToServer) })
	evetest.Diff(t, "request", req, map[string]any{
		"type":    "request",
		"control": map[string]any{"dir": true, "pri": true, "fcb": false, "fcv": false, "function_code": 4},
		"src":     1, "dst": 10, "iin": nil,
		"application": map[string]any{
			"control":       map[string]any{"fir": true, "fin": true, "con": false, "uns": false, "sequence": 1},
			"function_code": 1, "complete": true,
			"objects": []any{
				map[string]any{"group": 60, "variation": 2, "qualifier": 6, "prefix_code": 0, "range_code": 6, "start": 0, "stop": 0, "count": 0},
				map[string]any{"group": 60, "variation": 3, "qualifier": 6, "prefix_code": 0, "range_code": 6, "start": 0, "stop": 0, "count": 0},
				map[string]any{"group": 60, "variation": 4, "qualifier": 6, "prefix_code": 0, "range_code": 6, "start": 0, "stop": 0, "count": 0},
			}},
	})
	resp := evetest.FillObject(t, eve.EventDNP3, "dnp3", func(r *eve.Record) bool { return p.Tx(1).FillEVE(r, applayer.ToClient) })
	evetest.Diff(t, "response", resp, map[string]any{
		"type": "response", "src": 10, "dst": 1,
		"iin": map[string]any{"indicators": []any{"device_restart"}},
	})
	objs := resp["application"].(map[string]any)["objects"].([]any)
	counter := objs[2].(map[string]any)
	evetest.Diff(t, "counter", counter, map[string]any{"group": 20, "variation": 2, "qualifier": 0x17, "prefix_code": 1,
		"range_code": 7, "count": 1, "points": []any{map[string]any{"prefix": 7, "index": 7}}})

	alert := evetest.FillObject(t, eve.EventAlert, "dnp3", func(r *eve.Record) bool { return p.Tx(1).FillEVE(r, applayer.ToClient) })
	if _, ok := alert["response"].(map[string]any); !ok || len(alert) != 1 {
		t.Errorf("alert dnp3 object %v", alert)
	}
	var r eve.Record
	r.Type = eve.EventDNP3
	if p.Tx(2).FillEVE(&r, applayer.ToServer) {
		t.Error("incomplete fragment logged")
	}
}
