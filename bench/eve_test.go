package bench

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Synthetic EVE: the same flow seen in both directions, a stats record, a
// non-alert record that mentions "alert", and an IPv6 flow.
const vigilEVE = `{"timestamp":"2024-01-01T00:00:00.000000+0000","event_type":"alert","src_ip":"10.0.0.1","src_port":40000,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":{"signature_id":1}}
{"timestamp":"2024-01-01T00:00:01.000000+0000","event_type":"alert","src_ip":"10.0.0.2","src_port":80,"dest_ip":"10.0.0.1","dest_port":40000,"proto":"TCP","alert":{"signature_id":1}}
{"timestamp":"2024-01-01T00:00:02.000000+0000","event_type":"alert","src_ip":"10.0.0.1","src_port":40000,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":{"signature_id":2}}
{"event_type":"stats","stats":{"detect":{"alert":3}}}
{"event_type":"http","http":{"url":"/alert"}}
{"event_type":"alert","src_ip":"2001:db8::1","src_port":53,"dest_ip":"2001:db8::2","dest_port":5353,"proto":17,"alert":{"signature_id":3}}
`

// Suricata: sid 1 on the same flow (other direction first), sid 4 only here,
// sid 3 on the same IPv6 flow written differently.
const suricataEVE = `{"event_type":"alert","src_ip":"10.0.0.2","src_port":80,"dest_ip":"10.0.0.1","dest_port":40000,"proto":"TCP","flow_id":99,"alert":{"signature_id":1}}
{"event_type":"alert","src_ip":"10.0.0.9","src_port":1,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","alert":{"signature_id":4}}
{"event_type":"alert","src_ip":"2001:0db8:0000:0000:0000:0000:0000:0002","src_port":5353,"dest_ip":"2001:db8::1","dest_port":53,"proto":"UDP","alert":{"signature_id":3}}
`

func TestReadAlerts(t *testing.T) {
	set, n, err := ReadAlerts(strings.NewReader(vigilEVE))
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("alert records = %d, want 4", n)
	}
	a := netip.MustParseAddr("10.0.0.1")
	b := netip.MustParseAddr("10.0.0.2")
	fwd := NewFlowKey("TCP", a, 40000, b, 80)
	want := AlertSet{
		{SID: 1, Flow: fwd}: 2, // both directions are one flow
		{SID: 2, Flow: fwd}: 1,
		{SID: 3, Flow: NewFlowKey("UDP", netip.MustParseAddr("2001:db8::1"), 53, netip.MustParseAddr("2001:db8::2"), 5353)}: 1,
	}
	if diff := cmp.Diff(want, set); diff != "" {
		t.Errorf("alert set (-want +got):\n%s", diff)
	}
}

func TestFlowKeySymmetric(t *testing.T) {
	a, b := netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("::ffff:10.0.0.1")
	k1 := NewFlowKey("tcp", a, 1, b, 2)
	k2 := NewFlowKey("6", b, 2, a, 1)
	if k1 != k2 {
		t.Errorf("keys differ: %v vs %v", k1, k2)
	}
	if got, want := k1.String(), "TCP 10.0.0.1:2 <-> 192.168.1.1:1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if k3 := NewFlowKey("UDP", a, 1, b, 2); k3 == k1 {
		t.Errorf("protocol ignored: %v == %v", k3, k1)
	}
}

func TestReadAlertsBadLine(t *testing.T) {
	_, _, err := ReadAlerts(strings.NewReader("{\"event_type\":\"alert\",\"alert\":\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("err = %v, want a line 1 error", err)
	}
}

func TestCompare(t *testing.T) {
	v, _, err := ReadAlerts(strings.NewReader(vigilEVE))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := ReadAlerts(strings.NewReader(suricataEVE))
	if err != nil {
		t.Fatal(err)
	}
	got := Compare("x.pcap", v, s)
	want := Agreement{
		Capture: "x.pcap", Both: 2, OnlyVigil: 1, OnlySuricata: 1, Jaccard: 0.5,
		VigilAlerts: 4, SuricataAlerts: 3,
		OnlyVigilKeys: []string{"sid 2 TCP 10.0.0.1:40000 <-> 10.0.0.2:80"},
		OnlySuriKeys:  []string{"sid 4 TCP 10.0.0.2:80 <-> 10.0.0.9:1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
}

func TestCompareEmpty(t *testing.T) {
	if got := Compare("e", AlertSet{}, AlertSet{}); got.Jaccard != 1 || got.Both != 0 {
		t.Errorf("empty sets: %+v, want Jaccard 1", got)
	}
	one := AlertSet{{SID: 1}: 1}
	if got := Compare("e", one, AlertSet{}); got.Jaccard != 0 || got.OnlyVigil != 1 {
		t.Errorf("disjoint: %+v, want Jaccard 0 and one only-Vigil", got)
	}
}

func TestOverall(t *testing.T) {
	rows := []Agreement{
		{Capture: "a", Both: 3, OnlyVigil: 1, VigilAlerts: 5, SuricataAlerts: 3},
		{Capture: "b", Both: 1, OnlySuricata: 3, VigilAlerts: 1, SuricataAlerts: 4},
		{Capture: "c", Err: "vigil exit 1"},
	}
	got := Overall(rows)
	want := Agreement{Capture: "overall", Both: 4, OnlyVigil: 1, OnlySuricata: 3, Jaccard: 0.5,
		VigilAlerts: 6, SuricataAlerts: 7, Err: "1 of 3 captures failed and are left out"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Overall (-want +got):\n%s", diff)
	}
}
