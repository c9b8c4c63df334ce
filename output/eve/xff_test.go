package eve_test

import (
	"encoding/json"
	"testing"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestXFFModes encodes an HTTP alert and an http record carrying an
// X-Forwarded-For address under each mode and packet direction: off logs
// nothing, extra-data logs alert.xff, overwrite replaces dest_ip (packet
// to the client) or src_ip (to the server). Every line is schema-valid.
func TestXFFModes(t *testing.T) {
	const v4, v6 = "10.3.3.3", "2001:db8::7"
	for _, c := range []struct {
		name     string
		typ      eve.EventType
		mode     eve.XFFMode
		xff      string
		toClient bool
		// wantSrc and wantDest are src_ip and dest_ip; wantXFF alert.xff
		// ("" = absent).
		wantSrc, wantDest, wantXFF string
	}{
		{"alert off", eve.EventAlert, eve.XFFOff, v4, true, "10.0.0.1", "10.0.0.2", ""},
		{"alert extra-data", eve.EventAlert, eve.XFFExtraData, v4, true, "10.0.0.1", "10.0.0.2", v4},
		{"alert extra-data v6", eve.EventAlert, eve.XFFExtraData, v6, false, "10.0.0.1", "10.0.0.2", v6},
		{"alert overwrite to client", eve.EventAlert, eve.XFFOverwrite, v4, true, "10.0.0.1", v4, ""},
		{"alert overwrite to server", eve.EventAlert, eve.XFFOverwrite, v6, false, v6, "10.0.0.2", ""},
		{"alert no address", eve.EventAlert, eve.XFFOverwrite, "", true, "10.0.0.1", "10.0.0.2", ""},
		{"http extra-data", eve.EventHTTP, eve.XFFExtraData, v4, true, "10.0.0.1", "10.0.0.2", ""},
		{"http overwrite to client", eve.EventHTTP, eve.XFFOverwrite, v4, true, "10.0.0.1", v4, ""},
		{"http overwrite to server", eve.EventHTTP, eve.XFFOverwrite, v4, false, v4, "10.0.0.2", ""},
	} {
		r := evetest.AlertHTTP()
		r.Type = c.typ
		if c.xff != "" {
			r.XFF = []byte(c.xff)
		}
		r.XFFToClient = c.toClient
		enc := eve.Encoder{XFFAlert: c.mode, XFFHTTP: c.mode}
		line := enc.Encode(r)
		evetest.Validate(t, line)
		var got struct {
			Src   string `json:"src_ip"`
			Dest  string `json:"dest_ip"`
			Alert struct {
				XFF string `json:"xff"`
			} `json:"alert"`
			Flow struct {
				Src string `json:"src_ip"`
			} `json:"flow"`
		}
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Src != c.wantSrc || got.Dest != c.wantDest || got.Alert.XFF != c.wantXFF {
			t.Errorf("%s: src_ip %q dest_ip %q alert.xff %q, want %q %q %q\n%s", c.name, got.Src, got.Dest, got.Alert.XFF,
				c.wantSrc, c.wantDest, c.wantXFF, line)
		}
		if c.typ == eve.EventAlert && got.Flow.Src != "10.0.0.2" {
			t.Errorf("%s: flow.src_ip %q, want the flow's own client 10.0.0.2", c.name, got.Flow.Src)
		}
	}
}
