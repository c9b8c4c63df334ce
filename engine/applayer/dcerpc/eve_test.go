package dcerpc

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the dcerpc object of a bind and of a two-fragment
// request with its response against the schema and Suricata's fields,
// and the nested object SMB records carry.
func TestFillEVE(t *testing.T) {
	ts, tc := conversation()
	p := New()
	bindLen := int(le16(ts[8:]))
	ackLen := int(le16(tc[8:]))
	p.Parse(applayer.ToServer, ts[:bindLen])
	p.Parse(applayer.ToClient, tc[:ackLen])
	p.Parse(applayer.ToServer, ts[bindLen:])
	p.Parse(applayer.ToClient, tc[ackLen:])
	lost := New()
	lost.Parse(applayer.ToClient, tc[ackLen:]) // a response without its request
	ifaceA := map[string]any{"uuid": "12345678-1234-abcd-ef00-010203040506", "version": "1.0", "ack_result": 2}
	ifaceB := map[string]any{"uuid": "afa8bd80-7d8a-11c9-bef4-08002b102989", "version": "1.0", "ack_result": 0}
	for _, c := range []struct {
		name string
		tx   *Tx
		want map[string]any
	}{
		{"bind", p.st.TxAt(0), map[string]any{"request": "BIND", "response": "BINDACK", "call_id": 1,
			"rpc_version": "5.0", "interfaces": []any{ifaceA, ifaceB}, "req": nil}},
		{"request", p.st.TxAt(1), map[string]any{"request": "REQUEST", "response": "RESPONSE", "call_id": 2,
			"req":        map[string]any{"opnum": 7, "frag_cnt": 2, "stub_data_size": 11},
			"res":        map[string]any{"frag_cnt": 1, "stub_data_size": 12},
			"interfaces": []any{ifaceB}}},
		{"lost request", lost.st.TxAt(0), map[string]any{"request": "REQUEST_LOST", "response": "RESPONSE"}},
	} {
		got := evetest.FillObject(t, eve.EventDCERPC, "dcerpc", func(r *eve.Record) bool {
			return c.tx.FillEVE(r, applayer.ToServer)
		})
		evetest.Diff(t, c.name, got, c.want)
	}
	// Over SMB: opnum beside req, interfaces of the context without
	// ack_result.
	got := evetest.FillObject(t, eve.EventSMB, "smb", func(r *eve.Record) bool {
		o := r.AddObject("smb")
		o.Open("dcerpc")
		p.st.TxAt(1).AppendSMB(o)
		o.Close()
		return true
	})
	evetest.Diff(t, "smb", got["dcerpc"].(map[string]any), map[string]any{"request": "REQUEST", "opnum": 7,
		"req":        map[string]any{"frag_cnt": 2, "stub_data_size": 11},
		"interfaces": []any{map[string]any{"uuid": "afa8bd80-7d8a-11c9-bef4-08002b102989", "version": "1.0"}},
		"call_id":    2})
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
