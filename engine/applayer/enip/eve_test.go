package enip

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the enip object against the schema and Suricata's
// names and nesting.
func TestFillEVE(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, multiReq)
	p.Parse(applayer.ToClient, multiResp)
	p.ParseDatagram(applayer.ToServer, listIdentity)
	p.ParseDatagram(applayer.ToClient, listIdentityResp)
	p.Parse(applayer.ToServer, register)
	p.Parse(applayer.ToClient, registerResp)
	p.ParseDatagram(applayer.ToClient, listServicesResp)
	want := []map[string]any{
		{"request": map[string]any{"command": "send_unit_data", "status": "success", "cip": map[string]any{
			"service": "Multiple Service Packet", "class_name": "Message Router",
			"path": []any{map[string]any{"segment_type": "class", "value": 2}, map[string]any{"segment_type": "instance", "value": 1}},
			"multiple": []any{
				map[string]any{"service": "Get Attributes Single", "class_name": "TCP/IP Interface", "path": []any{
					map[string]any{"segment_type": "class", "value": 0xf5}, map[string]any{"segment_type": "instance", "value": 1},
					map[string]any{"segment_type": "attribute", "value": 5}}},
				map[string]any{"service": "Read Data", "class_name": "unknown-107", "path": []any{
					map[string]any{"segment_type": "class", "value": 0x6b}}},
			}}},
			"response": map[string]any{"command": "send_unit_data", "status": "success", "cip": map[string]any{
				"service": "Multiple Service Packet", "status": "Embedded Service Error",
				"multiple": []any{
					map[string]any{"service": "Get Attributes Single", "status": "Success"},
					map[string]any{"service": "Read Data", "status": "Vendor Specific Error", "status_extended": "0501"},
				}}}},
		{"request": map[string]any{"command": "list_identity", "status": "success"},
			"response": map[string]any{"command": "list_identity", "status": "success", "identity": map[string]any{
				"protocol_version": 1, "revision": "20.11", "vendor_id": "unknown-1", "device_type": "unknown-14",
				"product_code": 0x36, "status": 0x30, "serial": 0x12345678, "product_name": "PLC5", "state": 3}}},
		{"request": map[string]any{"command": "register_session", "status": "success",
			"register_session": map[string]any{"protocol_version": 1, "options": 0}},
			"response": map[string]any{"command": "register_session", "status": "success",
				"register_session": map[string]any{"protocol_version": 1, "options": 0}}},
		{"request": nil, "response": map[string]any{"command": "list_services", "status": "success", "list_services": map[string]any{
			"protocol_version": 1, "capabilities": 0x120, "service_name": "Communications\u0000\u0000"}}},
	}
	if p.TxCount() != len(want) {
		t.Fatalf("%d transactions", p.TxCount())
	}
	for i, w := range want {
		got := evetest.FillObject(t, eve.EventENIP, "enip", func(r *eve.Record) bool { return p.Tx(i).FillEVE(r, applayer.ToServer) })
		evetest.Diff(t, "tx "+string(rune('0'+i)), got, w)
	}
}
