package eve_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigil/output/eve"
	"vigil/output/evetest"
)

func fullEncoder() *eve.Encoder {
	return &eve.Encoder{Payload: true, PayloadPrintable: true, PayloadLength: true, Packet: true}
}

// TestSamplesValidate encodes every sample with every alert option on and
// off and validates each line against the EVE schema.
func TestSamplesValidate(t *testing.T) {
	for _, enc := range []*eve.Encoder{{}, fullEncoder()} {
		for _, s := range evetest.Samples() {
			t.Run(s.Name, func(t *testing.T) {
				line := enc.Encode(s.Record)
				if !bytes.HasSuffix(line, []byte("}\n")) || bytes.Count(line, []byte("\n")) != 1 {
					t.Fatalf("line does not end in exactly one newline: %q", line)
				}
				if !json.Valid(line) {
					t.Fatalf("not valid JSON: %s", line)
				}
				evetest.Validate(t, line)
			})
		}
	}
	evetest.Validate(t, fullEncoder().AppendStats(nil, evetest.T0, evetest.SampleStats()))
}

// TestKeyOrder checks the key order of the envelope against Suricata's
// (proto before ip_v in packet records, ip_v before proto in flow records).
func TestKeyOrder(t *testing.T) {
	enc := fullEncoder()
	tests := []struct {
		name string
		rec  *eve.Record
		keys []string
	}{
		{"alert", evetest.AlertHTTP(), []string{
			`"timestamp"`, `"flow_id"`, `"in_iface"`, `"pcap_cnt"`, `"event_type":"alert"`, `"src_ip"`, `"src_port"`,
			`"dest_ip"`, `"dest_port"`, `"proto"`, `"ip_v"`, `"pkt_src"`, `"metadata":{"flowbits"`, `"community_id"`, `"tx_id"`, `"alert":{`,
			`"http":{`, `"app_proto"`, `"direction"`, `"flow":{`, `"payload"`, `"payload_length"`,
			`"payload_printable"`, `"stream"`, `"packet"`, `"packet_info"`}},
		{"flow", evetest.Samples()[3].Record, []string{
			`"timestamp"`, `"flow_id"`, `"in_iface"`, `"event_type":"flow"`, `"src_ip"`, `"src_port"`,
			`"dest_ip"`, `"dest_port"`, `"ip_v"`, `"proto"`, `"app_proto"`, `"flow":{`, `"community_id"`, `"tcp":{`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := string(enc.Encode(tt.rec))
			last := -1
			for _, k := range tt.keys {
				i := strings.Index(line, k)
				if i < 0 {
					t.Fatalf("key %s missing in %s", k, line)
				}
				if i < last {
					t.Fatalf("key %s out of order in %s", k, line)
				}
				last = i
			}
		})
	}
}

func TestAlertFlowTupleIsClientToServer(t *testing.T) {
	r := evetest.AlertHTTP() // a to_client packet 10.0.0.1:80 -> 10.0.0.2:49152
	var got struct {
		Flow struct {
			SrcIP    string `json:"src_ip"`
			DestIP   string `json:"dest_ip"`
			SrcPort  int    `json:"src_port"`
			DestPort int    `json:"dest_port"`
		} `json:"flow"`
	}
	if err := json.Unmarshal(fullEncoder().Encode(r), &got); err != nil {
		t.Fatal(err)
	}
	f := got.Flow
	if f.SrcIP != "10.0.0.2" || f.SrcPort != 49152 || f.DestIP != "10.0.0.1" || f.DestPort != 80 {
		t.Fatalf("flow tuple = %+v; want client 10.0.0.2:49152 -> server 10.0.0.1:80", f)
	}
}

func TestTimestamp(t *testing.T) {
	ts := time.Date(2016, 1, 2, 15, 4, 5, 7000, time.UTC)
	if got, want := string(eve.AppendTime(nil, ts, nil)), "2016-01-02T15:04:05.000007+0000"; got != want {
		t.Errorf("AppendTime UTC = %s; want %s", got, want)
	}
	loc := time.FixedZone("CET", 3600)
	if got, want := string(eve.AppendTime(nil, ts, loc)), "2016-01-02T16:04:05.000007+0100"; got != want {
		t.Errorf("AppendTime CET = %s; want %s", got, want)
	}
	for _, tt := range []time.Time{
		ts, time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Unix(0, 0),
		time.Date(2026, 3, 29, 1, 30, 0, 1000, time.FixedZone("odd", -(3*3600+30*60))),
	} {
		want := tt.Format(eve.TimeLayout)
		if got := string(eve.AppendTime(nil, tt, tt.Location())); got != want {
			t.Errorf("AppendTime(%v) = %s; want %s", tt, got, want)
		}
	}
	neg := time.FixedZone("PST", -8*3600)
	if got, want := string(eve.AppendTime(nil, ts, neg)), "2016-01-02T07:04:05.000007-0800"; got != want {
		t.Errorf("AppendTime PST = %s; want %s", got, want)
	}
}

func TestProtoName(t *testing.T) {
	for p, want := range map[uint8]string{6: "TCP", 17: "UDP", 1: "ICMP", 58: "IPv6-ICMP", 132: "SCTP", 200: "200"} {
		if got := eve.ProtoName(p); got != want {
			t.Errorf("ProtoName(%d) = %q; want %q", p, got, want)
		}
	}
}

func TestIPv4MappedLoggedAsIPv4(t *testing.T) {
	r := evetest.AlertHTTP()
	r.SrcIP = netip.MustParseAddr("::ffff:10.0.0.1")
	if line := string(fullEncoder().Encode(r)); !strings.Contains(line, `"src_ip":"10.0.0.1"`) {
		t.Fatalf("mapped address not unmapped: %s", line)
	}
}

func TestStats(t *testing.T) {
	var s eve.Stats
	if !s.Add("decoder.pkts", 2) || !s.Add("decoder.pkts", 3) || !s.Add("uptime", 1) {
		t.Fatal("Add failed")
	}
	for _, bad := range []string{"", "decoder", "decoder.pkts.x", ".a", "a.", "a..b"} {
		if s.Add(bad, 1) {
			t.Errorf("Add(%q) = true; want false", bad)
		}
	}
	if v, ok := s.Get("decoder.pkts"); !ok || v != 5 {
		t.Errorf("Get(decoder.pkts) = %d, %v; want 5, true", v, ok)
	}
	got := string(fullEncoder().AppendStats(nil, evetest.T0, &s))
	want := `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"stats","stats":{"decoder":{"pkts":5},"uptime":1}}` + "\n"
	if got != want {
		t.Errorf("AppendStats =\n%s\nwant\n%s", got, want)
	}
}

// TestStatsJSON checks values given as JSON (detect.engines): written as
// given, in order, and refused where a counter or object already is.
func TestStatsJSON(t *testing.T) {
	var s eve.Stats
	s.Add("detect.alert", 4)
	engines := `[{"id":0,"last_reload":"2026-11-21T23:46:43.123456+0000","rules_loaded":3,"rules_failed":1,"rules_skipped":0}]`
	if !s.AddJSON("detect.engines", []byte(engines)) {
		t.Fatal("AddJSON failed")
	}
	for _, bad := range []string{"detect", "detect.alert", "detect.engines", "detect.engines.x"} {
		if s.AddJSON(bad, []byte("1")) {
			t.Errorf("AddJSON(%q) = true; want false", bad)
		}
	}
	if s.Add("detect.engines", 1) || s.Add("detect.engines.x", 1) {
		t.Error("Add over a JSON value succeeded")
	}
	got := fullEncoder().AppendStats(nil, evetest.T0, &s)
	want := `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"stats","stats":{"detect":{"alert":4,"engines":` + engines + `}}}` + "\n"
	if string(got) != want {
		t.Errorf("AppendStats =\n%s\nwant\n%s", got, want)
	}
	evetest.Validate(t, got)
}

// TestStatsReset: a record rebuilt after Reset is the one a new Stats
// would build (counters and objects of the previous record that are not
// added again are gone, order is the new record's), and rebuilding the
// same names allocates nothing.
func TestStatsReset(t *testing.T) {
	build := func(s *eve.Stats, names ...string) string {
		for i, n := range names {
			if !s.Add(n, uint64(i+1)) {
				t.Fatalf("Add(%q) failed", n)
			}
		}
		return string(fullEncoder().AppendStats(nil, evetest.T0, s))
	}
	var reused eve.Stats
	build(&reused, "uptime", "decoder.pkts", "app_layer.flow.http", "app_layer.tx.dns_udp", "flow.active")
	for _, names := range [][]string{
		{"decoder.pkts", "uptime", "app_layer.tx.dns_udp"},
		{"flow.active", "decoder.bytes"},
		{"uptime", "decoder.pkts", "app_layer.flow.http", "app_layer.tx.dns_udp", "flow.active"},
	} {
		reused.Reset()
		var fresh eve.Stats
		if got, want := build(&reused, names...), build(&fresh, names...); got != want {
			t.Errorf("after Reset:\n%s\nwant\n%s", got, want)
		}
	}
	if _, ok := reused.Get("decoder.bytes"); ok {
		t.Error("Get finds a counter of an earlier record")
	}
	if reused.Add("flow.active.x", 1) {
		t.Error("Add of a path through a counter succeeded")
	}
	names := []string{"uptime", "decoder.pkts", "app_layer.flow.http", "app_layer.tx.dns_udp", "flow.active"}
	if n := testing.AllocsPerRun(100, func() {
		reused.Reset()
		for _, name := range names {
			reused.Add(name, 1)
		}
	}); n != 0 {
		t.Errorf("rebuilding a record allocates %v times; want 0", n)
	}
}

// TestEncodeAllocs proves that encoding the frequent records into a reused
// buffer allocates nothing.
func TestEncodeAllocs(t *testing.T) {
	enc := fullEncoder()
	for _, s := range evetest.Samples() {
		t.Run(s.Name, func(t *testing.T) {
			enc.Encode(s.Record) // grow the buffer
			if n := testing.AllocsPerRun(100, func() { enc.Encode(s.Record) }); n != 0 {
				t.Fatalf("Encode(%s) allocates %v times; want 0", s.Name, n)
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	enc := fullEncoder()
	for _, s := range evetest.Samples() {
		b.Run(s.Name, func(b *testing.B) {
			b.ReportAllocs()
			n := len(enc.Encode(s.Record))
			b.SetBytes(int64(n))
			for b.Loop() {
				enc.Encode(s.Record)
			}
		})
	}
}

// BenchmarkEncodeJSON is the encoding/json baseline for the alert, through
// a generic map as a naive implementation would build it.
func BenchmarkEncodeJSONBaseline(b *testing.B) {
	var m map[string]any
	if err := json.Unmarshal(fullEncoder().Encode(evetest.AlertHTTP()), &m); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTLSDateOutOfSchema: a certificate valid "forever" (RFC 5280's
// 99991231235959Z) has its notafter left out, since the schema's date
// pattern admits years 1000 to 2999 only; an ordinary date is written.
func TestTLSDateOutOfSchema(t *testing.T) {
	for _, tc := range []struct {
		when time.Time
		want string
	}{
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), ""},
		{time.Date(2025, 5, 21, 23, 59, 59, 0, time.UTC), `"notafter":"2025-05-21T23:59:59"`},
	} {
		var r eve.Record
		r.Type = eve.EventTLS
		r.TLS = &eve.TLS{NotAfter: tc.when, Version: "TLS 1.2"}
		var enc eve.Encoder
		line := string(enc.Append(nil, &r))
		if got := strings.Contains(line, `"notafter"`); got != (tc.want != "") || (tc.want != "" && !strings.Contains(line, tc.want)) {
			t.Errorf("%s: %s", tc.when, line)
		}
	}
}
