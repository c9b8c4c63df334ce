package krb5

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the krb5 object of each message kind against the
// schema and Suricata's field names and values.
func TestFillEVE(t *testing.T) {
	p := New()
	for _, m := range [][]byte{asReq, asRep, tgsReq, tgsRep, errorMsg} {
		p.ParseDatagram(applayer.ToServer, m)
	}
	want := []map[string]any{
		{"msg_type": "KRB_AS_REQ", "cname": "alice", "realm": "EXAMPLE.ORG", "sname": "krbtgt/EXAMPLE.ORG",
			"encryption": "<none>", "weak_encryption": false, "ticket_encryption": nil},
		{"msg_type": "KRB_AS_REP", "cname": "alice", "realm": "EXAMPLE.ORG", "sname": "host/srv.example.org",
			"encryption": "aes256-cts-hmac-sha1-96", "weak_encryption": false,
			"ticket_encryption": "rc4-hmac", "ticket_weak_encryption": true},
		{"msg_type": "KRB_TGS_REQ", "cname": "<empty>", "encryption": "<none>"},
		{"msg_type": "KRB_TGS_REP", "ticket_encryption": "rc4-hmac-OLD", "ticket_weak_encryption": true},
		{"msg_type": "KRB_ERROR", "failed_request": "KRB_TGS_REQ", "error_code": "KDC_ERR_PREAUTH_REQUIRED",
			"cname": "<empty>", "realm": "EXAMPLE.ORG", "sname": "krbtgt/EXAMPLE.ORG"},
	}
	if p.TxCount() != len(want) {
		t.Fatalf("%d transactions; want %d", p.TxCount(), len(want))
	}
	for i, w := range want {
		got := evetest.FillObject(t, eve.EventKRB5, "krb5", func(r *eve.Record) bool {
			return p.Tx(i).FillEVE(r, applayer.ToServer)
		})
		evetest.Diff(t, w["msg_type"].(string), got, w)
	}
	if got := name(etypeNames, "EncryptionType", 99); got != "EncryptionType(99 / 0x63)" {
		t.Errorf("unknown etype = %q", got)
	}
}
