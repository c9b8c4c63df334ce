package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

func TestDNP3Keywords(t *testing.T) {
	resp := mapTx{bufid.DNP3Func: {"\x81"}, bufid.DNP3Ind: {"\x82\x05"}, bufid.DNP3Obj: {"\x01\x01\x1e\x01"},
		bufid.DNP3Data: {"\xc1\x81\x82\x05\x01\x01"}}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"func number", `dnp3_func:129;`, resp, true},
		{"func name", `dnp3_func:response;`, resp, true},
		{"func name case", `dnp3_func:RESPONSE;`, resp, true},
		{"func alias", `dnp3.func:response;`, resp, true},
		{"func other", `dnp3_func:read;`, resp, false},
		{"func request", `dnp3_func:disable_unsolicited;`, mapTx{bufid.DNP3Func: {"\x15"}}, true},
		{"ind name", `dnp3_ind:device_restart;`, resp, true},
		{"ind not set", `dnp3_ind:need_time;`, resp, false},
		{"ind list any", `dnp3_ind:need_time, class_1_events;`, resp, true},
		{"ind iin2", `dnp3_ind:parameter_error;`, resp, true},
		{"ind integer", `dnp3_ind:0x8000;`, resp, true},
		{"ind decimal", `dnp3_ind:4096;`, resp, false},
		{"ind high iin2 bits never match", `dnp3_ind:config_corrupt;`, mapTx{bufid.DNP3Ind: {"\x00\x20"}}, false},
		{"ind two keywords and", `dnp3_ind:device_restart; dnp3_ind:need_time;`, resp, false},
		{"ind no response", `dnp3_ind:device_restart;`, mapTx{bufid.DNP3Func: {"\x01"}}, false},
		{"obj", `dnp3_obj:30,1;`, resp, true},
		{"obj hex", `dnp3_obj:0x1e,0x01;`, resp, true},
		{"obj other variation", `dnp3_obj:30,2;`, resp, false},
		{"obj pair boundary", `dnp3_obj:1,30;`, resp, false},
		{"data", `dnp3_data; content:"|c1 81|"; startswith;`, resp, true},
		{"data alias", `dnp3.data; content:"|01 01|"; endswith;`, resp, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert dnp3 any any -> any any (` + tc.opts + ` sid:1;)`
			// Either direction's packet may carry the transaction's buffers.
			got := txFires(t, ruleparser.DialectSuricata, rule, "dnp3", true, tc.tx) ||
				txFires(t, ruleparser.DialectSuricata, rule, "dnp3", false, tc.tx)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`dnp3_func:256;`, `dnp3_func:bogus;`, `dnp3_ind:bogus;`, `dnp3_obj:1;`, `dnp3_obj:1,256;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert dnp3 any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}
