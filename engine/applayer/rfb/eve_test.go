package rfb

import (
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the rfb object of a 3.7 VNC-authenticated handshake
// against the schema and Suricata's field names.
func TestFillEVE(t *testing.T) {
	p := New()
	feed(p, vnc37(), 0)
	got := evetest.FillObject(t, eve.EventRFB, "rfb", func(r *eve.Record) bool {
		return p.Tx().FillEVE(r, applayer.ToClient)
	})
	evetest.Diff(t, "vnc 3.7", got, map[string]any{
		"server_protocol_version": map[string]any{"major": "003", "minor": "007"},
		"client_protocol_version": map[string]any{"major": "003", "minor": "007"},
		"authentication": map[string]any{"security_type": 2, "security_result": "OK",
			"vnc": map[string]any{"challenge": strings.Repeat("c1", 16), "response": strings.Repeat("5e", 16)}},
		"screen_shared": true,
	})
	fb, _ := got["framebuffer"].(map[string]any)
	evetest.Diff(t, "framebuffer", fb, map[string]any{"width": 1280, "height": 800, "name": name,
		"pixel_format": map[string]any{"bits_per_pixel": 32, "depth": 24, "big_endian": false, "true_color": true,
			"red_max": 255, "green_max": 255, "blue_max": 255, "red_shift": 16, "green_shift": 8, "blue_shift": 0}})
}
