package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

func TestNTPKeywords(t *testing.T) {
	server := mapTx{bufid.NTPVersion: {"\x04"}, bufid.NTPMode: {"\x04"}, bufid.NTPStratum: {"\x02"}, bufid.NTPReferenceID: {"RATE"}}
	for _, tc := range []struct {
		name, opts string
		want       bool
	}{
		{"version eq", `ntp.version:4;`, true},
		{"version lt", `ntp.version:<4;`, false},
		{"version range", `ntp.version:2-5;`, true},
		{"mode number", `ntp.mode:4;`, true},
		{"mode gt", `ntp.mode:>3;`, true},
		{"mode name", `ntp.mode:server;`, true},
		{"mode name case", `ntp.mode:SERVER;`, true},
		{"mode other name", `ntp.mode:client;`, false},
		{"mode negated name", `ntp.mode:!client;`, true},
		{"mode negated own name", `ntp.mode:!server;`, false},
		{"stratum eq", `ntp.stratum:2;`, true},
		{"stratum lt", `ntp.stratum:<16;`, true},
		{"stratum ge", `ntp.stratum:>=3;`, false},
		{"reference id", `ntp.reference_id; content:"RATE";`, true},
		{"reference id hex", `ntp.reference_id; content:"|0a 00 00 01|";`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, `alert ntp any any -> any any (`+tc.opts+` sid:1;)`)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			for _, toServer := range []bool{true, false} {
				p := &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: toServer, AppProto: bufid.ProtoNTP, Flow: &FlowState{}}
				if got := len(m.MatchTx(p, server, 0, true, &TxState{}, nil)) > 0; got != tc.want {
					t.Errorf("to_server=%v: got %v, want %v", toServer, got, tc.want)
				}
			}
		})
	}
	for _, bad := range []string{`ntp.mode:peer;`, `ntp.stratum:256;`, `ntp.version:x;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert ntp any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}

func TestPgSQLQuery(t *testing.T) {
	q := mapTx{bufid.PgSQLQuery: {"select * from rule limit 5000;"}}
	for _, tc := range []struct {
		name, opts string
		want       bool
	}{
		{"content", `pgsql.query; content:"select";`, true},
		{"case", `pgsql.query; content:"SELECT";`, false},
		{"nocase", `pgsql.query; content:"SELECT"; nocase;`, true},
		{"startswith", `pgsql.query; content:"rule"; startswith;`, false},
		{"absent", `pgsql.query; content:"delete";`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := txFires(t, ruleparser.DialectSuricata, `alert pgsql any any -> any any (`+tc.opts+` sid:1;)`, "pgsql", true, q); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
