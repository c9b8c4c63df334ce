package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"vigil/detect/bufid"
	"vigil/engine"
	"vigil/engine/applayer"
	"vigil/engine/applayer/all"
)

// TestIncludedConfig checks that a test's suricata.yaml including a
// stock config of its own directory is honoured: the include is no longer
// a reason to skip, and the base config written for the run drops the
// included outputs and the classification and reference files.
func TestIncludedConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("base.yaml", "%YAML 1.1\n---\nvars:\n  address-groups:\n    HOME_NET: \"[10.0.0.0/8]\"\n"+
		"classification-file: ./classification.config\nreference-config-file: ./reference.config\n"+
		"outputs:\n  - fast:\n      enabled: yes\n")
	cfg := write("suricata.yaml", "%YAML 1.1\n---\ninclude: base.yaml\noutputs:\n  - eve-log:\n      enabled: yes\n")
	if why := unsupportedTestConfig(cfg); why != "" {
		t.Fatalf("include refused: %s", why)
	}
	if got := includedConfig(cfg); got != base {
		t.Fatalf("includedConfig = %q, want %q", got, base)
	}
	out, err := testConfig(cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"classification-file", "reference-config-file", "include"} {
		if _, ok := top[k]; ok {
			t.Errorf("run config keeps %s", k)
		}
	}
	if o, _ := yaml.Marshal(top["outputs"]); !strings.Contains(string(o), "eve-log") || strings.Contains(string(o), "fast") {
		t.Errorf("run config outputs are not the test's own: %s", o)
	}
	vars, _ := top["vars"].(map[string]any)
	groups, _ := vars["address-groups"].(map[string]any)
	if groups["HOME_NET"] != "[10.0.0.0/8]" || groups["EXTERNAL_NET"] == nil {
		t.Errorf("run config vars = %v, want the included HOME_NET over the defaults", vars)
	}

	for name, text := range map[string]string{
		"missing file":  "include: nothere.yaml\n",
		"outside dir":   "include: ../base.yaml\n",
		"other setting": "include: base.yaml\nstream:\n  midstream: true\n",
	} {
		p := write("t.yaml", text)
		if why := unsupportedTestConfig(p); why == "" {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDetectionPortsSetting checks that detection-ports settings replace
// the ports a protocol is detected on and that bad ones are refused.
func TestDetectionPortsSetting(t *testing.T) {
	for _, c := range []struct {
		set   string
		ok    bool
		proto applayer.Proto
		ports []uint16
	}{
		{"app-layer.protocols.dnp3.detection-ports.dp=20000", true, bufid.ProtoDNP3, []uint16{20000}},
		{"app-layer.protocols.enip.detection-ports.dp=[44818]", true, bufid.ProtoENIP, []uint16{44818}},
		{"app-layer.protocols.ldap.detection-ports.dp=389, 3268", true, bufid.ProtoLDAP, []uint16{389, 3268}},
		{"app-layer.protocols.dnp3.detection-ports.dp=20001", true, bufid.ProtoDNP3, []uint16{20001}},
		{"app-layer.protocols.dnp3.detection-ports.sp=any", false, 0, nil},
		{"app-layer.protocols.dns.detection-ports.dp=5353", true, bufid.ProtoDNS, []uint16{5353}},
		{"app-layer.protocols.dns.detection-ports.dp=53", true, bufid.ProtoDNS, []uint16{53}},
		{"app-layer.protocols.dnp3.enabled=yes", true, 0, nil},
		{"app-layer.protocols.ldap.enabled=yes", true, 0, nil},
		{"app-layer.protocols.enip.enabled=yes", true, 0, nil},
		{"app-layer.protocols.enip.enabled=maybe", false, 0, nil},
	} {
		var ec engine.Config
		err := applySettings(&ec, []string{c.set})
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.set, err)
		}
		if c.ports != nil && !slices.Equal(ec.AppLayer.DetectionPorts[c.proto], c.ports) {
			t.Errorf("%s: ports %v; want %v", c.set, ec.AppLayer.DetectionPorts[c.proto], c.ports)
		}
		if err != nil && !c.ok && !strings.Contains(err.Error(), "not supported") && !strings.Contains(err.Error(), "want yes, no or detection-only") {
			t.Errorf("%s: error %q does not say why", c.set, err)
		}
	}
}

// TestParserModeSetting checks app-layer.protocols.NAME.enabled: yes, no
// and detection-only land in the app-layer configuration of the protocol
// named; other values are refused.
func TestParserModeSetting(t *testing.T) {
	for _, c := range []struct {
		set   string
		proto applayer.Proto
		want  all.Mode
		ok    bool
	}{
		{"app-layer.protocols.snmp.enabled=no", bufid.ProtoSNMP, all.Disabled, true},
		{"app-layer.protocols.snmp.enabled=detection-only", bufid.ProtoSNMP, all.DetectionOnly, true},
		{"app-layer.protocols.http.enabled=yes", bufid.ProtoHTTP, all.Enabled, true},
		{"app-layer.protocols.dcerpc.enabled=false", bufid.ProtoDCERPC, all.Disabled, true},
		{"app-layer.protocols.tls.enabled=sometimes", bufid.ProtoTLS, all.Enabled, false},
	} {
		var ec engine.Config
		err := applySettings(&ec, []string{c.set})
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.set, err)
			continue
		}
		if got := ec.AppLayer.Modes[c.proto]; c.ok && got != c.want {
			t.Errorf("%s: mode %v; want %v", c.set, got, c.want)
		}
	}
}

// TestFingerprintSettings checks the tls and quic ja3/ja4-fingerprints
// settings: on (yes, auto) is what Vigil always does; off is refused with
// the reason, since the fingerprints would still be logged.
func TestFingerprintSettings(t *testing.T) {
	for _, c := range []struct {
		set string
		ok  bool
	}{
		{"app-layer.protocols.tls.ja4-fingerprints=yes", true},
		{"app-layer.protocols.tls.ja3-fingerprints=auto", true},
		{"app-layer.protocols.quic.ja4-fingerprints=true", true},
		{"app-layer.protocols.tls.ja4-fingerprints=no", false},
		{"app-layer.protocols.tls.ja5-fingerprints=yes", false},
	} {
		var ec engine.Config
		err := applySettings(&ec, []string{c.set})
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.set, err)
		}
		if err != nil && !strings.Contains(err.Error(), "not supported") {
			t.Errorf("%s: error %q does not say why", c.set, err)
		}
	}
}

// TestSMTPMIMESettings checks app-layer.protocols.smtp.mime: each key
// lands in the SMTP parser's MIME settings; schemes gain "://".
func TestSMTPMIMESettings(t *testing.T) {
	var ec engine.Config
	err := applySettings(&ec, []string{
		"app-layer.protocols.smtp.mime.decode-mime=yes",
		"app-layer.protocols.smtp.mime.decode-base64=no",
		"app-layer.protocols.smtp.mime.decode-quoted-printable=no",
		"app-layer.protocols.smtp.mime.extract-urls=no",
		"app-layer.protocols.smtp.mime.extract-urls-schemes=[http, https, ftp://]",
		"app-layer.protocols.smtp.mime.log-url-scheme=yes",
		"app-layer.protocols.smtp.mime.body-md5=yes",
		"app-layer.protocols.smtp.mime.header-value-depth=2000",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := ec.AppLayer.SMTP.MIME
	if !m.NoBase64 || !m.NoQuotedPrintable || !m.NoURLs || !m.LogURLScheme || !m.BodyMD5 {
		t.Errorf("settings not applied: %+v", m)
	}
	if want := []string{"http://", "https://", "ftp://"}; !slices.Equal(m.URLSchemes, want) {
		t.Errorf("schemes %q; want %q", m.URLSchemes, want)
	}
	for _, bad := range []string{
		"app-layer.protocols.smtp.mime.decode-mime=no",
		"app-layer.protocols.smtp.mime.header-value-depth=-1",
		"app-layer.protocols.smtp.mime.unknown=yes",
	} {
		if err := applySettings(&engine.Config{}, []string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
