package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	c, err := Load("testdata/suricata.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Vars{
		AddressGroups: map[string]string{"HOME_NET": "[10.0.0.0/8]", "EXTERNAL_NET": "!$HOME_NET"},
		PortGroups:    map[string]string{"HTTP_PORTS": "[80,8080]", "ORACLE_PORTS": "1521"},
		Where: map[string]string{
			"address-groups.HOME_NET":     "testdata/suricata.yaml:5:15",
			"address-groups.EXTERNAL_NET": "testdata/suricata.yaml:6:19",
			"port-groups.HTTP_PORTS":      "testdata/suricata.yaml:8:17",
			"port-groups.ORACLE_PORTS":    "testdata/suricata.yaml:9:19",
		},
	}
	if d := cmp.Diff(want, c.Vars); d != "" {
		t.Errorf("Vars (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a.rules", "b.rules"}, c.RuleFiles); d != "" {
		t.Errorf("RuleFiles (-want +got):\n%s", d)
	}
	for got, want := range map[string]string{
		c.DefaultRulePath:     "/etc/suricata/rules",
		c.ClassificationFile:  "/etc/suricata/classification.config",
		c.ReferenceConfigFile: "/etc/suricata/reference.config",
		c.ThresholdFile:       "",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	c, err := Load("testdata/suricata.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"outputs.1.eve-log.filename", "eve.json", true},
		{"outputs.0.fast.enabled", "yes", true},
		{"outputs.2.fast.enabled", "", false},
		{"outputs.x", "", false},
		{"vars.port-groups.ORACLE_PORTS", "1521", true},
		{"vars.port-groups", "", false}, // a mapping, not a scalar
		{"nope", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := c.Lookup(tt.path)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
			}
		})
	}
	if got, want := c.Where("outputs.1.eve-log.filename"), "testdata/suricata.yaml:23:17"; got != want {
		t.Errorf("Where = %q, want %q", got, want)
	}
}

func TestSet(t *testing.T) {
	c, err := Load("testdata/suricata.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct{ key, value string }{
		{"vars.address-groups.HOME_NET", "any"},            // replace
		{"vars.address-groups.NEW_NET", "1.2.3.4"},         // add
		{"vars.port-groups.SIP_PORTS", "5060"},             // add
		{"outputs.1.eve-log.enabled", "yes"},               // list index
		{"outputs.2.stats.enabled", "yes"},                 // append to list
		{"threshold-file", "/tmp/threshold.config"},        // typed top level
		{"app-layer.protocols.http.enabled", "no"},         // create maps
		{"classification-file", "/tmp/classification.cfg"}, // typed replace
	}
	for _, s := range sets {
		if err := c.Set(s.key, s.value); err != nil {
			t.Fatalf("Set(%q, %q): %v", s.key, s.value, err)
		}
	}
	for _, s := range sets {
		if got, ok := c.Lookup(s.key); !ok || got != s.value {
			t.Errorf("Lookup(%q) = %q, %v; want %q", s.key, got, ok, s.value)
		}
	}
	if got := c.Vars.AddressGroups["HOME_NET"]; got != "any" {
		t.Errorf("HOME_NET = %q, want any", got)
	}
	if got := c.Vars.AddressGroups["NEW_NET"]; got != "1.2.3.4" {
		t.Errorf("NEW_NET = %q", got)
	}
	if got, want := c.Vars.Where["address-groups.HOME_NET"], "--set vars.address-groups.HOME_NET"; got != want {
		t.Errorf("Where = %q, want %q", got, want)
	}
	if c.ThresholdFile != "/tmp/threshold.config" || c.ClassificationFile != "/tmp/classification.cfg" {
		t.Errorf("typed fields not updated: %q %q", c.ThresholdFile, c.ClassificationFile)
	}
	if got, ok := c.Lookup("outputs.0.fast.enabled"); !ok || got != "yes" {
		t.Errorf("unrelated key changed: %q %v", got, ok)
	}
}

func TestSetErrors(t *testing.T) {
	for _, key := range []string{"outputs.9.x", "outputs.-1.x", "a..b", ""} {
		c, err := Load("testdata/suricata.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Set(key, "v"); err == nil {
			t.Errorf("Set(%q) succeeded, want error", key)
		}
	}
	c := Default()
	err := c.Set("vars.port-groups.X.Y", "1") // X becomes a mapping: not a scalar var
	if err == nil || !strings.Contains(err.Error(), "--set vars.port-groups.X.Y: vars.port-groups.X: want a scalar value") {
		t.Errorf("got %v", err)
	}
}

func TestParseOverride(t *testing.T) {
	k, v, err := ParseOverride("vars.address-groups.HOME_NET=[1.2.3.0/24, 5.6.7.8]")
	if err != nil || k != "vars.address-groups.HOME_NET" || v != "[1.2.3.0/24, 5.6.7.8]" {
		t.Errorf("got %q %q %v", k, v, err)
	}
	for _, bad := range []string{"novalue", "=x", ""} {
		if _, _, err := ParseOverride(bad); err == nil {
			t.Errorf("ParseOverride(%q) succeeded", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "vars:\n  a: [1, 2\n", "x.yaml:2: did not find expected ',' or ']'"},
		{"tabs", "vars:\n\taddress-groups: {}\n", "x.yaml:2:1: tab character in indentation (YAML indents with spaces): found character that cannot start any token"},
		// yaml.v3 says line 4 (where the mapping started) and no column.
		{"tab on line 5", "vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\n  \tX: any\n",
			"x.yaml:5:3: tab character in indentation (YAML indents with spaces): found a tab character that violates indentation"},
		{"unclosed list", "vars:\n  address-groups:\n    A: [1, 2\n    B: 3\nrule-files: []\n", "x.yaml:3: did not find expected ',' or ']'"},
		{"not a map", "- a\n- b\n", "x.yaml:1:1: top level is not a mapping"},
		{"vars list", "vars: [1]\n", "x.yaml:1:7: vars: want a mapping"},
		{"groups scalar", "vars:\n  address-groups: x\n", "x.yaml:2:19: vars.address-groups: want a mapping"},
		{"var map", "vars:\n  port-groups:\n    HTTP_PORTS:\n      a: 1\n", "x.yaml:4:7: vars.port-groups.HTTP_PORTS: want a scalar value"},
		{"rule-files", "rule-files:\n  - {a: 1}\n", "x.yaml:2:5: rule-files: want a list of file names"},
		{"classification", "classification-file: [a]\n", "x.yaml:1:22: classification-file: want a scalar value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q\nwant %q", err, tt.want)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("errors.Is(err, ErrConfig) = false")
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want ErrNotExist", err)
	}
}

func TestEmpty(t *testing.T) {
	c, err := Parse("empty.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Vars.AddressGroups) != 0 || c.RuleFiles != nil {
		t.Errorf("empty config has values: %+v", c)
	}
	if err := c.Set("vars.address-groups.HOME_NET", "any"); err != nil {
		t.Fatal(err)
	}
	if c.Vars.AddressGroups["HOME_NET"] != "any" {
		t.Errorf("Set on empty config: %+v", c.Vars)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	addr := map[string]string{
		"HOME_NET":     "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
		"EXTERNAL_NET": "!$HOME_NET",
		"AIM_SERVERS":  "$EXTERNAL_NET",
	}
	for _, n := range []string{"HTTP_SERVERS", "SMTP_SERVERS", "SQL_SERVERS", "DNS_SERVERS",
		"TELNET_SERVERS", "DC_SERVERS", "DNP3_SERVER", "DNP3_CLIENT", "MODBUS_CLIENT",
		"MODBUS_SERVER", "ENIP_CLIENT", "ENIP_SERVER", "SIP_SERVERS"} {
		addr[n] = "$HOME_NET"
	}
	port := map[string]string{
		"HTTP_PORTS": "80", "SHELLCODE_PORTS": "!80", "ORACLE_PORTS": "1521", "SSH_PORTS": "22",
		"DNP3_PORTS": "20000", "MODBUS_PORTS": "502", "FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]",
		"FTP_PORTS": "21", "GENEVE_PORTS": "6081", "VXLAN_PORTS": "4789", "TEREDO_PORTS": "3544",
		"SIP_PORTS": "[5060,5061,5600]",
	}
	if d := cmp.Diff(addr, c.Vars.AddressGroups); d != "" {
		t.Errorf("address groups (-want +got):\n%s", d)
	}
	if d := cmp.Diff(port, c.Vars.PortGroups); d != "" {
		t.Errorf("port groups (-want +got):\n%s", d)
	}
	if c.File != DefaultsName {
		t.Errorf("File = %q", c.File)
	}
}

func TestWarnings(t *testing.T) {
	c, err := Parse("x.yaml", []byte("vars: {}\nfrobnicate:\n  a: 1\noutputs: []\nvigil:\n  x: 1\nstat:\n  enabled: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings() {
		got = append(got, w.Error())
	}
	want := []string{"x.yaml:2:1: frobnicate: unknown or unsupported setting (ignored)",
		"x.yaml:7:1: stat: unknown or unsupported setting (ignored)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w := Default().Warnings(); len(w) != 0 {
		t.Errorf("defaults warn: %v", w)
	}
}

func TestDump(t *testing.T) {
	c, err := Parse("x.yaml", []byte("vars:\n  address-groups:\n    HOME_NET: any\noutputs:\n  - fast:\n      enabled: yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("vars.port-groups.HTTP_PORTS", "80"); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Dump(&b); err != nil {
		t.Fatal(err)
	}
	want := "vars.address-groups.HOME_NET = any\nvars.port-groups.HTTP_PORTS = 80\noutputs.0.fast.enabled = yes\n"
	if b.String() != want {
		t.Errorf("dump:\n%s\nwant:\n%s", b.String(), want)
	}
}
