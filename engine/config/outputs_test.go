package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDebianOutputs loads the outputs section of Debian's default
// suricata.yaml (Suricata 7) and pins exactly what Vigil honours and what
// it warns about.
func TestDebianOutputs(t *testing.T) {
	c, err := Load("testdata/debian-outputs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := &c.Outputs
	if !o.FromFile || !o.StatsEnabled || o.StatsInterval != 8*time.Second {
		t.Errorf("FromFile %v, stats %v every %v; want true, true, 8s", o.FromFile, o.StatsEnabled, o.StatsInterval)
	}
	if o.Fast == nil || o.Fast.Filename != "fast.log" || !o.Fast.Append {
		t.Errorf("fast = %+v; want fast.log, append", o.Fast)
	}
	if o.StatsLog == nil || o.StatsLog.Filename != "stats.log" || !o.StatsLog.Totals || o.StatsLog.Threads {
		t.Errorf("stats = %+v; want stats.log, totals only", o.StatsLog)
	}
	if len(o.EVE) != 1 {
		t.Fatalf("%d eve-logs; want 1", len(o.EVE))
	}
	e := o.EVE[0]
	if e.Filetype != "regular" || e.Filename != "eve.json" || e.CommunityID {
		t.Errorf("eve-log %s %s community-id %v; want regular eve.json, no community-id", e.Filetype, e.Filename, e.CommunityID)
	}
	var names []string
	for _, ty := range e.Types {
		names = append(names, ty.Name)
	}
	// frame and pgsql are "enabled: no".
	want := "alert anomaly http dns tls files smtp ftp rdp nfs smb tftp ike dcerpc krb5 bittorrent-dht snmp rfb sip quic dhcp ssh mqtt http2 stats flow"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("types:\n got %s\nwant %s", got, want)
	}
	for _, ty := range e.Types {
		if ty.Name == "dhcp" && ty.DHCPExtended {
			t.Errorf("dhcp extended: no read as yes")
		}
	}
	if a := e.Types[0].Alert; a != DefaultAlertOptions() {
		t.Errorf("alert options %+v; want the defaults", a)
	}
	// The record types Vigil wrote when this test was written; the engine
	// passes eve's own list.
	o.CheckTypes(func(n string) bool { return slices.Contains(DefaultEVETypes, n) })
	var got []string
	for _, w := range o.Warnings {
		got = append(got, w.Error())
	}
	var wantW []string // dhcp extended (line 54) is honoured now: no warning
	for _, n := range strings.Fields("files smtp ftp rdp nfs smb tftp ike dcerpc krb5 bittorrent-dht snmp rfb sip quic dhcp mqtt http2") {
		for _, ty := range e.Types {
			if ty.Name == n {
				wantW = append(wantW, ty.Pos.String()+": outputs.1.eve-log.types: "+n+": Vigil writes no "+n+" records (ignored)")
			}
		}
	}
	if strings.Join(got, "\n") != strings.Join(wantW, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantW, "\n"))
	}
	// Every other output of the file is disabled: no warning for them.
	t.Logf("honoured types: alert anomaly http dns tls ssh stats flow; %d warnings", len(got))
}

func TestEVEOutputsOptions(t *testing.T) {
	yaml := `outputs:
  - eve-log:
      filetype: redis
      community-id: yes
      community-id-seed: 7
      redis:
        server: /run/redis.sock
        mode: stream
        key: eve
        stream-maxlen: 1000
        pipelining:
          enabled: yes
          batch-size: 32
      types:
        - alert:
            payload: yes
            payload-buffer-size: 8kb
            metadata:
              app-layer: no
              rule:
                reference: yes
        - stats:
            threads: yes
  - eve-log:
      filetype: syslog
      facility: local3
      level: Notice
      xff:
        enabled: yes
      types:
        - http:
            extended: no
            custom: [Accept]
        - dns:
            formats: [detailed]
        - anomaly:
            types:
              stream: yes
              applayer: no
            packethdr: yes
  - eve-log:
      enabled: no
  - fast:
      enabled: no
  - unified2-alert:
      enabled: yes
`
	c, err := Parse("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	o := &c.Outputs
	if len(o.EVE) != 2 || o.Fast != nil || o.StatsLog != nil {
		t.Fatalf("%d eve-logs, fast %v, stats %v; want 2 eve-logs, no fast or stats.log", len(o.EVE), o.Fast, o.StatsLog)
	}
	r := o.EVE[0]
	if r.Filetype != "redis" || !r.CommunityID || r.CommunityIDSeed != 7 ||
		r.Redis != (Redis{Server: "/run/redis.sock", Port: 6379, Mode: "stream", Key: "eve", StreamMaxLen: 1000, BatchSize: 32}) {
		t.Errorf("redis eve-log = %+v", r)
	}
	a := r.Types[0].Alert
	if !a.Payload || a.PayloadBufferSize != 8192 || a.AppLayer || !a.Flow || !a.RuleMetadata || !a.References {
		t.Errorf("alert options = %+v", a)
	}
	s := o.EVE[1]
	if s.Filetype != "syslog" || s.Facility != "local3" || s.Level != "Notice" {
		t.Errorf("syslog eve-log = %+v", s)
	}
	if s.XFF == nil || *s.XFF != (XFF{Enabled: true, Mode: "extra-data", Header: "X-Forwarded-For"}) {
		t.Errorf("syslog eve-log xff = %+v, want enabled with Suricata's defaults", s.XFF)
	}
	// anomaly types: Suricata's default (app-layer) changed per key.
	if an := s.Types[2].Anomaly; an != (AnomalyOptions{Stream: true, PacketHdr: true}) {
		t.Errorf("anomaly options = %+v, want stream and packethdr only", an)
	}
	if an := defaultEVEType("anomaly").Anomaly; an != (AnomalyOptions{AppLayer: true}) {
		t.Errorf("default anomaly options = %+v, want app-layer only", an)
	}
	var got []string
	for _, w := range o.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		"t.yaml:23:22: outputs.0.eve-log.types.1.stats.threads: per-thread stats are not supported (totals only)",
		"t.yaml:32:23: outputs.1.eve-log.types.0.http.extended: http records are always extended (ignored)",
		"t.yaml:33:21: outputs.1.eve-log.types.0.http.custom: custom HTTP header fields are not supported (ignored)",
		"t.yaml:45:5: outputs.4.unified2-alert: output not supported (ignored)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestOutputsSetOnDefaults: without an outputs section, --set alert keys
// tune the default eve-log (every type) whatever their indexes.
func TestOutputsSetOnDefaults(t *testing.T) {
	c := Default()
	if c.Outputs.FromFile || len(c.Outputs.EVE) != 0 {
		t.Fatalf("defaults: FromFile %v, %d eve-logs; want false, 0", c.Outputs.FromFile, len(c.Outputs.EVE))
	}
	if err := c.Set("outputs.1.eve-log.types.0.alert.payload", "yes"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("outputs.1.eve-log.types.0.alert.metadata.rule.reference", "yes"); err != nil {
		t.Fatal(err)
	}
	o := c.Outputs
	if o.FromFile || len(o.EVE) != 1 || len(o.EVE[0].Types) != len(DefaultEVETypes) {
		t.Fatalf("after --set: %+v; want one default eve-log", o)
	}
	if a := o.EVE[0].Types[0].Alert; !a.Payload || !a.References || !a.RuleMetadata {
		t.Errorf("alert = %+v; want payload and references on top of the defaults", a)
	}
}

// TestDNSOptions pins the eve-log dns options as Suricata 8 reads them:
// version, requests/responses, formats and types, and the warnings for
// values it falls back from.
func TestDNSOptions(t *testing.T) {
	for _, c := range []struct {
		yaml string
		want DNSOptions
		warn string
	}{
		{`{}`, DefaultDNSOptions(), ""},
		{`{version: 2, requests: no}`, DNSOptions{Version: 2, Responses: true, Detailed: true, Grouped: true}, ""},
		{`{responses: no, formats: [grouped]}`, DNSOptions{Version: 3, Requests: true, Grouped: true}, ""},
		{`{formats: [detailed], types: [aaaa, Mx]}`, DNSOptions{Version: 3, Requests: true, Responses: true, Detailed: true, Types: []string{"AAAA", "MX"}}, ""},
		{`{formats: []}`, DefaultDNSOptions(), "no DNS format given"},
		{`{version: 1}`, DefaultDNSOptions(), "version 1 was removed"},
		{`{custom: [a]}`, DefaultDNSOptions(), "custom: not supported"},
	} {
		cfg, err := Parse("t.yaml", []byte("outputs:\n  - eve-log:\n      types:\n        - dns: "+c.yaml+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.yaml, err)
		}
		o := cfg.Outputs
		got := o.EVE[0].Types[0].DNS
		if got.Version != c.want.Version || got.Requests != c.want.Requests || got.Responses != c.want.Responses ||
			got.Detailed != c.want.Detailed || got.Grouped != c.want.Grouped || !slices.Equal(got.Types, c.want.Types) ||
			(got.Types == nil) != (c.want.Types == nil) {
			t.Errorf("%s: %+v, want %+v", c.yaml, got, c.want)
		}
		var ws []string
		for _, w := range o.Warnings {
			ws = append(ws, w.Msg)
		}
		if all := strings.Join(ws, "; "); c.warn == "" && all != "" || !strings.Contains(all, c.warn) {
			t.Errorf("%s: warnings %q, want %q", c.yaml, all, c.warn)
		}
	}
}

// TestStatsNullValues checks the eve-log stats null-values option
// (default yes) and the logging section's warning.
func TestStatsNullValues(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("logging:\n  default-log-level: info\noutputs:\n  - eve-log:\n      types:\n        - stats:\n            null-values: no\n        - stats\n"))
	if err != nil {
		t.Fatal(err)
	}
	ty := cfg.Outputs.EVE[0].Types
	if ty[0].Stats.NullValues || !ty[1].Stats.NullValues {
		t.Errorf("null-values %v, %v; want false, then the default true", ty[0].Stats.NullValues, ty[1].Stats.NullValues)
	}
	if w := cfg.Outputs.Warnings; len(w) != 1 || w[0].Pos.Line != 2 || !strings.Contains(w[0].Msg, "logging section is not honoured") {
		t.Errorf("warnings %v; want one about logging at line 2", w)
	}
}

// TestEVEMQTTOptions checks the mqtt type's string-log-limit (a size) and
// the warning for a value that is not one.
func TestEVEMQTTOptions(t *testing.T) {
	yaml := `outputs:
  - eve-log:
      types:
        - mqtt:
            string-log-limit: 1kb
  - eve-log:
      types:
        - mqtt:
            string-log-limit: lots
`
	c, err := Parse("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	o := &c.Outputs
	if len(o.EVE) != 2 {
		t.Fatalf("%d eve-logs; want 2", len(o.EVE))
	}
	if got := o.EVE[0].Types[0].MQTTStringLogLimit; got != 1024 {
		t.Errorf("string-log-limit = %d; want 1024", got)
	}
	if got := o.EVE[1].Types[0].MQTTStringLogLimit; got != 0 {
		t.Errorf("bad string-log-limit = %d; want 0", got)
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0].Error(), "string-log-limit: want a size") {
		t.Errorf("warnings = %v; want one about string-log-limit", o.Warnings)
	}
}

// TestEVETypeOptions: the tls (extended, custom, session-resumption), http
// (dump-all-headers) and files (force-hash) options Vigil honours.
func TestEVETypeOptions(t *testing.T) {
	c, err := Parse("t.yaml", []byte(`outputs:
  - eve-log:
      types:
        - tls:
            extended: no
            custom: [client_handshake, sni]
            session-resumption: no
        - http:
            dump-all-headers: request
        - files:
            force-hash: [md5, sha256, crc]
`))
	if err != nil {
		t.Fatal(err)
	}
	ty := c.Outputs.EVE[0].Types
	if tl := ty[0].TLS; tl.Extended || tl.SessionResumption || strings.Join(tl.Custom, ",") != "client_handshake,sni" {
		t.Errorf("tls options %+v", tl)
	}
	if ty[1].DumpHeaders != "request" {
		t.Errorf("dump-all-headers %q", ty[1].DumpHeaders)
	}
	if strings.Join(ty[2].ForceHash, ",") != "md5,sha256" {
		t.Errorf("force-hash %q", ty[2].ForceHash)
	}
	if len(c.Outputs.Warnings) != 1 || !strings.Contains(c.Outputs.Warnings[0].Error(), `unknown hash "crc"`) {
		t.Errorf("warnings %v", c.Outputs.Warnings)
	}
	if d := defaultEVEType("tls").TLS; !d.Extended || !d.SessionResumption || d.Custom != nil {
		t.Errorf("default tls options %+v", d)
	}
}

// TestOutputsXFF reads xff sections at the eve-log and type levels, each
// form of mode and deployment, and warns about values Suricata falls
// back from.
func TestOutputsXFF(t *testing.T) {
	const yaml = `outputs:
  - eve-log:
      xff:
        enabled: yes
        mode: overwrite
        deployment: forward
        header: X-Real-IP
      types:
        - alert:
            xff:
              enabled: yes
              mode: extra-data
              deployment: reverse
        - http:
            xff:
              enabled: no
        - dns
  - eve-log:
      types:
        - alert:
            xff:
              enabled: yes
              mode: sideways
              deployment: backward
`
	c, err := Parse("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	o := &c.Outputs
	if len(o.EVE) != 2 {
		t.Fatalf("%d eve-logs, want 2", len(o.EVE))
	}
	e := o.EVE[0]
	for _, c := range []struct {
		what string
		got  *XFF
		want XFF
	}{
		{"eve-log", e.XFF, XFF{Enabled: true, Mode: "overwrite", Forward: true, Header: "X-Real-IP"}},
		{"alert", e.Types[0].XFF, XFF{Enabled: true, Mode: "extra-data", Header: "X-Forwarded-For"}},
		{"http", e.Types[1].XFF, XFF{Mode: "extra-data", Header: "X-Forwarded-For"}},
		{"fallback alert", o.EVE[1].Types[0].XFF, XFF{Enabled: true, Mode: "extra-data", Header: "X-Forwarded-For"}},
	} {
		if c.got == nil || *c.got != c.want {
			t.Errorf("%s xff = %+v, want %+v", c.what, c.got, c.want)
		}
	}
	if e.Types[2].XFF != nil {
		t.Errorf("dns type has xff %+v", e.Types[2].XFF)
	}
	var got []string
	for _, w := range o.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`t.yaml:23:21: outputs.1.eve-log.types.0.alert.xff.mode: want extra-data or overwrite, got "sideways" (using extra-data)`,
		`t.yaml:24:27: outputs.1.eve-log.types.0.alert.xff.deployment: want reverse or forward, got "backward" (using reverse)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
