package eve

import "testing"

// TestVarsMetadata checks the flow, packet and float variables of the
// metadata object: Suricata's order (flowbits, flowints, entropy,
// flowvars, pktvars) and its printing of variable values.
func TestVarsMetadata(t *testing.T) {
	h := Header{
		Flowbits: []string{"seen"},
		Entropy:  []FloatVar{{"content", 4.137370175000773}, {"http.uri", 3}},
		Flowvars: []Var{{"key", []byte("Mozilla")}, {"value", []byte("5.0")}},
		Pktvars:  []Var{{"bin", []byte("a\x00\xff\"\\\r\n")}},
	}
	got := string(appendVarsMetadata(nil, &h))
	want := `"metadata":{"flowbits":["seen"],"entropy":{"content":4.137370175000773,"http.uri":3},` +
		`"flowvars":[{"key":"Mozilla"},{"value":"5.0"}],"pktvars":[{"bin":"a..\"\\\r\n"}]}`
	if got != want {
		t.Errorf("metadata:\n got %s\nwant %s", got, want)
	}
	h = Header{Flowvars: []Var{{"ua", []byte("x")}}}
	if got := string(appendVarsMetadata(nil, &h)); got != `"metadata":{"flowvars":[{"ua":"x"}]}` {
		t.Errorf("flowvars only: %s", got)
	}
}

// TestAlertContext checks alert.context: the captured alert variables,
// before "rule", sharing the object with Vigil's score when both exist.
func TestAlertContext(t *testing.T) {
	a := Alert{Action: "allowed", SignatureID: 1, Context: []Var{{"ua", []byte("Mozilla")}}, Rule: "r"}
	got := string(appendAlertObject(nil, &a, nil))
	if want := `"context":{"ua":"Mozilla"},"rule":"r"}`; len(got) < len(want) || got[len(got)-len(want):] != want {
		t.Errorf("alert object %s, want it to end with %s", got, want)
	}
}
