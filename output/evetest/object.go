package evetest

import (
	"encoding/json"
	"testing"

	"vigil/output/eve"
)

// FillObject runs fill on a record of type typ, encodes it, validates the
// line against the schema and returns the decoded member key of the
// record (a protocol object such as "smb"); it fails the test when fill
// reports no object or the member is missing.
func FillObject(tb testing.TB, typ eve.EventType, key string, fill func(*eve.Record) bool) map[string]any {
	tb.Helper()
	var r eve.Record
	r.Type = typ
	r.Time = T0
	if !fill(&r) {
		tb.Fatalf("%s: fill reported no object", key)
	}
	line := (&eve.Encoder{}).Encode(&r)
	Validate(tb, line)
	var got map[string]any
	if err := json.Unmarshal(line, &got); err != nil {
		tb.Fatalf("%s: %v in %s", key, err, line)
	}
	obj, ok := got[key].(map[string]any)
	if !ok {
		tb.Fatalf("no %q object in %s", key, line)
	}
	return obj
}

// Diff compares the members of want with those of got (JSON-decoded
// values; numbers are float64) and reports each difference. Members of
// got not in want are ignored; a want value of nil asks for the member
// to be absent.
func Diff(tb testing.TB, name string, got, want map[string]any) {
	tb.Helper()
	for k, w := range want {
		g, ok := got[k]
		if w == nil {
			if ok {
				tb.Errorf("%s: %s = %v; want absent", name, k, g)
			}
			continue
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !ok || string(gj) != string(wj) {
			tb.Errorf("%s: %s = %s; want %s", name, k, gj, wj)
		}
	}
}
