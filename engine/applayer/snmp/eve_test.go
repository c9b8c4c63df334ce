package snmp

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the snmp object of v1, v2c and v3 messages against
// the schema and Suricata's field names.
func TestFillEVE(t *testing.T) {
	getVar := seq(integer(0), octets("public"), tlv(0xa0, integer(1), integer(0), integer(0),
		seq(seq(oid, tlv(0x05)))))
	for _, c := range []struct {
		name string
		in   []byte
		want map[string]any
	}{
		{"v1 get", getVar, map[string]any{"version": 1, "pdu_type": "get_request",
			"community": "public", "vars": []string{"1.3.6.1.2.1.1.3.0"}, "usm": nil}},
		{"v2c response", v2Resp, map[string]any{"version": 2, "pdu_type": "response", "community": "private", "vars": []string{"1.3.6.1.2.1.1.3.0"}}},
		{"v1 trap", v1Trap, map[string]any{"version": 1, "pdu_type": "trap_v1", "trap_type": "EnterpriseSpecific",
			"trap_oid": "1.3.6.1.2.1.1.3.0", "trap_address": "10.0.0.1"}},
		{"v3 plaintext", v3Plain, map[string]any{"version": 3, "pdu_type": "report", "usm": "admin", "community": nil}},
		{"v3 encrypted", v3Encrypted, map[string]any{"version": 3, "pdu_type": "encrypted", "usm": nil}},
	} {
		p := New()
		p.ParseDatagram(applayer.ToServer, c.in)
		if p.TxCount() != 1 {
			t.Fatalf("%s: %d transactions", c.name, p.TxCount())
		}
		got := evetest.FillObject(t, eve.EventSNMP, "snmp", func(r *eve.Record) bool {
			return p.Tx(0).FillEVE(r, applayer.ToServer)
		})
		evetest.Diff(t, c.name, got, c.want)
	}
}

func TestFormatOID(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte{0x2b, 6, 1}, "1.3.6.1"},
		{[]byte{0x01}, "0.1"},
		{[]byte{0x88, 0x37, 0x03}, "2.999.3"},
		{[]byte{0x2b, 0x81}, "1.3"}, // truncated subidentifier
	} {
		if got := FormatOID(c.in); got != c.want {
			t.Errorf("FormatOID(%x) = %q; want %q", c.in, got, c.want)
		}
	}
}
