package all

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func TestEveryParsedProtoHasParser(t *testing.T) {
	r := Registry(Config{})
	for _, want := range []applayer.Proto{bufid.ProtoHTTP, bufid.ProtoTLS, bufid.ProtoSSH, bufid.ProtoDNS} {
		e, ok := r.Lookup(want)
		if !ok || e.New == nil {
			t.Errorf("%v: no parser", want)
			continue
		}
		if p := e.New(); p == nil || p.TxCount() < 0 {
			t.Errorf("%v: New returned nil", want)
		}
	}
}

// TestModes checks app-layer.protocols.X.enabled: a disabled protocol is
// not detected, a detection-only one is detected without a parser, and
// the others keep theirs.
func TestModes(t *testing.T) {
	r := Registry(Config{Modes: map[applayer.Proto]Mode{
		bufid.ProtoSNMP: Disabled,
		bufid.ProtoSMB:  DetectionOnly,
	}})
	if _, ok := r.Lookup(bufid.ProtoSNMP); ok {
		t.Error("disabled snmp is still in the detection table")
	}
	if e, ok := r.Lookup(bufid.ProtoSMB); !ok || e.New != nil {
		t.Errorf("detection-only smb: in table %v, has parser %v; want true, false", ok, e.New != nil)
	}
	if e, ok := r.Lookup(bufid.ProtoHTTP); !ok || e.New == nil {
		t.Error("http lost its parser")
	}
	for _, c := range []struct {
		in   string
		want Mode
		ok   bool
	}{{"yes", Enabled, true}, {"no", Disabled, true}, {"detection-only", DetectionOnly, true}, {"maybe", Enabled, false}} {
		got, err := ParseMode(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseMode(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
