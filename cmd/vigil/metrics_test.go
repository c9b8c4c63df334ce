package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"vigil/output/metrics"
)

// scrape is one parsed scrape: "name{labels}" -> value, and the family
// names.
type scrape struct {
	text   []byte
	series map[string]float64
	fams   map[string]bool
}

func scrapeMetrics(t *testing.T, url string) scrape {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: status %d, %v", resp.StatusCode, err)
	}
	s := scrape{text: b, series: map[string]float64{}, fams: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("scrape line %q: %v", l, err)
		}
		s.series[l[:i]] = v
		s.fams[strings.FieldsFunc(l[:i], func(r rune) bool { return r == '{' })[0]] = true
	}
	return s
}

// sum adds the series of family name whose labels contain every one of
// want (e.g. `app_proto="dns_udp"`).
func (s scrape) sum(name string, want ...string) (float64, bool) {
	var tot float64
	found := false
	for k, v := range s.series {
		if k != name && !strings.HasPrefix(k, name+"{") {
			continue
		}
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(k, w)
		}
		if ok {
			tot += v
			found = true
		}
	}
	return tot, found
}

// flatten turns the stats object of an EVE stats record into its keys
// ("decoder.pkts", "app_layer.flow.dns_udp") with numeric values.
func flatten(prefix string, v any, out map[string]float64) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, c, out)
		}
	case float64:
		out[prefix] = v
	}
}

// TestRunMetrics runs `vigil run` on lo with --metrics, sends DNS queries,
// scrapes the endpoint while the capture runs and checks that promlint
// finds nothing, that the families a dashboard needs are there (gauges,
// labels, Go and process collectors, build info) and, after SIGTERM, that
// every counter of the final EVE stats record has its metric, named from
// its stats key.
func TestRunMetrics(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("live capture on lo needs root (CAP_NET_RAW)")
	}
	dir := t.TempDir()
	rules := filepath.Join(dir, "dns.rules")
	if err := os.WriteFile(rules, []byte(`alert dns any any -> any any (msg:"metrics test query"; dns.query; content:"metrics.example"; sid:1; rev:1;)`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmdRun([]string{"-i", "lo", "-S", rules, "-l", dir, "--workers", "1", "--metrics", "127.0.0.1:0",
			"--set", "vigil.capture.ebpf=no", "-k", "none"}, &bytes.Buffer{}, &stderr)
	}()
	stopped := false
	stop := func() int {
		stopped = true
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case rc := <-done:
			return rc
		case <-time.After(30 * time.Second):
			t.Fatalf("vigil run did not stop on SIGTERM; stderr:\n%s", stderr.String())
		}
		return -1
	}
	defer func() {
		if !stopped {
			stop()
		}
	}()
	addrRE := regexp.MustCompile(`msg="serving metrics".* addr=(\S+)`)
	var url string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the capture; stderr:\n%s", stderr.String())
		}
		select {
		case rc := <-done:
			stopped = true
			t.Fatalf("vigil run exited %d; stderr:\n%s", rc, stderr.String())
		default:
		}
		out := stderr.String()
		if m := addrRE.FindStringSubmatch(out); m != nil && strings.Contains(out, "msg=capturing") {
			url = "http://" + m[1] + "/metrics"
			break
		}
	}

	// DNS queries over UDP to a port nobody listens on: lo carries them.
	query := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'm', 'e', 't', 'r', 'i', 'c', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1}
	var s scrape
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		c, err := net.Dial("udp", "127.0.0.1:53")
		if err != nil {
			t.Fatal(err)
		}
		c.Write(query)
		c.Close()
		s = scrapeMetrics(t, url)
		if n, _ := s.sum("vigil_app_layer_flow_total", `app_proto="dns_udp"`); n > 0 {
			if a, _ := s.sum("vigil_detect_alert_total"); a > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no DNS flow and alert in the scrape after 20s:\n%s\nstderr:\n%s", s.text, stderr.String())
		}
	}

	probs, err := promlint.New(bytes.NewReader(s.text)).Lint()
	if err != nil {
		t.Fatalf("promlint: %v", err)
	}
	for _, p := range probs {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	for _, want := range []struct {
		name   string
		labels []string
	}{
		{"vigil_build_info", []string{`goversion="go`, `version="`}},
		{"go_goroutines", nil},
		{"process_resident_memory_bytes", nil},
		{"vigil_decoder_pkts_total", []string{`worker="0"`, `interface="lo"`}},
		{"vigil_capture_kernel_packets_total", []string{`interface="lo"`}},
		{"vigil_flow_active", []string{`worker="0"`}},
		{"vigil_flow_memuse_bytes", []string{`worker="0"`}},
		{"vigil_tcp_reassembly_memuse_bytes", []string{`worker="0"`}},
		{"vigil_output_records_written_total", []string{`sink="eve"`}},
		{"vigil_output_records_dropped_total", []string{`sink="eve"`}},
		{"vigil_output_queue_batches", []string{`sink="eve"`}},
		{"vigil_rules_loaded", nil},
		{"vigil_reload_last_timestamp_seconds", nil},
		{"vigil_app_layer_tx_total", []string{`app_proto="dns_udp"`}},
	} {
		if _, ok := s.sum(want.name, want.labels...); !ok {
			t.Errorf("no %s with labels %v in the scrape", want.name, want.labels)
		}
	}
	if n, _ := s.sum("vigil_rules_loaded"); n != 1 {
		t.Errorf("vigil_rules_loaded = %v; want 1", n)
	}
	if ts, _ := s.sum("vigil_reload_last_timestamp_seconds"); time.Since(time.Unix(int64(ts), 0)) > time.Hour {
		t.Errorf("vigil_reload_last_timestamp_seconds = %v; want about now", ts)
	}
	if n, _ := s.sum("vigil_build_info"); n != 1 {
		t.Errorf("vigil_build_info = %v; want 1", n)
	}

	if rc := stop(); rc != 0 {
		t.Fatalf("exit %d; stderr:\n%s", rc, stderr.String())
	}
	// Every counter of the final stats record is a metric named from its key.
	data, err := os.ReadFile(filepath.Join(dir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]float64{}
	for _, l := range bytes.Split(data, []byte("\n")) {
		var rec struct {
			Type  string         `json:"event_type"`
			Stats map[string]any `json:"stats"`
		}
		if json.Unmarshal(l, &rec) == nil && rec.Type == "stats" {
			flatten("", rec.Stats, keys)
		}
	}
	if len(keys) < 50 {
		t.Fatalf("final stats record has %d counters; want the decoder, flow, tcp, detect and app_layer ones", len(keys))
	}
	var missing []string
	for k := range keys {
		if k == "uptime" { // process_start_time_seconds says it
			continue
		}
		name, proto := metrics.Family(k, metrics.IsGauge(k))
		var labels []string
		if proto != "" {
			labels = append(labels, `app_proto="`+proto+`"`)
		}
		if _, ok := s.sum(name, labels...); !ok {
			missing = append(missing, k+" -> "+name+strings.Join(labels, ""))
		}
	}
	t.Logf("%d series in %d families scraped; %d stats keys checked", len(s.series), len(s.fams), len(keys))
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d stats keys without their metric in the scrape:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
