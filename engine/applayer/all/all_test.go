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
