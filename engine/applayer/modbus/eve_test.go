package modbus

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the modbus object against the schema and Suricata's
// names and nesting.
func TestFillEVE(t *testing.T) {
	p := New()
	for _, m := range [][]byte{readHold, writeSingle, writeMult, diag} {
		p.Parse(applayer.ToServer, m)
	}
	p.Parse(applayer.ToClient, readHoldResp)
	p.Parse(applayer.ToClient, writeSingle)
	p.Parse(applayer.ToClient, excResp)
	hdr := func(tid, unit, fn int, name, access string) map[string]any {
		m := map[string]any{"transaction_id": tid, "protocol_id": 0, "unit_id": unit, "function_raw": fn,
			"function_code": name, "category": "PUBLIC_ASSIGNED", "error_flags": "NONE"}
		if access != "" {
			m["access_type"] = access
		}
		return m
	}
	with := func(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }
	want := []map[string]any{
		{"id": 0, "request": with(hdr(1, 1, 3, "RdHoldRegs", "READ | HOLDING"), "read", map[string]any{"address": 16, "quantity": 4}),
			"response": with(hdr(1, 1, 3, "RdHoldRegs", "READ | HOLDING"), "read", map[string]any{"data": "0001000200030004"})},
		{"id": 1, "request": with(hdr(2, 1, 6, "WrSingleReg", "WRITE | HOLDING | SINGLE"), "write", map[string]any{"address": 32, "data": 0x1234}),
			"response": with(hdr(2, 1, 6, "WrSingleReg", "WRITE | HOLDING | SINGLE"), "write", map[string]any{"address": 32, "data": 0x1234})},
		{"id": 2, "request": with(hdr(3, 2, 16, "WrMultRegs", "WRITE | HOLDING | MULTIPLE"), "write", map[string]any{"address": 48, "data": 2}),
			"response": with(hdr(3, 2, 0x90, "WrMultRegs", "WRITE | HOLDING | MULTIPLE"), "exception", map[string]any{"raw": 2, "code": "IllegalDataAddr"})},
		{"id": 3, "request": with(hdr(4, 1, 8, "Diagnostic", ""), "diagnostic", map[string]any{"raw": 4, "code": "ForceListenOnlyMode", "data": "0000"})},
	}
	if p.TxCount() != len(want) {
		t.Fatalf("%d transactions", p.TxCount())
	}
	for i, w := range want {
		got := evetest.FillObject(t, eve.EventModbus, "modbus", func(r *eve.Record) bool { return p.Tx(i).FillEVE(r, applayer.ToServer) })
		evetest.Diff(t, "tx "+string(rune('0'+i)), got, w)
	}
}
