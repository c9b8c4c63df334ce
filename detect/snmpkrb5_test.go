package detect

import (
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func u32s(v int32) string { return string(binary.BigEndian.AppendUint32(nil, uint32(v))) }

func TestSNMPKRB5Keywords(t *testing.T) {
	for _, tc := range []struct {
		name, rule string
		tx         mapTx
		want       bool
	}{
		{"community", `alert snmp any any -> any any (snmp.community; content:"public"; sid:1;)`, mapTx{bufid.SNMPCommunity: {"public"}}, true},
		{"community other", `alert snmp any any -> any any (snmp.community; content:"private"; sid:1;)`, mapTx{bufid.SNMPCommunity: {"public"}}, false},
		{"usm", `alert snmp any any -> any any (snmp.usm; content:"admin"; sid:1;)`, mapTx{bufid.SNMPUsm: {"admin"}}, true},
		{"version less", `alert snmp any any -> any any (snmp.version:<3; sid:1;)`, mapTx{bufid.SNMPVersion: {u32s(2)}}, true},
		{"version 3", `alert snmp any any -> any any (snmp.version:3; sid:1;)`, mapTx{bufid.SNMPVersion: {u32s(2)}}, false},
		{"pdu type", `alert snmp any any -> any any (snmp.pdu_type:2; sid:1;)`, mapTx{bufid.SNMPPDUType: {u32s(2)}}, true},
		{"pdu type encrypted", `alert snmp any any -> any any (snmp.pdu_type:!2; sid:1;)`, mapTx{bufid.SNMPVersion: {u32s(3)}}, false},
		{"msg type", `alert krb5 any any -> any any (krb5_msg_type:10; sid:1;)`, mapTx{bufid.KRB5MsgType: {u32s(10)}}, true},
		{"msg type other", `alert krb5 any any -> any any (krb5_msg_type:10; sid:1;)`, mapTx{bufid.KRB5MsgType: {u32s(30)}}, false},
		{"err code", `alert krb5 any any -> any any (krb5_err_code:25; sid:1;)`, mapTx{bufid.KRB5ErrCode: {u32s(25)}}, true},
		{"err code absent", `alert krb5 any any -> any any (krb5_err_code:!25; sid:1;)`, mapTx{bufid.KRB5MsgType: {u32s(10)}}, false},
		{"cname part", `alert krb5 any any -> any any (krb5_cname; content:"admin"; sid:1;)`, mapTx{bufid.KRB5CName: {"host", "admin"}}, true},
		{"cname alias", `alert krb5 any any -> any any (krb5.cname; content:"host"; sid:1;)`, mapTx{bufid.KRB5CName: {"host", "admin"}}, true},
		{"sname whole name", `alert krb5 any any -> any any (krb5_sname; content:"krbtgt/EX"; sid:1;)`, mapTx{bufid.KRB5SName: {"krbtgt", "EX"}}, false},
		{"ticket weak", `alert krb5 any any -> any any (krb5.ticket_encryption: weak; sid:1;)`, mapTx{bufid.KRB5TicketEtype: {u32s(23)}}, true},
		{"ticket weak aes", `alert krb5 any any -> any any (krb5.ticket_encryption: weak; sid:1;)`, mapTx{bufid.KRB5TicketEtype: {u32s(18)}}, false},
		{"ticket not weak", `alert krb5 any any -> any any (krb5.ticket_encryption: !weak; sid:1;)`, mapTx{bufid.KRB5TicketEtype: {u32s(18)}}, true},
		{"ticket list", `alert krb5 any any -> any any (krb5.ticket_encryption: des-cbc-crc, rc4-hmac-OLD 24; sid:1;)`, mapTx{bufid.KRB5TicketEtype: {u32s(-133)}}, true},
		{"ticket list miss", `alert krb5 any any -> any any (krb5.ticket_encryption: des-cbc-crc,-128; sid:1;)`, mapTx{bufid.KRB5TicketEtype: {u32s(23)}}, false},
		{"ticket none", `alert krb5 any any -> any any (krb5.ticket_encryption: !weak; sid:1;)`, mapTx{bufid.KRB5MsgType: {u32s(10)}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: true, AppProto: bufid.ProtoSNMP, Flow: &FlowState{}}
			if tc.rule[6:10] == "krb5" {
				p.AppProto = bufid.ProtoKRB5
			}
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSNMPKRB5BadValues(t *testing.T) {
	for _, rule := range []string{
		`alert snmp any any -> any any (snmp.version:4294967296; sid:1;)`,
		`alert krb5 any any -> any any (krb5.ticket_encryption: des-cbc-sha9; sid:1;)`,
		`alert krb5 any any -> any any (krb5.ticket_encryption: 2147483648; sid:1;)`,
	} {
		if _, rep := compileText(t, mpm.Reference{}, rule); rep.Loaded != 0 {
			t.Errorf("%s: loaded", rule)
		}
	}
}
