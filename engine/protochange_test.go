package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestConnectTunnel replays Suricata's HTTP CONNECT captures: after the
// 200 answer protocol detection runs again on the tunnelled bytes. TLS
// in the tunnel makes the flow tls with app_proto_orig http; HTTP in it
// makes new HTTP transactions numbered from 0 again (the flow stays
// http, so no app_proto_orig); bytes no protocol matches make it failed.
func TestConnectTunnel(t *testing.T) {
	for _, tc := range []struct {
		dir       string
		proto     string
		orig      string
		httpTxIDs []float64
	}{
		{"http-connect-tls", "tls", "http", []float64{0}},
		{"http-connect-fragmented", "http", "", []float64{0, 0}},
		{"http-connect-fail", "failed", "http", []float64{0}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", tc.dir, "input.pcap")
			if _, err := os.Stat(pcap); err != nil {
				t.Skipf("capture not available: %v", err)
			}
			cfg := Config{Workers: 1}
			cfg.Decode.Checksum = decode.ChecksumNone // the captures' checksums are not set
			_, dir := replayTo(t, cfg, pcap)
			data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
			if err != nil {
				t.Fatal(err)
			}
			var ids []float64
			flows := 0
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				evetest.Validate(t, []byte(line))
				var r map[string]any
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatal(err)
				}
				switch r["event_type"] {
				case "http":
					ids = append(ids, r["tx_id"].(float64))
				case "flow":
					flows++
					orig, _ := r["app_proto_orig"].(string)
					if r["app_proto"] != tc.proto || orig != tc.orig {
						t.Errorf("flow app_proto %v, app_proto_orig %q; want %s, %q", r["app_proto"], orig, tc.proto, tc.orig)
					}
				}
			}
			if flows != 1 {
				t.Errorf("%d flow records, want 1", flows)
			}
			if len(ids) != len(tc.httpTxIDs) {
				t.Errorf("http records with tx_id %v, want %v", ids, tc.httpTxIDs)
			}
		})
	}
}

// TestMidstreamSwap replays Suricata's alert-testmyids-midstream capture
// with stream.midstream on: the session is picked up on the server's
// HTTP response, so the first packet's sender looks like the client.
// Protocol detection sees a response in the "to server" data and the
// flow is reversed, as in Suricata: the http record and the flow record
// name port 80 as the server's.
func TestMidstreamSwap(t *testing.T) {
	pcap := filepath.Join(testutil.SharedDir(t), "verify-eve", "alert-testmyids-midstream", "input.pcap")
	if _, err := os.Stat(pcap); err != nil {
		t.Skipf("capture not available: %v", err)
	}
	cfg := Config{Workers: 1}
	cfg.Stream.Midstream = true
	_, dir := replayTo(t, cfg, pcap)
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		evetest.Validate(t, []byte(line))
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if et := r["event_type"]; et == "http" || et == "flow" {
			got = append(got, fmt.Sprintf("%v %v->%v %v", et, r["src_port"], r["dest_port"], r["app_proto"]))
		}
	}
	want := []string{"flow 54186->80 http", "http 54186->80 <nil>"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("records %q, want %q", got, want)
	}
}
