package applayer

import (
	"testing"

	"vigil/detect/bufid"
)

func TestProbeRFB(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ProbeResult
	}{
		{"", ProbeNeedMore},
		{"RF", ProbeNeedMore},
		{"RFB 003.00", ProbeNeedMore},
		{"RFB 003.008\n", ProbeMatch},
		{"RFB 003.889\nmore", ProbeMatch},
		{"RFB 003.008\r\n", ProbeNoMatch},
		{"RFB 3.8\n", ProbeNoMatch},
		{"rfb 003.008\n", ProbeNoMatch},
		{"SSH-2.0", ProbeNoMatch},
	} {
		if got := ProbeRFB([]byte(tc.in)); got != tc.want {
			t.Errorf("ProbeRFB(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestDetectRFB: the server speaks first, on a VNC port or not.
func TestDetectRFB(t *testing.T) {
	reg := NewRegistry(0, DefaultEntries()...)
	for _, dp := range []uint16{5900, 5909, 443, 12345} {
		var d Detection
		if got := reg.Detect(&d, TCP, ToClient, []byte("RFB 003."), 40000, dp); got != bufid.ProtoUnknown {
			t.Fatalf("port %d: partial banner gave %v", dp, got)
		}
		if got := reg.Detect(&d, TCP, ToClient, []byte("007\n"), 40000, dp); got != bufid.ProtoRFB {
			t.Errorf("port %d: got %v, want rfb", dp, got)
		}
	}
}
