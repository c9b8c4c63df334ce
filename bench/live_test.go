package bench

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseLiveRates(t *testing.T) {
	got, err := ParseLiveRates(" 200, 500,top ")
	want := []LiveLoad{{Mbps: 200}, {Mbps: 500}, {}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseLiveRates = %v, %v; want %v", got, err, want)
	}
	for _, none := range []string{"", "none"} {
		if got, err := ParseLiveRates(none); err != nil || got != nil {
			t.Errorf("ParseLiveRates(%q) = %v, %v; want none", none, got, err)
		}
	}
	for _, bad := range []string{"0", "fast", "200,,top", "-5"} {
		if _, err := ParseLiveRates(bad); err == nil {
			t.Errorf("ParseLiveRates(%q): no error", bad)
		}
	}
	names := []string{LiveLoad{Mbps: 200}.Name(), LiveLoad{}.Name(), LiveLoad{Upload: 10 * time.Second}.Name()}
	if strings.Join(names, "|") != "tcpreplay 200 Mbit/s|tcpreplay --topspeed|uploads, 10s" {
		t.Errorf("names %q", names)
	}
}

func TestTcpreplayArgs(t *testing.T) {
	got := strings.Join(TcpreplayArgs("vbb1", "in.pcap", LiveLoad{Mbps: 500}, 90*time.Second), " ")
	if got != "--intf1=vbb1 --mbps=500 --duration=90 in.pcap" {
		t.Errorf("rate: %s", got)
	}
	got = strings.Join(TcpreplayArgs("vbb1", "in.pcap", LiveLoad{}, 0), " ")
	if got != "--intf1=vbb1 --topspeed in.pcap" {
		t.Errorf("top speed: %s", got)
	}
}

// tcpreplay 4.4.3's summary, as printed at the end of a run.
const tcpreplayOut = `Actual: 45174 packets (20247655 bytes) sent in 3.661842 seconds
Rated: 5529349.4 Bps, 44.23 Mbps, 12336.77 pps
Flows: 3001 flows, 819.54 fps, 44990 unique flow packets, 169 unique non-flow packets
Statistics for network device: vbb1
	Successful packets:        45158
	Failed packets:            16
	Truncated packets:         0
	Retried packets (ENOBUFS): 0
	Retried packets (EAGAIN):  0
`

func TestParseTcpreplay(t *testing.T) {
	got, ok := ParseTcpreplay(tcpreplayOut)
	want := TcpreplaySummary{Packets: 45174, Bytes: 20247655, Failed: 16, Seconds: 3.661842, Mbps: 44.23}
	if !ok || got != want {
		t.Errorf("ParseTcpreplay = %+v, %v; want %+v", got, ok, want)
	}
	// Without a Rated line the rate comes from bytes and seconds.
	got, ok = ParseTcpreplay("Actual: 10 packets (1000000 bytes) sent in 2.0 seconds\n")
	if !ok || got.Mbps != 4 {
		t.Errorf("rate from bytes: %+v, %v", got, ok)
	}
	if _, ok := ParseTcpreplay("tcpreplay: Fatal Error: failed to open device\n"); ok {
		t.Error("summary found in an error")
	}
}

func TestParseKernelCounts(t *testing.T) {
	vigil := "captured 45158 packets (20.2 MB) in 9.1s (18 Mbit/s) with 2 workers: 3001 flows, 634 alerts\n" +
		"stats: capture.kernel_packets=45158 capture.kernel_drops=9397 capture.kernel_ifdrops=0 vigil.reload.published=0\n"
	if p, d, ok := ParseKernelCounts(EngineVigil, vigil); !ok || p != 45158 || d != 9397 {
		t.Errorf("vigil: %d %d %v", p, d, ok)
	}
	// Suricata prints one line per device; the counts add up.
	suri := `{"timestamp":"2026-12-07T23:12:01.000000+0000","log_level":"Notice","event_type":"engine","engine":{"message":"Stats for 'vba1':  pkts: 45158, drop: 12925 (28.62%), invalid chksum: 0"}}
{"timestamp":"2026-12-07T23:12:01.000001+0000","log_level":"Notice","event_type":"engine","engine":{"message":"vba1: packets: 45158, drops: 12925 (28.62%), invalid chksum: 0"}}
{"timestamp":"2026-12-07T23:12:01.000002+0000","log_level":"Notice","event_type":"engine","engine":{"message":"vba2: packets: 10, drops: 1 (10.00%), invalid chksum: 0"}}
`
	if p, d, ok := ParseKernelCounts(EngineSuricata, suri); !ok || p != 45168 || d != 12926 {
		t.Errorf("suricata: %d %d %v", p, d, ok)
	}
	if _, _, ok := ParseKernelCounts(EngineVigil, "vigil run: no such interface\n"); ok {
		t.Error("counts found in an error")
	}
}

func TestWriteLiveTable(t *testing.T) {
	var b strings.Builder
	err := WriteLiveTable(&b, []LiveSample{
		{Load: "tcpreplay 200 Mbit/s", Engine: EngineVigil, SentMbps: 199.6, KernelPackets: 1000, KernelDrops: 25, CPUSec: 1.234, Alerts: 7},
		{Load: "tcpreplay 200 Mbit/s", Engine: EngineSuricata, Skipped: "suricata 7 or later not available"},
	})
	want := "| live load | engine | sent Mbit/s | kernel packets | kernel drops | drop % | CPU s | alerts |\n" +
		"|---|---|---:|---:|---:|---:|---:|---:|\n" +
		"| tcpreplay 200 Mbit/s | vigil | 200 | 1000 | 25 | 2.50 | 1.23 | 7 |\n" +
		"| tcpreplay 200 Mbit/s | suricata | n/a: suricata 7 or later not available | | | | | |\n"
	if err != nil || b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestLiveArgs(t *testing.T) {
	v := &Vigil{Bin: "vigil", RuleFile: "all.rules"}
	got := strings.Join(v.LiveArgs("vba1", "/log"), " ")
	if !strings.HasPrefix(got, "run -i vba1 -S all.rules -l /log -k none --workers 2 --set ") {
		t.Errorf("vigil: %s", got)
	}
	s := &Suricata{Config: "s.yaml", RuleFile: "all.rules", ClassFile: "c", RefFile: "r"}
	got = strings.Join(s.LiveArgs("vba1", "/log"), " ")
	for _, want := range []string{"--af-packet=vba1", "-S all.rules", "af-packet.0.threads=2", "af-packet.0.cluster-type=cluster_flow", "-c s.yaml"} {
		if !strings.Contains(got, want) {
			t.Errorf("suricata args lack %q: %s", want, got)
		}
	}
}
