package bench

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSuricataConfig(t *testing.T) {
	orig := `%YAML 1.1
---
vars:
  address-groups:
    HOME_NET: "[10.0.0.0/8]"
outputs:
  - fast:
      enabled: yes
  - eve-log:
      types:
        - http
logging:
  outputs:
  - console:
      enabled: yes
# a comment at the top level ends nothing
app-layer:
  protocols:
    http:
      enabled: yes
unix-command:
  enabled: auto
stream:
  memcap: 64mb`
	got := SuricataConfig(orig)
	for _, keep := range []string{"%YAML 1.1\n---\n", "HOME_NET: \"[10.0.0.0/8]\"", "app-layer:\n  protocols:\n    http:", "stream:\n  memcap: 64mb\n"} {
		if !strings.Contains(got, keep) {
			t.Errorf("config lost %q:\n%s", keep, got)
		}
	}
	for _, gone := range []string{"- fast:", "- http", "enabled: auto", "console:\n      enabled: yes"} {
		if strings.Contains(got, gone) {
			t.Errorf("config still has %q:\n%s", gone, got)
		}
	}
	for _, k := range []string{"outputs", "logging", "unix-command"} {
		if n := strings.Count(got, "\n"+k+":\n"); n != 1 {
			t.Errorf("%d top-level %s blocks, want 1:\n%s", n, k, got)
		}
	}
	if !strings.HasPrefix(got, "%YAML 1.1\n") {
		t.Error("config must start with the YAML directive Suricata requires")
	}
}

func TestParseSuricataLog(t *testing.T) {
	log := `{"timestamp":"2026-11-22T00:13:39.175444+0000","log_level":"Notice","event_type":"engine","engine":{"message":"This is Suricata version 7.0.10 RELEASE running in USER mode","module":"suricata"}}
{"timestamp":"2026-11-22T00:13:39.500000+0000","log_level":"Error","event_type":"engine","engine":{"message":"Complete IP space negated","module":"detect"}}
{"timestamp":"2026-11-22T00:13:39.600000+0000","log_level":"Info","event_type":"engine","engine":{"message":"1 rule files processed. 14041 rules successfully loaded, 3 rules failed, 0","module":"detect"}}
[1234] not json
{"timestamp":"2026-11-22T00:13:40.000000+0000","log_level":"Notice","event_type":"engine","engine":{"message":"Threads created -> RX: 1 W: 2 FM: 1 FR: 1   Engine started.","module":"threads"}}
{"timestamp":"2026-11-22T00:13:42.500000+0000","log_level":"Info","event_type":"engine","engine":{"message":"time elapsed 2.900s","module":"suricata"}}
{"timestamp":"2026-11-22T00:13:42.600000+0000","log_level":"Notice","event_type":"engine","engine":{"message":"read 1 file, 45174 packets, 20247655 bytes","module":"pcap"}}
`
	l, err := ParseSuricataLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Phase(); got != 2500*time.Millisecond {
		t.Errorf("Phase() = %v, want 2.5s", got)
	}
	if l.Threads != "RX: 1 W: 2 FM: 1 FR: 1" {
		t.Errorf("Threads = %q", l.Threads)
	}
	if l.RulesLoaded != 14041 || l.RulesFailed != 3 {
		t.Errorf("rules %d loaded %d failed, want 14041 and 3", l.RulesLoaded, l.RulesFailed)
	}
	if l.Packets != 45174 {
		t.Errorf("Packets = %d, want 45174", l.Packets)
	}
	if len(l.Errors) != 1 {
		t.Errorf("Errors = %q, want one", l.Errors)
	}
	if (SuricataLog{Started: time.Unix(2, 0), Elapsed: time.Unix(1, 0)}).Phase() != 0 {
		t.Error("an end before the start must give no phase")
	}
}

func TestSuricataArgs(t *testing.T) {
	s := &Suricata{Bin: "suricata", Config: "c.yaml", RuleFile: "all.rules", Empty: "none.rules",
		LoadPcap: "one.pcap", ClassFile: "class", RefFile: "ref", CPUs: 2}
	one := s.ReplayArgs("in.pcap", "logs", false, 1)
	if !slices.Contains(one, "single") || !slices.Contains(one, "none.rules") {
		t.Errorf("1 worker without rules: %q", one)
	}
	two := strings.Join(s.ReplayArgs("in.pcap", "logs", true, 2), " ")
	for _, want := range []string{"-S all.rules", "--runmode autofp", "threading.detect-thread-ratio=1.2500",
		"-k none", "vars.address-groups.HOME_NET=any", "vars.address-groups.EXTERNAL_NET=any", "-r in.pcap", "-l logs"} {
		if !strings.Contains(two, want) {
			t.Errorf("2 workers with rules lacks %q: %s", want, two)
		}
	}
	s.CPUs = 8 // int(8 * 0.3125) = 2 detect threads
	if got := strings.Join(s.ReplayArgs("in.pcap", "logs", true, 2), " "); !strings.Contains(got, "detect-thread-ratio=0.3125") {
		t.Errorf("8 CPUs: %s", got)
	}
	load := strings.Join(s.LoadArgs("logs"), " ")
	if !strings.Contains(load, "-r one.pcap -S all.rules") || strings.Contains(load, "-T") {
		t.Errorf("load args %s: want a replay of the empty pcap, not -T", load)
	}
}

func TestVigilPhase(t *testing.T) {
	out := "rules: 0 loaded, 0 skipped (none); parsed in 0s, compiled in 0s\n" +
		"replayed 45174 packets (20.2 MB) from 1 files in 12.34s (13 Mbit/s, 3660 pkt/s) with 2 workers: 3 flows, 5 alerts\n" +
		"eve.json: /tmp/x/eve.json\n"
	sec, pkts := VigilPhase(out)
	if sec != 12.34 || pkts != 45174 {
		t.Errorf("VigilPhase = %v, %d; want 12.34, 45174", sec, pkts)
	}
	if sec, pkts := VigilPhase("vigil replay: no input"); sec != 0 || pkts != 0 {
		t.Errorf("no summary line: %v, %d", sec, pkts)
	}
}

func TestVigilArgs(t *testing.T) {
	v := &Vigil{Bin: "vigil", RuleFile: "all.rules", Empty: "none.rules", LoadOnly: true}
	got := strings.Join(v.ReplayArgs("in.pcap", "logs", true, 2), " ")
	for _, want := range []string{"replay -r in.pcap -S all.rules -l logs -k none --workers 2", "--set vars.address-groups.HOME_NET=any"} {
		if !strings.Contains(got, want) {
			t.Errorf("replay args lack %q: %s", want, got)
		}
	}
	args, note := v.LoadArgs("logs")
	if note != "" || !slices.Contains(args, "--load-only") {
		t.Errorf("load args %q note %q", args, note)
	}
	v.LoadOnly = false
	args, note = v.LoadArgs("logs")
	if note == "" || args[0] != "rules" || args[1] != "check" {
		t.Errorf("fallback load args %q note %q", args, note)
	}
}
