package output

import (
	"net/netip"
	"testing"
	"time"

	"vigil/output/eve"
	"vigil/output/evetest"
)

func TestFastFormat(t *testing.T) {
	base := func() *eve.Record {
		return &eve.Record{
			Type: eve.EventAlert,
			Header: eve.Header{
				Time:  time.Date(2026, 11, 21, 23, 46, 43, 123456000, time.UTC),
				SrcIP: netip.MustParseAddr("1.2.3.4"), SrcPort: 80,
				DestIP: netip.MustParseAddr("5.6.7.8"), DestPort: 1234, Ports: true, Proto: 6,
			},
			Alert: eve.Alert{Action: "allowed", GID: 1, SignatureID: 2000001, Rev: 3,
				Signature: "msg", Category: "X", Severity: 2},
		}
	}
	tests := []struct {
		name string
		edit func(r *eve.Record)
		ff   FastFormat
		want string
	}{
		{"tcp", func(*eve.Record) {}, FastFormat{},
			"11/21/2026-23:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: X] [Priority: 2] {TCP} 1.2.3.4:80 -> 5.6.7.8:1234\n"},
		{"no classtype", func(r *eve.Record) { r.Alert.Category = "" }, FastFormat{},
			"11/21/2026-23:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: (null)] [Priority: 2] {TCP} 1.2.3.4:80 -> 5.6.7.8:1234\n"},
		{"icmp type code", func(r *eve.Record) {
			r.Proto, r.Ports, r.ICMP, r.ICMPType, r.ICMPCode = 1, false, true, 8, 0
		}, FastFormat{},
			"11/21/2026-23:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: X] [Priority: 2] {ICMP} 1.2.3.4:8 -> 5.6.7.8:0\n"},
		{"unknown proto", func(r *eve.Record) { r.Proto, r.Ports = 99, false }, FastFormat{},
			"11/21/2026-23:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: X] [Priority: 2] {PROTO:099} 1.2.3.4 -> 5.6.7.8\n"},
		{"ips drop", func(r *eve.Record) { r.Alert.Action = "blocked" }, FastFormat{IPS: true},
			"11/21/2026-23:46:43.123456  [Drop] [**] [1:2000001:3] msg [**] [Classification: X] [Priority: 2] {TCP} 1.2.3.4:80 -> 5.6.7.8:1234\n"},
		{"ipv6 local time", func(r *eve.Record) {
			r.SrcIP, r.DestIP = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
		}, FastFormat{Location: time.FixedZone("X", 3600)},
			"11/22/2026-00:46:43.123456  [**] [1:2000001:3] msg [**] [Classification: X] [Priority: 2] {TCP} 2001:db8::1:80 -> 2001:db8::2:1234\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(r)
			if got := string(tt.ff.Append(nil, r)); got != tt.want {
				t.Errorf("Append =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestFastFormatAllocs(t *testing.T) {
	var f FastFormat
	r := evetest.AlertHTTP()
	buf := f.Append(nil, r)
	if n := testing.AllocsPerRun(100, func() { buf = f.Append(buf[:0], r) }); n != 0 {
		t.Fatalf("FastFormat.Append allocates %v times; want 0", n)
	}
}
