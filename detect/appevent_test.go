package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

func TestAppLayerEvent(t *testing.T) {
	rule := `alert http any any -> any any (msg:"x"; flow:to_server; app-layer-event:http.invalid_transfer_encoding_value_in_request; sid:1;)`
	for _, tc := range []struct {
		name   string
		events string
		want   bool
	}{
		{"raised", "\x01\x00\x00\x00", true},
		{"with another", "\x03\x00\x00\x00", true},
		{"other event only", "\x02\x00\x00\x00", false},
		{"none", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := mapTx{}
			if tc.events != "" {
				tx[bufid.HTTPEvents] = []string{tc.events}
			}
			if got := txFires(t, ruleparser.DialectSuricata, rule, "http", true, tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAppLayerEventUnsupported: an event Vigil does not raise skips the
// rule and counts it, under the keyword.
func TestAppLayerEventUnsupported(t *testing.T) {
	for _, ev := range []string{"http.request_too_long", "applayer_mismatch_protocol_both_directions", "smtp.invalid_reply"} {
		_, rep := compileDialect(t, ruleparser.DialectSuricata, `alert http any any -> any any (msg:"x"; app-layer-event:`+ev+`; sid:1;)`)
		if rep.Loaded != 0 || rep.Skipped["app-layer-event"] != 1 {
			t.Errorf("%s: loaded %d, skipped %v", ev, rep.Loaded, rep.Skipped)
		}
	}
}

// TestAppEventTable: every event name is proto.event in lower case, unique,
// one bit, on a value buffer.
func TestAppEventTable(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range bufid.AppEvents {
		if seen[e.Name] || e.Bit == 0 || e.Bit&(e.Bit-1) != 0 || !bufid.Specs[e.Buf].Value {
			t.Errorf("bad entry %+v", e)
		}
		seen[e.Name] = true
	}
}

// TestAppLayerEventCheck: rules check (KeywordTable.Check) refuses the
// events compile refuses, without compiling.
func TestAppLayerEventCheck(t *testing.T) {
	for ev, want := range map[string]bool{"http.request_auth_unrecognized": true, "http.request_too_long": false} {
		r, err := ruleparser.ParseRule(`alert http any any -> any any (msg:"x"; app-layer-event:`+ev+`; sid:1;)`,
			ruleparser.Options{Keywords: Keywords()})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range r.Options {
			if o.Keyword() == "app-layer-event" {
				if err := Keywords().Check(o); (err == nil) != want {
					t.Errorf("%s: Check = %v", ev, err)
				}
			}
		}
	}
}
