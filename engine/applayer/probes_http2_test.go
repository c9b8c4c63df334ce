package applayer

import (
	"testing"

	"vigil/detect/bufid"
)

func TestProbeHTTP2(t *testing.T) {
	settings := []byte{0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100}
	tests := []struct {
		name  string
		probe ProbeFunc
		data  string
		want  ProbeResult
	}{
		{"preface", ProbeHTTP2Preface, http2Preface + "\x00\x00", ProbeMatch},
		{"preface prefix", ProbeHTTP2Preface, "PRI * HTTP/2", ProbeNeedMore},
		{"preface lower case", ProbeHTTP2Preface, "pri * HTTP/2.0\r\n\r\nSM\r\n\r\n", ProbeNoMatch},
		{"http/1 request", ProbeHTTP2Preface, "GET / HTTP/1.1\r\n", ProbeNoMatch},
		{"settings", ProbeHTTP2Settings, string(settings), ProbeMatch},
		{"settings ack", ProbeHTTP2Settings, "\x00\x00\x00\x04\x01\x00\x00\x00\x00", ProbeMatch},
		{"short", ProbeHTTP2Settings, "\x00\x00\x06\x04", ProbeNeedMore},
		{"headers frame", ProbeHTTP2Settings, "\x00\x00\x06\x01\x04\x00\x00\x00\x01", ProbeNoMatch},
		{"settings on a stream", ProbeHTTP2Settings, "\x00\x00\x06\x04\x00\x00\x00\x00\x01", ProbeNoMatch},
		{"http/1 response", ProbeHTTP2Settings, "HTTP/1.1 200 OK\r\n", ProbeNoMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.probe([]byte(tc.data)); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDetectHTTP2 checks the registry entries: the preface on any port,
// the server's SETTINGS only on port 80.
func TestDetectHTTP2(t *testing.T) {
	r := NewRegistry(0, DefaultEntries()...)
	var d Detection
	if p := r.Detect(&d, TCP, ToServer, []byte(http2Preface), 50000, 3000); p != bufid.ProtoHTTP2 {
		t.Errorf("preface on port 3000: %v", p)
	}
	settings := []byte{0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100}
	d.Reset()
	if p := r.Detect(&d, TCP, ToClient, settings, 50000, 80); p != bufid.ProtoHTTP2 {
		t.Errorf("settings on port 80: %v", p)
	}
	d.Reset()
	if p := r.Detect(&d, TCP, ToClient, settings, 50000, 3000); p == bufid.ProtoHTTP2 {
		t.Errorf("settings on port 3000 detected as HTTP/2")
	}
}
